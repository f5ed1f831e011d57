import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { anchorsOf, relativeLinksOf, slugOf } from './markdown-links.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PAGES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** Every relative link of a page that names a missing file or a missing heading, as `line: target`. */
const brokenLinks = (page: string, markdown: string, readPage: (path: string) => string | null): string[] =>
  relativeLinksOf(markdown).flatMap(({ target, line }) => {
    const [pathPart = '', anchor] = target.split('#', 2);
    const path = pathPart === '' ? page : join(dirname(page), decodeURIComponent(pathPart));
    const text = pathPart === '' ? markdown : readPage(path);
    if (text === null) return [`${line}: ${target} (no file ${path})`];
    if (anchor === undefined || anchor === '') return [];
    if (!path.endsWith('.md')) return [`${line}: ${target} (an anchor into a file that is not Markdown)`];
    return anchorsOf(text).has(anchor) ? [] : [`${line}: ${target} (no heading #${anchor} in ${path})`];
  });

const readRepoPage = (path: string): string | null => {
  const absolute = join(ROOT, path);
  if (relative(ROOT, absolute).startsWith('..') || !existsSync(absolute)) return null;
  return statSync(absolute).isDirectory() ? '' : readFileSync(absolute, 'utf8');
};

describe('relative links in the README and docs/', () => {
  it.each(PAGES)('%s links only to files and headings that exist', (page) => {
    expect(brokenLinks(page, readFileSync(join(ROOT, page), 'utf8'), readRepoPage)).toEqual([]);
  });

  it('the README links to every page under docs/', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const linked = new Set(relativeLinksOf(readme).map(({ target }) => target.split('#')[0]));
    expect(PAGES.filter((page) => page !== 'README.md' && !linked.has(page))).toEqual([]);
  });
});

describe('the link checker', () => {
  it.each([
    ['Why reserved concurrency 5', 'why-reserved-concurrency-5'],
    ['`--json`', '--json'],
    ['`MALFORMED_MANIFEST`', 'malformed_manifest'],
    ['The CLI: `ecr-lambda-guard inspect`', 'the-cli-ecr-lambda-guard-inspect'],
    ['Round trips per verdict', 'round-trips-per-verdict'],
  ])('slugs %j as GitHub does: %s', (heading, slug) => {
    expect(slugOf(heading)).toBe(slug);
  });

  const pages: Record<string, string> = {
    'docs/a.md': '# A\n\n## Same\n\n## Same\n\n```sh\n# not a heading\n[in code](missing.md)\n```\n',
  };
  const read = (path: string): string | null => pages[path] ?? null;

  it.each([
    ['[ok](a.md)', []],
    ['[ok](a.md#same-1)', []],
    ['[ok](#local)\n\n## Local', []],
    ['[web](https://example.com/x.md#nope)', []],
    ['`[code](nope.md)`', []],
    ['[gone](b.md)', ['1: b.md (no file docs/b.md)']],
    ['[gone](a.md#same-2)', ['1: a.md#same-2 (no heading #same-2 in docs/a.md)']],
    ['[fenced](a.md#not-a-heading)', ['1: a.md#not-a-heading (no heading #not-a-heading in docs/a.md)']],
    ['x\n![img](../pic.png)', ['2: ../pic.png (no file pic.png)']],
  ])('in %j finds %j', (markdown, expected) => {
    expect(brokenLinks('docs/index.md', markdown, read)).toEqual(expected);
  });
});
