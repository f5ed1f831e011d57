// Maps a stack trace from the deployed function back to the sources, with the source maps the
// build writes next to each bundle file (the Lambda asset ships them too).
//   npm run -s symbolicate < trace.txt              maps against dist/lambda
//   npm run -s symbolicate -- --maps DIR < trace.txt  maps against another copy of the asset
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

/** `at name (file:///var/task/on-ecr-push.mjs:33:48909)` and `at /var/task/x.mjs:1:2`: file, line, column. */
const FRAME = /(?:file:\/\/)?(?:\/[^\s():]*\/)?([\w.-]+\.mjs):(\d+):(\d+)/g;

/** A source map by bundle file name, or `undefined` when there is none. */
export type MapLoader = (file: string) => SourceMap | undefined;

/** Loads `<dir>/<file>.map`, once per file. */
export const mapsIn = (dir: string): MapLoader => {
  const cache = new Map<string, SourceMap | undefined>();
  return (file) => {
    if (!cache.has(file)) {
      try {
        cache.set(file, new SourceMap(JSON.parse(readFileSync(join(dir, `${file}.map`), 'utf8'))));
      } catch {
        cache.set(file, undefined);
      }
    }
    return cache.get(file);
  };
};

/** Rewrites every bundle position in the text as `source:line:column`; positions without a map stay as they are. */
export const symbolicate = (text: string, load: MapLoader): string =>
  text.replace(FRAME, (whole, file: string, line: string, column: string) => {
    // findEntry takes and returns zero-based lines and columns; stack traces print one-based ones.
    const entry = load(file)?.findEntry(Number(line) - 1, Number(column) - 1);
    if (entry === undefined || !('originalSource' in entry)) return whole;
    const source = entry.originalSource.replace(/^(?:\.\.\/)+/, '');
    return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { maps: { type: 'string', default: 'dist/lambda' } } });
  process.stdout.write(symbolicate(readFileSync(0, 'utf8'), mapsIn(values.maps)));
}
