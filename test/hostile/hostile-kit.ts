/**
 * Hostile strings and the checks that their rendering is harmless. A hostile string is anything a
 * pusher controls (tag, annotations, provenance fields, event fields) crafted to mention, link,
 * format, hide text or break lines once it reaches Slack, AWS Chatbot, an email or a log line.
 */
import fc from 'fast-check';

/** Hand-written payloads, one per trick. `evil.example` marks every link target they try to plant. */
export const INJECTIONS = [
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<!subteam^S0123ABC>',
  '<!date^1700000000^{date}|x>',
  '<@U0123ABCD>',
  '<#C0123ABCD|general>',
  '<https://evil.example|click>',
  '<http://evil.example/login>',
  '<mailto:boss@evil.example|boss>',
  '[click](https://evil.example/phish)',
  '![img](https://evil.example/x.png)',
  '@here',
  '@channel',
  '*bold* _italic_ ~strike~ `code`',
  '```\nblock\n```',
  '> quoted',
  '&lt;!channel&gt;',
  '&#60;!channel&#62;',
  'zero\u200bwidth\u200c\u200djoin\u2060\ufeff',
  'bidi \u202eevil\u202c \u2066iso\u2069',
  'soft\u00adhyphen',
  'line\nbreak\r\nand\u2028separator\u2029',
  'ansi \u001b[31mred\u001b[0m bell\u0007',
  'lone \ud800 surrogate',
  '＜!channel＞',
  '<<!channel>>',
  '<!chan\u200bnel>',
  '\u0000nul',
] as const;

/** A hostile fragment: a hand-written payload, arbitrary unicode, or a mix. */
export const hostileFragment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...INJECTIONS),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('<', '>', '&', '|', '!', '@', '#', '`', '*', '_', '~', '[', ']', '(', ')', '\n', '\u200b', '\u202e'),
);

/** Strings made of several hostile fragments. */
export const hostileString = (maxFragments = 4): fc.Arbitrary<string> =>
  fc.array(hostileFragment, { minLength: 1, maxLength: maxFragments }).map((parts) => parts.join(''));

/** Every string inside a JSON value (the texts a Slack payload or a Chatbot document carries). */
export const stringsIn = (value: unknown): string[] => {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(stringsIn);
  return [];
};

/** Hosts the guard itself links to (the CI run of a build); nothing else may become a link. */
const LINKABLE_HOSTS = new Set(['github.com', 'gitlab.com']);

/** Code points that are invisible or act instead of showing: C0/C1 controls (tab and line breaks aside), zero-width, bidi. */
const HIDDEN_RANGES: readonly (readonly [number, number])[] = [
  [0x00, 0x08],
  [0x0b, 0x0c],
  [0x0e, 0x1f],
  [0x7f, 0x9f],
  [0xad, 0xad],
  [0x200b, 0x200f],
  [0x202a, 0x202e],
  [0x2060, 0x2064],
  [0x2066, 0x2069],
  [0xfeff, 0xfeff],
];

/** The first hidden character of a text (see {@link HIDDEN_RANGES}), or undefined. */
export const hiddenCharacter = (text: string): string | undefined =>
  [...text].find((ch) => {
    const code = ch.codePointAt(0) ?? 0;
    return HIDDEN_RANGES.some(([low, high]) => code >= low && code <= high);
  });

/** Whether a text holds a C0 control or DEL (what ECR never allows in a tag). */
export const hasControlCharacter = (text: string): boolean =>
  [...text].some((ch) => (ch.codePointAt(0) ?? 0) < 0x20 || ch.codePointAt(0) === 0x7f);

/**
 * What would make a rendered Slack payload or Chatbot document harmful: mention, broadcast or
 * channel syntax (the guard never writes any), a link to a host the guard does not link to, or a
 * hidden character (zero-width, bidi, control). Returns the problems, empty when harmless.
 */
export const renderingProblems = (value: unknown): string[] => {
  const problems: string[] = [];
  for (const text of stringsIn(value)) {
    const mention = /<[!@#]/.exec(text);
    if (mention !== null) problems.push(`mention syntax "${text.slice(mention.index, mention.index + 24)}"`);
    for (const match of text.matchAll(/<([a-z][a-z0-9+.-]*:[^|>]*)(?:\|[^>]*)?>/giu)) {
      const target = match[1] ?? '';
      let host = '';
      try {
        host = new URL(target).host;
      } catch {
        host = '(unparsable)';
      }
      if (!target.startsWith('https://') || !LINKABLE_HOSTS.has(host)) problems.push(`link to ${target.slice(0, 60)}`);
    }
    const hidden = hiddenCharacter(text);
    if (hidden !== undefined) problems.push(`hidden character U+${hidden.codePointAt(0)?.toString(16)}`);
  }
  return problems;
};
