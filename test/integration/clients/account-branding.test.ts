import { graphql } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientTokenSigner } from '../../../lib/auth/client-token.js';
import type { Identity } from '../../../lib/auth/identity.js';
import { openModuleOrm, type MikroORM } from '../../../lib/db/orm.js';
import { MAX_LOGO_BYTES } from '../../../subgraphs/clients/src/account/account-branding.input.js';
import { ClientsContext } from '../../../subgraphs/clients/src/context.js';
import type { ClientsDeps } from '../../../subgraphs/clients/src/deps.js';
import { clientsDb, CredentialService } from '../../../subgraphs/clients/src/module.js';
import { buildClientsSchema } from '../../../subgraphs/clients/src/schema.js';
import { seedClientWithKey, seedTenant } from '../../factories/tenant.js';
import { createTestDatabase } from '../../support/database.js';
import { recordIssuedToken } from '../../support/token-audit.js';

/** A real 1×1 PNG. */
const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** A PNG-signed payload of exactly `bytes` bytes, to probe the size limit. */
const pngOf = (bytes: number) => `data:image/png;base64,${Buffer.concat([PNG_SIGNATURE, Buffer.alloc(bytes - PNG_SIGNATURE.length, 7)]).toString('base64')}`;
const JPEG = `data:image/jpeg;base64,${Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1]).toString('base64')}`;
const WEBP = `data:image/webp;base64,${Buffer.concat([Buffer.from('RIFF'), Buffer.from([30, 0, 0, 0]), Buffer.from('WEBPVP8 ')]).toString('base64')}`;

const BRANDING = 'branding { displayName logoDataUrl accentColor }';
const UPDATE = `mutation ($input: AccountBrandingInput!) { updateAccountBranding(input: $input) { id ${BRANDING} } }`;

describe('account branding (white-label fields of the reports)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let orm: MikroORM;
  let schema: Awaited<ReturnType<typeof buildClientsSchema>>['schema'];
  let owner: Identity;
  let accountId: string;
  // Branding never registers clients: a plan lookup would be a bug.
  const deps: ClientsDeps = {
    keyPrefix: 'fxv_',
    tokenSigner: new ClientTokenSigner('b'.repeat(40)),
    tokenTtlSeconds: 3600,
    plans: { defaultTier: 'trial', assign: () => Promise.reject(new Error('branding must not assign plans')) },
  };
  const identityOf = async (key: string) => (await new CredentialService(orm.em.fork(), 'fxv_').authenticate(key))!;
  const run = async (as: Identity, source: string, variableValues: Record<string, unknown> = {}) =>
    graphql({ schema, source, variableValues, contextValue: new ClientsContext(as, orm.em.fork(), deps) });
  type Branding = { displayName: string | null; logoDataUrl: string | null; accentColor: string | null };
  const update = async (as: Identity, input: Record<string, unknown>) => {
    const r = await run(as, UPDATE, { input });
    return r as typeof r & { data?: { updateAccountBranding: { id: string; branding: Branding } } | null };
  };
  /** The error code and the offending field of a refused update. */
  const refusal = async (as: Identity, input: Record<string, unknown>) => {
    const r = await update(as, input);
    expect(r.data, JSON.stringify(input).slice(0, 80)).toBeNull();
    const e = r.errors![0]!;
    return { code: e.extensions?.code, field: e.extensions?.field, message: e.message };
  };
  const stored = async () =>
    (await orm.em.fork().getConnection().execute<{ brand_display_name: string | null; brand_logo_data_url: string | null; brand_accent_color: string | null }[]>(
      'select brand_display_name, brand_logo_data_url, brand_accent_color from clients.account where id = ?',
      [accountId],
    ))[0]!;

  beforeAll(async () => {
    db = await createTestDatabase('account_branding');
    orm = await openModuleOrm(clientsDb, { url: db.url, poolMax: 4 });
    schema = (await buildClientsSchema()).schema;
    const tenant = await seedTenant(db.url, 'Acme MSP');
    accountId = tenant.accountId;
    owner = await identityOf(tenant.apiKey);
  });
  afterAll(async () => {
    await orm?.close();
    await db?.drop();
  });

  it('starts unbranded, then stores and returns a name, a PNG logo and a colour (normalised)', async () => {
    const before = await run(owner, `{ me { account { name ${BRANDING} } } }`);
    expect(before.errors).toBeUndefined();
    expect(before.data).toEqual({ me: { account: { name: 'Acme MSP', branding: { displayName: null, logoDataUrl: null, accentColor: null } } } });

    const r = await update(owner, { displayName: '  Acme Security  ', logoDataUrl: `data:IMAGE/PNG;base64,${PNG_1PX}`, accentColor: '#0A7CFF' });
    expect(r.errors).toBeUndefined();
    const expected = { displayName: 'Acme Security', logoDataUrl: `data:image/png;base64,${PNG_1PX}`, accentColor: '#0a7cff' };
    expect(r.data).toEqual({ updateAccountBranding: { id: accountId, branding: expected } });
    expect(await stored()).toEqual({ brand_display_name: expected.displayName, brand_logo_data_url: expected.logoDataUrl, brand_accent_color: expected.accentColor });
    // Read back on a fresh request, through me and through a client's account.
    expect((await run(owner, `{ me { account { ${BRANDING} } } }`)).data).toEqual({ me: { account: { branding: expected } } });
    expect((await run(owner, `{ clients { account { ${BRANDING} } } }`)).data?.clients).toEqual([{ account: { branding: expected } }]);
  });

  it('leaves absent fields as they are, clears a field set to null, and accepts JPEG and WebP', async () => {
    await update(owner, { displayName: 'Acme Security', logoDataUrl: `data:image/png;base64,${PNG_1PX}`, accentColor: '#112233' });
    expect((await update(owner, { accentColor: '#445566' })).data?.updateAccountBranding.branding).toMatchObject({ displayName: 'Acme Security', accentColor: '#445566', logoDataUrl: `data:image/png;base64,${PNG_1PX}` });
    expect((await update(owner, { logoDataUrl: JPEG })).data?.updateAccountBranding.branding.logoDataUrl).toBe(JPEG);
    expect((await update(owner, { logoDataUrl: WEBP })).data?.updateAccountBranding.branding.logoDataUrl).toBe(WEBP);
    expect((await update(owner, { logoDataUrl: null, displayName: '' })).data?.updateAccountBranding.branding).toEqual({ displayName: null, logoDataUrl: null, accentColor: '#445566' });
    expect(await stored()).toMatchObject({ brand_display_name: null, brand_logo_data_url: null });
    // Mutations of one operation run in turn: each answers with the branding as it left it.
    const twice = await run(owner, `mutation { a: updateAccountBranding(input: { accentColor: "#000001" }) { ${BRANDING} } b: updateAccountBranding(input: { accentColor: "#000002" }) { ${BRANDING} } }`);
    expect(twice.errors).toBeUndefined();
    expect(twice.data).toMatchObject({ a: { branding: { accentColor: '#000001' } }, b: { branding: { accentColor: '#000002' } } });
  });

  it('refuses a colour that is not #rrggbb', async () => {
    for (const accentColor of ['#abc', 'red', '#gggggg', '#0a7cff; background:url(x)', 'rgb(1,2,3)', '#0a7cff00']) {
      expect(await refusal(owner, { accentColor })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'accentColor' });
    }
  });

  it('refuses SVG logos, other types, non-base64 and mislabelled images', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>').toString('base64');
    const cases: [string, RegExp][] = [
      [`data:image/svg+xml;base64,${svg}`, /SVG is not accepted/],
      ['data:image/svg+xml;utf8,<svg onload="alert(1)"/>', /SVG is not accepted/],
      [`data:image/gif;base64,${Buffer.from('GIF89a').toString('base64')}`, /image\/png, data:image\/jpeg or data:image\/webp/],
      [`data:image/png,${PNG_1PX}`, /base64-encoded/],
      ['data:image/png;base64,not*base64!', /not valid base64/],
      [`data:image/png;base64,${PNG_1PX.slice(0, -1)}`, /not valid base64/],
      [`data:image/png;base64,${JPEG.split(',')[1]}`, /not a PNG image/],
      [`https://evil.example/logo.png`, /must be a data URL/],
      [`javascript:alert(1)`, /must be a data URL/],
    ];
    for (const [logoDataUrl, message] of cases) {
      const r = await refusal(owner, { logoDataUrl });
      expect(r, logoDataUrl.slice(0, 40)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'logoDataUrl' });
      expect(r.message).toMatch(message);
    }
  });

  it(`accepts a logo of exactly ${MAX_LOGO_BYTES} bytes and refuses one byte more`, async () => {
    expect((await update(owner, { logoDataUrl: pngOf(MAX_LOGO_BYTES) })).errors).toBeUndefined();
    const r = await refusal(owner, { logoDataUrl: pngOf(MAX_LOGO_BYTES + 1) });
    expect(r).toMatchObject({ code: 'BAD_USER_INPUT', field: 'logoDataUrl' });
    expect(r.message).toMatch(/at most 200 KB decoded/);
    expect((await stored()).brand_logo_data_url).toBe(pngOf(MAX_LOGO_BYTES));
  });

  it('refuses a display name over 120 characters or with control characters, naming every bad field at once', async () => {
    expect((await update(owner, { displayName: 'x'.repeat(120) })).errors).toBeUndefined();
    expect(await refusal(owner, { displayName: 'x'.repeat(121) })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'displayName' });
    expect(await refusal(owner, { displayName: 'Acme\u0000' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'displayName' });
    const both = await update(owner, { displayName: 'y'.repeat(121), accentColor: 'blue' });
    expect(both.errors![0]!.extensions?.issues).toEqual([
      { field: 'displayName', message: 'must be at most 120 characters' },
      { field: 'accentColor', message: 'must be a colour #rrggbb' },
    ]);
  });

  it('refuses a client-scoped credential and one without clients:admin, changing nothing; both may still read it', async () => {
    await update(owner, { displayName: 'Acme Security', accentColor: '#123456' });
    const before = await stored();
    const scoped = await seedClientWithKey(db.url, accountId, 'Client A');
    const scopedIdentity = await identityOf(scoped.apiKey);
    expect(scopedIdentity.scopes).toContain('clients:admin');
    expect(await refusal(scopedIdentity, { accentColor: '#ff0000' })).toMatchObject({ code: 'FORBIDDEN' });
    const reader = await new ClientsContext(owner, orm.em.fork(), deps).apiKeys.create({ name: 'reader', scopes: ['scans:read'] });
    recordIssuedToken(reader.plaintext);
    const readerIdentity = await identityOf(reader.plaintext);
    expect(await refusal(readerIdentity, { accentColor: '#ff0000' })).toMatchObject({ code: 'FORBIDDEN' });
    expect(await stored()).toEqual(before);
    // The reports a client receives carry the account's branding, so a client credential reads it.
    expect((await run(scopedIdentity, `{ me { account { branding { displayName accentColor } } } }`)).data).toEqual({
      me: { account: { branding: { displayName: 'Acme Security', accentColor: '#123456' } } },
    });
  });

  it("changes only the caller's own account", async () => {
    const other = await seedTenant(db.url, 'Other MSP');
    const otherIdentity = await identityOf(other.apiKey);
    const before = await stored();
    expect((await update(otherIdentity, { displayName: 'Other', accentColor: '#000000' })).data?.updateAccountBranding).toMatchObject({ id: other.accountId });
    expect(await stored()).toEqual(before);
  });
});
