import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Tenant } from '../lib/auth/tenant.js';
import { encodeCursor } from '../lib/graphql/cursor.js';
import { startEmbeddedPostgres } from '../lib/db/embedded.js';
import { migrateModule, openModuleOrm, type MikroORM } from '../lib/db/orm.js';
import { createLogger } from '../lib/logger.js';
import { freePort } from '../lib/net/free-port.js';
import type { FindingOrder, FindingQuery } from '../subgraphs/findings/src/finding/finding.repository.js';
import { FindingService } from '../subgraphs/findings/src/finding/finding.service.js';
import { findingsDb } from '../subgraphs/findings/src/module.js';

/**
 * Keyset pagination of findings at depth: one account, 100 clients, 1,000,000 findings. The first
 * page against the page after 500,000 rows, through FindingService.page (what the API runs), and
 * next to it the same WHERE and ORDER BY with OFFSET, in the same run. Goal: deep within 1.5x.
 */
const FINDINGS = Number(process.env.BENCH_PAGES_FINDINGS ?? 1_000_000);
const ITERATIONS = Number(process.env.BENCH_PAGES_ITERATIONS ?? 200);
const WARMUP = Math.max(5, Math.round(ITERATIONS / 10));
/** A measurement stops early past this budget (with at least MIN_SAMPLES): an unindexed deep page takes seconds. */
const BUDGET_MS = Number(process.env.BENCH_PAGES_BUDGET_S ?? 90) * 1000;
const MIN_SAMPLES = 30;
const CLIENTS = 100;
const PAGE = 50;
/** Every case's filter matches well over half the rows, so this depth exists in each. */
const DEEP = Math.min(500_000, Math.floor(FINDINGS / 2));
const GOAL = 1.5;
const ACCOUNT = '0b6f3a52-6a11-4c1e-9d7e-5be2f1c0a001';

interface Case {
  name: string;
  query: FindingQuery;
  order: FindingOrder;
}

const CASES: Case[] = [
  { name: 'newest, unfiltered', query: {}, order: 'NEWEST' },
  { name: 'newest, severity C/H/M', query: { severities: ['CRITICAL', 'HIGH', 'MEDIUM'] }, order: 'NEWEST' },
  { name: 'newest, status open/in_progress', query: { statuses: ['open', 'in_progress'] }, order: 'NEWEST' },
  { name: 'score, unfiltered', query: {}, order: 'SCORE' },
  { name: 'score, severity C/H/M', query: { severities: ['CRITICAL', 'HIGH', 'MEDIUM'] }, order: 'SCORE' },
];

interface Timing {
  p50: number;
  p99: number;
}

interface Pair {
  first: Timing;
  deep: Timing;
  samples: number;
}

export async function findingPagesBench(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fixfirst-bench-pages-'));
  const db = await startEmbeddedPostgres({ dataDir: dir, port: await freePort(), database: 'pages', log: createLogger('bench', 'warn') });
  let orm: MikroORM | null = null;
  try {
    orm = await openModuleOrm(findingsDb, { url: db.url, poolMax: 2 });
    await migrateModule(orm, db.url);
    const seeded = await seed(orm);
    console.log(`\n## Findings pages: ${FINDINGS.toLocaleString('en')} findings of one account over ${CLIENTS} clients, page of ${PAGE}, deep = after ${DEEP.toLocaleString('en')} rows`);
    console.log(`seeded in ${(seeded / 1000).toFixed(1)} s (insert ... select generate_series, states, analyze); up to ${ITERATIONS} iterations (n; fewer past ${BUDGET_MS / 1000} s) after ${WARMUP} warm-up, first and deep alternating; ms`);
    console.log(`${'case'.padEnd(32)} ${'method'.padEnd(28)} first p50    p99 |  deep p50     p99 | ratio p50   p99 |   n`);
    const verdicts: string[] = [];
    const plans: string[] = [];
    for (const c of CASES) {
      const r = await runCase(orm, c);
      console.log(row(c.name, 'keyset (FindingService)', r.keyset));
      console.log(row('', `OFFSET ${DEEP} (raw SQL)`, r.offset));
      for (const [label, pair] of r.alternatives) console.log(row('', label, pair));
      const p50 = r.keyset.deep.p50 / r.keyset.first.p50;
      const p99 = r.keyset.deep.p99 / r.keyset.first.p99;
      const holds = p50 <= GOAL && p99 <= GOAL;
      verdicts.push(`${c.name}: ${holds ? 'holds' : 'MISSED'} (deep/first p50 ${p50.toFixed(2)}x, p99 ${p99.toFixed(2)}x)`);
      plans.push(`${c.name}, deep keyset:\n${r.plan}`);
    }
    if (plans.some((p) => p.includes('row-value'))) {
      console.log('tried where missed: row-value = `(col, id) < (v, id)` in place of the OR; + col <= = the OR kept, `col <= v` added (first: the same raw first page)');
    }
    console.log(`goal, keyset deep within ${GOAL}x of first (p50 and p99):`);
    for (const v of verdicts) console.log(`  ${v}`);
    console.log('EXPLAIN ANALYZE of the deep keyset query as FindingService runs it:');
    for (const p of plans) console.log(`  ${p}`);
  } finally {
    await orm?.close();
    await db.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

function row(name: string, method: string, r: Pair): string {
  const n = (v: number, w: number): string => v.toFixed(2).padStart(w);
  return `${name.padEnd(32)} ${method.padEnd(28)} ${n(r.first.p50, 9)} ${n(r.first.p99, 6)} | ${n(r.deep.p50, 9)} ${n(r.deep.p99, 7)} | ${n(r.deep.p50 / r.first.p50, 9)} ${n(r.deep.p99 / r.first.p99, 5)} | ${String(r.samples).padStart(3)}`;
}

/**
 * Time-ordered like real scans (heap order follows created_at): 100 findings per scan, each client
 * scanned in turn, over 90 days; about one finding in ten shares its millisecond with the previous
 * one. Each client has 150 problems (fingerprints), a scan sees 100 of them. Severity is fixed per
 * problem (8% critical, 22% high, 35% medium, 25% low, 10% info), the score lies in its band.
 */
async function seed(orm: MikroORM): Promise<number> {
  const started = performance.now();
  const conn = orm.em.fork().getConnection();
  const slots = Math.ceil(FINDINGS / CLIENTS);
  const start = new Date(Date.now() - 90 * 86_400_000);
  await conn.execute(
    `insert into findings.finding (id, account_id, client_id, scan_id, check_id, severity, title, description, evidence, remediation, cwe_id, target, host, location, cve_ids, confidence, score, fingerprint, created_at)
     select gen_random_uuid(), ?::uuid, md5('client:' || c)::uuid, md5('scan:' || c || ':' || s)::uuid,
            (array['http.security-headers','tls.weak-cipher','redis.unauthenticated','software.known-vulnerable','http.directory-listing','ssh.weak-kex'])[1 + j % 6],
            case when h < 8 then 'CRITICAL' when h < 30 then 'HIGH' when h < 65 then 'MEDIUM' when h < 90 then 'LOW' else 'INFO' end,
            'Problem ' || j || ' on host ' || c, repeat('Why this matters and how it was proven. ', 5), jsonb_build_object('status', 200, 'probe', j),
            repeat('Change the configuration. ', 3), 'CWE-' || (200 + j % 50), 'https://host-' || c || '-' || (j % 10) || '.bench.example/',
            'host-' || c || '-' || (j % 10) || '.bench.example', null, case when j % 5 = 0 then array['CVE-2021-' || (40000 + j)] else '{}'::text[] end, 'FIRM',
            (case when h < 8 then 9.0 + x % 1 when h < 30 then 7.0 + x % 2 when h < 65 then 4.0 + x when h < 90 then 1.0 + x else x % 1 end)::float8,
            md5(c || ':' || j), date_trunc('milliseconds', ?::timestamptz + (slot * ?::float8 + floor(p * 0.9) * 37) * interval '1 millisecond')
     from (select i, slot, slot % ${CLIENTS} as c, slot / ${CLIENTS} as s, p, (p + (slot / ${CLIENTS}) * 7) % 150 as j
           from (select i, (i - 1) / ${CLIENTS} as slot, (i - 1) % ${CLIENTS} as p from generate_series(1, ?) as i) a) b,
          lateral (select ((j * 37 + c * 11) % 100) as h, ((j * 13 + c * 7) % 30) / 10.0 as x) k
     order by i`,
    [ACCOUNT, start, (90 * 86_400_000) / slots, FINDINGS],
  );
  await conn.execute(
    `insert into findings.finding_state (id, account_id, client_id, fingerprint, check_id, host, status, first_seen, last_seen, fixed_at, regressed, occurrences, last_scan_id, accepted_until, updated_at)
     select gen_random_uuid(), ?::uuid, md5('client:' || c)::uuid, md5(c || ':' || j), 'bench', 'host-' || c || '.bench.example', st, now() - interval '90 days', now(),
            case when st = 'fixed' then now() end, false, 1, md5('scan:' || c || ':0')::uuid,
            case when st = 'accepted_risk' and j % 2 = 0 then now() - interval '1 day' end, now()
     from generate_series(0, ${CLIENTS - 1}) as c, generate_series(0, 149) as j,
          lateral (select (array['open','open','open','open','open','open','in_progress','fixed','fixed','accepted_risk'])[1 + (j * 7 + c * 3) % 10] as st) s`,
    [ACCOUNT],
  );
  await conn.execute('analyze findings.finding');
  await conn.execute('analyze findings.finding_state');
  return performance.now() - started;
}

interface CaseResult {
  keyset: Pair;
  offset: Pair;
  /** Rewritten deep keyset queries, tried only when the goal is missed: label and timings. */
  alternatives: [string, Pair][];
  plan: string;
}

async function runCase(orm: MikroORM, c: Case): Promise<CaseResult> {
  const tenant: Tenant = { accountId: ACCOUNT, clientId: null };
  const page = (after: string | null) => new FindingService(orm.em.fork(), tenant).page(c.query, PAGE, after, c.order);
  const sql = (text: string) => orm.em.fork().getConnection().execute<Record<string, unknown>[]>(text);
  const firstSql = await captureSql(orm, () => page(null));
  if (!/ limit 51$/.test(firstSql)) throw new Error(`unexpected page query: ${firstSql}`);
  // The cursor of the DEEP-th row, read through the service's own query and encoded as it would.
  const column = c.order === 'SCORE' ? 'score' : 'created_at';
  const [at] = await sql(firstSql.replace(/ limit 51$/, ` limit 1 offset ${DEEP - 1}`).replace(/^select .*? from /, `select id, ${c.order === 'SCORE' ? 'score' : '(extract(epoch from created_at) * 1000)::bigint::text'} as v from `));
  if (!at) throw new Error(`${c.name}: fewer than ${DEEP} rows match`);
  const cursor = c.order === 'SCORE' ? `score:${Number(at.v)}:${String(at.id)}` : encodeCursor({ createdAt: new Date(Number(at.v)), id: String(at.id) });
  const deepSql = await captureSql(orm, () => page(cursor));
  const offsetSql = firstSql.replace(/ limit 51$/, ` limit 51 offset ${DEEP}`);
  const [deepPage, offsetRows] = await Promise.all([page(cursor), sql(offsetSql)]);
  if (deepPage.items.length !== PAGE || deepPage.items[0]!.id !== offsetRows[0]?.id) throw new Error(`${c.name}: the keyset page after row ${DEEP} differs from OFFSET ${DEEP}`);

  const keyset = await alternate(() => page(null), () => page(cursor));
  const offset = await alternate(() => sql(firstSql), () => sql(offsetSql));
  let plan = await explain(orm, deepSql);
  const alternatives: [string, Pair][] = [];
  const missed = keyset.deep.p50 / keyset.first.p50 > GOAL || keyset.deep.p99 / keyset.first.p99 > GOAL;
  if (missed) {
    const alias = /from "findings"\."finding" as "(\w+)"/.exec(firstSql)?.[1] ?? 'f0';
    const value = c.order === 'SCORE' ? String(Number(at.v)) : `'${new Date(Number(at.v)).toISOString()}'::timestamptz`;
    const rowValue = firstSql.replace(/ order by /, ` and ("${alias}"."${column}", "${alias}"."id") < (${value}, '${String(at.id)}'::uuid) order by `);
    const bounded = deepSql.replace(/ where /, ` where "${alias}"."${column}" <= ${value} and `);
    for (const [label, text] of [['keyset, row-value (raw SQL)', rowValue], ['keyset, + col <= (raw SQL)', bounded]] as const) {
      const rows = await sql(text);
      if (rows[0]?.id !== offsetRows[0]?.id) throw new Error(`${c.name}: ${label} returns another page`);
      alternatives.push([label, await alternate(() => sql(firstSql), () => sql(text))]);
      plan += `\n    ${label}: ${(await explain(orm, text)).trim().split('\n').filter((l) => /Scan|Index Cond|Execution/.test(l)).map((l) => l.trim()).join('; ')}`;
    }
  }
  return { keyset, offset, alternatives, plan };
}

/** Runs first and deep alternately so both see the same cache and machine state; warm-up discarded. */
async function alternate(first: () => Promise<unknown>, deep: () => Promise<unknown>): Promise<Pair> {
  const a: number[] = [];
  const b: number[] = [];
  const started = performance.now();
  for (let i = 0; i < WARMUP + ITERATIONS; i++) {
    if (a.length >= MIN_SAMPLES && performance.now() - started > BUDGET_MS) break;
    let t = performance.now();
    await first();
    const firstMs = performance.now() - t;
    t = performance.now();
    await deep();
    const deepMs = performance.now() - t;
    if (i >= WARMUP) {
      a.push(firstMs);
      b.push(deepMs);
    }
  }
  return { first: percentiles(a), deep: percentiles(b), samples: a.length };
}

function percentiles(values: number[]): Timing {
  const sorted = [...values].sort((x, y) => x - y);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { p50: at(0.5), p99: at(0.99) };
}

/** The SQL MikroORM sends for the finding query of `run`, parameters inlined as it sends them. */
async function captureSql(orm: MikroORM, run: () => Promise<unknown>): Promise<string> {
  const original = orm.config.get('onQuery');
  let captured = '';
  orm.config.set('onQuery', (query: string, params: readonly unknown[]) => {
    if (/from "findings"\."finding" as/.test(query)) captured = orm.em.getPlatform().formatQuery(query, params);
    return original(query, params);
  });
  try {
    await run();
  } finally {
    orm.config.set('onQuery', original);
  }
  if (!captured) throw new Error('no finding query was run');
  return captured;
}

/** The plan's top node, its scan nodes, their index conditions and what the filter threw away. */
async function explain(orm: MikroORM, text: string): Promise<string> {
  const rows = await orm.em.fork().getConnection().execute<Record<string, string>[]>(`explain (analyze, buffers off) ${text}`);
  const lines = rows.map((r) => String(r['QUERY PLAN']).replace(/\s*\(cost=[^)]*\)/, ''));
  const keep = lines.filter((l, i) => i === 0 || /Scan|Index Cond|Rows Removed by Filter|Sort Method|Execution Time/.test(l));
  return keep.map((l) => `    ${l.trim()}`).join('\n');
}
