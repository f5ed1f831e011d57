import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { attestationFor, imageIndex, provenanceStatement } from './buildkit-attestation.js';
import { buildLambdaImage, imageBlobs } from './lambda-image.js';
import { entryOf } from './oci-bytes.js';
import { type FileTree, layoutFiles, underFolder, writeFileTree } from './oci-layout-writer.js';

/**
 * The shipped examples: the seed case (`v7`, a linux/arm64 image wrapped in an index with a BuildKit
 * provenance attestation) and its fix (`v8`, the same image manifest alone, as `--provenance=false`
 * builds it). Everything is fixed, so the bytes, and therefore every digest, never change.
 */

/** Example folder names under `examples/`. */
export const EXAMPLE_FOLDERS = ['seed-v7', 'seed-v8'] as const;

const REPOSITORY = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders-service';
const RUN_URL = 'https://github.com/example-org/orders-service/actions/runs/9876543210';
const REVISION = '4f6c2d9e8b1a7c3f5e0d2b4a6c8e1f3a5b7d9c0e';

const refAnnotations = (tag: string) => ({
  'io.containerd.image.name': `${REPOSITORY}:${tag}`,
  'org.opencontainers.image.ref.name': tag,
});

/** The example files, by path relative to `examples/`. */
export const seedExampleFiles = (): FileTree => {
  const image = buildLambdaImage({ architecture: 'arm64', created: '2026-01-14T09:30:41Z', mtime: 1_768_383_041 });
  const statement = provenanceStatement(image.manifest.descriptor, {
    builderId: RUN_URL,
    platform: 'linux/arm64',
    vcsSource: 'https://github.com/example-org/orders-service',
    vcsRevision: REVISION,
    buildInvocationId: 'q8v2kx5n7m3r9t1w4y6z0b2d8',
    startedOn: '2026-01-14T09:30:12.418273645Z',
    finishedOn: '2026-01-14T09:30:44.902165311Z',
    subjectName: 'pkg:docker/orders-service@v7?platform=linux%2Farm64',
  });
  const attestation = attestationFor(image.manifest.descriptor, statement);
  const imageEntry = entryOf(image.manifest, { platform: { architecture: 'arm64', os: 'linux' } });
  const index = imageIndex([imageEntry, attestation.entry]);

  const v7 = layoutFiles({
    blobs: [index, ...imageBlobs(image), attestation.manifest, attestation.config, ...attestation.statements],
    manifests: [entryOf(index, { annotations: refAnnotations('v7') })],
  });
  const v8 = layoutFiles({
    blobs: imageBlobs(image),
    manifests: [entryOf(image.manifest, { annotations: refAnnotations('v8') })],
  });
  const readme = `# Examples

Two OCI image layouts of one tiny Lambda-shaped Node.js image for linux/arm64, written by
\`npx tsx scripts/make-examples.ts\`. Timestamps are fixed and the gzip layer is stored without
compression, so every byte (and digest) is the same on each run; \`test/examples/examples.test.ts\`
regenerates them and compares.

- \`seed-v7/\`: the seed case, what \`docker buildx build --platform linux/arm64 --push\` with BuildKit's
  default provenance (mode=min, in GitHub Actions) pushes as tag \`v7\`: an OCI image index holding the
  image and a provenance attestation manifest (platform unknown/unknown, one in-toto SLSA v0.2
  statement). \`ecr-lambda-guard inspect examples/seed-v7\` says **quarantined**, \`IMAGE_INDEX\` (exit 1),
  names the deployable child (the linux/arm64 image) and the builder, GitHub Actions run 9876543210 of
  example-org/orders-service at revision ${REVISION.slice(0, 12)}.
- \`seed-v8/\`: the fix, the same image built with \`--provenance=false\`; tag \`v8\` names the image
  manifest itself. \`ecr-lambda-guard inspect examples/seed-v8\` says **deployable**, linux/arm64 (exit 0);
  with \`--arch x86_64\` it says quarantined, \`ARCHITECTURE_MISMATCH\` (exit 1).

| digest | content |
|---|---|
| \`${index.descriptor.digest}\` | seed-v7: the image index (tag v7) |
| \`${image.manifest.descriptor.digest}\` | the linux/arm64 image manifest (child in seed-v7, tag v8 in seed-v8) |
| \`${attestation.manifest.descriptor.digest}\` | seed-v7: the attestation manifest |
| \`${attestation.statements[0]?.descriptor.digest}\` | seed-v7: the SLSA provenance statement |
`;
  return new Map([['README.md', new TextEncoder().encode(readme)], ...underFolder('seed-v7', v7), ...underFolder('seed-v8', v8)]);
};

/** Writes the examples under `outDir`, replacing earlier example folders so no stale blob survives. */
export const writeSeedExamples = async (outDir: string): Promise<FileTree> => {
  for (const folder of EXAMPLE_FOLDERS) await rm(join(outDir, folder), { recursive: true, force: true });
  const files = seedExampleFiles();
  await writeFileTree(outDir, files);
  return files;
};
