import type { z } from 'zod';
import { requireObject } from '../guard.js';
import { lazySchema } from '../zod-loader.js';

/*
 * The limits that keep rendering a staff body cheap. Each was chosen by measuring the
 * shapes in bench/render.bench.ts (see bench/README.md, "Rendering"): with these caps the
 * worst shape found renders a maximum-size body in a few hundred milliseconds, and the
 * time budget catches whatever was not found.
 */

/** The default of each `config.render` option (the schema's defaults, without building it). */
const RENDER_DEFAULTS = {
  maxMarkdownLength: 32 * 1024,
  timeBudgetMs: 2000,
  maxNesting: 16,
  maxLinks: 500,
  maxTableCells: 10_000,
  maxParagraphLength: 4096,
  inThreadMaxLength: 512,
} as const;

/** The `config.render` options: limits on what a Markdown body may cost to render. */
export const renderConfigSchema = lazySchema((z) =>
  z.strictObject({
    /**
     * Largest staff (Markdown) body, in characters. Longer ones are refused with a
     * `validation` error (`params.reason: 'markdown_too_long'`). Plain-text bodies are
     * limited by `maxBodyLength` instead.
     * @default 32768 (32 KiB)
     */
    maxMarkdownLength: z.number().int().positive().max(1024 * 1024).default(RENDER_DEFAULTS.maxMarkdownLength),
    /**
     * Wall-clock budget for rendering one Markdown body, in milliseconds. Rendering runs in
     * a worker thread that is terminated when it overruns; the body is then refused with a
     * `validation` error (`params.reason: 'render_budget'`).
     * @default 2000
     */
    timeBudgetMs: z.number().int().min(50).max(60_000).default(RENDER_DEFAULTS.timeBudgetMs),
    /**
     * Deepest nesting of block quotes and lists. Markers beyond it are shown as text.
     * @default 16
     */
    maxNesting: z.number().int().min(1).max(100).default(RENDER_DEFAULTS.maxNesting),
    /** Links and images per body; the rest are shown as their text. @default 500 */
    maxLinks: z.number().int().min(0).max(10_000).default(RENDER_DEFAULTS.maxLinks),
    /**
     * Table cells per body (columns times rows, all tables together). A table that would
     * exceed it is shown as text.
     * @default 10000
     */
    maxTableCells: z.number().int().min(0).max(1_000_000).default(RENDER_DEFAULTS.maxTableCells),
    /**
     * Longest paragraph, in characters, before it is split into several. Inline parsing
     * (emphasis, brackets) costs more than linear time within one paragraph, so this
     * bounds the cost of a body to linear in its length.
     * @default 4096
     */
    maxParagraphLength: z.number().int().min(256).max(1024 * 1024).default(RENDER_DEFAULTS.maxParagraphLength),
    /**
     * Longest Markdown body, in characters, rendered on the calling thread rather than in
     * the render worker. Handing a body to the worker and back costs about what rendering
     * a short one does (0.6 ms against 0.5 ms for a 300-character reply; several ms when
     * the machine is busy and the worker waits for a core), and at this length the
     * costliest shape found takes about 4 times an ordinary reply of the same length (at
     * 1,024 characters, 10 times). Longer bodies, and bodies whose HTML needs the DOM
     * sanitiser, are rendered in the worker under `timeBudgetMs`. 0 renders every body
     * in the worker.
     * @default 512
     */
    inThreadMaxLength: z.number().int().min(0).max(4096).default(RENDER_DEFAULTS.inThreadMaxLength),
  }),
);

/** Render limits with defaults applied. */
export type RenderConfig = z.output<ReturnType<typeof renderConfigSchema>>;

/** What `renderBody` needs: the render limits plus the plain-text limit. */
export interface RenderLimits extends RenderConfig {
  /** Largest body of any kind, in characters (`config.maxBodyLength`). @default 262144 */
  maxBodyLength: number;
}

/** The defaults of every render limit. */
export const DEFAULT_RENDER_LIMITS: Readonly<RenderLimits> = Object.freeze({
  ...RENDER_DEFAULTS,
  maxBodyLength: 256 * 1024,
});

/**
 * Fills in defaults for the limits not given. Values are not re-validated here: they come
 * from a config zod has already checked, or from a test.
 *
 * @param limits Some or all limits.
 * @returns Every limit.
 */
export function resolveRenderLimits(limits: Partial<RenderLimits> = {}): RenderLimits {
  requireObject(limits, 'limits', 'render');
  const out: RenderLimits = { ...DEFAULT_RENDER_LIMITS };
  for (const [key, value] of Object.entries(limits) as Array<[keyof RenderLimits, number | undefined]>) {
    if (value !== undefined) out[key] = value;
  }
  return out;
}
