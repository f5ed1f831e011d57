/**
 * The pushes the round-trip benchmark drives through the built guard, made with the test fixture
 * factory (exact bytes and digests, as a registry would serve them).
 */
import {
  type Fixture,
  helmChart,
  image,
  index,
  legacyAttestation,
  provenanceV02,
  SLSA_V02,
  seedCase,
} from '../fixtures/oci-fixtures.js';

/** One push: the tagged subject, the child manifests it references and the blobs the guard may read. */
export interface PushContent {
  readonly subject: Fixture;
  readonly manifests: readonly Fixture[];
  readonly blobs: readonly Fixture[];
}

/** A round-trip scenario: what is pushed, under which tag, with which guard settings, and the target. */
export interface WaveScenario {
  readonly key:
    | 'singleManifest'
    | 'singleManifestSilent'
    | 'seedIndex'
    | 'seedIndexNoProvenance'
    | 'twoPlatformIndex'
    | 'skippedArtifact'
    | 'ownTag';
  readonly title: string;
  readonly push: PushContent;
  /** The tag of the first (cold) push. */
  readonly tag: string;
  /** The tag of the measured (warm) push of the same content. */
  readonly warmTag: string;
  readonly env: Readonly<Record<string, string>>;
  /** Sequential waves the data dependencies force (the targets); null where none was set. */
  readonly targetWaves: number | null;
  /** The chain the target counts, for the report. */
  readonly targetChain: string;
}

const seedPush = (): PushContent => {
  const seed = seedCase({ architecture: 'arm64' });
  return {
    subject: seed.index,
    manifests: [seed.image, seed.attestation.manifest],
    blobs: [seed.image.config, seed.attestation.manifest.config, seed.statement],
  };
};

const singlePush = (): PushContent => {
  const seed = seedCase({ architecture: 'arm64' });
  return { subject: seed.image, manifests: [], blobs: [seed.image.config] };
};

/** `docker buildx build --platform linux/amd64,linux/arm64` with default provenance: two images, two attestations. */
const twoPlatformPush = (): PushContent => {
  const images = (['amd64', 'arm64'] as const).map((architecture) => image({ platform: `linux/${architecture}` }));
  const attestations = images.map((img) =>
    legacyAttestation({
      subject: img,
      statements: [
        {
          statement: provenanceV02({ subject: img, builderId: 'https://github.com/example-org/lambda-app/actions/runs/1' }),
          predicateType: SLSA_V02,
        },
      ],
    }),
  );
  const subject = index({
    entries: [
      ...images.map((img, i) => ({ of: img, platform: i === 0 ? 'linux/amd64' : 'linux/arm64' })),
      ...attestations.map((attestation) => attestation.entry),
    ],
  });
  return {
    subject,
    manifests: [...images, ...attestations.map((attestation) => attestation.manifest)],
    blobs: [
      ...images.map((img) => img.config),
      ...attestations.flatMap((attestation) => [attestation.manifest.config, ...attestation.statements]),
    ],
  };
};

const ARM64 = { GUARD_TARGET_ARCHITECTURES: 'arm64' } as const;

/** Every scenario of the issue, plus the seed index with provenance reading turned off. */
export const waveScenarios = (): WaveScenario[] => [
  {
    key: 'singleManifest',
    title: 'single image manifest (deployable, notified)',
    push: singlePush(),
    tag: 'v8',
    warmTag: 'v8.1',
    env: { ...ARM64, GUARD_NOTIFY_ON_DEPLOYABLE: 'true' },
    targetWaves: 5,
    targetChain: 'manifest → config URL → config → publish → tag',
  },
  {
    key: 'singleManifestSilent',
    title: 'single image manifest (deployable, default: not notified)',
    push: singlePush(),
    tag: 'v8',
    warmTag: 'v8.1',
    env: ARM64,
    targetWaves: null,
    targetChain: 'manifest → config URL → config → tag',
  },
  {
    key: 'seedIndex',
    title: 'seed index: image + provenance attestation',
    push: seedPush(),
    tag: 'v7',
    warmTag: 'v7.1',
    env: ARM64,
    targetWaves: 6,
    targetChain: 'index → children → config and statement URLs → blobs → publish → tag',
  },
  {
    key: 'seedIndexNoProvenance',
    title: 'seed index, provenance not fetched',
    push: seedPush(),
    tag: 'v7',
    warmTag: 'v7.1',
    env: { ...ARM64, GUARD_PROVENANCE_MAX_BYTES: '0' },
    // The child's config is read even without provenance: nothing unread is offered to deploy.
    targetWaves: 6,
    targetChain: 'index → children → config URL → config → publish → tag',
  },
  {
    key: 'twoPlatformIndex',
    title: 'two-platform index (amd64 + arm64, two attestations)',
    push: twoPlatformPush(),
    tag: 'v9',
    warmTag: 'v9.1',
    env: {},
    targetWaves: 6,
    targetChain: 'index → children → config and statement URLs → blobs → publish → tag',
  },
  {
    key: 'skippedArtifact',
    title: 'Helm chart (skipped artifact)',
    push: { subject: helmChart(), manifests: [], blobs: [] },
    tag: '0.1.0',
    warmTag: '0.1.1',
    env: ARM64,
    targetWaves: 1,
    targetChain: 'manifest',
  },
  {
    key: 'ownTag',
    title: 'a guard tag on a deployable image (verified, silent, nothing written)',
    push: singlePush(),
    tag: 'v8-deployable',
    warmTag: 'v8.1-deployable',
    env: ARM64,
    // Guard tags are checked whoever wrote them: the image is judged by digest, nothing is written.
    targetWaves: 3,
    targetChain: 'manifest + tag probe → config URL → config',
  },
];
