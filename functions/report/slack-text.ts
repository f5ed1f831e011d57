/**
 * Slack mrkdwn escaping (also used for AWS Chatbot / Amazon Q Developer, which posts into Slack).
 *
 * api.slack.com/reference/surfaces/formatting: "&", "<" and ">" are control characters, replaced by
 * `&amp;`, `&lt;`, `&gt;` (ampersand first), and only those. Every mention and link form starts with
 * "<" (`<!channel>`, `<!here>`, `<@U…>`, `<#C…>`, `<!subteam^…>`, `<url|text>`), so escaping "<" makes
 * them inert. The emphasis characters and a leading ">" still format text and have no escape in
 * mrkdwn, so they are swapped for their fullwidth look-alikes, which Slack shows but never parses.
 */
import { ELLIPSIS, inertText, splitCode } from './plain-text.js';

const FULLWIDTH: Readonly<Record<string, string>> = {
  '*': '\uff0a',
  _: '\uff3f',
  '~': '\uff5e',
  '`': '\uff40',
  '>': '\uff1e',
  '<': '\uff1c',
  '@': '\uff20',
};

const WORD = /[\p{L}\p{N}]/u;

const escapeEntities = (text: string): string => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/**
 * Neutralises emphasis markers that could open or close formatting. A marker between two letters or
 * digits (`snake_case`, `BUILDX_NO_DEFAULT_ATTESTATIONS`) cannot, so it is kept and stays copyable.
 */
const neutraliseEmphasis = (text: string): string => {
  const points = [...text];
  return points
    .map((ch, i) => {
      if (ch === '`') return FULLWIDTH['`'];
      if (ch !== '*' && ch !== '_' && ch !== '~') return ch;
      const before = points[i - 1];
      const after = points[i + 1];
      const inWord = before !== undefined && after !== undefined && WORD.test(before) && WORD.test(after);
      return inWord ? ch : (FULLWIDTH[ch] ?? ch);
    })
    .join('');
};

// Bare broadcast words: Slack parses them when a text object is not `verbatim`, and in some
// fallback paths; they are cheap to defang everywhere.
const BROADCAST = /@(?=(?:here|channel|everyone)\b)/giu;

/**
 * Escapes any string for mrkdwn so it renders as the same visible text and nothing else: no
 * mention, no link, no formatting, no hidden characters, one line.
 */
export const escapeMrkdwn = (text: string): string => {
  let out = inertText(text).replace(BROADCAST, FULLWIDTH['@'] ?? '@');
  out = neutraliseEmphasis(out);
  // A leading ">" (stored by Slack as "&gt;") opens a block quote.
  out = out.replace(/^(\s*)>/u, `$1${FULLWIDTH['>']}`);
  return escapeEntities(out);
};

/**
 * An inline code span for identifiers (repository, tag, digest): mrkdwn formatting does not apply
 * inside, but entities are still decoded, so "&<>" are escaped and backticks (which would close the
 * span) are swapped for a look-alike.
 */
export const codeSpan = (text: string): string => {
  const inner = escapeEntities(
    inertText(text)
      .replaceAll('`', FULLWIDTH['`'] ?? "'")
      .replace(BROADCAST, FULLWIDTH['@'] ?? '@'),
  );
  return inner.trim() === '' ? '`""`' : `\`${inner}\``;
};

/** One line of a fenced code block: like {@link codeSpan} without the backticks. */
export const codeBlockLine = (text: string): string =>
  escapeEntities(
    inertText(text)
      .replaceAll('`', FULLWIDTH['`'] ?? "'")
      .replace(BROADCAST, FULLWIDTH['@'] ?? '@'),
  );

/**
 * Text for `plain_text` objects (headers): no entity decoding is relied on, so "<" and ">" become
 * look-alikes instead of entities, and "&" is left as typed.
 */
export const plainSlackText = (text: string): string =>
  inertText(text)
    .replaceAll('<', FULLWIDTH['<'] ?? '')
    .replaceAll('>', FULLWIDTH['>'] ?? '')
    .replace(BROADCAST, FULLWIDTH['@'] ?? '@');

// Conservative URL charset: RFC 3986 characters without "<", ">", "|", quotes, spaces or backslash.
const SAFE_URL = /^https:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?(?:\/[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]*)?$/;

/**
 * A `<url|label>` link, only for https URLs made of plain URL characters; anything else is shown as
 * code, never as a link, so a crafted URL cannot disguise where it goes.
 */
export const slackLink = (url: string, label: string): string =>
  SAFE_URL.test(url) && url.length <= 2000 ? `<${escapeEntities(url)}|${escapeMrkdwn(label)}>` : codeSpan(url);

/** Hosts whose CI runs become links: anything else could be a forged builder id pointing anywhere. */
const CI_LINK_HOSTS = new Set(['github.com', 'gitlab.com']);

/**
 * The link to the CI run that built an image. The URL comes from a provenance statement, which
 * whoever pushed wrote: only runs on github.com and gitlab.com are links; a run anywhere else (a
 * self-hosted GitLab, or a forged `https://evil.example/x/-/jobs/1`) is shown as code, whole.
 */
export const ciRunLink = (url: string, label: string): string =>
  CI_LINK_HOSTS.has(/^https:\/\/([^/?#]+)\//.exec(url)?.[1] ?? '') ? slackLink(url, label) : codeSpan(url);

/**
 * Our own prose (with `code` spans written by the guard) as mrkdwn: plain parts escaped, code parts
 * as code spans.
 */
export const proseToMrkdwn = (text: string): string =>
  splitCode(text)
    .map((segment) => (segment.code ? codeSpan(segment.text) : escapeMrkdwn(segment.text)))
    .join('');

/**
 * Cuts escaped mrkdwn to at most `max` UTF-16 units, never inside an entity (`&amp;`), a surrogate
 * pair or a `<…>` link, and closing a code span left open by the cut.
 */
export const truncateMrkdwn = (text: string, max: number): string => {
  if (text.length <= max) return text;
  // Room for the ellipsis and, at worst, a newline plus a closing fence.
  const closing = 5;
  if (max <= closing) return '';
  let cut = max - closing;
  const lastAmp = text.lastIndexOf('&', cut - 1);
  if (lastAmp !== -1 && cut - lastAmp < 6) {
    const semicolon = text.indexOf(';', lastAmp);
    if (semicolon === -1 || semicolon >= cut) cut = lastAmp;
  }
  const lastOpen = text.lastIndexOf('<', cut - 1);
  if (lastOpen !== -1) {
    const close = text.indexOf('>', lastOpen);
    if (close === -1 || close >= cut) cut = lastOpen;
  }
  const unit = text.charCodeAt(cut - 1);
  if (unit >= 0xd800 && unit <= 0xdbff) cut -= 1;
  // Trailing backticks may be half a fence; dropping them can only open a span, which is closed below.
  const kept = text.slice(0, cut).replace(/`+$/u, '').trimEnd();
  const parts = kept.split('```');
  if (parts.length % 2 === 0) return `${kept}${ELLIPSIS}\n\`\`\``;
  const ticks =
    parts
      .filter((_, i) => i % 2 === 0)
      .join('')
      .split('`').length - 1;
  return ticks % 2 === 1 ? `${kept}${ELLIPSIS}\`` : `${kept}${ELLIPSIS}`;
};

/** Cuts plain text (headers) to at most `max` UTF-16 units, never splitting a surrogate pair. */
export const truncatePlain = (text: string, max: number): string => {
  if (text.length <= max) return text;
  let cut = max - 1;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return `${text.slice(0, cut)}${ELLIPSIS}`;
};
