import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A private key and its certificate, both PEM. */
export interface LabKeyPair {
  key: string;
  cert: string;
}

/** A lab leaf certificate and the PEM of the test CA that signed the CA-issued kinds. */
export interface LabCertificate extends LabKeyPair {
  ca: string;
}

/**
 * The certificate faults the TLS checks must tell apart. Every kind except `expired-self-signed`
 * is signed by the process's test CA; `wrong-name` ignores the requested names on purpose.
 */
export const LAB_CERT_KINDS = ['valid', 'expired-self-signed', 'wrong-name', 'not-yet-valid', 'expiring-soon', 'weak-rsa'] as const;
export type LabCertKind = (typeof LAB_CERT_KINDS)[number];

/** The name no lab server is reached by, for the `wrong-name` kind. */
export const WRONG_LAB_NAME = 'wrong-host.invalid';
export const DEFAULT_LAB_NAMES: readonly string[] = ['localhost', '127.0.0.1'];

const DAY_MS = 86_400_000;

/** Validity window and key of each kind, relative to now. */
const KINDS: Record<LabCertKind, { fromDays: number; toDays: number; rsaBits?: number; selfSigned?: boolean }> = {
  valid: { fromDays: -1, toDays: 365 },
  'expired-self-signed': { fromDays: -400, toDays: -30, selfSigned: true },
  'wrong-name': { fromDays: -1, toDays: 365 },
  'not-yet-valid': { fromDays: 30, toDays: 400 },
  'expiring-soon': { fromDays: -80, toDays: 10 },
  'weak-rsa': { fromDays: -1, toDays: 365, rsaBits: 1024 },
};

// One scratch directory and one CA per process: generating them is the slow part, and keys
// never outlive the test run (each folder removed once read, the rest at exit; never committed).
let workDir: string | null = null;
let caPromise: Promise<LabKeyPair> | null = null;
const leaves = new Map<string, Promise<LabCertificate>>();
let counter = 0;

function scratch(): string {
  if (workDir === null) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fixfirst-lab-certs-'));
    workDir = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return workDir;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run('openssl', args, { cwd, timeout: 30_000 });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`openssl ${args[0]} failed: ${(err as Error).message}\n${stderr}`);
  }
}

/** `YYYYMMDDHHMMSSZ`, the GeneralizedTime form `openssl ca -startdate/-enddate` accepts. */
function asn1Time(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').replace(/\.\d+Z$/, 'Z');
}

function subjectAltName(names: readonly string[]): string {
  return names.map((name) => (net.isIP(name) ? `IP:${name}` : `DNS:${name}`)).join(', ');
}

/** The test CA (EC P-256, CA:TRUE, keyCertSign), created once per process. */
export function labCa(): Promise<LabKeyPair> {
  caPromise ??= (async () => {
    const dir = path.join(scratch(), 'ca');
    mkdirSync(dir, { recursive: true });
    await openssl(
      [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
        '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '3650', '-subj', '/O=fixfirst lab/CN=fixfirst test CA',
        '-addext', 'basicConstraints=critical,CA:TRUE',
        '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
      ],
      dir,
    );
    const pair = { key: await readFile(path.join(dir, 'ca.key'), 'utf8'), cert: await readFile(path.join(dir, 'ca.crt'), 'utf8') };
    await rm(dir, { recursive: true, force: true });
    return pair;
  })();
  return caPromise;
}

/**
 * A leaf certificate of `kind` for `names` (DNS names or IP addresses; the first DNS name is
 * also the CN). Cached per kind and names, so repeated calls in one process are free.
 */
export function labCertificate(kind: LabCertKind, names: readonly string[] = DEFAULT_LAB_NAMES): Promise<LabCertificate> {
  const cacheKey = `${kind}|${names.join(',')}`;
  let pending = leaves.get(cacheKey);
  if (!pending) {
    pending = issue(kind, kind === 'wrong-name' ? [WRONG_LAB_NAME] : names);
    leaves.set(cacheKey, pending);
  }
  return pending;
}

async function issue(kind: LabCertKind, names: readonly string[]): Promise<LabCertificate> {
  if (names.length === 0) throw new Error('labCertificate needs at least one name');
  const spec = KINDS[kind];
  const ca = await labCa();
  // Each leaf gets its own `openssl ca` database, so concurrent calls never share index.txt.
  const dir = path.join(scratch(), `leaf-${++counter}-${kind}`);
  await mkdir(path.join(dir, 'db'), { recursive: true });
  const cn = names.find((name) => !net.isIP(name)) ?? 'fixfirst lab';
  const keyUsage = spec.rsaBits ? 'digitalSignature, keyEncipherment' : 'digitalSignature';
  await Promise.all([
    writeFile(path.join(dir, 'db', 'index.txt'), ''),
    writeFile(path.join(dir, 'db', 'serial'), '01\n'),
    writeFile(
      path.join(dir, 'ca.cnf'),
      [
        '[ ca ]', 'default_ca = lab', '[ lab ]',
        'database = db/index.txt', 'new_certs_dir = db', 'serial = db/serial',
        'default_md = sha256', 'policy = any', 'unique_subject = no', 'email_in_dn = no',
        '[ any ]', 'organizationName = optional', 'commonName = supplied',
        '[ leaf ]',
        'basicConstraints = critical, CA:FALSE',
        `keyUsage = critical, ${keyUsage}`,
        'extendedKeyUsage = serverAuth',
        `subjectAltName = ${subjectAltName(names)}`,
        '',
      ].join('\n'),
    ),
    spec.selfSigned ? Promise.resolve() : writeFile(path.join(dir, 'ca.key'), ca.key),
    spec.selfSigned ? Promise.resolve() : writeFile(path.join(dir, 'ca.crt'), ca.cert),
  ]);
  const newKey = spec.rsaBits ? ['-newkey', `rsa:${spec.rsaBits}`] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
  await openssl(['req', '-new', ...newKey, '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', `/O=fixfirst lab/CN=${cn}`], dir);
  const now = Date.now();
  const signer = spec.selfSigned ? ['-selfsign', '-keyfile', 'leaf.key'] : ['-keyfile', 'ca.key', '-cert', 'ca.crt'];
  await openssl(
    [
      'ca', '-batch', '-notext', '-config', 'ca.cnf', '-rand_serial', ...signer,
      '-in', 'leaf.csr', '-out', 'leaf.crt',
      '-startdate', asn1Time(new Date(now + spec.fromDays * DAY_MS)),
      '-enddate', asn1Time(new Date(now + spec.toDays * DAY_MS)),
      '-extfile', 'ca.cnf', '-extensions', 'leaf',
    ],
    dir,
  );
  const [key, cert] = await Promise.all([readFile(path.join(dir, 'leaf.key'), 'utf8'), readFile(path.join(dir, 'leaf.crt'), 'utf8')]);
  // Keys live in memory only: test workers may be killed without running exit handlers.
  await rm(dir, { recursive: true, force: true });
  return { key, cert, ca: ca.cert };
}
