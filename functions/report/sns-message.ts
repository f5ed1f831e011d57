/**
 * The SNS Publish input, as data (lambda-ecr-facts §4.1): `MessageStructure: 'json'` with one string
 * per protocol (`default` and `email` = readable text, `https` = the Chatbot custom notification,
 * `sqs` and `lambda` = the machine JSON), an ASCII Subject under 100 characters, and message
 * attributes for subscription filter policies. Message plus attributes must stay under 256 KiB, so
 * the least important parts shrink first: tree lines, then fixes beyond the first few, then the
 * reason details, and only then is the text cut.
 */

import type { MessageAttribute, PublishRequest } from '../core/publish-request.js';
import type { Verdict } from '../core/verdict.js';
import { explain } from './explain.js';
import type { Explanation, SubjectContext } from './explanation.js';
import type { GuardFailure } from './guard-failure.js';
import { type IntegrityAlert, renderIntegrityChatbot, renderIntegrityText, toIntegrityJson } from './integrity-alert.js';
import { inertText } from './plain-text.js';
import { type ChatbotOptions, renderChatbot, renderChatbotFailure } from './render-chatbot.js';
import { renderFailureText, renderText, type TextOptions } from './render-text.js';
import { type GuardEventFields, type JsonBounds, toGuardFailureJson, toGuardMessageJson } from './verdict-json.js';

/** SNS limits (API_Publish). */
export const SNS_LIMITS = {
  /** 256 KiB: message plus attributes, in bytes. */
  maxBytes: 262_144,
  /** "must be less than 100 characters long". */
  subjectLength: 99,
} as const;

/** What a verdict notification is made from. */
export interface VerdictNotificationInput {
  readonly verdict: Verdict;
  readonly context: SubjectContext;
  /** The push; an ECR `PushEvent` fits as it is. */
  readonly event: GuardEventFields;
  /** The explanation, when the caller already made it for another channel. */
  readonly explanation?: Explanation;
}

/** Size knob, for topics configured below 256 KiB and for tests. */
export interface SnsOptions {
  /** Upper bound for message plus attributes, in bytes (default 256 KiB). */
  readonly maxBytes?: number;
}

const utf8 = new TextEncoder();
const bytes = (text: string): number => utf8.encode(text).byteLength;

/** Bytes SNS counts for an input: message, subject and every attribute's name, type and value. */
export const publishSize = (input: PublishRequest): number =>
  bytes(input.Message) +
  bytes(input.Subject) +
  Object.entries(input.MessageAttributes).reduce(
    (sum, [name, attribute]) => sum + bytes(name) + bytes(attribute.DataType) + bytes(attribute.StringValue),
    0,
  );

// Typographic characters NFKD leaves alone, spelled in ASCII.
const ASCII_SPELLING: Readonly<Record<string, string>> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u2013': '-',
  '\u2014': '-',
  '\u2026': '...',
  '\u2192': '->',
  '\u00d7': 'x',
};

/**
 * An SNS Subject: ASCII only (accents folded, other characters dropped), no line breaks or
 * controls, starting with a letter, digit or punctuation mark, at most 99 characters.
 */
export const snsSubject = (text: string): string => {
  const ascii = inertText(text)
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u2192\u00d7]/gu, (ch) => ASCII_SPELLING[ch] ?? '')
    .replace(/[^\x20-\x7e]/gu, ' ')
    .replace(/ {2,}/gu, ' ')
    .trim();
  const subject = ascii === '' ? 'ecr-lambda-guard notification' : ascii;
  return subject.length <= SNS_LIMITS.subjectLength ? subject : `${subject.slice(0, SNS_LIMITS.subjectLength - 3).trimEnd()}...`;
};

/** Cuts text to at most `max` UTF-8 bytes on a code-point boundary, with a note that it was cut. */
const cutBytes = (text: string, max: number): string => {
  if (bytes(text) <= max) return text;
  const note = '\n… (cut to fit the notification size limit)\n';
  const room = Math.max(0, max - bytes(note));
  let used = 0;
  let out = '';
  for (const ch of text) {
    const size = bytes(ch);
    if (used + size > room) break;
    out += ch;
    used += size;
  }
  return `${out}${note}`;
};

interface Level {
  readonly text: TextOptions;
  readonly chatbot: ChatbotOptions;
  readonly json: JsonBounds;
}

/** Each level gives up more than the one before; the tree goes first, then fixes, then details. */
const LEVELS: readonly Level[] = [
  { text: {}, chatbot: {}, json: {} },
  { text: { maxTreeLines: 40 }, chatbot: {}, json: { maxTreeChildren: 200, maxString: 2000, maxArray: 100, maxReasons: 100 } },
  {
    text: { maxTreeLines: 20, maxFixes: 4 },
    chatbot: { maxTreeLines: 6 },
    json: { maxTreeChildren: 50, maxString: 500, maxArray: 30, maxReasons: 50 },
  },
  {
    text: { maxTreeLines: 10, maxFixes: 2, maxFindings: 10 },
    chatbot: { maxTreeLines: 4, maxFixes: 2 },
    json: { maxTreeChildren: 10, maxString: 200, maxArray: 10, maxReasons: 20 },
  },
  {
    text: { maxTreeLines: 5, maxFixes: 1, maxFindings: 5, maxWhy: 2 },
    chatbot: { maxTreeLines: 3, maxFixes: 1 },
    json: { maxTreeChildren: 3, maxString: 120, maxArray: 3, maxReasons: 10 },
  },
];

const subjectFor = (explanation: Explanation): string => {
  const reference = explanation.subject.reference;
  const codes = [...new Set(explanation.findings.filter((f) => f.severity === 'error').map((f) => f.code))];
  const warnings = explanation.findings.filter((f) => f.severity === 'warning').length;
  switch (explanation.verdict) {
    case 'quarantined':
      return withTail(`Quarantined: `, reference, codes.length === 0 ? ' (strict mode)' : ` (${codes.slice(0, 3).join(', ')})`);
    case 'deployable':
      return withTail(
        explanation.recoveredFrom === undefined ? 'Deployable: ' : 'Deployable again: ',
        reference,
        warnings === 0 ? '' : ` (${warnings} warning${warnings === 1 ? '' : 's'})`,
      );
    case 'skipped':
      return withTail('Skipped: ', reference, ' (not a container image)');
    default:
      return withTail('Checked: ', reference, '');
  }
};

/** Keeps the head and the tail whole and shortens the reference between them. */
const withTail = (head: string, reference: string, tail: string): string => {
  const ascii = snsSubject(reference);
  const room = SNS_LIMITS.subjectLength - head.length - tail.length;
  const shown = ascii.length <= room ? ascii : `${ascii.slice(0, Math.max(0, room - 3))}...`;
  return snsSubject(`${head}${shown}${tail}`);
};

// SNS refuses empty attribute values.
const nonEmpty = (value: string): string => (value === '' ? '-' : value);

/** `account` and `region` let a team subscribe to its own accounts only (a filter policy). */
const attributes = (
  verdict: string,
  event: { readonly repository: string; readonly account: string; readonly region: string },
  reasons: readonly string[],
): Record<string, MessageAttribute> => ({
  verdict: { DataType: 'String', StringValue: verdict },
  repository: { DataType: 'String', StringValue: nonEmpty(event.repository) },
  reasons: { DataType: 'String.Array', StringValue: JSON.stringify([...new Set(reasons)]) },
  account: { DataType: 'String', StringValue: nonEmpty(event.account) },
  region: { DataType: 'String', StringValue: nonEmpty(event.region) },
});

const assemble = (
  subject: string,
  text: string,
  chatbot: unknown,
  machine: unknown,
  messageAttributes: Record<string, MessageAttribute>,
): PublishRequest => {
  const machineJson = JSON.stringify(machine);
  return {
    Subject: subject,
    Message: JSON.stringify({
      default: text,
      email: text,
      https: JSON.stringify(chatbot),
      sqs: machineJson,
      lambda: machineJson,
    }),
    MessageStructure: 'json',
    MessageAttributes: messageAttributes,
  };
};

/**
 * Last resort: the longest prefix of the text that fits with the smallest structured parts. Size
 * grows with the prefix, so a binary search finds it in a few builds. If even no text fits (a topic
 * limit below a few KiB), the result is the smallest message possible.
 */
const cutToFit = (build: (text: string) => PublishRequest, text: string, budget: number): PublishRequest => {
  const whole = build(text);
  if (publishSize(whole) <= budget) return whole;
  const fits = (limit: number) => publishSize(build(cutBytes(text, limit))) <= budget;
  let low = 0;
  let high = bytes(text);
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (fits(middle)) low = middle;
    else high = middle - 1;
  }
  return build(cutBytes(text, low));
};

/** Headroom for SNS's own accounting, which is not published to the byte. */
const MARGIN = 1024;

/**
 * Builds the SNS Publish input for a verdict: readable text for `default` and `email`, the Chatbot
 * document for `https`, the machine JSON for `sqs` and `lambda`, with `verdict`, `repository` and
 * `reasons` attributes; shrunk until message plus attributes fit `maxBytes`.
 */
export const buildVerdictNotification = (input: VerdictNotificationInput, options: SnsOptions = {}): PublishRequest => {
  const budget = (options.maxBytes ?? SNS_LIMITS.maxBytes) - MARGIN;
  const explanation = input.explanation ?? explain(input.verdict, input.context);
  const subject = subjectFor(explanation);
  const messageAttributes = attributes(
    input.verdict.verdict,
    input.event,
    input.verdict.reasons.map((r) => r.code),
  );
  const id = `ecr-lambda-guard-${input.event.eventId === '' ? input.verdict.subject.digest : input.event.eventId}`;
  let last: { level: Level; result: PublishRequest } | null = null;
  for (const level of LEVELS) {
    const result = assemble(
      subject,
      renderText(explanation, level.text),
      renderChatbot(explanation, { ...level.chatbot, id }),
      toGuardMessageJson(input.verdict, input.context, input.event, level.json, explanation.deployNow),
      messageAttributes,
    );
    if (publishSize(result) <= budget) return result;
    last = { level, result };
  }
  const level = last?.level ?? LEVELS[LEVELS.length - 1] ?? { text: {}, chatbot: {}, json: {} };
  const chatbot = renderChatbot(explanation, { ...level.chatbot, id });
  const machine = toGuardMessageJson(
    input.verdict,
    input.context,
    input.event,
    {
      maxTreeChildren: 0,
      maxString: 100,
      maxArray: 0,
      maxReasons: 5,
    },
    explanation.deployNow,
  );
  return cutToFit(
    (text) => assemble(subject, text, chatbot, machine, messageAttributes),
    renderText(explanation, level.text),
    budget,
  );
};

/**
 * Builds the SNS Publish input for a push the guard could not check: the same protocols, the
 * `verdict` attribute `error` and the failure code as the only reason.
 */
export const buildFailureNotification = (failure: GuardFailure, options: SnsOptions = {}): PublishRequest => {
  const budget = (options.maxBytes ?? SNS_LIMITS.maxBytes) - MARGIN;
  const { event } = failure;
  const reference = event.tag === null ? `${event.repository}@${event.digest.slice(0, 19)}` : `${event.repository}:${event.tag}`;
  const subject = withTail('Not checked: ', reference, ` (${snsSubject(failure.code).slice(0, 40)})`);
  const messageAttributes = attributes('error', event, [failure.code === '' ? 'UNKNOWN' : failure.code]);
  const build = (text: string) =>
    assemble(subject, text, renderChatbotFailure(failure), toGuardFailureJson(failure, 2000), messageAttributes);
  return cutToFit(build, renderFailureText(failure), budget);
};

/**
 * Builds the SNS Publish input for an integrity alert (a guard tag on an image that does not earn
 * it): its own subject and `verdict` attribute `alert`, the alert code as the only reason.
 */
export const buildIntegrityNotification = (alert: IntegrityAlert, options: SnsOptions = {}): PublishRequest => {
  const budget = (options.maxBytes ?? SNS_LIMITS.maxBytes) - MARGIN;
  const subject = withTail('Integrity alert: ', `${alert.event.repository}:${alert.tag}`, ` (${alert.code})`);
  const messageAttributes = attributes('alert', alert.event, [alert.code]);
  const build = (text: string) =>
    assemble(subject, text, renderIntegrityChatbot(alert), toIntegrityJson(alert), messageAttributes);
  return cutToFit(build, renderIntegrityText(alert), budget);
};
