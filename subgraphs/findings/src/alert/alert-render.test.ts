import { describe, expect, it } from 'vitest';
import { AddressPolicy } from '../../../../lib/net/address-policy.js';
import { checkedAddress, DestinationRefusedError, parseWebhookUrl } from './alert-http.js';
import { sampleMessage, type AlertMessage } from './alert-message.js';
import { renderEmail, renderSlack, renderTeams, renderWebhook } from './alert-render.js';
import { AlertCipher, generateWebhookSecret, verifyWebhookSignature, webhookSignature } from './alert-secret.js';

const hostile: AlertMessage = {
  ...sampleMessage('c1', 'Acme <Ops> & Co'),
  event: 'SCAN_FINDINGS',
  scan: { id: '0190f3c2-0000-7000-8000-000000000001', target: 'https://x.example/<a>', status: 'COMPLETED', error: null },
};
hostile.items = hostile.items.map((i) => ({ ...i, title: '<!channel> *bold* [link](https://evil.example) <img src=x onerror=alert(1)>' }));
const link = (scanId: string) => `https://reports.example/scan/${scanId}/report/technical?exp=1&cred=key.x&sig=y`;

describe('alert messages per channel', () => {
  it('escapes target text for Slack mrkdwn, so no mention or link can be forged', () => {
    const s = renderSlack(hostile, link) as { text: string; blocks: { type: string; text?: { text: string } }[] };
    const all = JSON.stringify(s);
    expect(all).not.toContain('<!channel>');
    expect(all).toContain('&lt;!channel&gt;');
    expect(s.text).toContain('Acme &lt;Ops&gt; &amp; Co');
    expect(s.blocks.at(-1)).toMatchObject({ type: 'actions' });
  });

  it('escapes HTML in email and markdown in the Teams card', () => {
    const e = renderEmail(hostile, link);
    expect(e.html).not.toContain('<img');
    expect(e.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(e.text).toContain('<img src=x'); // the text part is plain text
    const card = JSON.stringify(renderTeams(hostile, link));
    expect(card).toContain('\\\\[link\\\\]');
    expect(card).toContain('\\\\*bold\\\\*');
  });

  it('lists findings with severity, where, KEV and links in the webhook JSON', () => {
    const w = renderWebhook(hostile, link, 'd1') as { findings: { severity: string; kev: boolean; target: string; report_url: string }[]; delivery_id: string };
    expect(w.delivery_id).toBe('d1');
    expect(w.findings[0]).toMatchObject({ severity: 'CRITICAL', kev: true, target: 'https://example.com/' });
  });
});

describe('webhook secrets and signatures', () => {
  it('makes secrets that look like neither an API key nor a JWT, and signs timestamp.body', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^ffsig-[0-9a-f]{64}$/);
    const sig = webhookSignature(secret, 1_700_000_000, '{"a":1}');
    expect(verifyWebhookSignature(secret, { timestamp: '1700000000', signature: sig }, '{"a":1}', 300, 1_700_000_100)).toBe(true);
    expect(verifyWebhookSignature(secret, { timestamp: '1700000000', signature: sig }, '{"a":2}', 300, 1_700_000_100)).toBe(false);
    expect(verifyWebhookSignature(secret, { timestamp: '1700000000', signature: sig }, '{"a":1}', 300, 1_700_001_000)).toBe(false);
  });

  it('encrypts bound to the channel: another row cannot decrypt it', () => {
    const c = new AlertCipher('x'.repeat(40));
    const sealed = c.encrypt('https://hooks.slack.com/services/T/B/secret', 'ch1', 'url');
    expect(sealed).not.toContain('hooks.slack.com');
    expect(c.decrypt(sealed, 'ch1', 'url')).toBe('https://hooks.slack.com/services/T/B/secret');
    expect(() => c.decrypt(sealed, 'ch2', 'url')).toThrow();
  });
});

describe('webhook destinations', () => {
  const rules = { policy: AddressPolicy.parse(''), allowHttp: false };
  it('refuses http unless allowed, credentials in the URL, and refused addresses', async () => {
    expect(() => parseWebhookUrl('http://hooks.example/x', false)).toThrow(DestinationRefusedError);
    expect(parseWebhookUrl('http://hooks.example/x', true).protocol).toBe('http:');
    expect(() => parseWebhookUrl('https://u:p@hooks.example/x', false)).toThrow(/credentials/);
    await expect(checkedAddress(new URL('https://127.0.0.1/x'), rules)).rejects.toThrow(/loopback/);
    // A name resolving to any refused address is refused (no picking the good one).
    await expect(checkedAddress(new URL('https://mixed.example/x'), { ...rules, resolve: async () => ['93.184.216.34', '10.0.0.5'] })).rejects.toThrow(/private/);
    await expect(checkedAddress(new URL('https://ok.example/x'), { ...rules, resolve: async () => ['93.184.216.34'] })).resolves.toBe('93.184.216.34');
  });
});
