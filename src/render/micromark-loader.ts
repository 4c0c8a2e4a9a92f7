import { createRequire } from 'node:module';
import { isAbsolute } from 'node:path';
import type { micromark as Micromark, Options } from 'micromark';
import type { gfm as Gfm, gfmHtml as GfmHtml } from 'micromark-extension-gfm';

/*
 * micromark is loaded on the first Markdown render, never when ticketry is imported.
 * It is ESM-only: a static import made `require('ticketry')` of the CJS build fail on
 * Node versions without require(esm) (22.11 and older 22s: ERR_REQUIRE_ESM), even for a
 * host that only ever renders plain text. The render worker loads it with `import()`
 * (`preloadMicromark`), which works everywhere; the synchronous `renderMarkdown` on the
 * main thread needs `require()`, which works on Node >= 20.19 and >= 22.12.
 */

/** micromark with the GFM extensions, ready to call. */
export type MarkdownToHtml = (markdown: string) => string;

interface Loaded {
  micromark: typeof Micromark;
  gfm: typeof Gfm;
  gfmHtml: typeof GfmHtml;
}

let compiled: MarkdownToHtml | undefined;

/**
 * Whether micromark has been loaded in this copy of the module. For tests.
 *
 * @returns `false` until the first Markdown render (or `preloadMicromark`).
 */
export function isMicromarkLoaded(): boolean {
  return compiled !== undefined;
}

/**
 * Loads micromark asynchronously, so a later `getMarkdownToHtml` needs no `require()`.
 * Used by the render worker, which is always an ES module.
 */
export async function preloadMicromark(): Promise<void> {
  if (compiled !== undefined) return;
  const [{ micromark }, { gfm, gfmHtml }] = await Promise.all([
    import('micromark'),
    import('micromark-extension-gfm'),
  ]);
  compiled ??= compile({ micromark, gfm, gfmHtml });
}

/**
 * micromark with GFM, loaded on first use.
 *
 * @returns A function from Markdown to (unsanitised) HTML.
 */
export function getMarkdownToHtml(): MarkdownToHtml {
  if (compiled !== undefined) return compiled;
  // See sanitize.ts for why `__filename` first in the CJS build.
  const load = createRequire(typeof __filename === 'string' && isAbsolute(__filename) ? __filename : import.meta.url);
  compiled = compile({
    micromark: (load('micromark') as { micromark: typeof Micromark }).micromark,
    ...(load('micromark-extension-gfm') as { gfm: typeof Gfm; gfmHtml: typeof GfmHtml }),
  });
  return compiled;
}

function compile({ micromark, gfm, gfmHtml }: Loaded): MarkdownToHtml {
  // Built once: the extension objects are plain data, cheap and free of I/O.
  const options: Options = {
    extensions: [gfm()],
    htmlExtensions: [gfmHtml()],
    // The defaults already; spelled out because they are the first line of defence.
    allowDangerousHtml: false,
    allowDangerousProtocol: false,
  };
  return (markdown) => micromark(markdown, options);
}
