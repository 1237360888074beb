import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProbeContext } from '../../../../../../test/support/probe-context.js';
import { corsProbe, PROBE_ORIGIN } from './cors.probe.js';
import { LAB_HOST, startWebLab, type LabResponse, type WebLab } from './web-lab.test-support.js';

/** One CORS policy per path, each a mistake seen in the wild (or the right way). */
function site(req: IncomingMessage): LabResponse {
  const origin = req.headers.origin;
  const page = (cors: Record<string, string>): LabResponse => ({ headers: { 'content-type': 'text/html', ...cors }, body: '<!doctype html><p>x' });
  switch (req.url) {
    case '/reflect':
      return page(origin && origin !== 'null' ? { 'access-control-allow-origin': origin } : {});
    case '/contains-host':
      // "origin.includes(our host)" lets any attacker domain that merely contains the name in.
      return page(origin?.includes(LAB_HOST) ? { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true' } : {});
    case '/null-credentials':
      return page(origin === 'null' ? { 'access-control-allow-origin': 'null', 'access-control-allow-credentials': 'true' } : {});
    case '/null':
      return page(origin === 'null' ? { 'access-control-allow-origin': 'null' } : {});
    case '/wildcard':
      return page({ 'access-control-allow-origin': '*', 'access-control-allow-credentials': 'true' });
    case '/allow-list':
      return page(origin === 'https://partner.example' ? { 'access-control-allow-origin': origin, vary: 'Origin' } : { vary: 'Origin' });
    default:
      return { status: 404 };
  }
}

describe('corsProbe', () => {
  let lab: WebLab;
  beforeAll(async () => {
    lab = await startWebLab({ http: site });
  });
  afterAll(() => lab?.close());

  const scan = async (path: string) => {
    const ctx = makeProbeContext({ target: `${lab.httpUrl}${path}`, profile: 'STANDARD' });
    await corsProbe.run(ctx);
    const sent = lab.requests.filter((r) => r.path === `/${path}`);
    return { findings: ctx.findings.map((f) => ({ checkId: f.checkId, severity: f.severity, evidence: f.evidence })), sent };
  };

  it('reports an origin reflected without credentials as MEDIUM, once', async () => {
    const { findings, sent } = await scan('reflect');
    expect(findings).toEqual([
      {
        checkId: 'cors.reflected-origin',
        severity: undefined,
        evidence: { url: `${lab.httpUrl}reflect`, requestOrigin: PROBE_ORIGIN, accessControlAllowOrigin: PROBE_ORIGIN, accessControlAllowCredentials: false },
      },
    ]);
    // the page, then the foreign origin and null: the look-alike origin is not needed
    expect(sent.map((r) => r.headers.origin ?? '-')).toEqual(['-', PROBE_ORIGIN, 'null']);
  });

  it('catches an origin check that only looks for the host name, with credentials (HIGH)', async () => {
    const { findings, sent } = await scan('contains-host');
    expect(findings.map((f) => f.checkId)).toEqual(['cors.reflected-origin-with-credentials']);
    expect(findings[0]!.evidence).toMatchObject({ requestOrigin: `https://${LAB_HOST}.evil.fixfirst-probe.invalid`, accessControlAllowCredentials: true });
    expect(sent).toHaveLength(4);
  });

  it('reports the null origin as HIGH with credentials and MEDIUM without', async () => {
    expect((await scan('null-credentials')).findings.map((f) => [f.checkId, f.severity])).toEqual([['cors.null-origin', 'HIGH']]);
    expect((await scan('null')).findings.map((f) => [f.checkId, f.severity])).toEqual([['cors.null-origin', undefined]]);
  });

  it('reports a wildcard once, whatever the credentials header says', async () => {
    const { findings } = await scan('wildcard');
    expect(findings.map((f) => f.checkId)).toEqual(['cors.wildcard']);
  });

  it('reports nothing for an exact allow-list, in at most three requests', async () => {
    const { findings, sent } = await scan('allow-list');
    expect(findings).toEqual([]);
    expect(sent.filter((r) => r.headers.origin !== undefined)).toHaveLength(3);
  });
});
