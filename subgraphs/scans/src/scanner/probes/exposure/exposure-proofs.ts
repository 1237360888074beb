/**
 * Content proofs for exposed files: each takes what the server answered and returns what it proves
 * (for the evidence) or null. They look for structure a soft-404 page cannot have by accident.
 */

/** The first bytes as text, for checks that must not read a whole download. */
function head(body: Buffer, bytes = 4096): string {
  return body.subarray(0, bytes).toString('utf8');
}

/** True for an HTML document (a soft-404, a login page), which no exposed text file is. */
export function looksLikeHtml(body: Buffer): boolean {
  return /^\s*<(?:!doctype|html|head|body|\?xml)|<html[\s>]|<body[\s>]/i.test(head(body, 2048));
}

function isBinary(body: Buffer): boolean {
  return body.subarray(0, 4096).includes(0);
}

/** /.git/HEAD: a symbolic ref (`ref: refs/heads/main`) or a detached commit id (SHA-1 or SHA-256). */
export function gitHeadProof(body: Buffer): string | null {
  const text = head(body, 512).trim();
  return /^ref: refs\/[\w./-]+$/.test(text) || /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(text) ? text : null;
}

export interface GitConfigProof {
  sections: string[];
  /** Remote URLs with any user:password replaced by `***`. */
  remotes: string[];
  remoteHasCredentials: boolean;
}

/** /.git/config: an INI file with a [core] section. */
export function gitConfigProof(body: Buffer): GitConfigProof | null {
  const text = head(body, 65536);
  if (!/^\s*\[core\]\s*$/m.test(text) || looksLikeHtml(body)) return null;
  const sections = [...text.matchAll(/^\s*\[([^\]\n]+)\]\s*$/gm)].map((m) => m[1]!.trim()).slice(0, 20);
  let remoteHasCredentials = false;
  const remotes = [...text.matchAll(/^\s*url\s*=\s*(\S+)\s*$/gm)].slice(0, 5).map((m) => {
    const redacted = m[1]!.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/@\s]+)@/i, (_all, scheme: string) => `${scheme}***@`);
    // user:password@, or a long bare user part (a token used as the user name).
    if (redacted !== m[1]) remoteHasCredentials ||= /:\/\/[^/@\s]*:[^/@\s]+@/.test(m[1]!) || /:\/\/[^/@:\s]{20,}@/.test(m[1]!);
    return redacted;
  });
  return { sections, remotes, remoteHasCredentials };
}

export interface EnvFileProof {
  names: string[];
  /** Names that look like credentials and have a non-empty value. */
  secretNames: string[];
}

const SECRET_NAME = /PASS(?:WORD|WD)?|PWD|SECRET|TOKEN|API_?KEY|PRIVATE|CREDENTIAL|ACCESS_?KEY|AUTH|DATABASE_URL|DB_URL|DSN|CONNECTION_STRING|SALT/i;

/** /.env: mostly `NAME=value` lines, at least two. Only names are kept; values never leave here. */
export function envFileProof(body: Buffer): EnvFileProof | null {
  if (isBinary(body) || looksLikeHtml(body)) return null;
  const lines = body
    .toString('utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const names: string[] = [];
  const secretNames: string[] = [];
  for (const line of lines) {
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    const name = m[1]!;
    if (!names.includes(name)) names.push(name);
    const value = m[2]!.replace(/^(['"])(.*)\1$/, '$2').trim();
    if (value !== '' && SECRET_NAME.test(name) && !secretNames.includes(name)) secretNames.push(name);
  }
  // Multi-line quoted values (PEM keys) add lines that are not assignments; half is plenty.
  const assignments = lines.filter((l) => /^(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*\s*=/.test(l)).length;
  if (names.length < 2 || assignments * 2 < lines.length) return null;
  return { names: names.slice(0, 50), secretNames: secretNames.slice(0, 50) };
}

export interface SourceMapProof {
  sourcesCount: number;
  sources: string[];
  hasSourcesContent: boolean;
}

/** A version 3 source map: JSON with a "mappings" string and a "sources" array. */
export function sourceMapProof(body: Buffer, truncated: boolean): SourceMapProof | null {
  const text = body.toString('utf8').replace(/^\)\]\}'[^\n]*\n/, '');
  if (!text.trimStart().startsWith('{')) return null;
  if (!truncated) {
    try {
      const map = JSON.parse(text) as Record<string, unknown>;
      if (typeof map.mappings !== 'string' || !Array.isArray(map.sources)) return null;
      const sources = map.sources.filter((s): s is string => typeof s === 'string');
      const content = Array.isArray(map.sourcesContent) && map.sourcesContent.some((c) => typeof c === 'string' && c.length > 0);
      return { sourcesCount: map.sources.length, sources: sources.slice(0, 10), hasSourcesContent: content };
    } catch {
      return null;
    }
  }
  // Only the beginning was read: judge the keys it shows.
  const list = /"sources"\s*:\s*(\[[^\]]*\])/.exec(text)?.[1];
  if (!/"mappings"\s*:\s*"/.test(text) || !list) return null;
  let sources: string[];
  try {
    sources = (JSON.parse(list) as unknown[]).filter((s): s is string => typeof s === 'string');
  } catch {
    return null;
  }
  return { sourcesCount: sources.length, sources: sources.slice(0, 10), hasSourcesContent: /"sourcesContent"\s*:\s*\[\s*"/.test(text) };
}

/** What a backup name should contain, by its extension. */
export type BackupKind = 'zip' | 'gzip' | 'sql' | 'php';

export function backupKind(path: string): BackupKind {
  if (/\.zip$/i.test(path)) return 'zip';
  if (/\.(?:tar\.gz|tgz|gz)$/i.test(path)) return 'gzip';
  if (/\.sql$/i.test(path)) return 'sql';
  return 'php';
}

export interface BackupProof {
  kind: string;
  detail: string;
  /** For PHP source: names of credential-looking constants or variables it defines (no values). */
  credentialNames?: string[];
}

/** Confirms a backup by what it must start with or contain, not by its status. */
export function backupProof(kind: BackupKind, body: Buffer): BackupProof | null {
  const magic = body.subarray(0, 4).toString('hex');
  switch (kind) {
    case 'zip':
      return magic === '504b0304' || magic === '504b0506' ? { kind: 'ZIP archive', detail: `starts with bytes ${magic} (PK)` } : null;
    case 'gzip':
      return magic.startsWith('1f8b08') ? { kind: 'gzip archive', detail: `starts with bytes ${magic.slice(0, 6)}` } : null;
    case 'sql': {
      if (isBinary(body) || looksLikeHtml(body)) return null;
      const text = head(body, 65536);
      const statement = /\b(CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?[`"[]?[\w.$-]+[`"\]]?|INSERT\s+INTO\s+[`"[]?[\w.$-]+[`"\]]?)/i.exec(text)?.[1];
      return statement ? { kind: 'SQL dump', detail: `contains "${statement.replace(/\s+/g, ' ')}"` } : null;
    }
    case 'php': {
      const text = head(body, 65536);
      if (isBinary(body) || !/^\s*<\?php\b/.test(text)) return null;
      const names = new Set<string>();
      for (const m of text.matchAll(/define\(\s*['"](\w+)['"]/g)) if (SECRET_NAME.test(m[1]!)) names.add(m[1]!);
      for (const m of text.matchAll(/\$(\w+)\s*=\s*['"][^'"]+['"]/g)) if (SECRET_NAME.test(m[1]!)) names.add(`$${m[1]}`);
      return { kind: 'PHP source code', detail: 'starts with <?php: the server sends the script as text', credentialNames: [...names].slice(0, 20) };
    }
  }
}

/** Apache mod_status or nginx stub_status output. */
export function serverStatusProof(body: Buffer): { server: string; detail: string } | null {
  const text = head(body, 65536);
  if (/Apache Server Status for/i.test(text)) {
    const version = /Server Version:\s*([^<\n]+)/i.exec(text)?.[1]?.trim();
    return { server: 'Apache mod_status', detail: version ? `Server Version: ${version}` : 'Apache Server Status page' };
  }
  const active = /^Active connections:\s*\d+/m.exec(text)?.[0];
  if (active && /Reading:\s*\d+\s+Writing:\s*\d+/.test(text)) return { server: 'nginx stub_status', detail: active.trim() };
  return null;
}

/** An automatic directory index: Apache/nginx/lighttpd "Index of /", Python http.server, IIS. */
export function directoryListingProof(body: Buffer): { style: string; entries: string[] } | null {
  const text = head(body, 65536);
  let style: string | null = null;
  if (/<title>\s*Index of \/[^<]*<\/title>/i.test(text) || /<h1>\s*Index of \/[^<]*<\/h1>/i.test(text)) style = 'Index of (Apache/nginx autoindex)';
  else if (/<title>\s*Directory listing for \/[^<]*<\/title>/i.test(text)) style = 'Directory listing for (Python http.server)';
  else if (/\[To Parent Directory\]/.test(text) && /<pre>/i.test(text)) style = 'IIS directory browsing';
  if (!style) return null;
  const entries = [...text.matchAll(/<a\s[^>]*href\s*=\s*["']([^"'?#]+)["']/gi)]
    .map((m) => safeDecode(m[1]!))
    .filter((href) => href !== '../' && href !== '/' && !href.startsWith('http'))
    .slice(0, 10);
  return { style, entries };
}

function safeDecode(href: string): string {
  try {
    return decodeURIComponent(href);
  } catch {
    return href;
  }
}

/** phpinfo() output: its title, or the version banner together with the function's name. */
export function phpinfoProof(body: Buffer): { phpVersion: string | null } | null {
  const text = head(body, 65536);
  const titled = /<title>[^<]*phpinfo\(\)[^<]*<\/title>/i.test(text);
  const version = /PHP Version\s*(?:<\/[^>]*>\s*(?:<[^>]*>\s*)*)?(\d+\.\d+[\w.+~-]*)/i.exec(text)?.[1] ?? null;
  if (titled || (version && /phpinfo/i.test(text))) return { phpVersion: version };
  return null;
}

/** A security.txt (RFC 9116): plain text with at least one `Contact:` field. */
export function securityTxtProof(body: Buffer): { contacts: string[] } | null {
  if (looksLikeHtml(body)) return null;
  const contacts = [...head(body, 32768).matchAll(/^\s*Contact:\s*(\S+)/gim)].map((m) => m[1]!);
  return contacts.length > 0 ? { contacts: contacts.slice(0, 5) } : null;
}
