/**
 * Extracts the ```ts blocks of README.md and type-checks them against the package's
 * source types, under `strict`, with `ticketry` and its subpaths (package.json `exports`)
 * mapped to the source entry files that tsup builds them from (read from tsup.config.ts,
 * so an entry that moves is followed).
 *
 * A block that is a fragment (it uses `desk`, `agent`, ... from an earlier block) carries
 * its context in an HTML comment right before the fence, which README renderers hide:
 *
 *     <!-- ts-prelude
 *     import { createTicketService } from 'ticketry';
 *     declare const desk: ReturnType<typeof createTicketService>;
 *     -->
 *     ```ts
 *     await desk.list(agent, { limit: 20 });
 *     ```
 *
 * Each block is its own module (top-level `await` works); the prelude is prepended to it.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export interface ReadmeBlock {
  /** 1-based line of the first code line in README.md. */
  line: number;
  /** The nearest heading above the block. */
  heading: string;
  code: string;
  prelude: string;
}

export interface BlockResult {
  block: ReadmeBlock;
  /** Diagnostics, formatted with README.md line numbers. Empty when the block compiles. */
  errors: string[];
}

const ENTRY_FALLBACKS: Record<string, string[]> = {
  index: ['src/index.ts'],
  memory: ['adapters/memory/index.ts'],
  sqlite: ['adapters/sqlite/index.ts'],
  postgres: ['adapters/postgres/index.ts'],
  testing: ['src/testing/index.ts', 'test/contract/index.ts'],
};

/**
 * Source entry per package subpath: `{ 'ticketry': 'src/index.ts', 'ticketry/memory': ... }`.
 * The subpaths are package.json's `exports` (what a host can import); each one's built file
 * `dist/<name>.js` comes from tsup's entry `<name>`, whose source file is taken from
 * tsup.config.ts (so an entry that moves is followed; other tsup entries are ignored).
 */
export function packageEntries(root: string): Record<string, string> {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    name: string;
    exports: Record<string, unknown>;
  };
  const tsupEntries: Record<string, string> = {};
  const tsup = path.join(root, 'tsup.config.ts');
  if (existsSync(tsup)) {
    const text = readFileSync(tsup, 'utf8').replace(/\/\/.*$/gm, '');
    // Every `entry: { ... }` (the config may be several builds).
    for (const entry of text.matchAll(/entry\s*:\s*\{([^}]*)\}/g)) {
      for (const m of entry[1]!.matchAll(/['"]?([\w-]+)['"]?\s*:\s*['"]([^'"]+)['"]/g)) tsupEntries[m[1]!] = m[2]!;
    }
  }
  const entries: Record<string, string> = {};
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    const built = JSON.stringify(target).match(/\.\/dist\/([\w-]+)\.js"/)?.[1];
    if (!built) continue; // ./package.json
    const candidates = [tsupEntries[built], ...(ENTRY_FALLBACKS[built] ?? [])].filter((c): c is string => !!c);
    const source = candidates.find((c) => existsSync(path.join(root, c)));
    if (!source) throw new Error(`no source file for the package entry ${subpath} (dist/${built}.js)`);
    entries[subpath === '.' ? pkg.name : `${pkg.name}/${subpath.replace(/^\.\//, '')}`] = source;
  }
  return entries;
}

/** Every ```ts block of a Markdown text, with its prelude comment. */
export function extractBlocks(markdown: string): ReadmeBlock[] {
  const lines = markdown.split('\n');
  const blocks: ReadmeBlock[] = [];
  let heading = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/.exec(line);
    if (!fence) {
      if (/^#{1,6}\s/.test(line)) heading = line.replace(/^#+\s*/, '');
      continue;
    }
    const marker = fence[2]!;
    const lang = fence[3]!.toLowerCase();
    let end = i + 1;
    while (end < lines.length && !lines[end]!.trimStart().startsWith(marker)) end++;
    if (end >= lines.length) throw new Error(`README.md:${i + 1}: code block never closed`);
    if (lang === 'ts' || lang === 'typescript') {
      blocks.push({
        line: i + 2,
        heading,
        code: lines.slice(i + 1, end).join('\n'),
        prelude: preludeBefore(lines, i),
      });
    }
    i = end;
  }
  return blocks;
}

/** The `<!-- ts-prelude ... -->` comment that ends right before line `fenceIndex` (blank lines allowed). */
function preludeBefore(lines: string[], fenceIndex: number): string {
  let j = fenceIndex - 1;
  while (j >= 0 && lines[j]!.trim() === '') j--;
  if (j < 0 || !lines[j]!.trim().endsWith('-->')) return '';
  let start = j;
  while (start >= 0 && !lines[start]!.includes('<!--')) start--;
  if (start < 0) return '';
  const text = lines.slice(start, j + 1).join('\n');
  const m = /^\s*<!--\s*ts-prelude\b([\s\S]*?)-->\s*$/.exec(text);
  return m ? m[1]!.replace(/^\n/, '') : '';
}

/** Type-checks every block; one program for all of them (each block is its own module). */
export function checkReadmeBlocks(root: string, markdown: string): BlockResult[] {
  const blocks = extractBlocks(markdown);
  const config = ts.readConfigFile(path.join(root, 'tsconfig.json'), ts.sys.readFile);
  if (config.error) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const entries = packageEntries(root);
  const options: ts.CompilerOptions = {
    ...parsed.options,
    strict: true,
    // A README example declares what it shows, used or not.
    noUnusedLocals: false,
    noEmit: true,
    baseUrl: root,
    paths: Object.fromEntries(Object.entries(entries).map(([spec, file]) => [spec, [file]])),
  };

  const dir = path.join(root, 'test', 'readme', '.blocks');
  const virtual = new Map<string, { text: string; block: ReadmeBlock; preludeLines: number }>();
  blocks.forEach((block, n) => {
    const file = path.join(dir, `block-${String(n + 1).padStart(2, '0')}-line-${block.line}.ts`);
    const prelude = block.prelude ? `${block.prelude.replace(/\s*$/, '')}\n` : '';
    // `export {}` makes the block a module even without imports, so blocks never collide.
    const text = `${prelude}${block.code}\nexport {};\n`;
    virtual.set(file, { text, block, preludeLines: prelude ? prelude.split('\n').length - 1 : 0 });
  });

  const host = ts.createCompilerHost(options, true);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (file, lang, onError, create) => {
    const v = virtual.get(path.resolve(file));
    if (v) return ts.createSourceFile(file, v.text, lang, true, ts.ScriptKind.TS);
    return getSourceFile(file, lang, onError, create);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (file) => virtual.has(path.resolve(file)) || fileExists(file);
  const readFile = host.readFile.bind(host);
  host.readFile = (file) => virtual.get(path.resolve(file))?.text ?? readFile(file);

  const program = ts.createProgram([...virtual.keys()], options, host);
  const results: BlockResult[] = [];
  for (const [file, v] of virtual) {
    const sf = program.getSourceFile(file)!;
    const diagnostics = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];
    results.push({
      block: v.block,
      errors: diagnostics.map((d) => {
        const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
        if (d.start === undefined || !d.file) return `TS${d.code}: ${message}`;
        const { line } = d.file.getLineAndCharacterOfPosition(d.start);
        const where =
          line < v.preludeLines
            ? `prelude of the block at README.md:${v.block.line}, prelude line ${line + 1}`
            : `README.md:${v.block.line + line - v.preludeLines}`;
        return `${where}: TS${d.code}: ${message}`;
      }),
    });
  }
  return results;
}
