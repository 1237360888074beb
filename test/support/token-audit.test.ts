import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { generateApiKey } from '../../lib/auth/api-key.js';
import { createTestDatabase } from './database.js';
import { auditDatabase, findTokens, recordIssuedToken } from './token-audit.js';

describe('the plaintext-credential audit of databases and logs', () => {
  it('finds issued tokens and anything shaped like a key or a JWT, and nothing else', () => {
    const key = generateApiKey('fxw_');
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjbGllbnQtMSIsImV4cCI6MX0.c2lnbmF0dXJlLW9mLWEtdG9rZW4';
    const custom = 'opaque-token-of-a-custom-shape-1234567890';
    recordIssuedToken(custom);
    expect(findTokens(`{"k":"${key}"}`, 'x')).toHaveLength(1);
    expect(findTokens(`Bearer ${jwt}`, 'x')).toHaveLength(1);
    expect(findTokens(`token=${custom}`, 'x')).toHaveLength(1);
    // A preview, a SHA-256 and ordinary text are not credentials.
    expect(findTokens(`fxv_AbCd… ${'a'.repeat(64)} eyJ is where JSON starts`, 'x')).toEqual([]);
  });

  it('searches every row of every table before a test database is dropped', async () => {
    const db = await createTestDatabase('token_audit');
    const sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    try {
      expect(await auditDatabase(db.url)).toEqual([]);
      const key = generateApiKey();
      await sql.query(`insert into clients.account (id, name, created_at) values (gen_random_uuid(), $1, now())`, [`leaked ${key}`]);
      expect(await auditDatabase(db.url)).toEqual([expect.stringMatching(/^table clients\.account: an API key/)]);
    } finally {
      // Before the drop: it terminates every connection to the database.
      await sql.end();
    }
    await expect(db.drop()).rejects.toThrow(/credentials stored or logged in plaintext/);
  });
});
