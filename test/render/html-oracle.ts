/**
 * An independent HTML parser for the render tests' safety checks: rendered HTML re-parsed
 * the way a browser would (a `<template>` of a jsdom document), to walk what it became.
 */
import { createRequire } from 'node:module';

/** A parsed node, as much of the DOM as the checks read. */
export interface OracleNode {
  readonly nodeType: number;
  readonly nodeName: string;
  readonly childNodes: Iterable<OracleNode>;
  readonly attributes?: Iterable<{ readonly name: string; readonly value: string }>;
}

// Through createRequire so that @types/jsdom (lib: dom) stays out of the type check.
const { JSDOM } = createRequire(import.meta.url)('jsdom') as {
  JSDOM: new (html: string) => {
    window: { document: { createElement(tag: 'template'): { innerHTML: string; content: OracleNode } } };
  };
};

/** The document whose `<template>` elements parse HTML for the checks. */
export const oracle = new JSDOM('').window.document;

/** The elements rendered Markdown may hold. */
export const SAFE_TAGS: ReadonlySet<string> = new Set([
  'P', 'BR', 'HR', 'EM', 'STRONG', 'DEL', 'CODE', 'PRE', 'BLOCKQUOTE', 'SUP', 'UL', 'OL', 'LI',
  'INPUT', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'TABLE', 'THEAD', 'TBODY', 'TR', 'TH', 'TD', 'A',
]);

/** What a check allows besides `SAFE_TAGS`: attributes, and those of them holding a URL. */
export interface Allowed {
  readonly attrs: ReadonlySet<string>;
  readonly urlAttrs: ReadonlySet<string>;
}

/**
 * What in `html`, parsed as a browser would, could run or load anything, as readable
 * strings; empty when nothing: an element, attribute or node type not allowed, a URL not
 * http(s)/mailto, a class other than a code block's language, an input other than a
 * checkbox.
 */
export function violations(html: string, allowed: Allowed): string[] {
  const found: string[] = [];
  const template = oracle.createElement('template');
  template.innerHTML = html;
  const stack: OracleNode[] = [...template.content.childNodes];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.nodeType !== 1 && node.nodeType !== 3) found.push(`node type ${node.nodeType}`);
    if (node.nodeType === 1) {
      if (!SAFE_TAGS.has(node.nodeName)) found.push(`element ${node.nodeName}`);
      for (const { name, value } of node.attributes ?? []) {
        if (!allowed.attrs.has(name)) found.push(`attribute ${node.nodeName}[${name}]`);
        if (allowed.urlAttrs.has(name) && !/^(?:https?|mailto):/i.test(value)) found.push(`URL ${value}`);
        if (name === 'class' && !(node.nodeName === 'CODE' && /^language-[\w+#.-]+$/.test(value))) {
          found.push(`class ${value}`);
        }
        if (node.nodeName === 'INPUT' && name === 'type' && value !== 'checkbox') found.push(`input type ${value}`);
      }
    }
    stack.push(...node.childNodes);
  }
  return found;
}
