import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { openModuleOrm } from '../../lib/db/orm.js';
import { createLogger } from '../../lib/logger.js';
import { verifyWebhookSignature } from '../../subgraphs/findings/src/alert/alert-secret.js';
import { IntelSyncService } from '../../subgraphs/findings/src/intel/intel-sync.service.js';
import { findingsDb, FindingLifecycle, FindingWriter, type NewFinding } from '../../subgraphs/findings/src/module.js';
import { newFinding } from '../factories/finding.js';
import { seedClientWithKey, seedTenant, type SeededTenant } from '../factories/tenant.js';
import { ALL_SECURITY_HEADERS, startLabTarget, type LabTarget } from '../lab/lab-target.js';
import { mailText, selfSignedCert, startHttpsReceiver, startSmtpReceiver } from '../support/alert-receivers.js';
import { eventually, gql } from '../support/graphql.js';
import { restClient } from '../support/rest.js';
import { recordIssuedToken } from '../support/token-audit.js';
import { startTestStack, type TestStack } from './stack.js';

const HOST = '127.0.0.82';
const FAKE_CVE = 'CVE-2099-41773';

type Receiver = Awaited<ReturnType<typeof startHttpsReceiver>>;

describe('alerts: Slack, Teams, email and signed webhooks, through the queue, from scans and feed updates', () => {
  let t: TestStack;
  let tmp: string;
  let http: Receiver;
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  let lab: LabTarget;
  let tenant: SeededTenant;
  let secret: string;
  const call = (query: string, variables: Record<string, unknown> = {}, key = tenant.apiKey) => gql(t.stack.gatewayUrl, query, variables, { 'x-api-key': key });

  /** The generic webhook's messages about one thing (a scan id, a type). */
  const hooks = (pred: (j: any) => boolean) => http.delivered('/hook').filter((r) => pred(r.json));

  /** Writes findings as the scan worker does, for a scan of our own. */
  async function recordScan(clientId: string, findings: NewFinding[]): Promise<string> {
    const orm = await openModuleOrm(findingsDb, { url: t.databaseUrl, poolMax: 1 });
    try {
      const owner = { accountId: tenant.accountId, clientId, scanId: uuidv7() };
      await new FindingWriter(orm.em.fork()).record(owner, findings);
      await new FindingLifecycle(orm.em.fork()).seen(owner, findings);
      return owner.scanId;
    } finally {
      await orm.close();
    }
  }

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'fixfirst-alerts-e2e-'));
    const tls = await selfSignedCert(tmp, HOST);
    // The flaky path fails twice, then takes the message.
    http = await startHttpsReceiver(HOST, tls, (p, nth) => (p === '/flaky' && nth <= 2 ? 500 : 200));
    smtp = await startSmtpReceiver(HOST);
    lab = await startLabTarget({ host: HOST, headers: { server: 'alerts-lab/1.0' } });
    t = await startTestStack('alerts', {
      workers: 2,
      env: { ALERT_EXTRA_CA_FILE: tls.caFile, SMTP_URL: smtp.url, ALERT_RETRY_DELAY_SECONDS: '1', ALERT_RETRY_LIMIT: '4', ALERT_POLL_SECONDS: '2' },
    });
    tenant = await seedTenant(t.databaseUrl);
  }, 180_000);
  afterAll(async () => {
    await t?.stop();
    await Promise.all([http?.close(), smtp?.close(), lab?.close()]);
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('configures Slack, Teams, email and a webhook with POST /alerts/configure, showing the webhook secret once', async () => {
    const rest = restClient(t);
    const res = await rest.post('/alerts/configure', {
      headers: { 'x-api-key': tenant.apiKey },
      body: {
        client_id: tenant.defaultClientId,
        slack_webhook: http.url('/slack'),
        teams_webhook: http.url('/teams'),
        email: ['soc@example.com'],
        webhook_url: http.url('/hook'),
        kev_alerts: true,
        critical_alerts: true,
        high_alerts: false,
        new_finding: true,
        scan_failed: true,
      },
    });
    expect(res.status).toBe(200);
    secret = res.body.webhook_secret;
    recordIssuedToken(secret); // the audit then fails if it is ever stored or logged in plaintext
    expect(secret).toMatch(/^ffsig-[0-9a-f]{64}$/);
    expect(res.body.channels.map((c: { type: string }) => c.type).sort()).toEqual(['email', 'slack', 'teams', 'webhook']);
    for (const c of res.body.channels) expect(c.rules).toMatchObject({ kev_alerts: true, critical_alerts: true, high_alerts: false, new_finding: true, scan_failed: true, kev_after_feed_update: true });
    expect(res.body.channels.find((c: { type: string }) => c.type === 'slack').destination).toBe(`https://${HOST}:${new URL(http.url('/')).port}/…`);
    // Configuring again changes rules, not the secret: it is never shown twice.
    const again = await rest.post('/alerts/configure', { headers: { 'x-api-key': tenant.apiKey }, body: { client_id: tenant.defaultClientId, high_alerts: true } });
    expect(again.status).toBe(200);
    expect(again.body.webhook_secret).toBeNull();
    expect(again.body.channels.every((c: { rules: { high_alerts: boolean } }) => c.rules.high_alerts)).toBe(true);
  });

  it('refuses http:// and addresses outside the scan policy when configuring, naming the field', async () => {
    const rest = restClient(t);
    const plain = await rest.post('/alerts/configure', { headers: { 'x-api-key': tenant.apiKey }, body: { client_id: tenant.defaultClientId, webhook_url: `http://${HOST}:1/hook` } });
    expect(plain.status).toBe(400);
    expect(plain.body.issues).toEqual([expect.objectContaining({ field: 'webhook_url', message: expect.stringContaining('https://') })]);
    const metadata = await call(`mutation($i: ConfigureAlertsInput!) { configureAlerts(input: $i) { clientId } }`, { i: { clientId: tenant.defaultClientId, slackWebhook: 'https://169.254.169.254/latest/meta-data' } });
    expect(metadata.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(metadata.errors?.[0]?.message).toMatch(/slackWebhook: is refused: 169\.254\.169\.254 is a link-local/);
    const privateNet = await rest.post('/alerts/configure', { headers: { 'x-api-key': tenant.apiKey }, body: { client_id: tenant.defaultClientId, teams_webhook: 'https://10.1.2.3/hook' } });
    expect(privateNet.status).toBe(400);
    expect(privateNet.body.issues[0]).toMatchObject({ field: 'teams_webhook', message: expect.stringMatching(/private address/) });
  });

  it('sends one message per channel for a scan with 30 matching findings, listing 20 and "and 10 more", escaped for each format', async () => {
    const findings = Array.from({ length: 30 }, (_, i) =>
      newFinding({ checkId: `alerts.check-${i}`, severity: i < 3 ? 'CRITICAL' : 'MEDIUM', title: i === 0 ? '<script>alert(1)</script> & <b>bold</b>' : `Finding ${i}`, target: `https://${HOST}/app`, location: `spot-${i}`, host: HOST }),
    );
    const scanId = await recordScan(tenant.defaultClientId, findings);
    // The worker queues this job when a scan ends; here the scan is ours, so we queue it as it would.
    const boss = new PgBoss({ connectionString: t.databaseUrl, schema: 'pgboss', max: 1, supervise: false, schedule: false });
    await boss.start();
    try {
      await boss.send('alert-evaluate', { scanId, accountId: tenant.accountId, clientId: tenant.defaultClientId, status: 'COMPLETED', target: `https://${HOST}/app`, error: null });
      await boss.send('alert-evaluate', { scanId, accountId: tenant.accountId, clientId: tenant.defaultClientId, status: 'COMPLETED', target: `https://${HOST}/app`, error: null });
    } finally {
      await boss.stop({ graceful: true, timeout: 5_000 });
    }
    const about = (r: { raw: string }) => r.raw.includes(scanId) || r.raw.includes('30 findings to act on');
    await eventually(async () => hooks((j) => j.scan?.id === scanId).length >= 1 && http.delivered('/slack').some(about) && http.delivered('/teams').some(about) && smtp.mails.some((m) => m.raw.includes('30 findings')), 60_000, 'the scan alert on all four channels');

    const [hook] = hooks((j) => j.scan?.id === scanId);
    expect(hook!.json).toMatchObject({ type: 'scan.findings', total: 30, more: 10, client: { id: tenant.defaultClientId, name: 'Default' } });
    expect(hook!.json.findings).toHaveLength(20);
    expect(hook!.json.findings[0]).toMatchObject({ severity: 'CRITICAL', new: true });
    expect(hook!.json.scan.report_url).toMatch(new RegExp(`/scan/${scanId}/report/technical\\?exp=\\d+&cred=key\\.[0-9a-f-]{36}&sig=`));
    // Documented verification: HMAC-SHA256(secret, "<timestamp>.<raw body>"), hex, prefixed v1=.
    const ts = String(hook!.headers['x-fixfirst-timestamp']);
    const expected = `v1=${createHmac('sha256', secret).update(`${ts}.${hook!.raw}`).digest('hex')}`;
    expect(timingSafeEqual(Buffer.from(String(hook!.headers['x-fixfirst-signature'])), Buffer.from(expected))).toBe(true);
    expect(verifyWebhookSignature(secret, { timestamp: ts, signature: String(hook!.headers['x-fixfirst-signature']) }, hook!.raw)).toBe(true);
    expect(verifyWebhookSignature(secret, { timestamp: ts, signature: String(hook!.headers['x-fixfirst-signature']) }, hook!.raw.replace('30', '31'))).toBe(false);

    const slack = http.delivered('/slack').filter(about);
    expect(slack).toHaveLength(1);
    const s = slack[0]!.json;
    expect(typeof s.text).toBe('string');
    expect(s.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text' } });
    const sections = s.blocks.filter((b: { type: string }) => b.type === 'section');
    expect(sections).toHaveLength(20);
    expect(JSON.stringify(s.blocks)).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;');
    expect(JSON.stringify(s.blocks)).not.toContain('<script>');
    expect(s.blocks.find((b: { type: string }) => b.type === 'context').elements[0].text).toBe('and 10 more');
    expect(s.blocks.at(-1)).toMatchObject({ type: 'actions', elements: [{ type: 'button', url: expect.stringContaining(`/scan/${scanId}/report/technical`) }] });

    const teams = http.delivered('/teams').filter(about);
    expect(teams).toHaveLength(1);
    expect(teams[0]!.json).toMatchObject({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', version: '1.4' } }] });
    const card = teams[0]!.json.attachments[0].content;
    expect(card.body.filter((b: { type: string }) => b.type === 'Container')).toHaveLength(20);
    expect(card.actions[0]).toMatchObject({ type: 'Action.OpenUrl', url: expect.stringContaining(`/scan/${scanId}/report/technical`) });

    const mails = smtp.mails.filter((m) => m.raw.includes('30 findings'));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toEqual(['soc@example.com']);
    const text = mailText(mails[0]!.raw);
    expect(text).toContain('and 10 more');
    expect(text).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;');
    expect(text).toMatch(/Content-Type: text\/html/i);
  });

  it('alerts on a real scan as it ends: its new findings, and a failed scan on its own', async () => {
    const created = await call(`mutation($i: CreateScanInput!) { createScan(input: $i) { id } }`, { i: { target: `${lab.url}real`, targetType: 'URL', profile: 'LIGHT' } });
    expect(created.errors).toBeUndefined();
    const scanId: string = created.data!.createScan.id;
    await eventually(async () => hooks((j) => j.scan?.id === scanId).length > 0, 120_000, 'the real scan\'s webhook alert');
    expect(hooks((j) => j.scan?.id === scanId)[0]!.json).toMatchObject({ type: 'scan.findings', scan: { status: 'COMPLETED' } });

    const failed = await call(`mutation($i: CreateScanInput!) { createScan(input: $i) { id } }`, { i: { target: `http://${HOST}:9/`, targetType: 'URL', profile: 'LIGHT' } });
    const failedId: string = failed.data!.createScan.id;
    await eventually(async () => hooks((j) => j.scan?.id === failedId).length > 0, 120_000, 'the failed scan\'s webhook alert');
    const [f] = hooks((j) => j.scan?.id === failedId);
    expect(f!.json).toMatchObject({ type: 'scan.failed', findings: [], scan: { status: 'FAILED', error: expect.any(String) } });
  });

  it('retries a receiver that fails twice: it gets the message once, and the log shows three attempts; redeliverAlert sends it again', async () => {
    const client = await seedClientWithKey(t.databaseUrl, tenant.accountId, 'Flaky receiver client');
    const configured = await call(`mutation($i: ConfigureAlertsInput!) { configureAlerts(input: $i) { channels { id kind } webhookSecret } }`, { i: { clientId: client.clientId, webhookUrl: http.url('/flaky') } });
    expect(configured.errors).toBeUndefined();
    recordIssuedToken(configured.data!.configureAlerts.webhookSecret);
    const channelId: string = configured.data!.configureAlerts.channels[0].id;
    const sent = await call(`mutation($id: ID!) { testAlert(channelId: $id) { id status event } }`, { id: channelId });
    expect(sent.data!.testAlert).toMatchObject({ status: 'PENDING', event: 'TEST' });
    const LOG = `query($id: ID!) { alertDeliveries(channelId: $id, first: 10) { edges { node { id status attempts lastError lastResponseCode log { attempt ok responseCode error } } } } }`;
    const node = await eventually(async () => {
      const r = await call(LOG, { id: channelId });
      const n = r.data?.alertDeliveries.edges[0]?.node;
      return n?.status === 'DELIVERED' ? n : null;
    }, 60_000, 'the flaky delivery succeeding');
    expect(node.attempts).toBe(3);
    expect(node.log.map((a: { ok: boolean; responseCode: number }) => [a.ok, a.responseCode])).toEqual([[false, 500], [false, 500], [true, 200]]);
    expect(node.log[0].error).toMatch(/HTTP 500/);
    expect(http.delivered('/flaky')).toHaveLength(1);
    expect(http.received.filter((r) => r.path === '/flaky')).toHaveLength(3);
    expect(http.delivered('/flaky')[0]!.json).toMatchObject({ type: 'test', delivery_id: node.id });

    const again = await call(`mutation($id: ID!) { redeliverAlert(deliveryId: $id) { id status } }`, { id: node.id });
    expect(again.data!.redeliverAlert.status).toBe('PENDING');
    await eventually(async () => http.delivered('/flaky').length === 2, 60_000, 'the redelivery');
    const after = await eventually(async () => {
      const n = (await call(LOG, { id: channelId })).data?.alertDeliveries.edges[0]?.node;
      return n?.status === 'DELIVERED' && n.attempts === 4 ? n : null;
    }, 30_000, 'the redelivery logged');
    expect(after.log).toHaveLength(4);
  });

  it('tells the channel once when a KEV feed update puts a finding\'s CVE in CISA KEV', async () => {
    await recordScan(tenant.defaultClientId, [newFinding({ checkId: 'software.known-vulnerable', severity: 'HIGH', title: 'Vulnerable widget 1.0', cveIds: [FAKE_CVE], location: 'kev-spot', host: HOST })]);
    const kev = {
      title: 'CISA Catalog of Known Exploited Vulnerabilities',
      catalogVersion: '2099.01.01',
      dateReleased: '2099-01-01T00:00:00.000Z',
      count: 1,
      vulnerabilities: [
        { cveID: FAKE_CVE, vendorProject: 'Widget', product: 'Widget', vulnerabilityName: 'Widget RCE', dateAdded: '2099-01-01', shortDescription: 'A test entry.', requiredAction: 'Patch.', dueDate: '2099-01-22', knownRansomwareCampaignUse: 'Unknown', notes: '', cwes: [] },
      ],
    };
    const file = path.join(tmp, 'kev.json');
    await writeFile(file, JSON.stringify(kev));
    const [loaded] = await new IntelSyncService(t.databaseUrl, createLogger('test', 'silent')).sync([{ feed: 'kev', location: file }]);
    expect(loaded!.outcome).toBe('loaded');
    const isKev = (j: any) => j.type === 'findings.kev_added' && j.findings.some((f: { cve_ids: string[] }) => f.cve_ids.includes(FAKE_CVE));
    await eventually(async () => hooks(isKev).length > 0 && http.delivered('/slack').some((r) => r.raw.includes('newly in CISA KEV')), 60_000, 'the newly-in-KEV alert');
    const [msg] = hooks(isKev);
    expect(msg!.json).toMatchObject({ feed: { name: 'kev' }, total: 1, findings: [{ title: 'Vulnerable widget 1.0', kev: true, report_url: expect.stringContaining('/report/technical') }] });
    // Two workers consume the change stream: still exactly one message per channel.
    await eventually(async () => smtp.mails.some((m) => m.raw.includes('newly in CISA KEV')), 30_000, 'the KEV email');
    expect(hooks(isKev)).toHaveLength(1);
    expect(http.delivered('/slack').filter((r) => r.raw.includes('newly in CISA KEV'))).toHaveLength(1);
  });
});
