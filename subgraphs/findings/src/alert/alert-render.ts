import { headline, whereOf, type AlertItem, type AlertMessage } from './alert-message.js';

/** Signs a report link for a scan (null: no link, e.g. the sample of testAlert). */
export type ReportLink = (scanId: string) => string | null;

/** Slack mrkdwn: `&`, `<` and `>` are control characters (links, mentions) and must be escaped. */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** HTML text and attribute values. */
export function htmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Adaptive Card TextBlocks render a markdown subset: its control characters are backslash-escaped. */
export function cardEscape(text: string): string {
  // Links need `[`, emphasis `*` `_` `~`, code a backtick: escaped, none of them can form.
  return text.replace(/[\\`*_[\]~]/g, (c) => `\\${c}`);
}

const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function tags(i: AlertItem): string[] {
  return [...(i.kev ? ['KEV'] : []), ...(i.regressed ? ['regressed'] : []), ...(i.isNew ? ['new'] : []), ...i.cveIds.slice(0, 3)];
}

function messageLink(m: AlertMessage, link: ReportLink): string | null {
  return m.scan ? link(m.scan.id) : null;
}

function moreText(m: AlertMessage): string | null {
  const more = m.total - m.items.length;
  return more > 0 ? `and ${more} more` : null;
}

function failureText(m: AlertMessage): string | null {
  return m.event === 'SCAN_FAILED' ? `Reason: ${m.scan?.error ?? 'unknown'}` : null;
}

/** Slack incoming webhook: `text` (notifications, fallback) and Block Kit `blocks`. */
export function renderSlack(m: AlertMessage, link: ReportLink): Record<string, unknown> {
  const title = headline(m);
  const blocks: Record<string, unknown>[] = [{ type: 'header', text: { type: 'plain_text', text: clip(title, 150), emoji: false } }];
  const failure = failureText(m);
  if (failure) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: slackEscape(clip(failure, 2900)) } });
  for (const i of m.items) {
    const itemLink = m.event === 'KEV_ADDED' ? link(i.scanId) : null;
    const name = `*${i.severity}* ${slackEscape(clip(i.title, 300))}`;
    const lines = [itemLink ? `${name} <${itemLink}|report>` : name, slackEscape(clip(whereOf(i), 500))];
    const t = tags(i);
    if (t.length) lines.push(slackEscape(t.join(' · ')));
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } });
  }
  const more = moreText(m);
  if (more) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: more }] });
  const url = messageLink(m, link);
  if (url) blocks.push({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open the report' }, url }] });
  return { text: slackEscape(title), blocks };
}

/** Microsoft Teams incoming webhook: a message with one Adaptive Card attachment. */
export function renderTeams(m: AlertMessage, link: ReportLink): Record<string, unknown> {
  const body: Record<string, unknown>[] = [{ type: 'TextBlock', text: cardEscape(headline(m)), weight: 'Bolder', size: 'Medium', wrap: true }];
  const failure = failureText(m);
  if (failure) body.push({ type: 'TextBlock', text: cardEscape(failure), wrap: true, color: 'Attention' });
  for (const i of m.items) {
    const itemLink = m.event === 'KEV_ADDED' ? link(i.scanId) : null;
    body.push({
      type: 'Container',
      separator: true,
      items: [
        { type: 'TextBlock', text: `**${i.severity}** ${cardEscape(clip(i.title, 300))}`, wrap: true },
        { type: 'TextBlock', text: cardEscape(clip(whereOf(i), 500)), wrap: true, isSubtle: true, spacing: 'None' },
        ...(tags(i).length ? [{ type: 'TextBlock', text: cardEscape(tags(i).join(' · ')), wrap: true, spacing: 'None', color: i.kev ? 'Attention' : 'Default' }] : []),
        ...(itemLink ? [{ type: 'ActionSet', actions: [{ type: 'Action.OpenUrl', title: 'Report', url: itemLink }] }] : []),
      ],
    });
  }
  const more = moreText(m);
  if (more) body.push({ type: 'TextBlock', text: more, isSubtle: true });
  const url = messageLink(m, link);
  const card = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body,
    ...(url ? { actions: [{ type: 'Action.OpenUrl', title: 'Open the report', url }] } : {}),
  };
  return { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }] };
}

/** Email: a subject, a plain-text part and an HTML part with everything escaped. */
export function renderEmail(m: AlertMessage, link: ReportLink): { subject: string; text: string; html: string } {
  const title = headline(m);
  const url = messageLink(m, link);
  const failure = failureText(m);
  const more = moreText(m);
  const text = [
    title,
    '',
    ...(failure ? [failure, ''] : []),
    ...m.items.flatMap((i) => {
      const itemLink = m.event === 'KEV_ADDED' ? link(i.scanId) : null;
      return [`[${i.severity}] ${i.title}`, `  ${whereOf(i)}`, ...(tags(i).length ? [`  ${tags(i).join(' · ')}`] : []), ...(itemLink ? [`  Report: ${itemLink}`] : [])];
    }),
    ...(more ? ['', more] : []),
    ...(url ? ['', `Report: ${url}`] : []),
  ].join('\n');
  const rows = m.items
    .map((i) => {
      const itemLink = m.event === 'KEV_ADDED' ? link(i.scanId) : null;
      const t = tags(i);
      return `<li><strong>${htmlEscape(i.severity)}</strong> ${htmlEscape(i.title)}<br><small>${htmlEscape(whereOf(i))}${t.length ? ` · ${htmlEscape(t.join(' · '))}` : ''}${itemLink ? ` · <a href="${htmlEscape(itemLink)}">report</a>` : ''}</small></li>`;
    })
    .join('');
  const html = [
    `<!doctype html><html><body>`,
    `<h2>${htmlEscape(title)}</h2>`,
    failure ? `<p>${htmlEscape(failure)}</p>` : '',
    rows ? `<ul>${rows}</ul>` : '',
    more ? `<p>${htmlEscape(more)}</p>` : '',
    url ? `<p><a href="${htmlEscape(url)}">Open the report</a></p>` : '',
    `</body></html>`,
  ].join('');
  return { subject: clip(title.replace(/[\r\n]+/g, ' '), 200), text, html };
}

/** The generic webhook's JSON (README "Alerts" documents it); JSON encoding is its escaping. */
export function renderWebhook(m: AlertMessage, link: ReportLink, deliveryId: string): Record<string, unknown> {
  const type = { SCAN_FINDINGS: 'scan.findings', SCAN_FAILED: 'scan.failed', KEV_ADDED: 'findings.kev_added', TEST: 'test' }[m.event];
  return {
    type,
    delivery_id: deliveryId,
    created_at: m.at,
    summary: headline(m),
    client: { id: m.clientId, name: m.clientName },
    scan: m.scan ? { ...m.scan, report_url: link(m.scan.id) } : null,
    feed: m.feed ? { name: m.feed.name, loaded_at: m.feed.loadedAt } : null,
    findings: m.items.map((i) => ({
      id: i.findingId,
      scan_id: i.scanId,
      severity: i.severity,
      title: i.title,
      target: i.target,
      location: i.location,
      kev: i.kev,
      cve_ids: i.cveIds,
      new: i.isNew,
      regressed: i.regressed,
      report_url: link(i.scanId),
    })),
    total: m.total,
    more: m.total - m.items.length,
  };
}
