import { describe, expect, it } from 'vitest';
import { image, imageEvidence, seedCase } from '../../fixtures/oci-fixtures.js';
import { classify } from '../../functions/core/classify.js';
import {
  confirmRecovery,
  earnsGuardTag,
  type GuardTagFacts,
  type GuardTagKind,
  guardTagState,
  parseGuardTag,
  tagHistory,
} from '../../functions/core/guard-tag-state.js';
import type { LambdaArchitecture } from '../../functions/core/platform.js';
import type { TagOutcome } from '../../functions/core/tag-plan.js';
import { parseTagTemplate, renderTag, type TagTemplate } from '../../functions/core/tag-template.js';

const template = (text: string): TagTemplate => {
  const parsed = parseTagTemplate(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.template;
};

const PLAIN = { deployable: template('{tag}-deployable'), quarantine: template('{tag}-quarantined') };
const PER_ARCH = { deployable: template('{tag}-{arch}-ok'), quarantine: template('{tag}-bad') };

describe('parseGuardTag', () => {
  it.each([
    { tag: 'v7-deployable', templates: PLAIN, kind: 'deployable', architecture: null, base: 'v7' },
    { tag: 'v7-quarantined', templates: PLAIN, kind: 'quarantined', architecture: null, base: 'v7' },
    { tag: 'v7', templates: PLAIN, kind: null, architecture: null, base: null },
    { tag: '-deployable', templates: PLAIN, kind: null, architecture: null, base: null },
    { tag: 'a-b-deployable', templates: PLAIN, kind: 'deployable', architecture: null, base: 'a-b' },
    { tag: 'v7-arm64-ok', templates: PER_ARCH, kind: 'deployable', architecture: 'arm64', base: 'v7' },
    { tag: 'v7-x86_64-ok', templates: PER_ARCH, kind: 'deployable', architecture: 'x86_64', base: 'v7' },
    { tag: 'v7-any-ok', templates: PER_ARCH, kind: 'deployable', architecture: null, base: 'v7' },
    { tag: 'v7-bad', templates: PER_ARCH, kind: 'quarantined', architecture: null, base: 'v7' },
    // A base tag that renderTag would have hashed is recognised as a guard tag, but not reversed.
    { tag: `${'x'.repeat(120)}-deployable`, templates: PLAIN, kind: 'deployable', architecture: null, base: null },
  ] as const)('$tag is $kind', ({ tag, templates, kind, architecture, base }) => {
    // Act
    const parsed = parseGuardTag(tag, templates, ['x86_64', 'arm64']);

    // Assess
    expect(parsed === null ? null : { kind: parsed.kind, architecture: parsed.architecture, base: parsed.base }).toStrictEqual(
      kind === null ? null : { kind, architecture, base },
    );
  });

  it.each(['v7', 'release/1.0', 'a'.repeat(128), '.hidden'])('reads back what renderTag wrote for %s', (base) => {
    // Arrange
    const tag = renderTag(PER_ARCH.deployable, base, 'arm64');

    // Act
    const parsed = parseGuardTag(tag, PER_ARCH, ['arm64']);

    // Assess: a base kept as is comes back; a rewritten one comes back as the prefix renderTag wrote.
    expect(parsed?.kind).toBe('deployable');
    expect(parsed?.architecture).toBe('arm64');
    expect(parsed?.base).toBe(tag.slice(0, -'-arm64-ok'.length));
    expect(parsed?.base === base).toBe(tag === `${base}-arm64-ok`);
  });
});

describe('earnsGuardTag', () => {
  const amd = classify(imageEvidence(image({ platform: 'linux/amd64' })));
  const arm = classify(imageEvidence(image({ platform: 'linux/arm64' })));
  const s390x = classify(imageEvidence(image({ platform: 'linux/s390x' })));
  const seed = seedCase();
  const seedIndex = classify(
    { subject: seed.index.bytes, manifests: seed.manifests, blobs: seed.blobs },
    { architectures: ['arm64'] },
  );

  it.each([
    { name: 'amd64 image, deployable tag', verdict: amd, kind: 'deployable', arch: null, earns: true },
    { name: 'amd64 image, x86_64 tag', verdict: amd, kind: 'deployable', arch: 'x86_64', earns: true },
    { name: 'amd64 image, arm64 tag', verdict: amd, kind: 'deployable', arch: 'arm64', earns: false },
    { name: 'arm64 image, arm64 tag', verdict: arm, kind: 'deployable', arch: 'arm64', earns: true },
    { name: 'amd64 image, quarantine tag', verdict: amd, kind: 'quarantined', arch: null, earns: false },
    { name: 's390x image, deployable tag', verdict: s390x, kind: 'deployable', arch: null, earns: false },
    { name: 's390x image, quarantine tag', verdict: s390x, kind: 'quarantined', arch: null, earns: true },
    { name: 'index with a runnable child, deployable tag', verdict: seedIndex, kind: 'deployable', arch: null, earns: false },
    { name: 'index, quarantine tag', verdict: seedIndex, kind: 'quarantined', arch: null, earns: true },
  ] as const)('$name: $earns', ({ verdict, kind, arch, earns }) => {
    // Act + Assess
    expect(earnsGuardTag(verdict, kind as GuardTagKind, arch as LambdaArchitecture | null)).toBe(earns);
  });
});

describe('guardTagState', () => {
  const A = 'sha256:aaaa';
  const B = 'sha256:bbbb';
  it.each<{ facts: GuardTagFacts; state: string }>([
    { facts: { names: A, expected: A, namedEarnsIt: true }, state: 'present' },
    { facts: { names: null, expected: A, namedEarnsIt: false }, state: 'missing' },
    { facts: { names: null, expected: null, namedEarnsIt: false }, state: 'absent' },
    { facts: { names: B, expected: A, namedEarnsIt: true }, state: 'stale' },
    { facts: { names: B, expected: null, namedEarnsIt: true }, state: 'stale' },
    { facts: { names: B, expected: A, namedEarnsIt: false }, state: 'foreign' },
    { facts: { names: B, expected: null, namedEarnsIt: false }, state: 'foreign' },
  ])('names $facts.names, expected $facts.expected, earned $facts.namedEarnsIt: $state', ({ facts, state }) => {
    // Act
    const result = guardTagState(facts);

    // Assess
    expect(result.state).toBe(state);
    if (result.state === 'stale' || result.state === 'foreign') expect(result.names).toBe(facts.names);
    if (result.state === 'missing') expect(result.expected).toBe(facts.expected);
  });
});

describe('tagHistory: what the guard tags said before a push of v7', () => {
  const deployable = classify(imageEvidence(image({ platform: 'linux/amd64' })));
  const quarantined = classify(imageEvidence(image({ platform: 'linux/s390x' })));
  const NOW = 'sha256:now';
  const plan = (outcome: TagOutcome['outcome'], tag = 'v7-deployable', digest = NOW) => [{ tag, digest, outcome }];

  it.each([
    {
      name: 'a quarantined push leaves the deployable tag on the earlier image: stale',
      verdict: quarantined,
      planned: [],
      current: { 'v7-deployable': 'sha256:old' },
      expected: { stale: ['sha256:old'], recoveredFrom: null, recoveryToConfirm: null },
    },
    {
      name: 'a push that moves the deployable tag leaves nothing stale (the seed index moving it to its child)',
      verdict: quarantined,
      planned: plan('planned', 'v7-deployable', 'sha256:child'),
      current: { 'v7-deployable': 'sha256:old' },
      expected: { stale: [], recoveredFrom: null, recoveryToConfirm: null },
    },
    {
      name: 'a move the repository refuses (immutable) leaves it stale',
      verdict: deployable,
      planned: plan('immutable'),
      current: { 'v7-deployable': 'sha256:old' },
      expected: { stale: ['sha256:old'], recoveredFrom: null, recoveryToConfirm: null },
    },
    {
      name: 'a deployable push after a quarantined one, no deployable tag before: a recovery',
      verdict: deployable,
      planned: plan('planned'),
      current: { 'v7-quarantined': 'sha256:bad' },
      expected: { stale: [], recoveredFrom: 'sha256:bad', recoveryToConfirm: null },
    },
    {
      name: 'a deployable push back to the image the deployable tag already names: a recovery',
      verdict: deployable,
      planned: plan('unchanged'),
      current: { 'v7-quarantined': 'sha256:bad', 'v7-deployable': NOW },
      expected: { stale: [], recoveredFrom: 'sha256:bad', recoveryToConfirm: null },
    },
    {
      name: 'quarantine and deployable tags both on earlier images: only push times can tell',
      verdict: deployable,
      planned: plan('planned'),
      current: { 'v7-quarantined': 'sha256:bad', 'v7-deployable': 'sha256:good1' },
      expected: {
        stale: [],
        recoveredFrom: null,
        recoveryToConfirm: { quarantined: 'sha256:bad', deployable: ['sha256:good1'] },
      },
    },
    {
      name: 'a quarantined push says nothing of recovery',
      verdict: quarantined,
      planned: [],
      current: { 'v7-quarantined': 'sha256:bad' },
      expected: { stale: [], recoveredFrom: null, recoveryToConfirm: null },
    },
  ])('$name', ({ verdict, planned, current, expected }) => {
    // Act
    const history = tagHistory({
      verdict,
      subjectDigest: NOW,
      planned,
      current: new Map(Object.entries(current)),
      quarantineTag: 'v7-quarantined',
      deployableTags: ['v7-deployable'],
    });

    // Assess
    expect({ ...history, stale: history.stale.map((item) => item.digest) }).toStrictEqual(expected);
  });

  it.each([
    { name: 'quarantined after the deployable image: announced', times: { bad: 2, good1: 1 }, recoveredFrom: 'sha256:bad' },
    { name: 'deployable image after the quarantine: announced already', times: { bad: 1, good1: 2 }, recoveredFrom: null },
    { name: 'a time unknown: not announced', times: { bad: 2 }, recoveredFrom: null },
  ])('confirmRecovery: $name', ({ times, recoveredFrom }) => {
    // Prepare
    const pending = {
      stale: [],
      recoveredFrom: null,
      recoveryToConfirm: { quarantined: 'sha256:bad', deployable: ['sha256:good1'] },
    };

    // Act
    const settled = confirmRecovery(pending, new Map(Object.entries(times).map(([name, at]) => [`sha256:${name}`, at])));

    // Assess
    expect(settled).toStrictEqual({ stale: [], recoveredFrom, recoveryToConfirm: null });
  });
});
