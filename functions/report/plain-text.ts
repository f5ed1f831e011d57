/**
 * Text hygiene shared by every renderer. Registry strings (tags, annotations, provenance fields)
 * reach terminals, mail clients and chat apps, so they are made inert here: no terminal escape
 * sequences, no hidden or direction-flipping characters, one line, bounded length.
 */

// C0 and C1 controls, DEL, and the Unicode line/paragraph separators (which some clients treat as newlines).
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this replaces.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
const LINE_BREAKS = /[\t\n\r\u2028\u2029\u0085]/g;
// Invisible characters that hide or reorder text: zero-width spaces and joiners, word joiner and
// invisible operators, BOM, soft hyphen, Mongolian vowel separator, bidi marks, embeddings,
// overrides and isolates (the "Trojan Source" set).
const INVISIBLE = /[\u00ad\u180e\u200b-\u200f\u2060-\u2064\u206a-\u206f\ufeff\u061c\u202a-\u202e\u2066-\u2069]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The ellipsis every truncation ends with. */
export const ELLIPSIS = '…';

/**
 * Makes a string safe to print on one line: controls become U+FFFD (visible, so an injected escape
 * sequence shows up rather than acting), line breaks become spaces, invisible and bidi characters go.
 */
export const inertText = (text: string): string =>
  text.replace(LONE_SURROGATE, '\ufffd').replace(LINE_BREAKS, ' ').replace(CONTROL, '\ufffd').replace(INVISIBLE, '');

/** Length in code points, which is what a monospace terminal shows for the characters we emit. */
export const displayLength = (text: string): number => {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
};

/** Cuts to at most `max` code points, ending with an ellipsis when anything was cut; never splits a surrogate pair. */
export const truncateText = (text: string, max: number): string => {
  if (max <= 0) return '';
  const points = [...text];
  if (points.length <= max) return text;
  return `${points.slice(0, Math.max(0, max - 1)).join('')}${ELLIPSIS}`;
};

/** Registry-derived value for use inside a backtick code span of our own prose: inert and backtick-free. */
export const codeSafe = (text: string): string => inertText(text).replaceAll('`', "'");

/** One piece of our own prose: plain words or a `code` span. */
export interface TextSegment {
  readonly code: boolean;
  readonly text: string;
}

/**
 * Splits our own prose on backticks into plain and code segments. Only prose the guard writes uses
 * backticks as markup; registry values are passed through {@link codeSafe} before they are put in it.
 */
export const splitCode = (text: string): TextSegment[] => {
  const parts = text.split('`');
  // An unpaired trailing backtick is text, not the start of a span.
  if (parts.length % 2 === 0) {
    const last = parts.pop() ?? '';
    const previous = parts.pop() ?? '';
    parts.push(`${previous}\`${last}`);
  }
  return parts.map((part, i) => ({ code: i % 2 === 1, text: part })).filter((segment) => segment.text !== '' || segment.code);
};

/**
 * Wraps prose to `width` columns (code points), breaking only at spaces. A single word longer than
 * the width (a URI, a digest) is kept whole on its own line rather than broken, so it stays copyable.
 */
export const wrapText = (text: string, width: number): string[] => {
  const words = text.split(' ').filter((word) => word !== '');
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line === '') line = word;
    else if (displayLength(line) + 1 + displayLength(word) <= width) line = `${line} ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
};
