import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fake } from './fake-secrets.test-support.js';
import { findSecrets, looksLikePlaceholder, redact } from './secret-patterns.js';

const kinds = (text: string): string[] => findSecrets(text).map((m) => m.kind);

describe('findSecrets', () => {
  it('pairs an AWS key id with the secret access key next to it', () => {
    const id = fake.awsKeyId();
    const secret = fake.awsSecret();
    const [match, ...rest] = findSecrets(`const aws = { accessKeyId: "${id}", secretAccessKey: "${secret}" };`);
    expect(rest).toEqual([]);
    expect(match).toMatchObject({ kind: 'aws-access-key', redacted: `${id.slice(0, 4)}…${id.slice(-4)}` });
    expect(match!.details).toEqual({ accessKeyId: redact(id), secretAccessKey: redact(secret) });
  });

  it('pairs keys written as environment variables, but not with a slice of a longer token', () => {
    const id = fake.awsKeyId(12);
    const secret = fake.awsSecret(13);
    expect(kinds(`AWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${secret}\n`)).toEqual(['aws-access-key']);
    // 41 characters: not a secret access key, whatever 40 of them look like.
    expect(kinds(`AWS_ACCESS_KEY_ID=${id}\nblob=${secret}Z\n`)).toEqual(['aws-access-key-id']);
  });

  it('reports an AWS key id alone as such, and ignores a 40-character hex digest near it', () => {
    const id = fake.awsKeyId(11);
    expect(kinds(`key="${id}" commit="${'a3f9'.repeat(10)}"`)).toEqual(['aws-access-key-id']);
  });

  it('ignores documentation and placeholder values', () => {
    const text = [
      `${['AK', 'IA'].join('')}IOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`,
      ['sk', 'live', 'x'.repeat(24)].join('_'),
      ['sk', 'live', 'YOUR_KEY_GOES_HERE'.padEnd(24, '0')].join('_'),
      ['gh', 'p_'].join('') + 'A'.repeat(36),
      '-----BEGIN PRIVATE KEY-----\\n...\\n-----END PRIVATE KEY-----',
    ].join('\n');
    expect(findSecrets(text)).toEqual([]);
  });

  it('tells Stripe live secret, restricted and test keys apart', () => {
    const restricted = ['rk', 'live', 'Zq8'.padEnd(3, 'x') + fake.stripeLive(21).slice(8)].join('_');
    expect(kinds(`${fake.stripeLive()} ${restricted} ${fake.stripeTest()}`)).toEqual(['stripe-secret-key', 'stripe-restricted-key', 'stripe-test-key']);
    // Publishable keys are meant for browsers.
    expect(kinds(['pk', 'live', fake.stripeLive(5).slice(8)].join('_'))).toEqual([]);
  });

  it('finds GitHub, Slack and Google credentials', () => {
    const text = `${fake.githubPat()}\n${fake.slackBot()}\n${fake.slackWebhook()}\n${fake.googleKey()}`;
    expect(kinds(text)).toEqual(['github-token', 'slack-token', 'slack-webhook', 'google-api-key']);
    const installation = ['gh', 's_'].join('') + fake.githubPat(31).slice(4);
    expect(kinds(installation)).toEqual(['github-app-token']);
  });

  it('reads a PEM private key inside a JavaScript string with \\n escapes', () => {
    const { pem, body } = fake.pem();
    const js = `const key = "${pem.trim().replace(/\n/g, '\\n')}";`;
    const [match] = findSecrets(js);
    expect(match).toMatchObject({ kind: 'private-key', value: body, details: { keyType: 'PRIVATE KEY' } });
    expect(match!.redacted).toBe(`${body.slice(0, 4)}…${body.slice(-4)}`);
  });

  it('reads a PEM key split into concatenated string literals, and tells encrypted keys apart', () => {
    const { pem, body } = fake.pem();
    const concatenated = pem
      .trim()
      .split('\n')
      .map((line) => JSON.stringify(`${line}\n`))
      .join(' +\n  ');
    expect(findSecrets(`const k = ${concatenated};`)).toMatchObject([{ kind: 'private-key', value: body }]);
    const encrypted = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'test-only' })
      .toString();
    expect(findSecrets(encrypted)).toMatchObject([{ kind: 'encrypted-private-key', details: { keyType: 'ENCRYPTED PRIVATE KEY' } }]);
  });

  it('reports a Supabase JWT only when its payload role is service_role', () => {
    const service = fake.jwt({ iss: 'supabase', ref: 'abcdefghijklmnopqrst', role: 'service_role', iat: 1700000000, exp: 2000000000 });
    const anon = fake.jwt({ iss: 'supabase', ref: 'abcdefghijklmnopqrst', role: 'anon', iat: 1700000000, exp: 2000000000 });
    const demo = fake.jwt({ iss: 'supabase-demo', role: 'service_role', exp: 1983812996 });
    expect(findSecrets(`${anon} ${demo}`)).toEqual([]);
    const [match] = findSecrets(`createClient(url, "${service}")`);
    expect(match).toMatchObject({ kind: 'supabase-service-role-key', details: { role: 'service_role', iss: 'supabase', ref: 'abcdefghijklmnopqrst' } });
  });
});

describe('looksLikePlaceholder and redact', () => {
  it('flags repeated and low-variety bodies but not random ones', () => {
    expect(looksLikePlaceholder('aaaaaaB1')).toBe(true);
    expect(looksLikePlaceholder('abababababababababab')).toBe(true);
    expect(looksLikePlaceholder(fake.githubPat().slice(4))).toBe(false);
  });

  it('keeps only the first and last characters', () => {
    expect(redact('AKIAABCDEFGHIJKLWXYZ')).toBe('AKIA…WXYZ');
    expect(redact('short123')).toBe('sh…23');
  });
});
