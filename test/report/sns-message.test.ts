import { describe, expect, it } from 'vitest';
import { buildKitIndex, image, imageEvidence, withCorruptChildren } from '../../fixtures/oci-fixtures.js';
import { type ClassifyOptions, classify, type Evidence } from '../../functions/core/classify.js';
import { MediaType } from '../../functions/core/media-type.js';
import type { PublishRequest } from '../../functions/core/publish-request.js';
import type { SubjectContext, TagOutcome } from '../../functions/report/explanation.js';
import type { GuardFailure } from '../../functions/report/guard-failure.js';
import {
  buildFailureNotification,
  buildVerdictNotification,
  publishSize,
  SNS_LIMITS,
  snsSubject,
} from '../../functions/report/sns-message.js';
import { helmChartEvidence, PUSH_EVENT, REGISTRY_URI, seedPush, subjectContext } from '../support/seed-explanations.js';

const KIB_256 = 262_144;

const notify = (evidence: Evidence, context: SubjectContext, options?: ClassifyOptions, maxBytes?: number): PublishRequest =>
  buildVerdictNotification(
    { verdict: classify(evidence, options), context, event: { ...PUSH_EVENT, repository: context.repository ?? '' } },
    maxBytes === undefined ? {} : { maxBytes },
  );

interface Parsed {
  readonly default: string;
  readonly email: string;
  readonly https: string;
  readonly sqs: string;
  readonly lambda: string;
}

const parse = (input: PublishRequest): Parsed => JSON.parse(input.Message) as Parsed;

/** The SNS rules for MessageStructure=json: an object, a string `default`, and only string values. */
const expectValidStructure = (input: PublishRequest) => {
  const message = JSON.parse(input.Message) as Record<string, unknown>;
  expect(Object.keys(message)).toStrictEqual(['default', 'email', 'https', 'sqs', 'lambda']);
  for (const value of Object.values(message)) expect(typeof value).toBe('string');
  expect(input.MessageStructure).toBe('json');
  expect(input.Subject).toMatch(/^[A-Za-z0-9!-/:-@[-`{-~][\x20-\x7e]*$/);
  expect(input.Subject.length).toBeLessThan(100);
};

describe('buildVerdictNotification', () => {
  it('publishes the seed story on every protocol', () => {
    // Prepare
    const story = seedPush();
    const child = story.images[0]?.digest ?? '';
    const tagging: TagOutcome[] = [
      { tag: 'v7-quarantined', digest: story.index.digest, outcome: 'planned', purpose: 'verdict' },
      { tag: 'v7-deployable', digest: child, outcome: 'planned', purpose: 'deployable-child' },
    ];

    // Act
    const input = notify(story.evidence, subjectContext('orders-api', 'v7', { architectures: ['arm64'], tagging }), {
      architectures: ['arm64'],
    });
    const message = parse(input);

    // Assess
    expectValidStructure(input);
    expect(input.Subject).toBe('Quarantined: orders-api:v7 (IMAGE_INDEX)');
    expect(input.MessageAttributes).toStrictEqual({
      verdict: { DataType: 'String', StringValue: 'quarantined' },
      repository: { DataType: 'String', StringValue: 'orders-api' },
      reasons: { DataType: 'String.Array', StringValue: '["IMAGE_INDEX"]' },
      account: { DataType: 'String', StringValue: PUSH_EVENT.account },
      region: { DataType: 'String', StringValue: PUSH_EVENT.region },
    });
    expect(message.email).toBe(message.default);
    expect(message.default.split('\n')[0]).toBe('✖ QUARANTINED  orders-api:v7');
    expect(message.default).toContain(`  by digest   ${REGISTRY_URI}/orders-api@${child}`);
    expect(message.default).toContain('  1. GitHub Actions: docker/build-push-action');
    expect(message.default).not.toContain('\u001b');
    expect(JSON.parse(message.https)).toMatchObject({
      version: '1.0',
      source: 'custom',
      content: { textType: 'client-markdown' },
    });
    expect(message.lambda).toBe(message.sqs);
    expect(JSON.parse(message.sqs)).toMatchObject({
      schemaVersion: 1,
      type: 'verdict',
      verdict: 'quarantined',
      eventId: PUSH_EVENT.eventId,
      deployableChild: { digest: child },
      tags: tagging,
      truncated: false,
    });
    expect(publishSize(input)).toBeLessThan(64 * 1024);
  });

  it.each([
    {
      name: 'deployable image with the verdict attribute for filter policies',
      make: () => notify(imageEvidence(image({ platform: 'linux/amd64' })), subjectContext('orders-api', 'v8')),
      subject: 'Deployable: orders-api:v8',
      verdict: 'deployable',
      reasons: '[]',
    },
    {
      name: 'skipped artifact',
      make: () => notify(helmChartEvidence(), subjectContext('charts', '1.0.0')),
      subject: 'Skipped: charts:1.0.0 (not a container image)',
      verdict: 'skipped',
      reasons: '["NOT_A_CONTAINER_IMAGE"]',
    },
    {
      name: 'architecture mismatch in an index',
      make: () =>
        notify(
          buildKitIndex({ architectures: ['arm64'] }).evidence,
          subjectContext('orders-api', 'v7', { architectures: ['x86_64'] }),
          { architectures: ['x86_64'] },
        ),
      subject: 'Quarantined: orders-api:v7 (IMAGE_INDEX, ARCHITECTURE_MISMATCH)',
      verdict: 'quarantined',
      reasons: '["IMAGE_INDEX","ARCHITECTURE_MISMATCH"]',
    },
    {
      name: 'strict mode on warnings',
      make: () => {
        const zstd = image({ platform: 'linux/amd64', layers: [MediaType.OciLayerZstd, MediaType.OciLayerZstd] });
        return notify(imageEvidence(zstd), subjectContext('orders-api', 'z'), { strict: true });
      },
      subject: 'Quarantined: orders-api:z (strict mode)',
      verdict: 'quarantined',
      reasons: '["UNVERIFIED_LAYER_COMPRESSION"]',
    },
    {
      name: 'non-ASCII tag from a local layout',
      make: () => notify(seedPush().evidence, subjectContext('orders-api', 'café-✓-\u202e\u0007v7')),
      subject: 'Quarantined: orders-api:cafe- - v7 (IMAGE_INDEX)',
      verdict: 'quarantined',
      reasons: '["IMAGE_INDEX"]',
    },
  ])('$name', ({ make, subject, verdict, reasons }) => {
    // Act
    const input = make();

    // Assess
    expectValidStructure(input);
    expect(input.Subject).toBe(subject);
    expect(input.MessageAttributes.verdict?.StringValue).toBe(verdict);
    expect(input.MessageAttributes.reasons?.StringValue).toBe(reasons);
  });

  it.each([
    {
      name: '2,000-entry index (1,000 images + 1,000 attestations)',
      make: () =>
        notify(
          buildKitIndex({ architectures: Array.from({ length: 1000 }, () => 'arm64') }).evidence,
          subjectContext('orders-api', 'wide', { architectures: ['arm64'] }),
          { architectures: ['arm64'] },
        ),
      deployNow: true,
      omitted: true,
    },
    {
      name: 'huge annotations (20 x 100 KB predicate types)',
      make: () =>
        notify(
          buildKitIndex({
            architectures: Array.from({ length: 20 }, () => 'arm64'),
            predicateTypeAnnotation: `https://x.example/${'a'.repeat(100_000)}`,
          }).evidence,
          subjectContext('orders-api', 'big', { architectures: ['arm64'] }),
          { architectures: ['arm64'] },
        ),
      deployNow: true,
      omitted: false,
    },
    {
      name: '2,000 unreadable children (2,000 reasons)',
      make: () =>
        notify(
          withCorruptChildren(buildKitIndex({ architectures: Array.from({ length: 1000 }, () => 'amd64') }).evidence),
          subjectContext('orders-api', 'bad'),
        ),
      deployNow: false,
      omitted: true,
    },
  ])('stays under 256 KiB: $name', ({ make, deployNow, omitted }) => {
    // Act
    const input = make();
    const message = parse(input);
    const machine = JSON.parse(message.sqs) as { truncated: boolean; schemaVersion: number; tree: { omittedChildren?: number } };

    // Assess
    expectValidStructure(input);
    expect(publishSize(input)).toBeLessThan(KIB_256);
    expect(machine.schemaVersion).toBe(1);
    expect(machine.truncated).toBe(true);
    expect((machine.tree.omittedChildren ?? 0) > 0).toBe(omitted);
    expect(message.default).toMatch(/^✖ QUARANTINED {2}orders-api:/);
    expect(message.default.includes('Deploy now')).toBe(deployNow);
    expect(JSON.parse(message.https)).toMatchObject({ version: '1.0' });
  });

  it('cuts the text last, for a topic with a small size limit', () => {
    // Act
    const input = notify(
      buildKitIndex({ architectures: Array.from({ length: 200 }, () => 'arm64') }).evidence,
      subjectContext('orders-api', 'v7', { architectures: ['arm64'] }),
      { architectures: ['arm64'] },
      8192,
    );
    const message = parse(input);

    // Assess
    expectValidStructure(input);
    expect(publishSize(input)).toBeLessThanOrEqual(8192);
    expect(message.default).toMatch(/^✖ QUARANTINED {2}orders-api:v7\n/);
    expect(message.default).toContain('… (cut to fit the notification size limit)');
    expect(JSON.parse(message.sqs)).toMatchObject({ schemaVersion: 1, truncated: true, verdict: 'quarantined' });
  });
});

describe('snsSubject', () => {
  it.each([
    { input: 'Quarantined: orders-api:v7', output: 'Quarantined: orders-api:v7' },
    { input: 'Déployé: café', output: 'Deploye: cafe' },
    { input: '  \t leading space and tab', output: 'leading space and tab' },
    { input: 'line\nbreak\r\nand\u0000nul', output: 'line break and nul' },
    { input: '“quoted” — dash… →', output: '"quoted" - dash... ->' },
    { input: '✖✔🚫', output: 'ecr-lambda-guard notification' },
    { input: 'ＦＵＬＬ＿ＷＩＤＴＨ', output: 'FULL_WIDTH' },
    { input: 'x'.repeat(150), output: `${'x'.repeat(96)}...` },
  ])('snsSubject($input)', ({ input, output }) => {
    // Act
    const subject = snsSubject(input);

    // Assess
    expect(subject).toBe(output);
    expect(subject.length).toBeLessThan(100);
    expect(subject).toMatch(/^[\x21-\x7e][\x20-\x7e]*$/);
  });

  it('keeps the verdict and the codes when the reference is long', () => {
    // Act
    const input = notify(seedPush().evidence, subjectContext('orders-api', `v${'9'.repeat(299)}`));

    // Assess
    expect(input.Subject).toMatch(/^Quarantined: orders-api:v9+\.\.\. \(IMAGE_INDEX\)$/);
    expect(input.Subject.length).toBe(SNS_LIMITS.subjectLength);
  });
});

describe('buildFailureNotification', () => {
  const failure = (code: string, tag: string | null): GuardFailure => ({
    code,
    message: 'User: arn:aws:sts::123456789012:assumed-role/guard is not authorized to perform: ecr:BatchGetImage <!channel>',
    event: { ...PUSH_EVENT, digest: `sha256:${'ab'.repeat(32)}`, tag },
  });

  it.each([
    { code: 'ACCESS_DENIED', tag: 'v7', subject: 'Not checked: orders-api:v7 (ACCESS_DENIED)' },
    { code: 'REPOSITORY_NOT_FOUND', tag: null, subject: 'Not checked: orders-api@sha256:abababababab (REPOSITORY_NOT_FOUND)' },
  ])('reports $code with the error verdict attribute', ({ code, tag, subject }) => {
    // Act
    const input = buildFailureNotification(failure(code, tag));
    const message = parse(input);

    // Assess
    expectValidStructure(input);
    expect(input.Subject).toBe(subject);
    expect(input.MessageAttributes).toStrictEqual({
      verdict: { DataType: 'String', StringValue: 'error' },
      repository: { DataType: 'String', StringValue: 'orders-api' },
      reasons: { DataType: 'String.Array', StringValue: JSON.stringify([code]) },
      account: { DataType: 'String', StringValue: PUSH_EVENT.account },
      region: { DataType: 'String', StringValue: PUSH_EVENT.region },
    });
    expect(message.default).toMatch(/^! NOT CHECKED {2}orders-api/);
    expect(JSON.parse(message.sqs)).toMatchObject({
      type: 'error',
      verdict: 'error',
      error: { code },
      eventId: PUSH_EVENT.eventId,
    });
    expect(JSON.parse(message.https)).toMatchObject({ source: 'custom', metadata: { eventType: 'ecr-lambda-guard.error' } });
    expect(message.https).not.toContain('<!channel>');
  });

  it('fits a huge error message under the limit', () => {
    // Act
    const input = buildFailureNotification({ ...failure('INTERNAL', 'v7'), message: 'e'.repeat(400_000) });

    // Assess
    expectValidStructure(input);
    expect(publishSize(input)).toBeLessThan(KIB_256);
  });
});
