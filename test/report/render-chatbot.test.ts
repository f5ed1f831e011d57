import { describe, expect, it } from 'vitest';
import { buildKitIndex, image, imageEvidence, withCorruptChildren } from '../../fixtures/oci-fixtures.js';
import { classify, type Evidence } from '../../functions/core/classify.js';
import { explain } from '../../functions/report/explain.js';
import type { SubjectContext, TagOutcome } from '../../functions/report/explanation.js';
import type { GuardFailure } from '../../functions/report/guard-failure.js';
import {
  CHATBOT_LIMITS,
  type ChatbotNotification,
  renderChatbot,
  renderChatbotFailure,
} from '../../functions/report/render-chatbot.js';
import {
  failedPush,
  GITHUB_RUN,
  REGISTRY_URI,
  SEED_REVISION_LONG,
  seedPush,
  seedVerdict,
  subjectContext,
} from '../support/seed-explanations.js';

const chatbot = (evidence: Evidence, context: SubjectContext): ChatbotNotification =>
  renderChatbot(explain(classify(evidence), context));

/** Every string Chatbot will post. */
const posted = (n: ChatbotNotification): string[] => [
  n.content.title,
  n.content.description,
  ...n.content.nextSteps,
  n.metadata.summary,
];

describe('renderChatbot', () => {
  it('tells the seed story as a custom notification', () => {
    // Prepare
    const { verdict, child } = seedVerdict(SEED_REVISION_LONG);
    const tagging: TagOutcome[] = [{ tag: 'v7-deployable', digest: child, outcome: 'planned', purpose: 'deployable-child' }];

    // Act
    const n = renderChatbot(explain(verdict, subjectContext('orders-api', 'v7', { tagging })));

    // Assess
    expect(Object.keys(n)).toStrictEqual(['version', 'source', 'id', 'content', 'metadata']);
    expect(n).toMatchObject({
      version: '1.0',
      source: 'custom',
      id: `ecr-lambda-guard-${verdict.subject.digest}`,
      content: {
        textType: 'client-markdown',
        title: ':no_entry: orders-api:v7 quarantined',
        keywords: ['ecr-lambda-guard', 'quarantined', 'IMAGE_INDEX'],
      },
      metadata: { threadId: 'orders-api', summary: 'orders-api:v7 quarantined', eventType: 'ecr-lambda-guard.quarantined' },
    });
    expect(n.content.nextSteps[0]).toBe(
      `Deploy now by digest: \`${REGISTRY_URI}/orders-api@${child}\`, or the tag \`v7-deployable\` once the guard has written it`,
    );
    expect(n.content.nextSteps[1]).toBe(
      'GitHub Actions: docker/build-push-action — Set the inputs `provenance: false` and `sbom: false` on the `docker/build-push-action` step.',
    );
    expect(n.content.description).toMatch(
      /^orders-api:v7 is an OCI image index \(linux\/arm64 image \+ provenance attestation\)/,
    );
    expect(n.content.description).toContain('```\n✖ image index, 2 entries');
    expect(n.content.description).toContain(`Built by <${GITHUB_RUN}|this CI run> at \`4f2c1e0d9b8a\`.`);
  });

  it.each([
    { name: 'seed', n: () => chatbot(seedPush(SEED_REVISION_LONG).evidence, subjectContext('orders-api', 'v7')) },
    {
      name: '2,000-entry index',
      n: () =>
        chatbot(
          buildKitIndex({ architectures: Array.from({ length: 1000 }, () => 'arm64') }).evidence,
          subjectContext('orders-api', 'w'),
        ),
    },
    {
      name: 'huge annotations and a 300-character tag',
      n: () =>
        chatbot(
          buildKitIndex({ architectures: ['amd64', 'arm64'], predicateTypeAnnotation: `https://x.example/${'a'.repeat(50_000)}` })
            .evidence,
          subjectContext('orders-api', `v${'7'.repeat(299)}`),
        ),
    },
    {
      name: '2,000 unreadable children',
      n: () =>
        chatbot(
          withCorruptChildren(buildKitIndex({ architectures: Array.from({ length: 1000 }, () => 'amd64') }).evidence),
          subjectContext('orders-api', 'x'),
        ),
    },
    {
      name: 'deployable image',
      n: () => chatbot(imageEvidence(image({ platform: 'linux/amd64' })), subjectContext('orders-api', 'v8')),
    },
    { name: 'CLI input', n: () => chatbot(seedPush(SEED_REVISION_LONG).evidence, subjectContext(null, null)) },
  ])('bounds every field: $name', ({ n }) => {
    // Act
    const doc = n();

    // Assess
    expect(doc.content.title.length).toBeLessThanOrEqual(CHATBOT_LIMITS.title);
    expect(doc.content.description.length).toBeLessThanOrEqual(CHATBOT_LIMITS.description);
    expect(doc.content.nextSteps.length).toBeLessThanOrEqual(CHATBOT_LIMITS.nextSteps);
    for (const step of doc.content.nextSteps) expect(step.length).toBeLessThanOrEqual(CHATBOT_LIMITS.nextStep);
    expect(doc.content.keywords.length).toBeLessThanOrEqual(CHATBOT_LIMITS.keywords);
    for (const keyword of doc.content.keywords) expect(keyword).toMatch(/^[\x21-\x7e]{1,50}$/);
    expect(doc.id).toMatch(/^[\x21-\x7e]{1,256}$/);
    expect(doc.metadata.threadId).toMatch(/^[\x21-\x7e]{1,256}$/);
    expect(doc.metadata.summary.length).toBeLessThanOrEqual(CHATBOT_LIMITS.summary);
    expect(doc.content.description.split('```').length % 2).toBe(1);
    expect(JSON.stringify(doc).length).toBeLessThan(16_384);
  });

  it('offers the digest of a deployable image as the next step', () => {
    // Prepare
    const img = image({ platform: 'linux/amd64' });

    // Act
    const doc = chatbot(imageEvidence(img), subjectContext('orders-api', 'v8'));

    // Assess
    expect(doc.content.title).toBe(':white_check_mark: orders-api:v8 deployable');
    expect(doc.content.nextSteps).toStrictEqual([
      `Deploy by digest, so later pushes to the tag cannot change what runs: \`${REGISTRY_URI}/orders-api@${img.digest}\``,
    ]);
  });

  it('escapes registry strings as for Slack', () => {
    // Prepare
    const evidence = buildKitIndex({
      architectures: ['arm64'],
      predicateTypeAnnotation: '<!channel> <https://evil.example|click>',
    }).evidence;
    const context = subjectContext('orders-api', '<!here>*x*');

    // Act
    const doc = chatbot(evidence, context);
    const all = posted(doc).join('\n');

    // Assess
    expect(all).not.toMatch(/<[!@#]/);
    expect(all).not.toContain('<https://evil');
    expect(doc.content.title).toBe(':no_entry: orders-api:&lt;!here&gt;＊x＊ quarantined');
    expect(doc.content.description).toContain('attestation (&lt;!channel&gt; &lt;https://evil.example|click&gt;)');
  });

  it('reports a guard failure with the code as keyword', () => {
    // Prepare
    const failure: GuardFailure = {
      code: 'REPOSITORY_NOT_FOUND',
      message: "The repository with name 'orders-api' does not exist <!channel>",
      event: failedPush('v7', { eventId: 'ev 1' }),
    };

    // Act
    const doc = renderChatbotFailure(failure);

    // Assess
    expect(doc).toMatchObject({
      version: '1.0',
      source: 'custom',
      id: 'ecr-lambda-guard-error-ev_1',
      content: {
        textType: 'client-markdown',
        title: ':warning: orders-api:v7 not checked',
        keywords: ['ecr-lambda-guard', 'error', 'REPOSITORY_NOT_FOUND'],
        nextSteps: ['The repository was deleted after the push. Nothing to do unless that was unexpected.'],
      },
      metadata: { threadId: 'orders-api', eventType: 'ecr-lambda-guard.error' },
    });
    expect(doc.content.description).toContain('&lt;!channel&gt;');
    expect(posted(doc).join('\n')).not.toMatch(/<[!@#]/);
  });
});
