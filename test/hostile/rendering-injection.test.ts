/**
 * Slack and Chatbot injection, through the core: a hostile string in every field a pusher
 * controls (tag, repository, annotations, platform, media and artifact types, provenance builder
 * id, VCS source and revision, entry point), hand-written payloads and generated ones, classified
 * and rendered exactly as the handler does. Every rendering must be harmless: no mention, link or
 * hidden character of the input's making in the Slack payload or the Chatbot JSON, an ASCII email
 * subject, an email body without control sequences, and a verdict with known reason codes.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createComposer } from '../../functions/adapters/notification-composer.js';
import { classify } from '../../functions/core/classify.js';
import { REASON_CODES } from '../../functions/core/lambda-rules.js';
import type { PushEvent } from '../../functions/core/push-event.js';
import type { SubjectContext } from '../../functions/report/explanation.js';
import { createTally, reportTally } from '../faults/suite-tally.js';
import { HOSTILE_FIELDS, type HostileField, hostilePush } from './hostile-fixtures.js';
import { hiddenCharacter, hostileString, INJECTIONS, renderingProblems } from './hostile-kit.js';

const tally = createTally();
afterAll(() => reportTally('test/hostile/rendering-injection.test.ts', tally));

const composer = createComposer();

interface Rendered {
  readonly verdict: string;
  readonly reasons: readonly string[];
  readonly subject: string;
  readonly email: string;
  readonly chatbot: unknown;
  readonly machine: unknown;
  readonly slack: unknown;
}

/** Classifies and renders a hostile push the way the pipeline does (arm64 functions). */
const render = (field: HostileField, value: string): Rendered => {
  tally.inputsTried += 1;
  const push = hostilePush(field, value);
  const verdict = classify(push.evidence, { architectures: ['arm64'] });
  const event: PushEvent = {
    eventId: 'hostile-event',
    account: '123456789012',
    region: 'us-east-1',
    time: '2026-11-25T12:00:00Z',
    repository: push.repository,
    digest: push.subject.digest,
    tag: push.tag,
    manifestMediaType: push.subject.mediaType,
    artifactMediaType: null,
  };
  const context: SubjectContext = {
    repository: push.repository,
    tag: push.tag,
    repositoryUri: `123456789012.dkr.ecr.us-east-1.amazonaws.com/${push.repository}`,
    region: 'us-east-1',
    architectures: ['arm64'],
    source: `ecr:${push.repository}`,
    tagging: [
      { tag: `${push.tag}-deployable`, digest: push.manifests[0]?.digest ?? '', outcome: 'planned', purpose: 'deployable-child' },
      { tag: `${push.tag}-quarantined`, digest: push.subject.digest, outcome: 'planned', purpose: 'verdict' },
    ],
  };
  const message = composer.verdict({ verdict, context, push: event });
  const documents = JSON.parse(message.sns.Message) as { email: string; https: string; sqs: string };
  return {
    verdict: verdict.verdict,
    reasons: verdict.reasons.map((reason) => reason.code),
    subject: message.sns.Subject,
    email: documents.email,
    chatbot: JSON.parse(documents.https) as unknown,
    machine: JSON.parse(documents.sqs) as unknown,
    slack: message.slack,
  };
};

/** Everything that must hold for any rendering of hostile input; returns what does not. */
const harmProblems = (rendered: Rendered): string[] => [
  ...renderingProblems(rendered.slack).map((problem) => `slack: ${problem}`),
  ...renderingProblems(rendered.chatbot).map((problem) => `chatbot: ${problem}`),
  ...(/^[\x20-\x7e]{1,99}$/.test(rendered.subject) ? [] : [`email subject ${JSON.stringify(rendered.subject)}`]),
  // The email body keeps our own line breaks and nothing else that acts instead of showing.
  ...(hiddenCharacter(rendered.email.replaceAll('\n', ' ')) === undefined ? [] : ['email body hidden or control character']),
  ...rendered.reasons
    .filter((code) => !(REASON_CODES as readonly string[]).includes(code))
    .map((code) => `unknown reason ${code}`),
  ...(rendered.verdict === 'quarantined' && rendered.reasons.length === 0 ? ['quarantined without a reason'] : []),
];

describe('every hand-written injection in every field renders harmless', () => {
  it.each(HOSTILE_FIELDS.map((field) => ({ field })))('$field', ({ field }) => {
    tally.scenarios += 1;
    const failures: string[] = [];
    for (const injection of INJECTIONS) {
      const problems = harmProblems(render(field, injection));
      if (problems.length > 0) failures.push(`${JSON.stringify(injection)}: ${problems.join('; ')}`);
    }
    expect(failures).toEqual([]);
  });

  it.each([
    { name: 'a GitLab-shaped job URL on a foreign host', builderId: 'https://gitlab.evil.example/group/app/-/jobs/1' },
    {
      name: 'a GitLab-shaped pipeline URL with a look-alike host',
      builderId: 'https://gitlab.com.evil.example/a/b/-/pipelines/7',
    },
    { name: 'a GitHub look-alike host', builderId: 'https://github.com.evil.example/o/r/actions/runs/1' },
    { name: 'a GitHub run URL carrying a link', builderId: 'https://github.com/o/r/actions/runs/1|<https://evil.example|x>' },
  ])('a provenance builder id that is $name is never a link', ({ builderId }) => {
    tally.scenarios += 1;
    expect(harmProblems(render('builderId', builderId))).toEqual([]);
  });

  it('a real GitHub Actions run is still linked (the checks above are not vacuous)', () => {
    tally.scenarios += 1;
    const rendered = render('builderId', 'https://github.com/example-org/app/actions/runs/4242');
    expect(JSON.stringify(rendered.slack)).toContain('<https://github.com/example-org/app/actions/runs/4242|');
    expect(harmProblems(rendered)).toEqual([]);
  });
});

describe('generated hostile strings in every field render harmless', () => {
  it.each(HOSTILE_FIELDS.map((field) => ({ field })))('$field', ({ field }) => {
    tally.scenarios += 1;
    fc.assert(
      fc.property(hostileString(), (value) => {
        expect(harmProblems(render(field, value))).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it('huge strings are cut, never passed through whole', () => {
    tally.scenarios += 1;
    const huge = `${'<!channel> '.repeat(20_000)}${'x'.repeat(200_000)}`;
    // The event parser refuses longer tags and repository names (test/hostile/events.test.ts), so
    // those two reach the renderers at most at ECR's limits.
    const admitted: Partial<Record<HostileField, number>> = { tag: 300, repository: 256 };
    for (const field of HOSTILE_FIELDS) {
      const rendered = render(field, huge.slice(0, admitted[field] ?? huge.length));
      expect(harmProblems(rendered), field).toEqual([]);
      expect(JSON.stringify(rendered.slack).length, field).toBeLessThan(40_000);
      expect(JSON.stringify(rendered.chatbot).length, field).toBeLessThan(40_000);
    }
  });
});
