import type { CheckDefinition, ProbeContext } from '../../check.js';
import type { ServiceCheck, ServiceVerdict } from './service-check.js';
import { exchangeTimeout, withSession } from './tcp-session.js';

export const POSTGRES_TRUST_AUTH: CheckDefinition = {
  id: 'network.postgres-trust-auth',
  title: 'PostgreSQL lets the postgres superuser in without a password',
  category: 'network',
  severity: 'CRITICAL',
  cweId: 'CWE-306',
  confidence: 'CONFIRMED',
  description:
    'Sends a PostgreSQL StartupMessage for user `postgres`, database `postgres` and no password. An AuthenticationOk reply proves ' +
    'that pg_hba.conf trusts this client (`trust` method): anyone who reaches the port is the database superuser and can read and ' +
    'change all data and run programs on the server (COPY ... PROGRAM). The session is ended at once with Terminate; no query is ' +
    'sent. A password, SCRAM or certificate request, or a refusal, is not a finding.',
  evidence: 'The user and database tried, the authentication code (0 = ok) and the server_version the server reported.',
  remediation:
    'Replace every `trust` line for network connections in pg_hba.conf with `scram-sha-256` (e.g. ' +
    '`hostssl all all 10.0.0.0/8 scram-sha-256`), set `password_encryption = scram-sha-256`, give the postgres role a strong ' +
    'password, reload (`SELECT pg_reload_conf()`), and do not expose 5432 to the internet: `listen_addresses` on private ' +
    'interfaces and a firewall rule.',
  mode: 'ACTIVE',
  profile: 'STANDARD',
};

const PROTOCOL_3_0 = 196_608;
const AUTH_METHODS: Record<number, string> = { 2: 'Kerberos', 3: 'cleartext password', 5: 'MD5 password', 7: 'GSSAPI', 9: 'SSPI', 10: 'SASL (SCRAM)' };

/** StartupMessage (protocol 3.0) for a user and database, as libpq sends it. */
export function startupMessage(user: string, database: string): Buffer {
  const params = Buffer.from(`user\0${user}\0database\0${database}\0application_name\0fixfirst-scanner\0\0`, 'utf8');
  const msg = Buffer.alloc(8 + params.length);
  msg.writeInt32BE(msg.length, 0);
  msg.writeInt32BE(PROTOCOL_3_0, 4);
  params.copy(msg, 8);
  return msg;
}

/** Terminate ('X'): ends the session politely. */
export const TERMINATE = Buffer.from([0x58, 0, 0, 0, 4]);

/** What the backend said after the StartupMessage. */
export interface PgStartupReply {
  /** The authentication request code (0 = ok), if one arrived. */
  authCode: number | null;
  parameters: Record<string, string>;
  /** SQLSTATE and message of an ErrorResponse, if one arrived. */
  error: { code: string; message: string } | null;
  /** Bytes that did not parse as backend messages (not PostgreSQL). */
  malformed: boolean;
  /** The reply ended (ReadyForQuery, an error, or an authentication request needing an answer). */
  done: boolean;
}

const KNOWN_TYPES = new Set(['R', 'S', 'K', 'Z', 'E', 'N', 'v']);

/** Parses backend messages up to the point where the server waits for us or has said all. */
export function parseStartupReply(data: Buffer): PgStartupReply {
  const reply: PgStartupReply = { authCode: null, parameters: {}, error: null, malformed: false, done: false };
  let at = 0;
  while (at + 5 <= data.length) {
    const type = String.fromCharCode(data[at]!);
    const length = data.readInt32BE(at + 1);
    if (!KNOWN_TYPES.has(type) || length < 4 || length > 64 * 1024) {
      reply.malformed = true;
      reply.done = true;
      return reply;
    }
    if (at + 1 + length > data.length) break;
    const body = data.subarray(at + 5, at + 1 + length);
    at += 1 + length;
    if (type === 'R' && body.length >= 4) {
      reply.authCode = body.readInt32BE(0);
      if (reply.authCode !== 0) reply.done = true;
    } else if (type === 'S') {
      const [name, value] = body.toString('utf8').split('\0');
      if (name) reply.parameters[name] = value ?? '';
    } else if (type === 'E') {
      reply.error = errorFields(body);
      reply.done = true;
    } else if (type === 'Z') {
      reply.done = true;
    }
    if (reply.done) return reply;
  }
  return reply;
}

function errorFields(body: Buffer): { code: string; message: string } {
  const fields: Record<string, string> = {};
  for (const field of body.toString('utf8').split('\0')) if (field.length > 1) fields[field[0]!] = field.slice(1);
  return { code: fields.C ?? '', message: fields.M ?? '' };
}

/** Judges the backend's answer to a password-less startup as `postgres`. */
export function judgeStartupReply(reply: PgStartupReply): ServiceVerdict {
  if (reply.authCode === 0) {
    const version = reply.parameters.server_version;
    return {
      kind: 'unauthenticated',
      evidence: { user: 'postgres', database: 'postgres', authenticationCode: 0, ...(version ? { serverVersion: version } : {}) },
      summary: `accepted user postgres without a password${version ? ` (server_version ${version})` : ''}`,
    };
  }
  if (reply.authCode !== null) return { kind: 'protected', detail: `asks for ${AUTH_METHODS[reply.authCode] ?? `authentication method ${reply.authCode}`}` };
  if (reply.error) return { kind: 'protected', detail: `refused: ${reply.error.code} ${reply.error.message}`.slice(0, 200) };
  return reply.malformed ? { kind: 'other' } : { kind: 'no-answer' };
}

export const postgresCheck: ServiceCheck = {
  service: 'postgresql',
  label: 'PostgreSQL',
  definition: POSTGRES_TRUST_AUTH,
  ports: [5432],
  async run(ctx: ProbeContext, address: string, port: number): Promise<ServiceVerdict> {
    const timeoutMs = exchangeTimeout(ctx);
    const verdict = await withSession(ctx.net, address, port, { timeoutMs, signal: ctx.signal }, async (session) => {
      session.write(startupMessage('postgres', 'postgres'));
      const { data } = await session.read({ timeoutMs, maxBytes: 64 * 1024, complete: (d) => parseStartupReply(d).done });
      const reply = parseStartupReply(data);
      // Logged in: leave cleanly with Terminate. After a password request we just hang up (the
      // server would read a Terminate there as a malformed password message).
      if (reply.authCode === 0) session.write(TERMINATE);
      return judgeStartupReply(reply);
    });
    return verdict ?? { kind: 'no-answer' };
  },
};
