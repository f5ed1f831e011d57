/**
 * The integrity alert: a guard tag (`{tag}-deployable`, `{tag}-quarantined`) names an image that,
 * judged by its own digest, does not earn it. The guard never writes such a tag, so someone else
 * did (a person, CI, a copy tool): the promise the tag makes is false and the team must hear it as
 * its own kind of news, with who can fix it and how. Rendered for every channel here; the SNS
 * assembly lives with the other notifications (`sns-message.ts`).
 */
export type { IntegrityAlert } from '../core/integrity-alert.js';

import { shortDigest } from '../core/digest.js';
import { FOREIGN_GUARD_TAG, type IntegrityAlert } from '../core/integrity-alert.js';
import type { VerdictName } from '../core/verdict.js';
import { accountAndRegion } from './guard-failure.js';
import { codeSafe, inertText, truncateText, wrapText } from './plain-text.js';
import { shellQuote } from './remedies.js';
import { codeSpan, escapeMrkdwn, proseToMrkdwn, truncateMrkdwn } from './slack-text.js';
import { eventFieldsJson } from './verdict-json.js';

/** What the alert says, channel-neutral: a headline, why it matters, and the steps (who, then how). */
export interface IntegrityAdvice {
  readonly headline: string;
  readonly facts: readonly string[];
  readonly steps: readonly string[];
}

const JUDGED: Readonly<Record<VerdictName, string>> = {
  deployable: 'deployable',
  quarantined: 'not runnable on Lambda (quarantined)',
  skipped: 'not a container image',
};

export const integrityAdvice = (alert: IntegrityAlert): IntegrityAdvice => {
  const { event } = alert;
  const reference = `${event.repository}:${alert.tag}`;
  const image = shortDigest(alert.digest);
  const promise =
    alert.kind === 'deployable'
      ? `promises that Lambda runs the image it names${alert.architecture === null ? '' : ` on ${alert.architecture}`}`
      : 'says that Lambda will not run the image it names';
  const headline = `${reference} ${promise}, but ${image} is ${alert.kind === 'deployable' && alert.verdict === 'deployable' ? `built for another architecture` : JUDGED[alert.verdict]}`;
  const why = alert.reasons.slice(0, 3).map((reason) => `${reason.code}: ${reason.message}`);
  const facts = [
    `The guard writes its tags only on images it has read and checked by digest; it did not write this one. A person, a CI job or a copy tool pushed \`${codeSafe(alert.tag)}\` to \`${codeSafe(alert.digest)}\`.`,
    ...why,
  ];
  const repo = shellQuote(event.repository);
  const steps = [
    ...(alert.kind === 'deployable'
      ? [`Do not deploy \`${codeSafe(reference)}\` until it is fixed: the promise it makes is false.`]
      : []),
    `Who can fix it: anyone allowed \`ecr:BatchDeleteImage\` or \`ecr:PutImage\` on \`${codeSafe(event.repository)}\` in ${accountAndRegion(event)}. The guard never deletes a tag and never moves one it did not earn.`,
    `Remove the tag: \`aws ecr batch-delete-image --repository-name ${codeSafe(repo)} --image-ids imageTag=${codeSafe(shellQuote(alert.tag))}\`, then push the base tag again so the guard tags what it checked.`,
    `Find who wrote it: CloudTrail \`PutImage\` events for \`${codeSafe(event.repository)}\` with \`imageTag\` \`${codeSafe(alert.tag)}\`.`,
    'Keep guard suffixes for the guard: IAM cannot limit `ecr:PutImage` to tag names, so let CI push only ordinary tags (see the trust model in docs/trust-model.md).',
  ];
  return { headline, facts, steps };
};

const referenceOf = (alert: IntegrityAlert): string => `${alert.event.repository}:${alert.tag}`;

/** The email and plain-text body. */
export const renderIntegrityText = (alert: IntegrityAlert, width = 80): string => {
  const advice = integrityAdvice(alert);
  const wrap = (text: string, first: string, rest = first): string[] =>
    wrapText(inertText(text), width - first.length).map((line, i) => `${i === 0 ? first : rest}${line}`);
  const { event } = alert;
  const out = [
    `!! INTEGRITY ALERT  ${truncateText(inertText(referenceOf(alert)), width - 20)}`,
    ...wrap(`${advice.headline}.`, '  '),
    '',
    'What the guard found',
    ...advice.facts.flatMap((fact) => wrap(fact, '  - ', '    ')),
    '',
    'Who can fix it, and how',
    ...advice.steps.flatMap((step) => wrap(step, '  - ', '    ')),
    '',
    'Event',
    `  repository  ${inertText(event.repository)}`,
    `  tag         ${inertText(alert.tag)}`,
    `  digest      ${alert.digest}`,
    `  event id    ${inertText(event.eventId)}`,
    `  where       ${accountAndRegion(event)}`,
  ];
  return `${out.join('\n')}\n`;
};

/** The AWS Chatbot custom notification (Slack through Chatbot). */
export const renderIntegrityChatbot = (alert: IntegrityAlert): Record<string, unknown> => {
  const advice = integrityAdvice(alert);
  const reference = referenceOf(alert);
  const plain = (text: string, max: number) => truncateText(inertText(text).replace(/[^\x21-\x7e]|[<>&|]/gu, '_'), max);
  return {
    version: '1.0',
    source: 'custom',
    id: plain(`ecr-lambda-guard-alert-${alert.event.eventId}`, 256),
    content: {
      textType: 'client-markdown',
      title: truncateMrkdwn(`:rotating_light: Integrity alert: ${escapeMrkdwn(truncateText(reference, 180))}`, 250),
      description: truncateMrkdwn(
        [escapeMrkdwn(`${advice.headline}.`), ...advice.facts.map((fact) => proseToMrkdwn(fact))].join('\n'),
        3000,
      ),
      nextSteps: advice.steps.slice(0, 5).map((step) => truncateMrkdwn(proseToMrkdwn(step), 500)),
      keywords: ['ecr-lambda-guard', 'integrity-alert', FOREIGN_GUARD_TAG],
    },
    metadata: {
      threadId: plain(alert.event.repository, 256),
      summary: truncateMrkdwn(escapeMrkdwn(`Integrity alert: ${reference}`), 250),
      eventType: 'ecr-lambda-guard.alert',
    },
  };
};

/** The Slack incoming-webhook message. */
export const renderIntegritySlack = (alert: IntegrityAlert): { text: string; blocks: unknown[] } => {
  const advice = integrityAdvice(alert);
  const reference = referenceOf(alert);
  const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text: truncateMrkdwn(text, 3000) } });
  return {
    text: truncateMrkdwn(escapeMrkdwn(`Integrity alert: ${advice.headline}`), 3000),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: truncateText(`Integrity alert: ${inertText(reference)}`, 150) } },
      section([escapeMrkdwn(`${advice.headline}.`), ...advice.facts.map((fact) => proseToMrkdwn(fact))].join('\n')),
      section(`*Who can fix it, and how*\n${advice.steps.map((step) => `• ${proseToMrkdwn(step)}`).join('\n')}`),
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `ecr-lambda-guard · ${FOREIGN_GUARD_TAG} · event ${codeSpan(alert.event.eventId)} · ${codeSpan(alert.digest)}`,
          },
        ],
      },
    ],
  };
};

/** The SNS `sqs` / `lambda` payload (`type: "alert"`). */
export const toIntegrityJson = (alert: IntegrityAlert): Record<string, unknown> => ({
  schemaVersion: 1,
  type: 'alert',
  verdict: 'alert',
  alert: {
    code: alert.code,
    tag: alert.tag,
    kind: alert.kind,
    architecture: alert.architecture,
    digest: alert.digest,
    verdict: alert.verdict,
    reasons: alert.reasons.map((reason) => reason.code),
    headline: integrityAdvice(alert).headline,
  },
  subject: { digest: alert.digest, tag: alert.tag, repository: alert.event.repository },
  ...eventFieldsJson(alert.event),
});
