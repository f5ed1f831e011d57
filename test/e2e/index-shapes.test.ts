import type { ECRClient } from '@aws-sdk/client-ecr';
import { describe, expect, it } from 'vitest';
import {
  cosignSignature,
  type Fixture,
  helmChart,
  image,
  index,
  jsonFixture,
  legacyAttestation,
  ociArtifactAttestation,
  provenanceV02,
  SLSA_V02,
  SOCI_INDEX_DIGEST,
  sociV2,
} from '../../fixtures/oci-fixtures.js';
import { ensureRepository, pushFixture, putRawManifest } from '../../fixtures/push-fixture.js';
import { MediaType } from '../../functions/core/media-type.js';
import { REPOSITORY, startGuard } from '../support/guard-harness.js';
import { checkedLines, notifications, tagsInEcr, verdictAttributes } from './guard-kit.js';

/** What one push must come to: the tags in ECR afterwards, and the verdict the notification carries. */
interface Expected {
  readonly tags: Readonly<Record<string, string>>;
  readonly verdict: 'quarantined' | 'skipped';
  readonly reasons: readonly string[];
  readonly deployableChild: string | null;
}

interface Scenario {
  readonly name: string;
  readonly targets: string;
  readonly tag: string;
  /** Pushes through the real SDK and returns what must follow. */
  readonly push: (ecr: ECRClient, tag: string) => Promise<Expected>;
  /** Extra checks on the one notification, when there is one. */
  readonly email?: RegExp;
}

const amd64 = image({ platform: 'linux/amd64' });
const arm64 = image({ platform: 'linux/arm64' });

/** `docker build` + `docker push` on Docker Engine 29 (containerd store): one platform plus a min-mode provenance without builder id. */
const engine29 = (): { subject: Fixture; manifests: Fixture[]; blobs: Fixture[] } => {
  const statement = provenanceV02({ subject: amd64 });
  const attestation = legacyAttestation({ subject: amd64, statements: [{ statement, predicateType: SLSA_V02 }] });
  return {
    subject: index({ entries: [{ of: amd64, platform: 'linux/amd64' }, attestation.entry] }),
    manifests: [amd64, attestation.manifest],
    blobs: [amd64.config, attestation.manifest.config, statement],
  };
};

/** `docker buildx build --platform linux/amd64,linux/arm64` with OCI-artifact attestations (BuildKit 0.32 default). */
const twoPlatforms = () => {
  const forAmd = ociArtifactAttestation({ subject: amd64 });
  const forArm = ociArtifactAttestation({ subject: arm64 });
  return {
    subject: index({
      entries: [{ of: amd64, platform: 'linux/amd64' }, { of: arm64, platform: 'linux/arm64' }, forAmd.entry, forArm.entry],
    }),
    manifests: [amd64, arm64, forAmd.manifest, forArm.manifest],
    blobs: [amd64.config, arm64.config, forAmd.manifest.config, ...forAmd.statements, ...forArm.statements],
  };
};

/** `soci convert` output: the image (annotated with its SOCI index) and the SOCI v2 manifest, listed first, with a real platform. */
const sociIndex = () => {
  const sociDigest = sociV2({ image: amd64, platform: 'linux/amd64' }).manifest.digest;
  const sociImage = image({ platform: 'linux/amd64', annotations: { [SOCI_INDEX_DIGEST]: sociDigest } });
  const soci = sociV2({ image: sociImage, platform: 'linux/amd64' });
  return {
    sociImage,
    soci,
    push: {
      subject: index({ entries: [soci.entry, { of: sociImage, platform: 'linux/amd64' }] }),
      manifests: [sociImage, soci.manifest],
      blobs: [sociImage.config, soci.manifest.config],
    },
  };
};

/** What a quarantined index leaves behind: its verdict tag, and the deployable tag on the chosen child. */
const quarantinedIndex = (tag: string, index: string, child: string): Expected => ({
  tags: { [tag]: index, [`${tag}-deployable`]: child, [`${tag}-quarantined`]: index },
  verdict: 'quarantined',
  reasons: ['IMAGE_INDEX'],
  deployableChild: child,
});

const indexScenarios: readonly Scenario[] = [
  {
    name: 'a Docker Engine 29 single-platform index (image + attestation without builder id)',
    targets: 'x86_64,arm64',
    tag: 'v1',
    email: /How to fix \(the tool that built this image first\)\n\s+1\. Docker Engine 29/,
    push: async (ecr, tag) => {
      const pushed = engine29();
      await pushFixture(ecr, pushed, { repository: REPOSITORY, tag });
      return quarantinedIndex(tag, pushed.subject.digest, amd64.digest);
    },
  },
  {
    name: 'a two-platform index with target x86_64 (the amd64 child is tagged)',
    targets: 'x86_64',
    tag: 'v2',
    push: async (ecr, tag) => {
      const pushed = twoPlatforms();
      await pushFixture(ecr, pushed, { repository: REPOSITORY, tag });
      return quarantinedIndex(tag, pushed.subject.digest, amd64.digest);
    },
  },
  {
    name: 'a two-platform index with target arm64 (the arm64 child is tagged)',
    targets: 'arm64',
    tag: 'v2',
    push: async (ecr, tag) => {
      const pushed = twoPlatforms();
      await pushFixture(ecr, pushed, { repository: REPOSITORY, tag });
      return quarantinedIndex(tag, pushed.subject.digest, arm64.digest);
    },
  },
  {
    name: 'an arm64 image with an x86_64 target (no child to offer)',
    targets: 'x86_64',
    tag: 'v3',
    email: /the image is arm64 but the function\s+targets x86_64/,
    push: async (ecr, tag) => {
      await pushFixture(ecr, { subject: arm64, blobs: [arm64.config] }, { repository: REPOSITORY, tag });
      return {
        tags: { [tag]: arm64.digest, [`${tag}-quarantined`]: arm64.digest },
        verdict: 'quarantined',
        reasons: ['ARCHITECTURE_MISMATCH'],
        deployableChild: null,
      };
    },
  },
  {
    name: 'a SOCI v2 index (the SOCI manifest, listed first with a real platform, is never the child)',
    targets: 'x86_64',
    tag: 'v4',
    push: async (ecr, tag) => {
      const { sociImage, soci, push } = sociIndex();
      await pushFixture(ecr, push, { repository: REPOSITORY, tag });
      expect(soci.manifest.digest).not.toBe(sociImage.digest);
      return {
        tags: {
          [tag]: push.subject.digest,
          [`${tag}-deployable`]: sociImage.digest,
          [`${tag}-quarantined`]: push.subject.digest,
        },
        verdict: 'quarantined',
        reasons: ['IMAGE_INDEX'],
        deployableChild: sociImage.digest,
      };
    },
  },
];

const cosignTag = `sha256-${amd64.digest.slice('sha256:'.length)}.sig`;

const skippedScenarios: readonly Scenario[] = [
  {
    name: 'a Helm chart',
    targets: 'x86_64',
    tag: '0.1.0',
    push: async (ecr, tag) => {
      const chart = helmChart();
      await pushFixture(ecr, { subject: chart, blobs: [chart.config] }, { repository: REPOSITORY, tag });
      return { tags: { [tag]: chart.digest }, verdict: 'skipped', reasons: ['NOT_A_CONTAINER_IMAGE'], deployableChild: null };
    },
  },
  {
    name: 'a cosign signature',
    targets: 'x86_64',
    tag: cosignTag,
    push: async (ecr, tag) => {
      const signature = cosignSignature(amd64);
      await pushFixture(ecr, { subject: signature, blobs: [signature.config] }, { repository: REPOSITORY, tag });
      return { tags: { [tag]: signature.digest }, verdict: 'skipped', reasons: ['NOT_A_CONTAINER_IMAGE'], deployableChild: null };
    },
  },
  {
    name: 'a provenance attestation manifest',
    targets: 'x86_64',
    tag: 'attestation',
    push: async (ecr, tag) => {
      const statement = provenanceV02({ subject: amd64 });
      const { manifest } = legacyAttestation({ subject: amd64, statements: [{ statement, predicateType: SLSA_V02 }] });
      await pushFixture(ecr, { subject: manifest, blobs: [manifest.config, statement] }, { repository: REPOSITORY, tag });
      return { tags: { [tag]: manifest.digest }, verdict: 'skipped', reasons: ['NOT_A_CONTAINER_IMAGE'], deployableChild: null };
    },
  },
];

/** Manifests ECR stores (valid JSON, the structure PutImage checks) that no image spec allows. */
const malformed: readonly { readonly name: string; readonly make: () => Fixture; readonly problem: RegExp }[] = [
  {
    name: 'an OCI image manifest with no layers',
    make: () => image({ extra: { layers: [] } }),
    problem: /layers must have at least one entry/,
  },
  { name: 'annotations that are not a map', make: () => image({ extra: { annotations: 'not-a-map' } }), problem: /annotations/ },
  {
    name: 'a layer type the OCI spec does not define',
    make: () => image({ layers: ['application/vnd.oci.image.layer.v1.tar+unknown'] }),
    problem: /not a layer media type\s+the\s+OCI\s+or\s+Docker\s+specs\s+define/,
  },
  {
    name: 'an index whose platform is a string',
    make: () =>
      jsonFixture(MediaType.OciIndex, {
        schemaVersion: 2,
        mediaType: MediaType.OciIndex,
        manifests: [{ mediaType: amd64.mediaType, digest: amd64.digest, size: amd64.size, platform: 'linux/amd64' }],
      }),
    problem: /platform/,
  },
];

const malformedScenarios: readonly Scenario[] = malformed.map(({ name, make, problem }, i) => ({
  name: `a malformed manifest: ${name}`,
  targets: 'x86_64',
  tag: `broken-${i}`,
  email: problem,
  push: async (ecr, tag) => {
    const manifest = make();
    await ensureRepository(ecr, REPOSITORY);
    // An index needs its child in the repository first, as ECR requires.
    await putRawManifest(ecr, amd64, { repository: REPOSITORY });
    const digest = await putRawManifest(ecr, manifest, { repository: REPOSITORY, tag });
    expect(digest).toBe(manifest.digest);
    return {
      tags: { [tag]: manifest.digest, [`${tag}-quarantined`]: manifest.digest },
      verdict: 'quarantined',
      reasons: ['MALFORMED_MANIFEST'],
      deployableChild: null,
    };
  },
}));

describe('what the guard does with each kind of push, end to end', () => {
  it.each([...indexScenarios, ...skippedScenarios, ...malformedScenarios])('$name', async (scenario) => {
    // Prepare
    const { guard, endpoint, runtime, ecr, close } = await startGuard({ env: { GUARD_TARGET_ARCHITECTURES: scenario.targets } });
    try {
      // Act
      const expected = await scenario.push(ecr, scenario.tag);
      await guard.stack.idle();

      // Assess: tags
      expect(await tagsInEcr(ecr)).toEqual(expected.tags);
      expect(checkedLines(guard, scenario.tag)).toEqual([
        expect.objectContaining({
          verdict: expected.verdict,
          reasons: expected.reasons,
          deployableChild: expected.deployableChild,
        }),
      ]);
      expect(runtime.stats()).toMatchObject({ errors: 0, retries: 0 });

      // Assess: notifications
      const sent = notifications(endpoint);
      if (expected.verdict === 'skipped') {
        expect(sent).toEqual([]);
        expect(endpoint.slack.list()).toEqual([]);
        return;
      }
      expect(sent).toHaveLength(1);
      const [one] = sent;
      expect(one?.emailSubject).toBe(`Quarantined: ${REPOSITORY}:${scenario.tag} (${expected.reasons.join(', ')})`);
      if (scenario.email !== undefined) expect(one?.email).toMatch(scenario.email);
      expect(one?.chatbot).toMatchObject({
        version: '1.0',
        source: 'custom',
        content: { textType: 'client-markdown', title: `:no_entry: ${REPOSITORY}:${scenario.tag} quarantined` },
      });
      expect(one?.machine).toMatchObject({ type: 'verdict', verdict: 'quarantined', subject: { tag: scenario.tag } });
      expect(one?.machine.deployableChild?.digest ?? null).toBe(expected.deployableChild);
      expect(one?.machine.reasons?.map((reason) => reason.code)).toEqual(expected.reasons);
      expect(one?.attributes).toEqual(verdictAttributes('quarantined', expected.reasons));
      expect(endpoint.slack.list().map((post) => [post.status, post.answer])).toEqual([[200, 'ok']]);
    } finally {
      await close();
    }
  });

  it('names no builder for the Docker Engine 29 index: its provenance has no builder id', async () => {
    // Prepare
    const { guard, endpoint, ecr, close } = await startGuard();
    try {
      // Act
      await pushFixture(ecr, engine29(), { repository: REPOSITORY, tag: 'v1' });
      await guard.stack.idle();

      // Assess
      const [one] = notifications(endpoint);
      expect(one?.machine.provenance).toMatchObject({ builderId: null, ciRunUrl: null });
      expect(one?.email).not.toContain('CI run');
      expect(one?.email).toContain('docker push --platform linux/amd64');
    } finally {
      await close();
    }
  });
});
