import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProbeContext } from '../../../../../../test/support/probe-context.js';
import { cookieIssues, cookiesProbe } from './cookies.probe.js';
import { isSessionCookie, parseSetCookie } from './set-cookie.js';
import { startWebLab, type LabResponse, type WebLab } from './web-lab.test-support.js';

const issues = (line: string, url = 'https://shop.example/') => cookieIssues(parseSetCookie(line)!, url).map((i) => [i.checkId, i.severity ?? 'default']);

describe('parseSetCookie', () => {
  it('reads attributes case-insensitively and redacts the value', () => {
    expect(parseSetCookie('JSESSIONID=ABC123DEF; path=/; SECURE; httponly; SameSite=STRICT')).toEqual({
      name: 'JSESSIONID',
      redacted: 'JSESSIONID=[redacted]; path=/; SECURE; httponly; SameSite=STRICT',
      secure: true,
      httpOnly: true,
      sameSite: 'strict',
      deletion: false,
    });
  });

  it('recognises a cookie being deleted by Max-Age or a past Expires', () => {
    expect(parseSetCookie('sid=; Max-Age=0')!.deletion).toBe(true);
    expect(parseSetCookie('sid=x; Expires=Thu, 01 Jan 1970 00:00:00 GMT')!.deletion).toBe(true);
    expect(parseSetCookie('sid=x; Expires=Fri, 01 Jan 2100 00:00:00 GMT')!.deletion).toBe(false);
  });

  it('ignores a header without a name=value pair', () => {
    expect(parseSetCookie('garbage')).toBeNull();
    expect(parseSetCookie('=value')).toBeNull();
  });
});

describe('isSessionCookie', () => {
  it.each(['PHPSESSID', 'connect.sid', 'ASP.NET_SessionId', 'auth_token', 'jwt', 'remember_login'])('treats %s as a session cookie', (name) => {
    expect(isSessionCookie(name)).toBe(true);
  });
  it.each(['theme', 'lang', '_ga'])('does not treat %s as a session cookie', (name) => {
    expect(isSessionCookie(name)).toBe(false);
  });
});

describe('cookieIssues', () => {
  it('asks a non-session cookie over HTTPS for Secure (Low) and SameSite, not HttpOnly', () => {
    expect(issues('theme=dark')).toEqual([
      ['cookies.missing-secure', 'LOW'],
      ['cookies.missing-samesite', 'default'],
    ]);
  });

  it('asks a non-session cookie over plain HTTP only for SameSite', () => {
    expect(issues('theme=dark', 'http://shop.example/')).toEqual([['cookies.missing-samesite', 'default']]);
  });

  it('asks a session cookie over plain HTTP for Secure too', () => {
    expect(issues('sessionid=x; HttpOnly; SameSite=Lax', 'http://shop.example/')).toEqual([['cookies.missing-secure', 'default']]);
  });

  it('reports SameSite=None without Secure and an unknown SameSite value', () => {
    const none = cookieIssues(parseSetCookie('theme=x; SameSite=None')!, 'http://shop.example/');
    expect(none.map((i) => i.checkId)).toEqual(['cookies.missing-samesite']);
    expect(none[0]!.description).toContain('SameSite=None but without Secure');
    expect(issues('theme=x; Secure; SameSite=Sometimes')).toEqual([['cookies.missing-samesite', 'default']]);
    expect(issues('theme=x; Secure; SameSite=None')).toEqual([]);
  });
});

describe('cookiesProbe', () => {
  let lab: WebLab;
  const answers = new Map<string, LabResponse>();
  beforeAll(async () => {
    lab = await startWebLab({ https: (req) => answers.get(req.url ?? '/') ?? { status: 404 } });
    // A login redirect sets the session; the page it lands on sets a preference and deletes a cookie.
    answers.set('/login', { status: 302, headers: { location: '/home', 'set-cookie': ['auth_token=eyJhbGciOi.secret.sig; Path=/; Secure; SameSite=Lax'] } });
    answers.set('/home', {
      headers: {
        'content-type': 'text/html',
        'set-cookie': ['auth_token=eyJhbGciOi.secret.sig; Path=/; Secure; SameSite=Lax', 'lang=en; Path=/; Secure; SameSite=Lax', 'old=; Max-Age=0'],
      },
      body: '<!doctype html><p>home',
    });
    answers.set('/safe', {
      headers: { 'content-type': 'text/html', 'set-cookie': ['__Host-sid=abc; Path=/; Secure; HttpOnly; SameSite=Strict', 'lang=en; Secure; SameSite=Lax'] },
      body: '<!doctype html><p>safe',
    });
  });
  afterAll(() => lab?.close());

  it('reads the cookies a redirect sets, reports each problem once by cookie name, and redacts values', async () => {
    const ctx = makeProbeContext({ target: `${lab.httpsUrl}login`, profile: 'LIGHT' });
    await cookiesProbe.run(ctx);
    expect(ctx.findings).toHaveLength(1);
    expect(ctx.findings[0]).toMatchObject({
      checkId: 'cookies.missing-httponly',
      location: 'auth_token',
      target: `${lab.httpsUrl}login`,
      evidence: { cookie: 'auth_token', setCookie: 'auth_token=[redacted]; Path=/; Secure; SameSite=Lax', sessionLike: true },
    });
    expect(JSON.stringify(ctx.findings)).not.toContain('secret');
    // the page fetch (two hops) plus the first hop read again without following it
    expect(lab.requests.map((r) => r.path)).toEqual(['/login', '/home', '/login']);
  });

  it('reports nothing for well-configured cookies', async () => {
    const ctx = makeProbeContext({ target: `${lab.httpsUrl}safe`, profile: 'LIGHT' });
    await cookiesProbe.run(ctx);
    expect(ctx.findings).toEqual([]);
  });
});
