import { parse } from 'parse5';
import type { DefaultTreeAdapterMap } from 'parse5';

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];

/** What a report page is made of, as a browser would parse it. */
export interface ParsedReport {
  elements: Element[];
  /** All text, as the reader sees it (entities decoded). */
  text: string;
  /** `data-finding-id` of every finding card. */
  cardIds: string[];
  byId(id: string): Element | undefined;
  textOf(el: Element): string;
}

function walk(node: Node, out: Element[], texts: string[]): void {
  if (node.nodeName === '#text') texts.push((node as DefaultTreeAdapterMap['textNode']).value);
  const el = node as Element;
  if ('tagName' in el && el.tagName) out.push(el);
  const children = 'childNodes' in node ? (node as Element).childNodes : [];
  for (const child of children ?? []) walk(child, out, texts);
  // <template> content is not rendered but would still be markup: walk it too.
  if (el.tagName === 'template') walk((el as DefaultTreeAdapterMap['template']).content as unknown as Node, out, texts);
}

export const attr = (el: Element, name: string): string | undefined => el.attrs.find((a) => a.name === name)?.value;

export function parseReport(html: string): ParsedReport {
  const doc = parse(html);
  const elements: Element[] = [];
  const texts: string[] = [];
  walk(doc as unknown as Node, elements, texts);
  const textOf = (el: Element): string => {
    const t: string[] = [];
    walk(el as unknown as Node, [], t);
    return t.join('');
  };
  return {
    elements,
    text: texts.join(''),
    cardIds: elements.filter((e) => e.tagName === 'article' && (attr(e, 'class') ?? '').split(' ').includes('finding-card')).map((e) => attr(e, 'data-finding-id')!),
    byId: (id) => elements.find((e) => attr(e, 'id') === id),
    textOf,
  };
}

/**
 * The safety properties of a report page, as problems (empty: safe): no script, no event handler,
 * no style element but the template's one in <head>, no style attribute, no link, frame, object,
 * base or meta refresh, and no src/href that is not a data: URL or an in-page anchor.
 */
export function safetyProblems(html: string): string[] {
  const { elements } = parseReport(html);
  const problems: string[] = [];
  const styles = elements.filter((e) => e.tagName === 'style');
  if (styles.length !== 1) problems.push(`${styles.length} <style> elements (expected the template's one)`);
  else if ((styles[0]!.parentNode as Element | null)?.tagName !== 'head') problems.push('the <style> element is not in <head>');
  for (const el of elements) {
    if (['script', 'link', 'iframe', 'frame', 'object', 'embed', 'base', 'form', 'noscript'].includes(el.tagName)) problems.push(`<${el.tagName}> element`);
    if (el.tagName === 'meta' && attr(el, 'http-equiv')) problems.push(`<meta http-equiv="${attr(el, 'http-equiv')}">`);
    for (const a of el.attrs) {
      if (/^on/i.test(a.name)) problems.push(`${a.name} attribute on <${el.tagName}>`);
      if (a.name === 'style') problems.push(`style attribute on <${el.tagName}>`);
      if (['src', 'href', 'xlink:href', 'action', 'formaction', 'srcset', 'poster', 'background'].includes(a.name) && !/^(data:image\/(png|jpeg|gif|webp);base64,|#)/.test(a.value)) {
        problems.push(`${a.name}="${a.value.slice(0, 80)}" on <${el.tagName}>`);
      }
    }
  }
  return problems;
}
