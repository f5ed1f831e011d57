/**
 * GitHub-flavoured Markdown of one explanation: a CI job summary ($GITHUB_STEP_SUMMARY) or a pull
 * request comment. Registry strings are escaped (or put in code spans) so a tag cannot inject
 * markup. https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions#adding-a-job-summary
 */
import type { VerdictName } from '../core/verdict.js';
import { visibleTreeLines } from './explain.js';
import type { Explanation } from './explanation.js';
import { TREE_MARKS } from './tree.js';

const HEADING: Readonly<Record<VerdictName, string>> = {
  quarantined: ':no_entry: Quarantined',
  deployable: ':white_check_mark: Deployable',
  skipped: ':information_source: Skipped',
};

/** Escapes text for Markdown prose and table cells (HTML, emphasis, links, pipes, line breaks). */
export const escapeMarkdown = (text: string): string =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|~])/g, '\\$1')
    .replace(/\r?\n/g, ' ');

/** A code span that survives backticks in the text. */
const code = (text: string): string => {
  const flat = text.replace(/\r?\n/g, ' ');
  const fence = flat.includes('`') ? '``' : '`';
  return `${fence}${fence.length > 1 ? ' ' : ''}${flat}${fence.length > 1 ? ' ' : ''}${fence}`;
};

/** Our prose marks code with backticks already; only the rest is escaped. */
const prose = (text: string): string =>
  text
    .split(/(`[^`\n]+`)/)
    .map((part, index) => (index % 2 === 1 ? part : escapeMarkdown(part)))
    .join('');

/** Renders the explanation as Markdown; `maxTreeLines` bounds the tree (default 40). */
export const renderMarkdown = (explanation: Explanation, options: { maxTreeLines?: number } = {}): string => {
  const lines: string[] = [];
  lines.push(`### ${HEADING[explanation.verdict]}: ${code(explanation.subject.reference)}`, '');
  lines.push(escapeMarkdown(explanation.summary), '');
  if (explanation.findings.length > 0) {
    lines.push('| code | severity | message |', '| --- | --- | --- |');
    for (const finding of explanation.findings)
      lines.push(`| ${code(finding.code)} | ${finding.severity} | ${escapeMarkdown(finding.message)} |`);
    lines.push('');
  }
  const deploy = explanation.deployNow;
  if (deploy !== null) {
    const target = deploy.uriByDigest ?? deploy.digest;
    lines.push(`**Deploy now**${deploy.platform === null ? '' : ` (${escapeMarkdown(deploy.platform)})`}: ${code(target)}`, '');
  }
  const tree = visibleTreeLines(explanation.tree, options.maxTreeLines ?? 40);
  if (tree.lines.length > 1) {
    lines.push('```');
    for (const line of tree.lines)
      lines.push(`${'  '.repeat(line.depth)}${TREE_MARKS[line.mark]} ${line.label.replace(/```/g, "'''")}`);
    if (tree.omitted > 0) lines.push(`… ${tree.omitted} more`);
    lines.push('```', '');
  }
  for (const paragraph of explanation.why) lines.push(`**${escapeMarkdown(paragraph.title)}** ${prose(paragraph.body)}`, '');
  const fix = explanation.fixes[0];
  if (fix !== undefined) {
    lines.push(`#### Fix: ${escapeMarkdown(fix.title)}`, '');
    for (const step of fix.steps) lines.push(`- ${prose(step)}`);
    if (fix.snippet !== undefined)
      lines.push('', `\`\`\`${fix.snippet.language}`, fix.snippet.code.replace(/```/g, "'''"), '```');
    if (fix.caveat !== undefined) lines.push('', `> ${prose(fix.caveat)}`);
    if (explanation.fixes.length > 1)
      lines.push(
        '',
        `Other build tools: ${explanation.fixes
          .slice(1)
          .map((other) => escapeMarkdown(other.title))
          .join(' · ')}`,
      );
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
};
