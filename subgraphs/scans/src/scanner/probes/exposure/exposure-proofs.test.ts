import { describe, expect, it } from 'vitest';
import {
  backupKind,
  backupProof,
  directoryListingProof,
  envFileProof,
  gitConfigProof,
  gitHeadProof,
  phpinfoProof,
  securityTxtProof,
  serverStatusProof,
  sourceMapProof,
} from './exposure-proofs.js';

const b = (text: string | number[]): Buffer => (typeof text === 'string' ? Buffer.from(text) : Buffer.from(text));
const SPA = b('<!doctype html><html><head><title>Shop</title></head><body><div id="root"></div></body></html>');

describe('exposure proofs', () => {
  it('recognises a git HEAD ref or commit id and nothing else', () => {
    expect(gitHeadProof(b('ref: refs/heads/main\n'))).toBe('ref: refs/heads/main');
    expect(gitHeadProof(b('3f786850e387550fdab836ed7e6dc881de23001b\n'))).toBe('3f786850e387550fdab836ed7e6dc881de23001b');
    expect(gitHeadProof(SPA)).toBeNull();
    expect(gitHeadProof(b('Cannot GET /.git/HEAD'))).toBeNull();
  });

  it('reads git config sections and redacts remote credentials', () => {
    const config = gitConfigProof(b('[core]\n\trepositoryformatversion = 0\n[remote "origin"]\n\turl = https://deploy:hunter2@git.example.com/acme/site.git\n'));
    expect(config).toEqual({ sections: ['core', 'remote "origin"'], remotes: ['https://***@git.example.com/acme/site.git'], remoteHasCredentials: true });
    expect(gitConfigProof(b('[core]\n[remote "origin"]\n\turl = git@github.com:acme/site.git\n'))!.remoteHasCredentials).toBe(false);
    expect(gitConfigProof(SPA)).toBeNull();
  });

  it('lists env variable names, flags secret-looking ones, and never keeps values', () => {
    const env = envFileProof(b('# app\nAPP_NAME=shop\nexport DB_PASSWORD="hunter2"\nSTRIPE_API_KEY=sk_live_x\nEMPTY_TOKEN=\n'));
    expect(env).toEqual({ names: ['APP_NAME', 'DB_PASSWORD', 'STRIPE_API_KEY', 'EMPTY_TOKEN'], secretNames: ['DB_PASSWORD', 'STRIPE_API_KEY'] });
    expect(JSON.stringify(env)).not.toMatch(/hunter2|sk_live/);
    expect(envFileProof(b('APP_ENV=production\nLOG_LEVEL=info\n'))).toEqual({ names: ['APP_ENV', 'LOG_LEVEL'], secretNames: [] });
  });

  it('does not take a single assignment, prose or HTML for an env file', () => {
    expect(envFileProof(b('APP_ENV=production\n'))).toBeNull();
    expect(envFileProof(b('Not found.\nThe page a=b you asked for\nis gone\nsorry\nx=1\n'))).toBeNull();
    expect(envFileProof(b('<html><body>\nA=1\nB=2\n</body></html>'))).toBeNull();
  });

  it('recognises a source map, whole or cut short', () => {
    const map = JSON.stringify({ version: 3, sources: ['src/a.ts', 'src/b.ts'], sourcesContent: ['export {}', ''], mappings: 'AAAA' });
    expect(sourceMapProof(b(map), false)).toEqual({ sourcesCount: 2, sources: ['src/a.ts', 'src/b.ts'], hasSourcesContent: true });
    expect(sourceMapProof(b(`)]}'\n{"version":3,"sources":["x.js"],"mappings":";;"}`), false)).toMatchObject({ hasSourcesContent: false });
    expect(sourceMapProof(b('{"version":3,"sources":["a.js"],"mappings":"AAAA;AACA,'), true)).toEqual({ sourcesCount: 1, sources: ['a.js'], hasSourcesContent: false });
    expect(sourceMapProof(b('{"version":3,"file":"x.js"}'), false)).toBeNull();
    expect(sourceMapProof(SPA, false)).toBeNull();
  });

  it('confirms backups by magic bytes, SQL statements or PHP source', () => {
    expect(backupKind('/site.zip')).toBe('zip');
    expect(backupKind('/backup.tar.gz')).toBe('gzip');
    expect(backupKind('/db.sql')).toBe('sql');
    expect(backupKind('/config.php~')).toBe('php');
    expect(backupProof('zip', b([0x50, 0x4b, 0x03, 0x04, 0x14, 0]))).toMatchObject({ kind: 'ZIP archive' });
    expect(backupProof('gzip', b([0x1f, 0x8b, 0x08, 0x00, 0, 0]))).toMatchObject({ kind: 'gzip archive' });
    expect(backupProof('sql', b('-- dump\nCREATE TABLE `users` (id int);\n'))).toEqual({ kind: 'SQL dump', detail: 'contains "CREATE TABLE `users`"' });
    expect(backupProof('sql', b('insert into orders values (1);'))).toMatchObject({ detail: 'contains "insert into orders"' });
    const php = backupProof('php', b("<?php\ndefine('DB_PASSWORD', 'x');\ndefine('WP_HOME', 'y');\n$secret_key = 'z';\n"));
    expect(php).toMatchObject({ kind: 'PHP source code', credentialNames: ['DB_PASSWORD', '$secret_key'] });
  });

  it('does not confirm a backup from a 200 page of another kind', () => {
    expect(backupProof('zip', SPA)).toBeNull();
    expect(backupProof('gzip', b('PK\u0003\u0004'))).toBeNull();
    expect(backupProof('sql', b('<html><body>How to CREATE TABLE users in MySQL</body></html>'))).toBeNull();
    expect(backupProof('php', SPA)).toBeNull();
  });

  it('recognises Apache and nginx status pages', () => {
    expect(serverStatusProof(b('<h1>Apache Server Status for lab</h1><dl><dt>Server Version: Apache/2.4.58 (Unix)</dt>'))).toEqual({
      server: 'Apache mod_status',
      detail: 'Server Version: Apache/2.4.58 (Unix)',
    });
    expect(serverStatusProof(b('Active connections: 3 \nserver accepts handled requests\n 10 10 12 \nReading: 0 Writing: 1 Waiting: 2 \n'))).toEqual({
      server: 'nginx stub_status',
      detail: 'Active connections: 3',
    });
    expect(serverStatusProof(b('<p>Active connections: are shown on the status page</p>'))).toBeNull();
  });

  it('recognises autoindex, Python and IIS listings with their entries', () => {
    const nginx = '<html><head><title>Index of /uploads/</title></head><body><h1>Index of /uploads/</h1><hr><pre><a href="../">../</a>\n<a href="cv%20final.pdf">cv final.pdf</a>\n</pre>';
    expect(directoryListingProof(b(nginx))).toEqual({ style: 'Index of (Apache/nginx autoindex)', entries: ['cv final.pdf'] });
    const apache = '<title>Index of /files</title><a href="?C=N;O=D">Name</a><a href="/">Parent Directory</a><a href="report.xlsx">report.xlsx</a>';
    expect(directoryListingProof(b(apache))!.entries).toEqual(['report.xlsx']);
    expect(directoryListingProof(b('<title>Directory listing for /</title><ul><li><a href="a.txt">a.txt</a>'))!.style).toMatch(/Python/);
    expect(directoryListingProof(b('<pre><A HREF="/">[To Parent Directory]</A><br>'))!.style).toBe('IIS directory browsing');
    expect(directoryListingProof(b('<title>Blog</title><p>Index of /r/programming posts</p>'))).toBeNull();
  });

  it('recognises phpinfo() output and its version', () => {
    expect(phpinfoProof(b('<title>PHP 8.2.12 - phpinfo()</title><h1 class="p">PHP Version 8.2.12</h1>'))).toEqual({ phpVersion: '8.2.12' });
    expect(phpinfoProof(b('<title>phpinfo()</title>'))).toEqual({ phpVersion: null });
    expect(phpinfoProof(b('<p>Our servers run PHP Version 8 for speed.</p>'))).toBeNull();
  });

  it('requires a Contact field outside HTML for security.txt', () => {
    expect(securityTxtProof(b('Contact: mailto:security@example.com\nExpires: 2027-01-01T00:00:00Z\n'))).toEqual({ contacts: ['mailto:security@example.com'] });
    expect(securityTxtProof(b('Expires: 2027-01-01T00:00:00Z\n'))).toBeNull();
    expect(securityTxtProof(b('<html><body>Contact: us</body></html>'))).toBeNull();
  });
});
