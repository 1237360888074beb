import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { CLIENT_TOKEN_AUDIENCE, CLIENT_TOKEN_ISSUER, ClientTokenSigner, looksLikeJwt } from './client-token.js';

const SECRET = 'c'.repeat(40);
const CLIENT = '01900000-0000-7000-8000-000000000001';
const sign = (claims: Record<string, unknown>, opts: { secret?: string; iss?: string; aud?: string; exp?: number } = {}) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(opts.iss ?? CLIENT_TOKEN_ISSUER)
    .setAudience(opts.aud ?? CLIENT_TOKEN_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(opts.exp ?? Math.floor(Date.now() / 1000) + 60)
    .sign(new TextEncoder().encode(opts.secret ?? SECRET));

describe('client tokens', () => {
  it('round-trip: sub is the client, jti random, exp from the lifetime', async () => {
    const signer = new ClientTokenSigner(SECRET);
    const a = await signer.issue(CLIENT, 3600);
    const b = await signer.issue(CLIENT, 3600);
    expect(a.jti).not.toBe(b.jti);
    expect(a.expiresAt.getTime() - a.issuedAt.getTime()).toBe(3_600_000);
    expect(await signer.verify(a.token)).toEqual({ clientId: CLIENT, jti: a.jti });
  });

  it('are null, never an exception, for every bad token', async () => {
    const signer = new ClientTokenSigner(SECRET);
    const none = [Buffer.from('{"alg":"none"}').toString('base64url'), Buffer.from(JSON.stringify({ sub: CLIENT, jti: 'j', iss: CLIENT_TOKEN_ISSUER, aud: CLIENT_TOKEN_AUDIENCE, exp: 9e9, iat: 1 })).toString('base64url'), ''].join('.');
    const bad = [
      await sign({ sub: CLIENT, jti: 'j' }, { secret: 'd'.repeat(40) }),
      await sign({ sub: CLIENT, jti: 'j' }, { exp: Math.floor(Date.now() / 1000) - 10 }),
      await sign({ sub: CLIENT, jti: 'j' }, { iss: 'someone-else' }),
      await sign({ sub: CLIENT, jti: 'j' }, { aud: 'fixfirst-subgraphs' }),
      await sign({ sub: CLIENT }),
      await sign({ sub: 'not-a-uuid', jti: 'j' }),
      none,
      'a.b.c',
      'garbage',
      'eyJ'.repeat(1000),
    ];
    for (const token of bad) expect(await signer.verify(token)).toBeNull();
    expect(await signer.verify(await sign({ sub: CLIENT, jti: 'j' }))).toEqual({ clientId: CLIENT, jti: 'j' });
  });

  it('recognise the JWT shape only', () => {
    expect(looksLikeJwt('eyJhbGciOi.eyJzdWIiOi.c2ln')).toBe(true);
    expect(looksLikeJwt('fxv_' + 'A'.repeat(43))).toBe(false);
    expect(looksLikeJwt('a.b')).toBe(false);
  });

  it('refuse a short secret', () => {
    expect(() => new ClientTokenSigner('short')).toThrow(/32 characters/);
  });
});
