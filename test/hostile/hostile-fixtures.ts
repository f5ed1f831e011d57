/**
 * A BuildKit-style push (index, linux image, provenance attestation) with a hostile string in
 * whichever field is named: the strings a pusher controls that can reach a rendering.
 */

import {
  evidenceOf,
  type Fixture,
  image,
  imageConfig,
  index,
  legacyAttestation,
  provenanceV02,
  SLSA_V02,
} from '../../fixtures/oci-fixtures.js';
import type { Evidence } from '../../functions/core/classify.js';
import { MediaType } from '../../functions/core/media-type.js';

/** The fields a hostile string can be planted in. */
export const HOSTILE_FIELDS = [
  'tag',
  'repository',
  'indexAnnotation',
  'imageAnnotation',
  'architecture',
  'layerMediaType',
  'artifactType',
  'builderId',
  'vcsSource',
  'vcsRevision',
  'entryPoint',
] as const;
export type HostileField = (typeof HOSTILE_FIELDS)[number];

export interface HostilePush {
  readonly subject: Fixture;
  readonly manifests: readonly Fixture[];
  readonly blobs: readonly Fixture[];
  readonly evidence: Evidence;
  /** The tag and repository to announce (hostile when those are the fields). */
  readonly tag: string;
  readonly repository: string;
}

/** A push with `value` in `field` (and ordinary values everywhere else). */
export const hostilePush = (field: HostileField, value: string): HostilePush => {
  const pick = (name: HostileField, fallback: string): string => (field === name ? value : fallback);
  const architecture = pick('architecture', 'arm64');
  const img = image({
    config: imageConfig({ platform: { os: 'linux', architecture } }),
    layers: [MediaType.OciLayerGzip, ...(field === 'layerMediaType' ? [{ mediaType: value, seed: 'hostile-layer' }] : [])],
    ...(field === 'imageAnnotation' ? { annotations: { 'org.opencontainers.image.title': value } } : {}),
  });
  const statement = provenanceV02({
    subject: img,
    builderId: pick('builderId', 'https://github.com/example-org/app/actions/runs/42'),
    vcsSource: pick('vcsSource', 'https://github.com/example-org/app'),
    vcsRevision: pick('vcsRevision', 'a'.repeat(40)),
    entryPoint: pick('entryPoint', 'Dockerfile'),
  });
  const attestation = legacyAttestation({ subject: img, statements: [{ statement, predicateType: SLSA_V02 }] });
  const subject = index({
    entries: [
      {
        of: img,
        platform: { os: 'linux', architecture },
        ...(field === 'artifactType' ? { artifactType: value } : {}),
      },
      attestation.entry,
    ],
    ...(field === 'indexAnnotation' ? { annotations: { 'org.opencontainers.image.description': value } } : {}),
  });
  const manifests = [img, attestation.manifest];
  const blobs = [img.config, attestation.manifest.config, statement];
  return {
    subject,
    manifests,
    blobs,
    evidence: evidenceOf(subject, manifests, blobs),
    tag: pick('tag', 'v7'),
    repository: pick('repository', 'orders-service'),
  };
};
