import type { CheckDefinition, Probe, ProbeContext } from '../../check.js';
import { fetchOrFailure, headerValue, isFailure } from './web-http.js';

const base = { category: 'cors', mode: 'PASSIVE', profile: 'STANDARD', confidence: 'CONFIRMED' } as const;
const EVIDENCE = 'The Origin we sent and the Access-Control-Allow-Origin / -Allow-Credentials headers the page answered with';

/** An origin nobody can own (.invalid is reserved), standing for any site an attacker runs. */
export const PROBE_ORIGIN = 'https://evil.fixfirst-probe.invalid';

export const CORS_REFLECTED_WITH_CREDENTIALS: CheckDefinition = {
  ...base,
  id: 'cors.reflected-origin-with-credentials',
  title: 'CORS trusts any origin, with credentials',
  severity: 'HIGH',
  cweId: 'CWE-942',
  description: 'Sends the page request with a foreign Origin and checks whether Access-Control-Allow-Origin echoes it together with Access-Control-Allow-Credentials: true.',
  evidence: EVIDENCE,
  remediation:
    'Compare the Origin against an exact allow-list and answer only listed origins, e.g. `if (ALLOWED.has(origin)) res.set("Access-Control-Allow-Origin", origin)` ' +
    'plus `Vary: Origin`; never echo the request Origin, and send Access-Control-Allow-Credentials only to trusted origins.',
};

export const CORS_REFLECTED: CheckDefinition = {
  ...base,
  id: 'cors.reflected-origin',
  title: 'CORS reflects any origin',
  severity: 'MEDIUM',
  cweId: 'CWE-942',
  description: 'Sends the page request with a foreign Origin and checks whether Access-Control-Allow-Origin echoes it (without credentials).',
  evidence: EVIDENCE,
  remediation: 'Answer only origins on an exact allow-list (and send `Vary: Origin`), or no CORS headers at all if the resource is not meant for other sites.',
};

export const CORS_NULL_ORIGIN: CheckDefinition = {
  ...base,
  id: 'cors.null-origin',
  title: 'CORS trusts the null origin',
  severity: 'MEDIUM',
  cweId: 'CWE-942',
  description: 'Sends the page request with `Origin: null` (what sandboxed iframes and file: pages send, so any attacker can) and checks whether it is allowed; High with credentials.',
  evidence: EVIDENCE,
  remediation: 'Remove `null` from the CORS allow-list: `Access-Control-Allow-Origin: null` grants access to any sandboxed page an attacker writes.',
};

export const CORS_WILDCARD: CheckDefinition = {
  ...base,
  id: 'cors.wildcard',
  title: 'CORS allows every origin (*)',
  severity: 'LOW',
  cweId: 'CWE-942',
  description: 'Checks whether the page answers with `Access-Control-Allow-Origin: *`, letting any site read it (without cookies: browsers refuse * together with credentials).',
  evidence: EVIDENCE,
  remediation: 'Send `Access-Control-Allow-Origin: *` only on public, unauthenticated resources; otherwise list the origins that need access.',
};

interface CorsAnswer {
  origin: string;
  allowOrigin?: string;
  allowCredentials: boolean;
}

/** Cross-origin read permissions of the host's page, from two or three requests to it. */
export const corsProbe: Probe = {
  id: 'cors',
  title: 'Cross-origin resource sharing',
  checks: [CORS_REFLECTED_WITH_CREDENTIALS, CORS_REFLECTED, CORS_NULL_ORIGIN, CORS_WILDCARD],
  mode: 'PASSIVE',
  profile: 'STANDARD',
  async run(ctx: ProbeContext): Promise<void> {
    const page = await ctx.page();
    if (!page) return;
    const url = page.response.url;
    const ask = async (origin: string): Promise<CorsAnswer | null> => {
      const res = await fetchOrFailure(ctx, url, { headers: { origin }, followRedirects: false, maxBodyBytes: 0 });
      if (isFailure(res)) return null;
      const allowOrigin = headerValue(res.headers, 'access-control-allow-origin');
      return { origin, ...(allowOrigin ? { allowOrigin } : {}), allowCredentials: headerValue(res.headers, 'access-control-allow-credentials')?.toLowerCase() === 'true' };
    };
    const evidence = (a: CorsAnswer): Record<string, unknown> => ({
      url,
      requestOrigin: a.origin,
      accessControlAllowOrigin: a.allowOrigin ?? null,
      accessControlAllowCredentials: a.allowCredentials,
    });

    let foreign = await ask(PROBE_ORIGIN);
    // A check that only looks for the site's own name somewhere in the Origin is as bad as none.
    if (foreign && !reflects(foreign)) {
      const lookalike = await ask(`https://${new URL(url).hostname.replace(/^\[|\]$/g, '')}.evil.fixfirst-probe.invalid`);
      if (lookalike && reflects(lookalike)) foreign = lookalike;
    }
    if (foreign && reflects(foreign)) {
      const how = foreign.origin === PROBE_ORIGIN ? 'an arbitrary foreign Origin' : `an Origin that merely contains its host name (${foreign.origin})`;
      ctx.report(
        foreign.allowCredentials
          ? {
              checkId: CORS_REFLECTED_WITH_CREDENTIALS.id,
              target: url,
              description: `${url} echoes ${how} in Access-Control-Allow-Origin and allows credentials, so any website a logged-in user visits can read this page with the user's cookies.`,
              evidence: evidence(foreign),
            }
          : {
              checkId: CORS_REFLECTED.id,
              target: url,
              description: `${url} echoes ${how} in Access-Control-Allow-Origin, so any website can read its responses from a visitor's browser (and from inside the visitor's network).`,
              evidence: evidence(foreign),
            },
      );
    }

    const nullOrigin = await ask('null');
    if (nullOrigin?.allowOrigin === 'null') {
      ctx.report({
        checkId: CORS_NULL_ORIGIN.id,
        target: url,
        description: `${url} allows the null origin${nullOrigin.allowCredentials ? ' with credentials, so a sandboxed page on any site can read it with the visitor\'s cookies' : ', so a sandboxed page on any site can read its responses'}.`,
        evidence: evidence(nullOrigin),
        ...(nullOrigin.allowCredentials ? { severity: 'HIGH' as const } : {}),
      });
    }

    const wildcard = [foreign, nullOrigin].find((a) => a?.allowOrigin === '*');
    if (wildcard) {
      ctx.report({
        checkId: CORS_WILDCARD.id,
        target: url,
        description: `${url} sends Access-Control-Allow-Origin: *, so any website can read it from a visitor's browser${wildcard.allowCredentials ? ' (browsers refuse * together with credentials, so cookies are not included)' : ''}; fine for public content, a leak for anything private or internal.`,
        evidence: evidence(wildcard),
      });
    }
  },
};

function reflects(a: CorsAnswer): boolean {
  return a.allowOrigin !== undefined && a.allowOrigin.toLowerCase() === a.origin.toLowerCase();
}
