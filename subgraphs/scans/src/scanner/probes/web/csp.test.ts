import { describe, expect, it } from 'vitest';
import { cspWeaknesses, frameAncestors, metaCspValues, parseCsp } from './csp.js';

const keys = (...values: string[]): string[] => cspWeaknesses(parseCsp(values)).map((w) => w.key);

describe('parseCsp', () => {
  it('splits policies on commas and directives on semicolons, keeping the first of a repeated directive', () => {
    const [a, b] = parseCsp(["default-src 'self'; SCRIPT-SRC 'none'; script-src *, img-src data:"]);
    expect(a!.directives.get('script-src')).toEqual(["'none'"]);
    expect(a!.directives.get('default-src')).toEqual(["'self'"]);
    expect(b!.directives.get('img-src')).toEqual(['data:']);
  });

  it('ignores empty policies', () => {
    expect(parseCsp([' ; ', ''])).toEqual([]);
  });
});

describe('cspWeaknesses', () => {
  it('finds nothing in a strict nonce policy, even with fallbacks for old browsers', () => {
    expect(keys("script-src 'nonce-abc' 'strict-dynamic' 'unsafe-inline' https: http:; object-src 'none'; base-uri 'none'")).toEqual([]);
  });

  it("finds nothing in default-src 'self'", () => {
    expect(keys("default-src 'self'")).toEqual([]);
  });

  it("reports 'unsafe-inline' only without a nonce, hash or 'strict-dynamic'", () => {
    expect(keys("default-src 'self' 'unsafe-inline'")).toEqual(['unsafe-inline']);
    expect(keys("default-src 'self' 'unsafe-inline' 'sha256-abc='")).toEqual([]);
    expect(keys("default-src 'self' 'unsafe-inline' 'nonce-xyz'")).toEqual([]);
  });

  it("reports 'unsafe-eval', *, and the http:, https: and data: schemes for scripts", () => {
    expect(keys("default-src 'self'; script-src 'self' 'unsafe-eval' * http: https: data:")).toEqual([
      'unsafe-eval',
      'wildcard',
      'scheme-http',
      'scheme-https',
      'scheme-data',
    ]);
  });

  it('judges scripts by script-src, falling back to default-src', () => {
    expect(keys("default-src *; script-src 'self'; object-src 'none'")).toEqual([]);
    expect(keys("default-src 'self' data:")).toEqual(['scheme-data']);
  });

  it('reports a policy that restricts neither scripts nor plugins', () => {
    expect(keys("img-src 'self'")).toEqual(['scripts-unrestricted', 'objects-unrestricted']);
    expect(keys("script-src 'self'")).toEqual(['objects-unrestricted']);
    expect(keys("script-src 'self'; object-src *")).toEqual(['objects-unrestricted']);
  });

  it('counts a weakness only when every enforced policy has it', () => {
    expect(keys("default-src * 'unsafe-inline'", "script-src 'self'; object-src 'none'")).toEqual([]);
    expect(keys("default-src 'self' 'unsafe-eval'", "script-src 'unsafe-eval'")).toEqual(['unsafe-eval']);
  });

  it('says which directive allows what', () => {
    const [w] = cspWeaknesses(parseCsp(["script-src 'unsafe-eval'; object-src 'none'"]));
    expect(w!.text).toContain("script-src allows 'unsafe-eval'");
  });
});

describe('frameAncestors', () => {
  it('is null without the directive', () => {
    expect(frameAncestors(parseCsp(["default-src 'self'"]))).toBeNull();
  });

  it("is restrictive for 'none', 'self' and listed origins, not for * or a bare scheme", () => {
    expect(frameAncestors(parseCsp(["frame-ancestors 'none'"]))?.restrictive).toBe(true);
    expect(frameAncestors(parseCsp(['frame-ancestors https://partner.example']))?.restrictive).toBe(true);
    expect(frameAncestors(parseCsp(['frame-ancestors *']))).toEqual({ restrictive: false, value: 'frame-ancestors *' });
    expect(frameAncestors(parseCsp(['frame-ancestors https:']))?.restrictive).toBe(false);
  });

  it('is restrictive when any of several policies restricts framing', () => {
    expect(frameAncestors(parseCsp(['frame-ancestors *', "frame-ancestors 'self'"]))?.restrictive).toBe(true);
  });
});

describe('metaCspValues', () => {
  it('reads http-equiv policies whatever the attribute order and quoting', () => {
    const html = `<head><meta content="default-src 'self'" http-equiv="Content-Security-Policy">
      <meta http-equiv='content-security-policy' content='script-src &apos;none&apos;'>
      <meta name="viewport" content="width=device-width"></head>`;
    expect(metaCspValues(html)).toEqual(["default-src 'self'", "script-src 'none'"]);
  });
});
