import { describe, expect, it } from 'vitest';
import { image, imageEvidence, seedCase } from '../../fixtures/oci-fixtures.js';
import { auditGuardTags } from '../../functions/core/audit-guard-tags.js';
import { classify } from '../../functions/core/classify.js';
import { planTags } from '../../functions/core/tag-plan.js';
import { parseTagTemplate, type TagTemplate } from '../../functions/core/tag-template.js';
import type { Verdict } from '../../functions/core/verdict.js';

const template = (text: string): TagTemplate => {
  const parsed = parseTagTemplate(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.template;
};
const TEMPLATES = { deployable: template('{tag}-deployable'), quarantine: template('{tag}-quarantined') };

const seed = seedCase();
const seedVerdict = classify({ subject: seed.index.bytes, manifests: seed.manifests, blobs: seed.blobs }, {});
const good = image({ platform: 'linux/amd64' });
const older = image({ platform: 'linux/arm64' });
const bad = image({ platform: 'linux/s390x' });
const verdicts = new Map<string, Verdict>([
  [good.digest, classify(imageEvidence(good))],
  [older.digest, classify(imageEvidence(older))],
  [bad.digest, classify(imageEvidence(bad))],
  [seed.index.digest, seedVerdict],
  [seed.image.digest, classify(imageEvidence(seed.image))],
]);
const deserves = (digest: string, tag: string) =>
  (verdicts.get(digest)?.verdict ?? '') === (tag.endsWith('-deployable') ? 'deployable' : 'quarantined');

const states = (subject: string, tags: Readonly<Record<string, string>>) => {
  const verdict = verdicts.get(subject) as Verdict;
  const current = new Map<string, string>([['v7', subject], ...Object.entries(tags)]);
  const planned = planTags({
    tag: 'v7',
    subjectDigest: subject,
    verdict,
    templates: TEMPLATES,
    available: new Set([subject, seed.image.digest]),
    current,
    policy: { mutability: 'MUTABLE', exclusionFilters: [] },
    writeTags: true,
  });
  return auditGuardTags({ tag: 'v7', templates: TEMPLATES, architectures: [], planned, current, deserves }).map(
    (finding) => `${finding.tag} ${finding.state}`,
  );
};

describe('auditGuardTags', () => {
  it.each([
    { name: 'a deployable tag never handled', subject: good.digest, tags: {}, expected: ['v7-deployable missing'] },
    {
      name: 'a deployable tag the guard handled',
      subject: good.digest,
      tags: { 'v7-deployable': good.digest },
      expected: ['v7-deployable present'],
    },
    {
      name: 'a tag moved from an older deployable image',
      subject: good.digest,
      tags: { 'v7-deployable': older.digest },
      expected: ['v7-deployable stale'],
    },
    {
      name: 'a deployable tag someone put on an s390x image',
      subject: good.digest,
      tags: { 'v7-deployable': bad.digest },
      expected: ['v7-deployable foreign'],
    },
    {
      name: 'a quarantine tag someone put on a deployable image',
      subject: good.digest,
      tags: { 'v7-quarantined': good.digest },
      expected: ['v7-deployable missing', 'v7-quarantined foreign'],
    },
    {
      name: 'the quarantine tag of an earlier bad push',
      subject: good.digest,
      tags: { 'v7-deployable': good.digest, 'v7-quarantined': bad.digest },
      expected: ['v7-deployable present', 'v7-quarantined stale'],
    },
    {
      name: 'the seed index never handled',
      subject: seed.index.digest,
      tags: {},
      expected: ['v7-deployable missing', 'v7-quarantined missing'],
    },
    {
      name: 'the seed index with a deployable tag on the index itself',
      subject: seed.index.digest,
      tags: { 'v7-deployable': seed.index.digest, 'v7-quarantined': seed.index.digest },
      expected: ['v7-deployable foreign', 'v7-quarantined present'],
    },
  ])('reports $name as $expected', ({ subject, tags, expected }) => {
    // Act / Assess
    expect(states(subject, tags)).toEqual(expected);
  });
});
