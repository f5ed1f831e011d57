import { describe, expect, it } from 'vitest';
import { image, index, legacyAttestation, provenanceV02, SLSA_V02, seedCase } from '../../fixtures/oci-fixtures.js';
import { pushFixture, pushSeed } from '../../fixtures/push-fixture.js';
import type { EventBridgeEvent } from '../../local/event-bus.js';
import { pushEventFor, REPOSITORY, startGuard } from '../support/guard-harness.js';
import { logLines, notifications, tagsInEcr } from './guard-kit.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

/** A well-formed push event, to break one field at a time. */
const event = (detail: Record<string, unknown> = {}, envelope: Record<string, unknown> = {}): Record<string, unknown> => ({
  version: '0',
  id: 'b6a5c0a4-0000-4000-8000-000000000001',
  'detail-type': 'ECR Image Action',
  source: 'aws.ecr',
  account: '123456789012',
  time: '2026-11-25T00:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: {
    result: 'SUCCESS',
    'repository-name': REPOSITORY,
    'image-digest': DIGEST,
    'action-type': 'PUSH',
    'image-tag': 'v1',
    'manifest-media-type': 'application/vnd.oci.image.manifest.v1+json',
    ...detail,
  },
  ...envelope,
});

const withoutDetail = (): Record<string, unknown> => {
  const { detail: _detail, ...rest } = event();
  return rest;
};

const malformedEvents: readonly { readonly name: string; readonly payload: unknown; readonly problem: RegExp }[] = [
  { name: 'null', payload: null, problem: /^event must be an object, found null$/ },
  { name: 'a string', payload: 'ECR Image Action', problem: /^event must be an object, found "ECR Image Action"$/ },
  { name: 'an array', payload: [event()], problem: /^event must be an object, found an array$/ },
  { name: 'an empty object', payload: {}, problem: /^source must be a string, found nothing$/ },
  { name: 'no detail', payload: withoutDetail(), problem: /^detail must be an object, found nothing$/ },
  {
    name: 'a numeric repository name',
    payload: event({ 'repository-name': 42 }),
    problem: /^detail\.repository-name must be a string, found number$/,
  },
  {
    name: 'a digest in an array',
    payload: event({ 'image-digest': [DIGEST] }),
    problem: /^detail\.image-digest must be a string, found an array$/,
  },
  { name: 'an md5 digest', payload: event({ 'image-digest': `md5:${'0'.repeat(32)}` }), problem: /is not a sha256 digest$/ },
  {
    name: 'a one-megabyte tag',
    payload: event({ 'image-tag': 'v'.repeat(1_000_000) }),
    problem: /^detail\.image-tag is 1000000 characters; at most 300 allowed$/,
  },
  {
    name: 'a 100,000-character repository name',
    payload: event({ 'repository-name': 'r'.repeat(100_000) }),
    problem: /^detail\.repository-name is 100000 characters; at most 256 allowed$/,
  },
  {
    name: 'control characters in the tag',
    payload: event({ 'image-tag': 'v1\n{"level":"INFO"}' }),
    problem: /^detail\.image-tag contains control characters$/,
  },
  { name: 'a made-up account', payload: event({}, { account: '12345' }), problem: /is not a 12-digit AWS account id$/ },
  { name: 'a numeric source', payload: event({}, { source: 7 }), problem: /^source must be a string, found number$/ },
];

describe('malformed and hostile events delivered straight to the function', () => {
  it('logs each as a malformed event with its problems, acknowledges it (no retry), and loses nothing', async () => {
    // Prepare
    const seed = seedCase({ architecture: 'arm64' });
    const { guard, endpoint, runtime, ecr, close } = await startGuard({ env: { GUARD_TARGET_ARCHITECTURES: 'arm64' } });
    try {
      // Act: every malformed event, then one real push
      const callsBefore = endpoint.calls.count();
      for (const { payload } of malformedEvents) runtime.invoke(payload);
      await guard.stack.idle();
      const callsAfterMalformed = endpoint.calls.count();
      await pushSeed(ecr, seed, { repository: REPOSITORY, tag: 'v7' });
      await guard.stack.idle();

      // Assess: one successful invocation per malformed event, each with its problem
      expect(callsAfterMalformed).toBe(callsBefore);
      for (const { name, payload, problem } of malformedEvents) {
        // The runtime keeps the payload object it was given: identity finds each event's record.
        const records = runtime.successes.filter((record) => record.requestPayload === payload);
        expect(records, name).toHaveLength(1);
        const outcome = records[0]?.responsePayload as { kind: string; problems: string[] } | undefined;
        expect(outcome?.kind, name).toBe('malformed');
        expect(outcome?.problems, name).toContainEqual(expect.stringMatching(problem));
      }
      expect(runtime.stats()).toMatchObject({ errors: 0, retries: 0, failed: 0 });
      expect(runtime.failures).toEqual([]);

      // Assess: one ERROR line per event, with the problems and never the hostile payload itself
      const lines = logLines(guard).filter((line) => line.message === 'malformed event');
      expect(lines).toHaveLength(malformedEvents.length);
      for (const line of lines) {
        expect(line.level).toBe('ERROR');
        expect(Array.isArray(line.problems) && line.problems.length > 0).toBe(true);
      }
      for (const raw of guard.logs) expect(raw.length).toBeLessThan(4096);
      expect(guard.logs.some((raw) => raw.includes('"level":"INFO"}'))).toBe(false);

      // Assess: the function still does its job
      expect(notifications(endpoint).map((n) => n.emailSubject)).toEqual(['Quarantined: orders-service:v7 (IMAGE_INDEX)']);
      expect(await tagsInEcr(ecr)).toEqual({
        v7: seed.index.digest,
        'v7-deployable': seed.image.digest,
        'v7-quarantined': seed.index.digest,
      });
    } finally {
      await close();
    }
  });

  it.each([
    { name: 'a DELETE action', payload: event({ 'action-type': 'DELETE' }), reason: 'action-type is "DELETE"' },
    { name: 'a failed push', payload: event({ result: 'FAILURE' }), reason: 'result is "FAILURE"' },
    {
      name: 'a scan result',
      payload: event({}, { 'detail-type': 'ECR Image Scan' }),
      reason: 'detail-type is "ECR Image Scan", not ECR Image Action',
    },
    { name: 'another source', payload: event({}, { source: 'aws.s3' }), reason: 'source is "aws.s3", not aws.ecr' },
  ])('skips $name as NOT_A_PUSH without a call', async ({ payload, reason }) => {
    // Prepare
    const { guard, endpoint, runtime, close } = await startGuard();
    try {
      // Act
      const callsBefore = endpoint.calls.count();
      runtime.invoke(payload);
      await guard.stack.idle();

      // Assess
      expect(runtime.successes.map((record) => record.responsePayload)).toEqual([
        { kind: 'skipped', code: 'NOT_A_PUSH', reason },
      ]);
      expect(endpoint.calls.count()).toBe(callsBefore);
    } finally {
      await close();
    }
  });
});

const HOSTILE = '<!channel> <https://evil.example|click> @here';

/** An index whose annotations, attestation and provenance all carry mention and link syntax. */
const hostileIndex = () => {
  const img = image({ platform: 'linux/arm64', annotations: { 'org.opencontainers.image.title': HOSTILE } });
  const statement = provenanceV02({
    subject: img,
    builderId: 'https://evil.example/run|click> <!channel>',
    vcsSource: HOSTILE,
    vcsRevision: HOSTILE,
    entryPoint: HOSTILE,
  });
  const attestation = legacyAttestation({
    subject: img,
    statements: [
      { statement, predicateType: SLSA_V02 },
      { statement: provenanceV02({ subject: img }), predicateType: HOSTILE },
    ],
  });
  const subject = index({
    entries: [
      { of: img, platform: 'linux/arm64', annotations: { 'org.opencontainers.image.title': HOSTILE } },
      {
        ...attestation.entry,
        annotations: { ...attestation.entry.annotations, 'org.opencontainers.image.description': HOSTILE },
      },
    ],
    annotations: { 'org.opencontainers.image.description': HOSTILE },
  });
  return {
    subject,
    manifests: [img, attestation.manifest],
    blobs: [img.config, attestation.manifest.config, ...attestation.statements],
  };
};

/** Every Slack link (`<url>` or `<url|text>`) in a text, by URL. */
const linkTargets = (text: string): string[] =>
  [...text.matchAll(/<(https?:[^|>]*)(?:\|[^>]*)?>/g)].map((match) => match[1] ?? '');

describe('strings from the registry and the event cannot mention or link in Slack', () => {
  it('renders hostile annotations, provenance fields and tag harmless in the Slack payload and the Chatbot JSON', async () => {
    // Prepare
    const pushed = hostileIndex();
    const { guard, endpoint, runtime, ecr, close } = await startGuard({ env: { GUARD_TARGET_ARCHITECTURES: 'arm64' } });
    try {
      // Act: the hostile index through ECR, then the same digest announced under a hostile tag
      await pushFixture(ecr, pushed, { repository: REPOSITORY, tag: 'v7' });
      await guard.stack.idle();
      const v7 = pushEventFor(guard, 'v7');
      const forged: EventBridgeEvent = { ...v7, id: 'forged-tag', detail: { ...v7.detail, 'image-tag': HOSTILE } };
      runtime.invoke(forged);
      await guard.stack.idle();

      // Assess: both were checked and announced, and Slack accepted both payloads
      const sent = notifications(endpoint);
      expect(sent).toHaveLength(2);
      const posts = endpoint.slack.list();
      expect(posts.map((post) => [post.status, post.answer])).toEqual([
        [200, 'ok'],
        [200, 'ok'],
      ]);

      const rendered = [
        ...posts.map((post) => ({ where: `slack #${post.seq}`, text: post.rawBody })),
        ...sent.map((n) => ({ where: `chatbot ${n.messageId}`, text: JSON.stringify(n.chatbot) })),
      ];
      for (const { where, text } of rendered) {
        // The hostile strings were rendered (escaped), so the check below is not vacuous.
        expect(text, where).toContain('&lt;!channel&gt;');
        expect(text, where).not.toContain('<!');
        expect(text, where).not.toContain('<@');
        expect(text, where).not.toContain('@here');
        expect(text, where).not.toContain('|click>');
        expect(
          linkTargets(text).filter((url) => url.includes('evil.example')),
          where,
        ).toEqual([]);
      }

      // The forged tag reached the title escaped, and the tags the guard wrote are valid ECR tags.
      const forgedMessage = sent.find((n) => n.machine.eventId === 'forged-tag');
      expect(forgedMessage?.chatbot.content.title).toBe(
        ':no_entry: orders-service:&lt;!channel&gt; &lt;https://evil.example|click&gt; ＠here quarantined',
      );
      expect(forgedMessage?.emailSubject).toMatch(/^[\x20-\x7e]{1,99}$/);
      for (const tag of Object.keys(await tagsInEcr(ecr))) expect(tag).toMatch(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/);
    } finally {
      await close();
    }
  });
});
