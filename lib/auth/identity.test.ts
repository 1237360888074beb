import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { IdentitySigner, type Identity } from './identity.js';

const SECRET = 'x'.repeat(40);
const who: Identity = {
  accountId: 'acc',
  clientId: 'cli',
  scopes: ['scans:read'],
  credentialId: 'key-1',
  credentialHash: 'ab'.repeat(32),
  credentialKind: 'client_token',
  sourceIp: '203.0.113.9',
  userAgent: 'curl/8.5.0',
};

describe('IdentitySigner', () => {
  it('round-trips an identity', async () => {
    const signer = new IdentitySigner(SECRET);
    expect(await signer.verify(await signer.sign(who))).toEqual(who);
  });

  it('reads an identity without kind or origin as an API key from nowhere', async () => {
    const signer = new IdentitySigner(SECRET);
    const bare: Identity = { accountId: 'acc', clientId: null, scopes: [], credentialId: 'k', credentialHash: 'cd'.repeat(32) };
    expect(await signer.verify(await signer.sign(bare))).toEqual({ ...bare, credentialKind: 'api_key', sourceIp: null, userAgent: null });
  });

  it('keeps a null client for account-wide credentials', async () => {
    const signer = new IdentitySigner(SECRET);
    expect((await signer.verify(await signer.sign({ ...who, clientId: null }))).clientId).toBeNull();
  });

  it('rejects a token signed with another secret', async () => {
    const token = await new IdentitySigner('y'.repeat(40)).sign(who);
    await expect(new IdentitySigner(SECRET).verify(token)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('rejects a missing, malformed or expired token', async () => {
    const signer = new IdentitySigner(SECRET);
    await expect(signer.verify(undefined)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    await expect(signer.verify('not.a.jwt')).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    const expired = await new SignJWT({ acc: 'acc', scp: [], cid: 'k' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('fixfirst-gateway')
      .setAudience('fixfirst-subgraphs')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(SECRET));
    await expect(signer.verify(expired)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('rejects an unsigned (alg none) token', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const body = Buffer.from(JSON.stringify({ acc: 'acc', scp: ['scans:read'], cid: 'k', iss: 'fixfirst-gateway', aud: 'fixfirst-subgraphs' })).toString('base64url');
    await expect(new IdentitySigner(SECRET).verify(`${header}.${body}.`)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('refuses a short secret', () => {
    expect(() => new IdentitySigner('short')).toThrow(/32 characters/);
  });
});
