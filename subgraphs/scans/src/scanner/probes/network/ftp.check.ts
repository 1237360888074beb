import type { CheckDefinition, ProbeContext } from '../../check.js';
import type { ServiceCheck, ServiceVerdict } from './service-check.js';
import { sanitizeBanner } from './services.js';
import { exchangeTimeout, withSession, type TcpSession } from './tcp-session.js';

export const FTP_ANONYMOUS: CheckDefinition = {
  id: 'network.ftp-anonymous',
  title: 'FTP server allows anonymous login',
  category: 'network',
  severity: 'HIGH',
  cweId: 'CWE-284',
  confidence: 'CONFIRMED',
  description:
    'Logs in to the FTP server as `anonymous` (password `scanner@`) and stops there: a 230 reply proves that anyone can log in ' +
    'without an account and browse, download (and, if writable, upload) files. Nothing is listed or transferred. A 530 reply is not a finding.',
  evidence: 'The server greeting and the reply to the anonymous login (sanitized first lines), the address and port.',
  remediation:
    'Disable anonymous access unless the server is meant to publish public files: in vsftpd set `anonymous_enable=NO` ' +
    '(/etc/vsftpd.conf), in ProFTPD remove the `<Anonymous>` block, in Pure-FTPd set `NoAnonymous yes`. If anonymous download ' +
    'is intended, make the anonymous root read-only (`anon_upload_enable=NO`, `anon_mkdir_write_enable=NO`) and hold no private ' +
    'files there; prefer SFTP or HTTPS for everything else.',
  mode: 'ACTIVE',
  profile: 'STANDARD',
};

/** An FTP reply is whole once a line `NNN <text>` ends it (multi-line replies use `NNN-` until then). */
export function ftpReplyComplete(data: Buffer): boolean {
  return /(^|\n)\d{3} [^\n]*\n$/.test(data.toString('latin1'));
}

/** The reply code: the first three digits of the last line. */
export function ftpReplyCode(data: Buffer): number | null {
  const lines = data.toString('latin1').split(/\r?\n/).filter((l) => /^\d{3} /.test(l));
  const last = lines[lines.length - 1];
  return last ? Number(last.slice(0, 3)) : null;
}

async function reply(session: TcpSession, timeoutMs: number): Promise<Buffer | null> {
  const { data, complete } = await session.read({ timeoutMs, complete: ftpReplyComplete });
  return complete ? data : null;
}

/** Greeting, USER anonymous, PASS scanner@ (only if asked), then QUIT: the whole exchange. */
async function tryAnonymous(session: TcpSession, timeoutMs: number): Promise<ServiceVerdict> {
  const greeting = await reply(session, timeoutMs);
  if (!greeting) return { kind: 'no-answer' };
  const greetingCode = ftpReplyCode(greeting);
  if (greetingCode !== 220) return greetingCode === null ? { kind: 'other' } : { kind: 'no-answer' };
  session.write('USER anonymous\r\n');
  let answer = await reply(session, timeoutMs);
  if (!answer) return { kind: 'no-answer' };
  let code = ftpReplyCode(answer);
  if (code === 331) {
    session.write('PASS scanner@\r\n');
    answer = await reply(session, timeoutMs);
    if (!answer) return { kind: 'no-answer' };
    code = ftpReplyCode(answer);
  }
  session.write('QUIT\r\n');
  if (code === 230) {
    return {
      kind: 'unauthenticated',
      evidence: { user: 'anonymous', greeting: sanitizeBanner(greeting), reply: lastLine(answer) },
      summary: `accepted an anonymous login (${lastLine(answer)})`,
    };
  }
  return { kind: 'protected', detail: lastLine(answer) };
}

function lastLine(data: Buffer): string {
  const lines = data.toString('latin1').split(/\r?\n/).filter(Boolean);
  return sanitizeBanner(Buffer.from(lines[lines.length - 1] ?? '', 'latin1'));
}

export const ftpCheck: ServiceCheck = {
  service: 'ftp',
  label: 'FTP',
  definition: FTP_ANONYMOUS,
  ports: [21],
  async run(ctx: ProbeContext, address: string, port: number): Promise<ServiceVerdict> {
    const timeoutMs = exchangeTimeout(ctx);
    const verdict = await withSession(ctx.net, address, port, { timeoutMs, signal: ctx.signal }, (session) => tryAnonymous(session, timeoutMs));
    return verdict ?? { kind: 'no-answer' };
  },
};
