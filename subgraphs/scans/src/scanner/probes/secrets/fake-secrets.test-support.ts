import { generateKeyPairSync } from 'node:crypto';

/**
 * Secret-shaped values for the secrets tests, built at run time so no credential-looking string is
 * committed (and no push-protection scanner trips over the test suite). Deterministic per seed.
 */
export function fakeChars(alphabet: string, length: number, seed: number): string {
  let state = seed >>> 0 || 1;
  let out = '';
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    out += alphabet[(state >>> 8) % alphabet.length];
  }
  return out;
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const ALNUM = UPPER + LOWER + DIGITS;

export const fake = {
  awsKeyId: (seed = 1): string => ['AK', 'IA'].join('') + fakeChars(UPPER + '234567', 16, seed),
  awsSecret: (seed = 2): string => `${fakeChars(ALNUM + '/+', 37, seed)}a7Q`,
  stripeLive: (seed = 3): string => ['sk', 'live', fakeChars(ALNUM, 24, seed)].join('_'),
  stripeTest: (seed = 4): string => ['sk', 'test', fakeChars(ALNUM, 24, seed)].join('_'),
  githubPat: (seed = 5): string => ['gh', 'p_'].join('') + fakeChars(ALNUM, 36, seed),
  slackBot: (seed = 6): string => ['xo', 'xb-'].join('') + `123456789012-1234567890123-${fakeChars(ALNUM, 24, seed)}`,
  slackWebhook: (seed = 7): string =>
    `https://hooks.slack.com/services/T${fakeChars(UPPER + DIGITS, 8, seed)}/B${fakeChars(UPPER + DIGITS, 8, seed + 1)}/${fakeChars(ALNUM, 24, seed + 2)}`,
  googleKey: (seed = 8): string => ['AI', 'za'].join('') + fakeChars(ALNUM + '_-', 34, seed) + 'Q',
  jwt(payload: Record<string, unknown>, seed = 9): string {
    const part = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}.${fakeChars(ALNUM + '-_', 43, seed)}`;
  },
  /** A real, throwaway EC private key in PEM (PKCS#8), generated per call. */
  pem(): { pem: string; body: string } {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    return { pem, body: pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s/g, '') };
  },
};
