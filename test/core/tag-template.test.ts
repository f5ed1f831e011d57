import { describe, expect, it } from 'vitest';
import { parseGuardTag } from '../../functions/core/guard-tag-state.js';
import type { LambdaArchitecture } from '../../functions/core/platform.js';
import {
  guardTagSuffixes,
  MAX_TAG_LENGTH,
  parseTagTemplate,
  renderTag,
  TAG_GRAMMAR,
  type TagTemplate,
} from '../../functions/core/tag-template.js';

const template = (text: string): TagTemplate => {
  const parsed = parseTagTemplate(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.template;
};

describe('parseTagTemplate', () => {
  it.each([
    { text: '{tag}-deployable', suffix: '-deployable', usesArch: false },
    { text: '{tag}-quarantined', suffix: '-quarantined', usesArch: false },
    { text: '{tag}-{arch}-deployable', suffix: '-{arch}-deployable', usesArch: true },
    { text: '{tag}.ok', suffix: '.ok', usesArch: false },
  ])('accepts $text', ({ text, suffix, usesArch }) => {
    // Act
    const result = parseTagTemplate(text);

    // Assess
    expect(result).toStrictEqual({ ok: true, template: { text, suffix, usesArch } });
  });

  it.each([
    { text: 'deployable', why: /must start with \{tag\}/ },
    { text: 'prefix-{tag}', why: /must start with \{tag\}/ },
    { text: '{tag}', why: /followed by a suffix/ },
    { text: '{tag}-ok!', why: /followed by a suffix/ },
    { text: '{tag}-{tag}', why: /followed by a suffix/ },
    { text: '{tag}-{platform}', why: /followed by a suffix/ },
    { text: '{tag}- ok', why: /followed by a suffix/ },
    { text: `{tag}-${'x'.repeat(40)}`, why: /longer than 40/ },
  ])('refuses $text', ({ text, why }) => {
    // Act
    const result = parseTagTemplate(text);

    // Assess
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(why);
  });
});

describe('renderTag', () => {
  it.each([
    { name: 'a plain tag', text: '{tag}-deployable', tag: 'v7', arch: undefined, expected: 'v7-deployable' },
    { name: 'with arm64', text: '{tag}-{arch}-deployable', tag: 'v7', arch: 'arm64', expected: 'v7-arm64-deployable' },
    { name: 'with x86_64', text: '{tag}-{arch}-deployable', tag: 'v7', arch: 'x86_64', expected: 'v7-x86_64-deployable' },
    {
      name: 'without an architecture',
      text: '{tag}-{arch}-deployable',
      tag: 'v7',
      arch: undefined,
      expected: 'v7-any-deployable',
    },
    // ECR's alphabet admits a leading "-" or "."; the guard keeps such a tag as it was pushed.
    { name: 'a tag starting with a dash', text: '{tag}-deployable', tag: '-x', arch: undefined, expected: '-x-deployable' },
    { name: 'a tag starting with a dot', text: '{tag}-ok', tag: '.hidden', arch: undefined, expected: '.hidden-ok' },
    { name: 'underscores and dots', text: '{tag}-ok', tag: '_v1.2_rc', arch: undefined, expected: '_v1.2_rc-ok' },
    {
      name: 'a tag at the limit after the suffix',
      text: '{tag}-q',
      tag: 'a'.repeat(126),
      arch: undefined,
      expected: `${'a'.repeat(126)}-q`,
    },
  ] satisfies { name: string; text: string; tag: string; arch: LambdaArchitecture | undefined; expected: string }[])(
    '$name',
    ({ text, tag, arch, expected }) => {
      // Act
      const rendered = renderTag(template(text), tag, arch);

      // Assess
      expect(rendered).toBe(expected);
    },
  );

  it.each([
    { name: 'a 128-character tag', tag: 'v'.repeat(128) },
    { name: 'a 300-character ECR tag', tag: 'r'.repeat(300) },
    { name: 'a unicode tag', tag: 'ünïcødé-☃-release' },
    { name: 'an astral-plane tag', tag: '🚀🚀🚀' },
    { name: 'an empty tag', tag: '' },
    { name: 'a tag starting with a dot', tag: '.hidden' },
    { name: 'a tag starting with a dash', tag: '-x' },
    { name: 'a tag with Slack markup', tag: '<!channel>' },
    { name: 'a tag with spaces and slashes', tag: 'feature/my branch' },
    { name: 'a long unicode tag', tag: 'é'.repeat(300) },
  ])('$name gives a tag in ECR’s alphabet of at most 128 characters that keeps the suffix', ({ tag }) => {
    // Prepare
    const long = template(`{tag}-{arch}-${'d'.repeat(30)}`);

    // Act
    const rendered = [
      renderTag(template('{tag}-deployable'), tag),
      renderTag(long, tag, 'x86_64'),
      renderTag(long, tag, 'arm64'),
    ];

    // Assess
    for (const result of rendered) {
      expect(result).toMatch(TAG_GRAMMAR);
      expect(result.length).toBeLessThanOrEqual(MAX_TAG_LENGTH);
    }
    expect(rendered[0]?.endsWith('-deployable')).toBe(true);
    expect(rendered[1]?.endsWith(`-x86_64-${'d'.repeat(30)}`)).toBe(true);
  });

  it('never gives two long tags the same rendering', () => {
    // Prepare
    const a = `${'x'.repeat(200)}-a`;
    const b = `${'x'.repeat(200)}-b`;

    // Act
    const rendered = [renderTag(template('{tag}-deployable'), a), renderTag(template('{tag}-deployable'), b)];

    // Assess
    expect(rendered[0]).not.toBe(rendered[1]);
  });

  it('never gives a rewritten tag the rendering of the tag it was rewritten to', () => {
    // Prepare: "a/b" becomes "a_b" but must not collide with a real "a_b"
    const t = template('{tag}-deployable');

    // Act
    const rendered = [renderTag(t, 'a/b'), renderTag(t, 'a_b')];

    // Assess
    expect(rendered[1]).toBe('a_b-deployable');
    expect(rendered[0]).not.toBe(rendered[1]);
  });
});

describe('guardTagSuffixes, and parseGuardTag over what renderTag writes', () => {
  const templates = [template('{tag}-quarantined'), template('{tag}-{arch}-deployable')];
  const GUARD_TEMPLATES = { quarantine: templates[0] as TagTemplate, deployable: templates[1] as TagTemplate };

  it.each([
    {
      name: 'both architectures',
      arches: ['x86_64', 'arm64'],
      expected: ['-quarantined', '-x86_64-deployable', '-arm64-deployable', '-any-deployable'],
    },
    { name: 'no architecture', arches: [], expected: ['-quarantined', '-any-deployable'] },
  ] satisfies { name: string; arches: LambdaArchitecture[]; expected: string[] }[])(
    'suffixes for $name',
    ({ arches, expected }) => {
      // Act
      const suffixes = guardTagSuffixes(templates, arches);

      // Assess
      expect(suffixes).toStrictEqual(expected);
    },
  );

  it.each([
    { tag: 'v7-quarantined', guard: true },
    { tag: 'v7-arm64-deployable', guard: true },
    { tag: `${'x'.repeat(90)}-0123abcd-x86_64-deployable`, guard: true },
    { tag: 'v7', guard: false },
    { tag: 'quarantined-v7', guard: false },
    { tag: 'v7-deployable', guard: false },
    { tag: '', guard: false },
  ])('parseGuardTag($tag) finds a guard tag: $guard', ({ tag, guard }) => {
    // Act
    const result = parseGuardTag(tag, GUARD_TEMPLATES, ['arm64']) !== null;

    // Assess
    expect(result).toBe(guard);
  });

  it('recognises every tag renderTag writes, however long or odd the pushed tag', () => {
    // Prepare: ECR takes no empty tag, so none is pushed
    const pushed = ['v1', 'r'.repeat(300), 'ünïcødé', '-x', '<!here>'];

    // Act
    const rendered = pushed.flatMap((tag) => [
      renderTag(templates[0] as TagTemplate, tag),
      renderTag(templates[1] as TagTemplate, tag, 'arm64'),
      renderTag(templates[1] as TagTemplate, tag),
    ]);

    // Assess
    expect(rendered.filter((tag) => parseGuardTag(tag, GUARD_TEMPLATES, ['arm64']) === null)).toStrictEqual([]);
  });
});
