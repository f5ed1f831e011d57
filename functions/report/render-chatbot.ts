/**
 * AWS Chatbot / Amazon Q Developer in chat applications custom notification (lambda-ecr-facts §4.2,
 * docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html). Chatbot posts it into Slack
 * (or Teams), so every registry string is escaped as for Slack mrkdwn. The per-field limits are not
 * published [unverified]; the bounds below keep each field within one Slack section.
 */
import { shortDigest } from '../core/digest.js';
import type { VerdictName } from '../core/verdict.js';
import { visibleTreeLines } from './explain.js';
import type { Explanation } from './explanation.js';
import { failureAdvice, type GuardFailure } from './guard-failure.js';
import { inertText, truncateText } from './plain-text.js';
import { ciRunLink, codeBlockLine, codeSpan, escapeMrkdwn, proseToMrkdwn, truncateMrkdwn } from './slack-text.js';
import { TREE_MARKS } from './tree.js';

/** The custom-notification document Chatbot accepts on the SNS `https` key. */
export interface ChatbotNotification {
  readonly version: '1.0';
  readonly source: 'custom';
  readonly id: string;
  readonly content: {
    readonly textType: 'client-markdown';
    readonly title: string;
    readonly description: string;
    readonly nextSteps: readonly string[];
    readonly keywords: readonly string[];
  };
  readonly metadata: {
    /** Updates for one repository share a thread. */
    readonly threadId: string;
    readonly summary: string;
    readonly eventType: string;
  };
}

/** Our bounds per field (Chatbot publishes none). */
export const CHATBOT_LIMITS = {
  title: 250,
  description: 3000,
  nextSteps: 5,
  nextStep: 500,
  keywords: 10,
  keyword: 50,
  threadId: 256,
  summary: 250,
  id: 256,
} as const;

/** Knobs for callers that need a smaller document. */
export interface ChatbotOptions {
  /** Notification id; by default derived from the subject digest. */
  readonly id?: string;
  /** Tree lines in the description (default 8). */
  readonly maxTreeLines?: number;
  /** Fix next-steps (default 3, after the deploy-now step). */
  readonly maxFixes?: number;
}

const EMOJI: Readonly<Record<VerdictName, string>> = {
  quarantined: ':no_entry:',
  deployable: ':white_check_mark:',
  skipped: ':information_source:',
};
const WORD: Readonly<Record<VerdictName, string>> = { quarantined: 'quarantined', deployable: 'deployable', skipped: 'skipped' };

/** Ids and thread ids are not shown, but must be plain: printable ASCII without Slack's control characters, bounded. */
const plainId = (text: string, max: number): string => truncateText(inertText(text).replace(/[^\x21-\x7e]|[<>&|]/gu, '_'), max);

const firstStep = (steps: readonly string[]): string => steps[0] ?? '';

/**
 * Renders an explanation as a Chatbot custom notification: title, a description with the summary,
 * the tree and the builder, next steps (deploy now first, then the top fixes) and keywords.
 */
export const renderChatbot = (explanation: Explanation, options: ChatbotOptions = {}): ChatbotNotification => {
  const reference = explanation.subject.reference;
  const title = `${EMOJI[explanation.verdict]} ${escapeMrkdwn(truncateText(reference, 180))} ${WORD[explanation.verdict]}`;

  const { lines, omitted } = visibleTreeLines(explanation.tree, options.maxTreeLines ?? 8);
  const tree = lines.map(
    (line) =>
      `${'  '.repeat(line.depth)}${TREE_MARKS[line.mark]} ${codeBlockLine(truncateText(line.label, 70))}${line.digest === '' ? '' : `  ${shortDigest(line.digest)}`}`,
  );
  if (omitted > 0) tree.push(`… ${omitted} more entries`);
  const builder = explanation.builder;
  const builtBy =
    builder?.ciRunUrl !== null && builder?.ciRunUrl !== undefined
      ? `Built by ${ciRunLink(builder.ciRunUrl, 'this CI run')}${builder.vcsRevision === null ? '' : ` at ${codeSpan(builder.vcsRevision.slice(0, 12))}`}.`
      : null;
  const firstWhy = explanation.why.find((p) => p.title === 'Why it turns the tag into an index') ?? explanation.why[0];
  const where = explanation.subject.where;
  const parts = [
    escapeMrkdwn(explanation.summary),
    ...(where === undefined ? [] : [`Account ${codeSpan(where)}`]),
    `\`\`\`\n${tree.join('\n')}\n\`\`\``,
    ...(firstWhy === undefined ? [] : [`*${escapeMrkdwn(firstWhy.title)}*: ${proseToMrkdwn(firstWhy.body)}`]),
    ...(builtBy === null ? [] : [builtBy]),
  ];
  const description = truncateMrkdwn(parts.join('\n\n'), CHATBOT_LIMITS.description);

  const steps: string[] = [];
  const deploy = explanation.deployNow;
  if (deploy !== null && explanation.verdict === 'quarantined') {
    // By digest first: the notification goes out before the guard writes its tags.
    const tag = deploy.tag === null ? '' : `, or the tag ${codeSpan(deploy.tag)} once the guard has written it`;
    steps.push(`Deploy now by digest: ${codeSpan(deploy.uriByDigest ?? deploy.digest)}${tag}`);
  } else if (deploy !== null) {
    steps.push(
      `Deploy by digest, so later pushes to the tag cannot change what runs: ${codeSpan(deploy.uriByDigest ?? deploy.digest)}`,
    );
  }
  for (const fix of explanation.fixes.slice(0, Math.max(0, options.maxFixes ?? 3))) {
    steps.push(`${escapeMrkdwn(fix.title)} — ${proseToMrkdwn(firstStep(fix.steps))}`);
  }
  const note = explanation.notes[0];
  if (note !== undefined && explanation.verdict === 'quarantined') steps.push(proseToMrkdwn(note));

  const codes = [...new Set(explanation.findings.map((f) => f.code))];
  const keywords = ['ecr-lambda-guard', WORD[explanation.verdict], ...codes].slice(0, CHATBOT_LIMITS.keywords);

  return {
    version: '1.0',
    source: 'custom',
    id: plainId(options.id ?? `ecr-lambda-guard-${explanation.subject.digest}`, CHATBOT_LIMITS.id),
    content: {
      textType: 'client-markdown',
      title: truncateMrkdwn(title, CHATBOT_LIMITS.title),
      description,
      nextSteps: steps.slice(0, CHATBOT_LIMITS.nextSteps).map((step) => truncateMrkdwn(step, CHATBOT_LIMITS.nextStep)),
      keywords: keywords.map((k) => plainId(k, CHATBOT_LIMITS.keyword)),
    },
    metadata: {
      threadId: plainId(explanation.subject.repository ?? explanation.subject.reference, CHATBOT_LIMITS.threadId),
      summary: truncateMrkdwn(escapeMrkdwn(`${reference} ${WORD[explanation.verdict]}`), CHATBOT_LIMITS.summary),
      eventType: `ecr-lambda-guard.${explanation.verdict}`,
    },
  };
};

/** Renders a guard failure as a Chatbot custom notification. */
export const renderChatbotFailure = (failure: GuardFailure): ChatbotNotification => {
  const { event } = failure;
  const reference = event.tag === null ? `${event.repository}@${shortDigest(event.digest)}` : `${event.repository}:${event.tag}`;
  const advice = failureAdvice(failure.code);
  return {
    version: '1.0',
    source: 'custom',
    id: plainId(`ecr-lambda-guard-error-${event.eventId}`, CHATBOT_LIMITS.id),
    content: {
      textType: 'client-markdown',
      title: truncateMrkdwn(`:warning: ${escapeMrkdwn(truncateText(reference, 180))} not checked`, CHATBOT_LIMITS.title),
      description: truncateMrkdwn(
        `The guard could not check ${codeSpan(reference)}: ${escapeMrkdwn(advice.headline)} (${codeSpan(failure.code)}).\n${escapeMrkdwn(failure.message)}`,
        CHATBOT_LIMITS.description,
      ),
      nextSteps: advice.steps
        .slice(0, CHATBOT_LIMITS.nextSteps)
        .map((step) => truncateMrkdwn(proseToMrkdwn(step), CHATBOT_LIMITS.nextStep)),
      keywords: ['ecr-lambda-guard', 'error', plainId(failure.code, CHATBOT_LIMITS.keyword)],
    },
    metadata: {
      threadId: plainId(event.repository, CHATBOT_LIMITS.threadId),
      summary: truncateMrkdwn(escapeMrkdwn(`${reference} not checked: ${advice.headline}`), CHATBOT_LIMITS.summary),
      eventType: 'ecr-lambda-guard.error',
    },
  };
};
