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
