/**
 * Slack Block Kit message for an incoming webhook. Limits (lambda-ecr-facts §4.3): at most 50
 * blocks, section text at most 3,000 characters, header at most 150; Slack also rejects messages
 * whose blocks hold much more than ~12,000 characters in total (`msg_blocks_too_long`), so blocks
 * carry a priority and the least important go first. Every mrkdwn text object is `verbatim` (no
 * auto-linking or mention parsing) and every registry string is escaped.
 */
import { assertNever } from '../core/assert-never.js';
import { shortDigest } from '../core/digest.js';
import type { VerdictName } from '../core/verdict.js';
import { visibleTreeLines } from './explain.js';
import type { Explanation, Fix } from './explanation.js';
import { accountAndRegion, failureAdvice, type GuardFailure } from './guard-failure.js';
import {
  ciRunLink,
  codeBlockLine,
  codeSpan,
  escapeMrkdwn,
  plainSlackText,
  proseToMrkdwn,
  truncateMrkdwn,
  truncatePlain,
} from './slack-text.js';
import { TREE_MARKS } from './tree.js';

/** A mrkdwn text object, never pre-processed by Slack. */
export interface MrkdwnText {
  readonly type: 'mrkdwn';
  readonly text: string;
  readonly verbatim: true;
}

/** The blocks this renderer emits. */
export type SlackBlock =
  | { readonly type: 'header'; readonly text: { readonly type: 'plain_text'; readonly text: string; readonly emoji: true } }
  | { readonly type: 'section'; readonly text: MrkdwnText }
  | { readonly type: 'context'; readonly elements: readonly MrkdwnText[] }
  | { readonly type: 'divider' };

/** What an incoming webhook receives. */
export interface SlackMessage {
  /** Fallback for notifications and clients without blocks. */
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}

/** Slack's limits, and ours for the total. */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  headerText: 150,
  contextElements: 10,
  /** Our own bound for the top-level `text` (Slack truncates at 40,000). */
  fallbackText: 3000,
  /** Total characters across blocks, under the ~13k observed `msg_blocks_too_long` threshold. */
  totalText: 12_000,
} as const;

/** Knobs for callers that need a smaller message. */
export interface SlackOptions {
  /** Fixes shown (default 3). */
  readonly maxFixes?: number;
  /** Tree lines shown (default 15). */
  readonly maxTreeLines?: number;
  /** Total characters across blocks (default {@link SLACK_LIMITS.totalText}). */
  readonly maxTotalText?: number;
}

const EMOJI = (verdict: VerdictName): string => {
  switch (verdict) {
    case 'quarantined':
      return ':no_entry:';
    case 'deployable':
      return ':white_check_mark:';
    case 'skipped':
      return ':information_source:';
    default:
      return assertNever(verdict, 'verdict');
  }
};

const WORD: Readonly<Record<VerdictName, string>> = { quarantined: 'Quarantined', deployable: 'Deployable', skipped: 'Skipped' };

const mrkdwn = (text: string): MrkdwnText => ({
  type: 'mrkdwn',
  text: truncateMrkdwn(text, SLACK_LIMITS.sectionText),
  verbatim: true,
});
const section = (text: string): SlackBlock => ({ type: 'section', text: mrkdwn(text) });
const header = (text: string): SlackBlock => ({
  type: 'header',
  text: { type: 'plain_text', text: truncatePlain(plainSlackText(text), SLACK_LIMITS.headerText), emoji: true },
});

/** Characters a block contributes to Slack's total. */
const blockLength = (block: SlackBlock): number => {
  switch (block.type) {
    case 'header':
    case 'section':
      return block.text.text.length;
    case 'context':
      return block.elements.reduce((sum, element) => sum + element.text.length, 0);
    case 'divider':
      return 0;
    default:
      return assertNever(block, 'block');
  }
};

interface Ranked {
  readonly block: SlackBlock;
  /** 0 is kept longest. */
  readonly priority: number;
}

/** Drops the least important blocks until the message fits both the block count and the total length. */
const keepWithinLimits = (ranked: readonly Ranked[], maxTotal: number): SlackBlock[] => {
  let kept = [...ranked];
  const total = () => kept.reduce((sum, r) => sum + blockLength(r.block), 0);
  while ((kept.length > SLACK_LIMITS.blocks || total() > maxTotal) && kept.some((r) => r.priority > 0)) {
    const worst = Math.max(...kept.map((r) => r.priority));
    const at = kept.map((r) => r.priority).lastIndexOf(worst);
    kept = kept.filter((_, i) => i !== at);
  }
  return kept.map((r) => r.block);
};

/** A fenced code block of escaped lines that stays under `max`, cut at line boundaries, always closed. */
const fenced = (lines: readonly string[], max: number, more: (omitted: number) => string): string => {
  const out: string[] = [];
  let length = 8;
  for (let i = 0; i < lines.length; i += 1) {
    const line = codeBlockLine(lines[i] ?? '');
    const tail = i < lines.length - 1 ? more(lines.length - i).length + 1 : 0;
    if (length + line.length + 1 + tail > max) {
      out.push(codeBlockLine(more(lines.length - i)));
      break;
    }
    out.push(line);
    length += line.length + 1;
  }
  return `\`\`\`\n${out.join('\n')}\n\`\`\``;
};

const treeText = (explanation: Explanation, maxLines: number): string => {
  const { lines, omitted } = visibleTreeLines(explanation.tree, maxLines);
  const rows = lines.map(
    (line) =>
      `${'  '.repeat(line.depth)}${TREE_MARKS[line.mark]} ${line.label}${line.digest === '' ? '' : `  ${shortDigest(line.digest)}`}`,
  );
  if (omitted > 0) rows.push(`… ${omitted} more entries`);
  return `*Manifest*\n${fenced(rows, SLACK_LIMITS.sectionText - 20, (n) => `… ${n} more lines`)}`;
};

const fixText = (fix: Fix, position: number, withSnippet: boolean): string => {
  const lines = [`*${position}. ${escapeMrkdwn(fix.title)}*${fix.matched ? '  _(matches this build)_' : ''}`];
  for (const step of fix.steps) lines.push(`• ${proseToMrkdwn(step)}`);
  if (withSnippet && fix.snippet !== undefined)
    lines.push(fenced(fix.snippet.code.split('\n'), 1500, (n) => `… ${n} more lines`));
  if (fix.caveat !== undefined) lines.push(`:warning: ${proseToMrkdwn(fix.caveat)}`);
  const text = lines.join('\n');
  // Without the snippet before cutting prose: a cut command is worse than none.
  return text.length > SLACK_LIMITS.sectionText && withSnippet ? fixText(fix, position, false) : text;
};

const deployText = (explanation: Explanation): string | null => {
  const deploy = explanation.deployNow;
  if (deploy === null) return null;
  const what = deploy.platform === null ? 'image' : `${escapeMrkdwn(deploy.platform)} image`;
  const planned = explanation.tagging.find((t) => t.tag === deploy.tag)?.outcome === 'planned';
  const lines = [
    explanation.verdict === 'quarantined'
      ? `*Deploy now*: the ${what} inside the index is deployable as it is`
      : `*Deploy* this ${what} by digest:`,
    `• by digest: ${codeSpan(deploy.uriByDigest ?? deploy.digest)}`,
  ];
  if (deploy.uriByTag !== null && explanation.verdict === 'quarantined') {
    lines.push(`• by tag: ${codeSpan(deploy.uriByTag)}${planned ? ' (the guard writes this tag)' : ''}`);
  }
  return lines.join('\n');
};

const contextElements = (explanation: Explanation): MrkdwnText[] => {
  const elements: MrkdwnText[] = [];
  const b = explanation.builder;
  if (b !== null) {
    const parts: string[] = [];
    if (b.ciRunUrl !== null) parts.push(`Built by ${ciRunLink(b.ciRunUrl, 'this CI run')}`);
    else if (b.builderId !== null) parts.push(`Builder ${codeSpan(b.builderId)}`);
    if (b.vcsSource !== null) parts.push(`source ${codeSpan(b.vcsSource)}`);
    if (b.vcsRevision !== null) parts.push(`revision ${codeSpan(b.vcsRevision.slice(0, 12))}`);
    if (parts.length > 0) elements.push(mrkdwn(truncateMrkdwn(parts.join(' · '), 600)));
  }
  const codes = [...new Set(explanation.findings.map((f) => f.code))];
  elements.push(
    mrkdwn(
      truncateMrkdwn(
        `ecr-lambda-guard · ${codeSpan(shortDigest(explanation.subject.digest))}${explanation.subject.where === undefined ? '' : ` · account ${codeSpan(explanation.subject.where)}`}${codes.length === 0 ? '' : ` · ${codes.join(', ')}`}`,
        600,
      ),
    ),
  );
  return elements;
};

/**
 * Renders an explanation as a Slack Block Kit message: header, summary, what to deploy now, the
 * tree, findings, the top fixes, why, notes, and a context line with the builder and CI link.
 */
export const renderSlack = (explanation: Explanation, options: SlackOptions = {}): SlackMessage => {
  const maxFixes = options.maxFixes ?? 3;
  const word = WORD[explanation.verdict];
  const ranked: Ranked[] = [
    { block: header(`${EMOJI(explanation.verdict)} ${word}: ${explanation.subject.reference}`), priority: 0 },
    { block: section(escapeMrkdwn(explanation.summary)), priority: 0 },
  ];
  const deploy = deployText(explanation);
  if (deploy !== null) ranked.push({ block: section(deploy), priority: 0 });
  ranked.push({ block: section(treeText(explanation, options.maxTreeLines ?? 15)), priority: 3 });
  if (explanation.findings.length > 0) {
    const lines = explanation.findings
      .slice(0, 20)
      .map(
        (f) =>
          `${f.severity === 'error' ? '✖' : f.severity === 'warning' ? '!' : '·'} ${codeSpan(f.code)}${f.status === 'confirmed' ? '' : f.status === 'practice' ? ' _(from practice)_' : ' _(unverified)_'} ${escapeMrkdwn(f.message)}`,
      );
    if (explanation.findings.length > 20) lines.push(`… ${explanation.findings.length - 20} more findings`);
    ranked.push({ block: section(lines.join('\n')), priority: 1 });
  }
  const fixes = explanation.fixes.slice(0, Math.max(0, maxFixes));
  if (fixes.length > 0) {
    ranked.push({ block: { type: 'divider' }, priority: 1 });
    fixes.forEach((fix, i) => {
      ranked.push({ block: section(fixText(fix, i + 1, true)), priority: i === 0 ? 1 : 2 + i });
    });
    const hidden = explanation.fixes.length - fixes.length;
    if (hidden > 0) {
      ranked.push({
        block: section(
          `_${hidden} more ${hidden === 1 ? 'fix' : 'fixes'} for other build tools are in the email and the CLI output._`,
        ),
        priority: 6,
      });
    }
  }
  explanation.why.forEach((paragraph, i) => {
    ranked.push({
      block: section(`*${escapeMrkdwn(paragraph.title)}*\n${proseToMrkdwn(paragraph.body)}`),
      priority: 4 + Math.min(i, 4),
    });
  });
  if (explanation.notes.length > 0) {
    const title = explanation.verdict === 'quarantined' ? 'After the fix' : 'Notes';
    const notes = explanation.notes.map((note) => `• ${proseToMrkdwn(note)}`).join('\n');
    ranked.push({ block: section(`*${title}*\n${notes}`), priority: 5 });
  }
  ranked.push({ block: { type: 'context', elements: contextElements(explanation) }, priority: 1 });

  return {
    text: truncateMrkdwn(escapeMrkdwn(`${word}: ${explanation.summary}`), SLACK_LIMITS.fallbackText),
    blocks: keepWithinLimits(ranked, options.maxTotalText ?? SLACK_LIMITS.totalText),
  };
};

/** Renders a guard failure (the push could not be checked) as a Slack message. */
export const renderSlackFailure = (failure: GuardFailure): SlackMessage => {
  const { event } = failure;
  const reference = event.tag === null ? `${event.repository}@${shortDigest(event.digest)}` : `${event.repository}:${event.tag}`;
  const advice = failureAdvice(failure.code);
  const summary = `The guard could not check ${codeSpan(reference)}: ${escapeMrkdwn(advice.headline)} (${codeSpan(failure.code)}).`;
  return {
    text: truncateMrkdwn(escapeMrkdwn(`Not checked: ${reference}: ${advice.headline}`), SLACK_LIMITS.fallbackText),
    blocks: [
      header(`:warning: Not checked: ${reference}`),
      section(`${summary}\n${escapeMrkdwn(failure.message)}`),
      section(`*What to do*\n${advice.steps.map((step) => `• ${proseToMrkdwn(step)}`).join('\n')}`),
      {
        type: 'context',
        elements: [
          mrkdwn(
            `ecr-lambda-guard · event ${codeSpan(event.eventId)} · ${codeSpan(event.digest)} · ${codeSpan(accountAndRegion(event))}`,
          ),
        ],
      },
    ],
  };
};
