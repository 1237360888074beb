import pg from 'pg';
import { pgTextArray } from '../../../../lib/db/pg-array.js';
import type { Logger } from '../../../../lib/logger.js';
import { readFeed, versionFromName, type FeedFile, type FeedSource } from './feed-source.js';
import { rescoreCveFindings } from '../finding/finding-score.repository.js';
import type { FeedName } from './intel.entity.js';
import { parseAttack } from './parsers/attack.parser.js';
import { parseCwe } from './parsers/cwe.parser.js';
import { parseAttackD3fend, parseD3fendTechniques } from './parsers/d3fend.parser.js';
import { parseEpss } from './parsers/epss.parser.js';
import { parseKev } from './parsers/kev.parser.js';

/** One column of a bulk insert: its SQL type, and whether it is a text[] sent as a literal. */
interface Column {
  name: string;
  type: 'text' | 'float8' | 'bool' | 'text[]';
}

/** The rows of one table a feed replaces. */
interface TableLoad {
  table: string;
  columns: Column[];
  rows: unknown[][];
}

/** A parsed feed, ready to replace what is stored. */
interface ParsedFeed {
  version: string;
  dataDate: string | null;
  recordCount: number;
  tables: TableLoad[];
}

/** What a sync did to one feed. */
export interface FeedSyncResult {
  feed: FeedName;
  outcome: 'loaded' | 'unchanged' | 'rejected';
  version?: string;
  dataDate?: string | null;
  records?: number;
  error?: string;
  /** KEV and EPSS loads: findings whose stored KEV, EPSS or score changed. */
  rescored?: number;
  /** KEV and EPSS loads: `findingChanged` events recorded (unfixed problems). */
  changes?: number;
  ms: number;
}

const CHUNK = 10_000;

/**
 * Loads threat-intelligence feeds into the findings schema. A feed is parsed and validated whole
 * before anything is written, then replaced in one transaction: a malformed or truncated file is
 * rejected and the data already loaded stays in force. A feed whose bytes did not change is skipped.
 */
export class IntelSyncService {
  constructor(
    private readonly databaseUrl: string,
    private readonly log: Logger,
  ) {}

  async sync(sources: FeedSource[], opts: { force?: boolean } = {}): Promise<FeedSyncResult[]> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      const results: FeedSyncResult[] = [];
      for (const source of sources) results.push(await this.syncOne(client, source, opts.force ?? false));
      return results;
    } finally {
      await client.end();
    }
  }

  private async syncOne(client: pg.Client, source: FeedSource, force: boolean): Promise<FeedSyncResult> {
    const started = performance.now();
    const done = (r: Omit<FeedSyncResult, 'ms' | 'feed'>): FeedSyncResult => ({ feed: source.feed, ...r, ms: Math.round(performance.now() - started) });
    let file: FeedFile;
    let parsed: ParsedFeed;
    try {
      file = await readFeed(source);
      const current = await client.query<{ sha256: string }>('select sha256 from findings.intel_feed where name = $1', [source.feed]);
      if (!force && current.rows[0]?.sha256 === file.sha256) return done({ outcome: 'unchanged' });
      parsed = parseFeed(file);
    } catch (err) {
      this.log.warn({ feed: source.feed, source: source.location, err: (err as Error).message }, 'intel feed rejected; the loaded data stays');
      return done({ outcome: 'rejected', error: (err as Error).message });
    }
    try {
      await client.query('begin');
      for (const load of parsed.tables) {
        await client.query(`delete from findings.${load.table}`);
        for (let i = 0; i < load.rows.length; i += CHUNK) await insertChunk(client, load, load.rows.slice(i, i + CHUNK));
      }
      await client.query(
        `insert into findings.intel_feed (name, version, data_date, source, sha256, record_count, loaded_at) values ($1, $2, $3, $4, $5, $6, now())
         on conflict (name) do update set version = excluded.version, data_date = excluded.data_date, source = excluded.source,
           sha256 = excluded.sha256, record_count = excluded.record_count, loaded_at = excluded.loaded_at`,
        [source.feed, parsed.version, parsed.dataDate, source.location, file.sha256, parsed.recordCount],
      );
      // Findings about CVEs depend on KEV and EPSS: their stored scores, and the change events
      // subscribers hear, move in the same transaction as the data they follow.
      const rescore =
        source.feed === 'kev' || source.feed === 'epss'
          ? await rescoreCveFindings(async (sql, params) => (await client.query(sql, params)).rows, source.feed)
          : undefined;
      await client.query('commit');
      this.log.info({ feed: source.feed, version: parsed.version, records: parsed.recordCount, ...rescore }, 'intel feed loaded');
      return done({ outcome: 'loaded', version: parsed.version, dataDate: parsed.dataDate, records: parsed.recordCount, ...rescore });
    } catch (err) {
      await client.query('rollback').catch(() => undefined);
      throw err;
    }
  }
}

async function insertChunk(client: pg.Client, load: TableLoad, rows: unknown[][]): Promise<void> {
  const cols = load.columns;
  const params = cols.map((c, i) =>
    rows.map((r) => {
      const v = r[i];
      return c.type === 'text[]' ? pgTextArray((v as string[] | undefined) ?? []) : v;
    }),
  );
  const unnest = cols.map((c, i) => `$${i + 1}::${c.type === 'text[]' ? 'text' : c.type}[]`).join(', ');
  const select = cols.map((c, i) => (c.type === 'text[]' ? `c${i}::text[]` : `c${i}`)).join(', ');
  const alias = cols.map((_, i) => `c${i}`).join(', ');
  await client.query(`insert into findings.${load.table} (${cols.map((c) => c.name).join(', ')}) select ${select} from unnest(${unnest}) as t(${alias})`, params);
}

/** Parses one feed file into the rows of the tables it owns. Throws FeedFormatError when malformed. */
function parseFeed(file: FeedFile): ParsedFeed {
  const buf = file.bytes;
  switch (file.source.feed) {
    case 'kev': {
      const f = parseKev(buf);
      return {
        version: f.version,
        dataDate: f.dataDate,
        recordCount: f.records.length,
        tables: [
          {
            table: 'intel_kev',
            columns: [
              { name: 'cve_id', type: 'text' },
              { name: 'vendor_project', type: 'text' },
              { name: 'product', type: 'text' },
              { name: 'vulnerability_name', type: 'text' },
              { name: 'date_added', type: 'text' },
              { name: 'due_date', type: 'text' },
              { name: 'ransomware', type: 'bool' },
              { name: 'short_description', type: 'text' },
              { name: 'required_action', type: 'text' },
              { name: 'cwes', type: 'text[]' },
            ],
            rows: f.records.map((r) => [r.cveId, r.vendorProject, r.product, r.vulnerabilityName, r.dateAdded, r.dueDate || null, r.knownRansomwareCampaignUse, r.shortDescription, r.requiredAction, r.cwes]),
          },
        ],
      };
    }
    case 'epss': {
      const f = parseEpss(buf);
      // FIRST names its daily files by score date (epss_scores-2026-08-16.csv.gz): the fallback
      // when the file's own comment does not state it.
      const named = /(\d{4}-\d{2}-\d{2})/.exec(file.source.location.split('/').at(-1) ?? '')?.[1] ?? null;
      return {
        version: f.version,
        dataDate: f.dataDate ?? named,
        recordCount: f.records.length,
        tables: [
          {
            table: 'intel_epss',
            columns: [
              { name: 'cve_id', type: 'text' },
              { name: 'epss', type: 'float8' },
              { name: 'percentile', type: 'float8' },
            ],
            rows: f.records.map((r) => [r.cveId, r.epss, r.percentile]),
          },
        ],
      };
    }
    case 'cwe': {
      const f = parseCwe(buf);
      return {
        version: f.version,
        dataDate: f.dataDate,
        recordCount: f.records.length,
        tables: [
          {
            table: 'intel_cwe',
            columns: [
              { name: 'cwe_id', type: 'text' },
              { name: 'name', type: 'text' },
              { name: 'abstraction', type: 'text' },
              { name: 'status', type: 'text' },
              { name: 'description', type: 'text' },
              { name: 'parents', type: 'text[]' },
            ],
            rows: f.records.map((r) => [r.cweId, r.name, r.abstraction, r.status, r.description, r.parents]),
          },
        ],
      };
    }
    case 'attack': {
      const hint = versionFromName(file.source.location);
      const f = parseAttack(buf, hint && /^\d+\.\d+$/.test(hint) ? hint : undefined);
      return {
        version: f.version,
        dataDate: f.dataDate,
        recordCount: f.records.techniques.length,
        tables: [
          {
            table: 'intel_attack_tactic',
            columns: [
              { name: 'id', type: 'text' },
              { name: 'shortname', type: 'text' },
              { name: 'name', type: 'text' },
            ],
            rows: f.records.tactics.map((t) => [t.id, t.shortname, t.name]),
          },
          {
            table: 'intel_attack_technique',
            columns: [
              { name: 'id', type: 'text' },
              { name: 'name', type: 'text' },
              { name: 'tactics', type: 'text[]' },
              { name: 'is_subtechnique', type: 'bool' },
              { name: 'parent_id', type: 'text' },
            ],
            rows: f.records.techniques.map((t) => [t.id, t.name, t.tactics, t.isSubtechnique, t.parentId]),
          },
        ],
      };
    }
    case 'd3fend': {
      const f = parseD3fendTechniques(buf, versionFromName(file.source.location));
      return {
        version: f.version,
        dataDate: f.dataDate,
        recordCount: f.records.length,
        tables: [
          {
            table: 'intel_d3fend_technique',
            columns: [
              { name: 'id', type: 'text' },
              { name: 'name', type: 'text' },
              { name: 'tactic', type: 'text' },
              { name: 'definition', type: 'text' },
            ],
            rows: f.records.map((r) => [r.id, r.name, r.tactic, r.definition]),
          },
        ],
      };
    }
    case 'attack-d3fend': {
      const f = parseAttackD3fend(buf, versionFromName(file.source.location));
      const pairs = f.records; // one record per (ATT&CK, D3FEND) pair already
      return {
        version: f.version,
        dataDate: f.dataDate,
        recordCount: pairs.length,
        tables: [
          {
            table: 'intel_attack_d3fend',
            columns: [
              { name: 'attack_id', type: 'text' },
              { name: 'd3fend_id', type: 'text' },
            ],
            rows: pairs.map((r) => [r.attackId, r.d3fendId]),
          },
        ],
      };
    }
  }
}
