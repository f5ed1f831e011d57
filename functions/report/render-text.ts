import { assertNever } from '../core/assert-never.js';
import { shortDigest } from '../core/digest.js';
import type { VerdictName } from '../core/verdict.js';
import { visibleTreeLines } from './explain.js';
import type { DeployNow, Explanation, Fix, TreeLine } from './explanation.js';
import { accountAndRegion, failureAdvice, type GuardFailure } from './guard-failure.js';
import { displayLength, inertText, truncateText, wrapText } from './plain-text.js';
import { TREE_MARKS, type TreeMark } from './tree.js';

/** How to lay out text for a terminal or an email. */
export interface TextOptions {
  /** ANSI colour; off unless asked for (the CLI turns it on for a TTY without `NO_COLOR`). */
  readonly color?: boolean;
  /** Columns; 80 by default. */
  readonly width?: number;
  /** Tree lines shown before "… N more" (default 40). */
  readonly maxTreeLines?: number;
  /** Fixes shown (default all). */
  readonly maxFixes?: number;
  /** "Why" paragraphs shown (default all). */
  readonly maxWhy?: number;
  /** Findings listed before "… N more" (default 20). */
  readonly maxFindings?: number;
}

const ANSI = {
  reset: '\u001b[0m',
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  red: '\u001b[31m',
  green: '\u001b[32m',
  yellow: '\u001b[33m',
};

type Paint = (style: keyof typeof ANSI, text: string) => string;

const painter =
  (color: boolean): Paint =>
  (style, text) =>
    color ? `${ANSI[style]}${text}${ANSI.reset}` : text;

const markStyle = (mark: TreeMark): keyof typeof ANSI => {
  switch (mark) {
    case 'ok':
      return 'green';
    case 'error':
      return 'red';
    case 'warning':
      return 'yellow';
    case 'ignored':
      return 'dim';
    default:
      return assertNever(mark, 'tree mark');
  }
};

const verdictMark = (verdict: VerdictName): TreeMark => {
  switch (verdict) {
    case 'deployable':
      return 'ok';
    case 'quarantined':
      return 'error';
    case 'skipped':
      return 'ignored';
    default:
      return assertNever(verdict, 'verdict');
  }
};

/** Wrapped prose: first line after `first`, continuation lines after `rest`. */
const block = (text: string, width: number, first: string, rest = ' '.repeat(displayLength(first))): string[] =>
  wrapText(inertText(text), Math.max(20, width - displayLength(first))).map((line, i) => `${i === 0 ? first : rest}${line}`);

/** `key  value`, the value wrapped under itself; URIs and digests stay whole. */
const field = (key: string, value: string, width: number, keyWidth = 11): string[] =>
  block(value, width, `  ${key.padEnd(keyWidth)} `);

const isLastSibling = (lines: readonly TreeLine[], i: number): boolean => {
  const depth = lines[i]?.depth ?? 0;
  for (let j = i + 1; j < lines.length; j += 1) {
    const next = lines[j]?.depth ?? 0;
    if (next < depth) return true;
    if (next === depth) return false;
  }
  return true;
};

const treeSection = (explanation: Explanation, width: number, max: number, paint: Paint): string[] => {
  const { lines, omitted } = visibleTreeLines(explanation.tree, max);
  const out = lines.map((line, i) => {
    const connector =
      line.depth === 0 ? '' : `${'   '.repeat(line.depth - 1)}${isLastSibling(lines, i) && omitted === 0 ? '└─ ' : '├─ '}`;
    const digest = line.digest === '' ? '' : shortDigest(line.digest);
    const lead = `  ${connector}`;
    const room = width - displayLength(lead) - 2 - (digest === '' ? 0 : displayLength(digest) + 1);
    const label = truncateText(inertText(line.label), Math.max(8, room));
    const gap = ' '.repeat(Math.max(1, width - displayLength(lead) - 2 - displayLength(label) - displayLength(digest)));
    return `${lead}${paint(markStyle(line.mark), TREE_MARKS[line.mark])} ${label}${digest === '' ? '' : `${gap}${digest}`}`;
  });
  if (omitted > 0)
    out.push(`  └─ … ${omitted} more ${omitted === 1 ? 'entry' : 'entries'} not shown (the JSON output has them all)`);
  return out;
};

const tagState = (explanation: Explanation, tag: string): string => {
  const outcome = explanation.tagging.find((t) => t.tag === tag)?.outcome;
  if (outcome === 'planned') return ' (the guard will write this tag)';
  if (outcome === 'created' || outcome === 'unchanged') return ' (written by the guard)';
  return '';
};

const deploySection = (explanation: Explanation, deploy: DeployNow, width: number): string[] => {
  const what = deploy.platform === null ? 'image' : `${deploy.platform} image`;
  const intro =
    explanation.verdict === 'quarantined'
      ? `The ${what} inside the index is deployable as it is:`
      : `Deploy this ${what} by digest, so later pushes to the tag cannot change what runs:`;
  return [
    ...block(intro, width, '  '),
    ...field('by digest', deploy.uriByDigest ?? deploy.digest, width),
    ...(deploy.uriByTag === null || deploy.tag === null || explanation.verdict !== 'quarantined'
      ? []
      : field('by tag', `${deploy.uriByTag}${tagState(explanation, deploy.tag)}`, width)),
  ];
};

const fixSection = (fixes: readonly Fix[], explanation: Explanation, width: number, paint: Paint): string[] => {
  const out: string[] = [];
  fixes.forEach((fix, i) => {
    if (i > 0) out.push('');
    const number = `  ${i + 1}. `;
    out.push(...block(fix.title, width, number).map((line, j) => (j === 0 ? paint('bold', line) : line)));
    if (fix.matched) {
      const because = explanation.matchedTool?.tool === fix.tool ? `: ${explanation.matchedTool.because}` : '';
      out.push(...block(`(matches this build${because})`, width, '     '));
    }
    for (const step of fix.steps) out.push(...block(step, width, '     - ', '       '));
    if (fix.snippet !== undefined) {
      out.push('');
      // Code is never re-wrapped: a wrapped shell line would be a different command.
      for (const line of fix.snippet.code.split('\n')) out.push(line === '' ? '' : `       ${inertText(line)}`);
      out.push('');
    }
    if (fix.caveat !== undefined) {
      // Lay out with the bare mark, then paint it: escape codes take no columns.
      const lines = block(fix.caveat, width, '     ! ', '       ');
      out.push(...lines.map((line, j) => (j === 0 ? `     ${paint('yellow', '!')}${line.slice(6)}` : line)));
    }
  });
  return out;
};

const builderSection = (explanation: Explanation, width: number): string[] => {
  const b = explanation.builder;
  if (b === null) return [];
  const out: string[] = [];
  if (b.ciRunUrl !== null) out.push(...field('CI run', b.ciRunUrl, width));
  else if (b.builderId !== null) out.push(...field('builder', b.builderId, width));
  if (b.vcsSource !== null) out.push(...field('source', b.vcsSource, width));
  if (b.vcsRevision !== null) out.push(...field('revision', b.vcsRevision, width));
  if (b.dockerfile !== null) out.push(...field('Dockerfile', b.dockerfile, width));
  if (b.buildType !== null) out.push(...field('build type', `${b.buildType} (provenance mode=${b.mode})`, width));
  return out;
};

/**
 * Renders an explanation as plain text for a terminal or an email: verdict, summary, the manifest
 * tree, findings, why, what to deploy now, fixes (matching tool first), notes and the builder.
 * Fits `width` columns except for single unbreakable tokens (URIs, digests, code lines).
 */
export const renderText = (explanation: Explanation, options: TextOptions = {}): string => {
  const width = options.width ?? 80;
  const paint = painter(options.color ?? false);
  const heading = (text: string) => paint('bold', text);
  const mark = verdictMark(explanation.verdict);
  const word = explanation.verdict.toUpperCase();
  const lead = `${TREE_MARKS[mark]} ${word}  `;
  const out: string[] = [
    `${paint(markStyle(mark), `${TREE_MARKS[mark]} ${word}`)}  ${truncateText(inertText(explanation.subject.reference), width - displayLength(lead))}`,
    ...block(explanation.summary, width, '  '),
    ...(explanation.subject.where === undefined ? [] : ['', ...field('account', explanation.subject.where, width)]),
    '',
    heading('Manifest'),
    ...treeSection(explanation, width, options.maxTreeLines ?? 40, paint),
  ];

  if (explanation.findings.length > 0) {
    out.push('', heading('Findings'));
    const maxFindings = options.maxFindings ?? 20;
    for (const finding of explanation.findings.slice(0, maxFindings)) {
      const m: TreeMark = finding.severity === 'error' ? 'error' : finding.severity === 'warning' ? 'warning' : 'ignored';
      const status = finding.status === 'confirmed' ? '' : ` [${finding.status === 'practice' ? 'from practice' : 'unverified'}]`;
      const lines = block(`${finding.code}${status}: ${finding.message}`, width, `  ${TREE_MARKS[m]} `, '    ');
      out.push(...lines.map((line, i) => (i === 0 ? `  ${paint(markStyle(m), TREE_MARKS[m])}${line.slice(3)}` : line)));
    }
    const hidden = explanation.findings.length - maxFindings;
    if (hidden > 0) out.push(`  … ${hidden} more ${hidden === 1 ? 'finding' : 'findings'} (the JSON output has them all)`);
  }

  const why = explanation.why.slice(0, options.maxWhy ?? explanation.why.length);
  if (why.length > 0) {
    out.push('', heading('Why'));
    why.forEach((paragraph, i) => {
      if (i > 0) out.push('');
      out.push(...block(paragraph.title, width, '  ').map((line) => paint('bold', line)));
      out.push(...block(paragraph.body, width, '    '));
    });
  }

  if (explanation.deployNow !== null) {
    out.push('', heading(explanation.verdict === 'quarantined' ? 'Deploy now' : 'Deploy'));
    out.push(...deploySection(explanation, explanation.deployNow, width));
  }

  const fixes = explanation.fixes.slice(0, options.maxFixes ?? explanation.fixes.length);
  if (fixes.length > 0) {
    const hint = explanation.matchedTool === null ? '' : ' (the tool that built this image first)';
    out.push('', heading(`How to fix${hint}`), ...fixSection(fixes, explanation, width, paint));
    const hidden = explanation.fixes.length - fixes.length;
    if (hidden > 0) out.push('', `  … ${hidden} more ${hidden === 1 ? 'fix' : 'fixes'} for other build tools not shown.`);
  }

  if (explanation.notes.length > 0) {
    out.push('', heading(explanation.verdict === 'quarantined' ? 'After the fix' : 'Notes'));
    for (const note of explanation.notes) out.push(...block(note, width, '  - ', '    '));
  }

  const builder = builderSection(explanation, width);
  if (builder.length > 0) out.push('', heading('Built by'), ...builder);

  if (explanation.tagging.length > 0) {
    out.push('', heading('Tags'));
    const keyWidth = Math.min(30, Math.max(...explanation.tagging.map((t) => displayLength(inertText(t.tag)))));
    for (const t of explanation.tagging) {
      out.push(
        ...field(
          inertText(t.tag),
          `→ ${shortDigest(t.digest)} (${t.outcome}${t.message === undefined ? '' : `: ${t.message}`})`,
          width,
          keyWidth,
        ),
      );
    }
  }
  return `${out.join('\n').replace(/\n{3,}/gu, '\n\n')}\n`;
};

/** Renders a guard failure (the image could not be checked) as plain text. */
export const renderFailureText = (failure: GuardFailure, options: TextOptions = {}): string => {
  const width = options.width ?? 80;
  const paint = painter(options.color ?? false);
  const { event } = failure;
  const reference = event.tag === null ? `${event.repository}@${shortDigest(event.digest)}` : `${event.repository}:${event.tag}`;
  const advice = failureAdvice(failure.code);
  const out = [
    `${paint('yellow', '! NOT CHECKED')}  ${truncateText(inertText(reference), width - 15)}`,
    ...block(`The guard could not check this push: ${advice.headline} (${failure.code}).`, width, '  '),
    '',
    paint('bold', 'What happened'),
    ...block(failure.message, width, '  '),
    '',
    paint('bold', 'What to do'),
    ...advice.steps.flatMap((step) => block(step, width, '  - ', '    ')),
    '',
    paint('bold', 'Event'),
    ...field('repository', event.repository, width),
    ...field('digest', event.digest, width),
    ...field('event id', event.eventId, width),
    ...field('where', accountAndRegion(event), width),
  ];
  return `${out.join('\n')}\n`;
};
