// Every path the docs name exists: a backticked path under one of the repository's top-level
// folders (`prisma/src/sql.ts`, `workers/src/ml/`) and every relative Markdown link, in README.md,
// CONTRIBUTING.md and docs/. Placeholders (`<link>`, `*`) are not paths and are skipped.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const TOP = ['api', 'web', 'workers', 'prisma', 'e2e', 'bench', 'scripts', 'docs', '.ci'];
/** What a run writes, not what the repository holds. */
const WRITTEN_BY_RUNS = ['e2e/screenshots/'];

function markdownFiles(): string[] {
  const docs = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? docs(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : [],
    );
  return ['README.md', 'CONTRIBUTING.md', ...docs('docs')].filter((f) => existsSync(join(root, f)));
}

/** Paths a document names: backticked repository paths, and relative link targets resolved from the document. */
export function namedPaths(file: string, text: string): string[] {
  const named = new Set<string>();
  for (const [, raw] of text.matchAll(/`([^`\s]+)`/g)) {
    const path = raw!.replace(/[.,:;)]+$/, '').replace(/:\d+$/, '');
    if (/[<>*{}$]/.test(path) || WRITTEN_BY_RUNS.includes(path) || !TOP.some((top) => path.startsWith(`${top}/`))) continue;
    named.add(path);
  }
  for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
    if (/^[a-z]+:/.test(target!)) continue;
    named.add(relative(root, join(root, dirname(file), target!)));
  }
  return [...named];
}

describe('the paths the docs name', () => {
  it.each(markdownFiles())('all exist in %s', (file) => {
    const missing = namedPaths(file, readFileSync(join(root, file), 'utf8')).filter((p) => !existsSync(join(root, p)));
    expect(missing).toEqual([]);
  });

  it('finds a path that does not exist', () => {
    const paths = namedPaths('docs/x.md', 'See `prisma/src/no-such-file.ts` and [the ADR](adr/0099-nothing.md).');
    expect(paths.filter((p) => !existsSync(join(root, p)))).toEqual(['prisma/src/no-such-file.ts', 'docs/adr/0099-nothing.md']);
  });
});
