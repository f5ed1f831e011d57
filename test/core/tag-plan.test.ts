import { describe, expect, it } from 'vitest';
import { image, imageEvidence, pool, seedCase } from '../../fixtures/oci-fixtures.js';
import { classify } from '../../functions/core/classify.js';
import type { LambdaArchitecture } from '../../functions/core/platform.js';
import type { TagPolicy } from '../../functions/core/tag-mutability.js';
import { planTags, probeTags, type TagOutcome } from '../../functions/core/tag-plan.js';
import { parseTagTemplate, type TagTemplate } from '../../functions/core/tag-template.js';

const template = (text: string): TagTemplate => {
  const parsed = parseTagTemplate(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.template;
};

const TEMPLATES = { deployable: template('{tag}-deployable'), quarantine: template('{tag}-quarantined') };
const MUTABLE: TagPolicy = { mutability: 'MUTABLE', exclusionFilters: [] };
const IMMUTABLE: TagPolicy = { mutability: 'IMMUTABLE', exclusionFilters: [] };

const seed = seedCase();
const seedVerdict = classify(
  { subject: seed.index.bytes, manifests: seed.manifests, blobs: seed.blobs },
  { architectures: ['arm64'] },
);
const single = image({ platform: 'linux/amd64' });
const singleVerdict = classify(imageEvidence(single));

const view = (outcomes: readonly TagOutcome[]) =>
  outcomes.map((o) => `${o.purpose} ${o.tag} -> ${o.digest.slice(7, 15)} ${o.outcome}`);
const short = (digest: string) => digest.slice(7, 15);

describe('probeTags', () => {
  it.each([
    {
      architectures: [] as LambdaArchitecture[],
      deployable: '{tag}-deployable',
      probes: ['v7', 'v7-quarantined', 'v7-deployable'],
    },
    {
      architectures: ['x86_64', 'arm64'] as LambdaArchitecture[],
      deployable: '{tag}-{arch}-ok',
      probes: ['v7', 'v7-quarantined', 'v7-x86_64-ok', 'v7-arm64-ok'],
    },
  ])('probes the pushed tag and every guard tag ($deployable)', ({ architectures, deployable, probes }) => {
    // Act
    const result = probeTags('v7', { ...TEMPLATES, deployable: template(deployable) }, architectures);

    // Assess
    expect(result).toStrictEqual(probes);
  });
});

describe('planTags', () => {
  it.each([
    {
      name: 'a quarantined index: the runnable child gets the deployable tag, the index the quarantine tag',
      verdict: seedVerdict,
      subject: seed.index.digest,
      available: [seed.index.digest, seed.image.digest],
      current: {},
      policy: MUTABLE,
      expected: [
        `deployable-child v7-deployable -> ${short(seed.image.digest)} planned`,
        `verdict v7-quarantined -> ${short(seed.index.digest)} planned`,
      ],
    },
    {
      name: 'a quarantined index whose child bytes were not read: no deployable tag (nothing to put)',
      verdict: seedVerdict,
      subject: seed.index.digest,
      available: [seed.index.digest],
      current: {},
      policy: MUTABLE,
      expected: [`verdict v7-quarantined -> ${short(seed.index.digest)} planned`],
    },
    {
      name: 'a deployable image already tagged: unchanged',
      verdict: singleVerdict,
      subject: single.digest,
      available: [single.digest],
      current: { 'v7-deployable': single.digest },
      policy: IMMUTABLE,
      expected: [`verdict v7-deployable -> ${short(single.digest)} unchanged`],
    },
    {
      name: 'an immutable repository where the tag names another image: immutable, never attempted',
      verdict: singleVerdict,
      subject: single.digest,
      available: [single.digest],
      current: { 'v7-deployable': seed.image.digest },
      policy: IMMUTABLE,
      expected: [`verdict v7-deployable -> ${short(single.digest)} immutable`],
    },
    {
      name: 'a mutable repository where the tag names another image: planned (moved)',
      verdict: singleVerdict,
      subject: single.digest,
      available: [single.digest],
      current: { 'v7-deployable': seed.image.digest },
      policy: MUTABLE,
      expected: [`verdict v7-deployable -> ${short(single.digest)} planned`],
    },
  ])('$name', ({ verdict, subject, available, current, policy, expected }) => {
    // Act
    const plan = planTags({
      tag: 'v7',
      subjectDigest: subject,
      verdict,
      templates: TEMPLATES,
      available: new Set(available),
      current: new Map(Object.entries(current)),
      policy,
      writeTags: true,
    });

    // Assess
    expect(view(plan)).toStrictEqual(expected);
  });

  it('earns no tags for a skipped verdict', () => {
    // Prepare
    const skipped = classify({ subject: seed.attestation.manifest.bytes, blobs: pool() });

    // Act
    const plan = planTags({
      tag: 'v7',
      subjectDigest: seed.attestation.manifest.digest,
      verdict: skipped,
      templates: TEMPLATES,
      available: new Set([seed.attestation.manifest.digest]),
      current: new Map(),
      policy: MUTABLE,
      writeTags: true,
    });

    // Assess
    expect(skipped.verdict).toBe('skipped');
    expect(plan).toStrictEqual([]);
  });

  it('never predicts immutability in report-only mode', () => {
    // Act
    const plan = planTags({
      tag: 'v7',
      subjectDigest: single.digest,
      verdict: singleVerdict,
      templates: TEMPLATES,
      available: new Set([single.digest]),
      current: new Map([['v7-deployable', seed.image.digest]]),
      policy: IMMUTABLE,
      writeTags: false,
    });

    // Assess
    expect(plan.map((o) => o.outcome)).toStrictEqual(['planned']);
  });
});
