import { createHmac, generateKeyPairSync, randomBytes, randomInt } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * The credentials the vulnerable app leaks, each in the exact format of its provider so real
 * detectors match them. They are made fresh in every process from random bytes: none is a real
 * credential, and none is written in the repository (where secret scanners would rightly flag it).
 */
export interface PlantedSecrets {
  awsAccessKeyId: string;
  awsSecretAccessKey: string;
  stripeSecretKey: string;
  githubToken: string;
  slackBotToken: string;
  googleApiKey: string;
  /** A Supabase service_role JWT (HS256, role claim service_role). */
  supabaseServiceRoleJwt: string;
  /** PEM RSA private key, only in the source map's sourcesContent. */
  privateKeyPem: string;
  /** The one secret of the page's inline script (a second Stripe live key). */
  inlineStripeSecretKey: string;
}

/** Where each planted secret is served, for assertions on the finding's location. */
export const PLANTED_SECRET_LOCATIONS: Record<keyof PlantedSecrets, string> = {
  awsAccessKeyId: '/static/app.js',
  awsSecretAccessKey: '/static/app.js',
  stripeSecretKey: '/static/app.js',
  githubToken: '/static/app.js',
  slackBotToken: '/static/app.js',
  googleApiKey: '/static/app.js',
  supabaseServiceRoleJwt: '/static/app.js',
  privateKeyPem: '/static/app.js.map',
  inlineStripeSecretKey: '/ (inline script)',
};

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const BASE62 = DIGITS + UPPER + LOWER;

function pick(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** Base62 of a 32-bit number, left-padded to 6 characters (GitHub's token checksum encoding). */
function base62(n: number, width: number): string {
  let out = '';
  let v = n >>> 0;
  do {
    out = BASE62[v % 62] + out;
    v = Math.floor(v / 62);
  } while (v > 0);
  return out.padStart(width, '0');
}

/** ghp_ + 30 random base62 characters + the CRC32 of those, base62: passes GitHub's own checksum test. */
export function githubToken(): string {
  const entropy = pick(BASE62, 30);
  return `ghp_${entropy}${base62(crc32(entropy), 6)}`;
}

function b64url(value: object | Buffer): string {
  return (Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value))).toString('base64url');
}

function supabaseServiceRoleJwt(): string {
  const iat = Math.floor(Date.now() / 1000) - 86_400;
  const head = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ iss: 'supabase', ref: pick(LOWER, 20), role: 'service_role', iat, exp: iat + 10 * 365 * 86_400 })}`;
  return `${head}.${b64url(createHmac('sha256', randomBytes(32)).update(head).digest())}`;
}

let cached: PlantedSecrets | null = null;

/** The secrets of this process (one RSA key generation, then cached). */
export function plantedSecrets(): PlantedSecrets {
  cached ??= {
    awsAccessKeyId: `AKIA${pick(UPPER + '234567', 16)}`,
    awsSecretAccessKey: pick(BASE62 + '/+', 40),
    stripeSecretKey: `sk_live_${pick(BASE62, 24)}`,
    githubToken: githubToken(),
    slackBotToken: `xoxb-${pick(DIGITS, 11)}-${pick(DIGITS, 13)}-${pick(BASE62, 24)}`,
    googleApiKey: `AIza${pick(BASE62 + '_-', 35)}`,
    supabaseServiceRoleJwt: supabaseServiceRoleJwt(),
    privateKeyPem: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    inlineStripeSecretKey: `sk_live_${pick(BASE62, 24)}`,
  };
  return cached;
}
