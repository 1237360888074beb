import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Secrets of alert channels at rest. A generic webhook's signing secret must be usable later (we
 * sign every delivery), and Slack/Teams webhook URLs are bearer credentials themselves, so both
 * are kept encrypted with AES-256-GCM under a key derived from INTERNAL_TOKEN_SECRET, bound to
 * their channel (the channel id and field are the additional authenticated data): a value copied
 * into another row does not decrypt. Rotating INTERNAL_TOKEN_SECRET makes them unreadable:
 * channels must then be configured again.
 */
export class AlertCipher {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHmac('sha256', secret).update('fixfirst alert-secrets v1').digest();
  }

  /** `v1.<iv>.<tag>.<ciphertext>`, base64url. */
  encrypt(plain: string, channelId: string, field: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(`${channelId}:${field}`));
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
  }

  decrypt(sealed: string, channelId: string, field: string): string {
    const [v, iv, tag, ct] = sealed.split('.');
    if (v !== 'v1' || !iv || !tag || ct === undefined) throw new Error('alert secret: unknown format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(`${channelId}:${field}`));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  }
}

/**
 * A new signing secret for a generic webhook: `ffsig-` and 64 hex characters (32 random bytes).
 * Deliberately unlike an API key (`fxv_…`) or a JWT, so nobody mistakes one for the other.
 */
export function generateWebhookSecret(): string {
  return `ffsig-${randomBytes(32).toString('hex')}`;
}

/** `v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`: the X-Fixfirst-Signature header. */
export function webhookSignature(secret: string, timestamp: number, rawBody: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

/**
 * The receiver's check, as README "Alerts" documents it: recompute over the raw body, compare in
 * constant time, and refuse timestamps more than `toleranceSeconds` away (replays).
 */
export function verifyWebhookSignature(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  rawBody: string,
  toleranceSeconds = 300,
  nowSeconds = Math.floor(Date.now() / 1000),
): boolean {
  const ts = Number(headers.timestamp);
  if (!Number.isInteger(ts) || Math.abs(nowSeconds - ts) > toleranceSeconds || !headers.signature) return false;
  const expected = Buffer.from(webhookSignature(secret, ts, rawBody));
  const given = Buffer.from(headers.signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
