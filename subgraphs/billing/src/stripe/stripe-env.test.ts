import { describe, expect, it } from 'vitest';
import { stripeEnv, stripeSettingsFromEnv, tierOfPrice } from './stripe-env.js';

const complete = {
  STRIPE_SECRET_KEY: 'sk_test_x',
  STRIPE_WEBHOOK_SECRET: 'whsec_x',
  STRIPE_PRICE_PROFESSIONAL: 'price_pro',
  STRIPE_SUCCESS_URL: 'https://app.example/ok',
  STRIPE_CANCEL_URL: 'https://app.example/cancel',
  STRIPE_API_URL: 'http://127.0.0.83:12111',
};

describe('Stripe settings', () => {
  it('leaves billing unconfigured without keys, and configured with both', () => {
    expect(stripeSettingsFromEnv(stripeEnv.parse({}))).toBeNull();
    const s = stripeSettingsFromEnv(stripeEnv.parse(complete))!;
    expect(s.prices).toEqual({ professional: 'price_pro' });
    expect(s.apiUrl?.port).toBe('12111');
    expect(tierOfPrice(s, 'price_pro')).toBe('professional');
    expect(tierOfPrice(s, 'price_other')).toBeNull();
  });

  it('refuses one key without the other, and the key without the return URLs', () => {
    const messages = (env: Record<string, string>) => (stripeEnv.safeParse(env).error?.issues ?? []).map((i) => i.message).join('; ');
    expect(messages({ STRIPE_WEBHOOK_SECRET: 'whsec_x' })).toMatch(/STRIPE_WEBHOOK_SECRET requires STRIPE_SECRET_KEY/);
    expect(messages({ ...complete, STRIPE_WEBHOOK_SECRET: '' })).toMatch(/STRIPE_SECRET_KEY requires STRIPE_WEBHOOK_SECRET/);
    expect(messages({ STRIPE_SECRET_KEY: 'sk_test_x', STRIPE_WEBHOOK_SECRET: 'whsec_x' })).toMatch(/STRIPE_SUCCESS_URL and STRIPE_CANCEL_URL/);
  });
});
