import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildKitIndex, image, imageEvidence, withCorruptChildren } from '../../fixtures/oci-fixtures.js';
import { type ClassifyOptions, classify, type Evidence } from '../../functions/core/classify.js';
import { explain } from '../../functions/report/explain.js';
import type { SubjectContext, TagOutcome } from '../../functions/report/explanation.js';
import type { GuardFailure } from '../../functions/report/guard-failure.js';
import {
  renderSlack,
  renderSlackFailure,
  SLACK_LIMITS,
  type SlackBlock,
  type SlackMessage,
} from '../../functions/report/render-slack.js';
import {
  codeSpan,
  escapeMrkdwn,
  plainSlackText,
  proseToMrkdwn,
  slackLink,
  truncateMrkdwn,
} from '../../functions/report/slack-text.js';
import {
  failedPush,
  GITHUB_RUN,
  helmChartEvidence,
  REGISTRY_URI,
  SEED_REVISION_LONG,
  seedPush,
  seedVerdict,
  subjectContext,
} from '../support/seed-explanations.js';

const slack = (evidence: Evidence, context: SubjectContext, options?: ClassifyOptions): SlackMessage =>
  renderSlack(explain(classify(evidence, options), context));

/** Every text Slack will parse: header, sections, context elements and the fallback. */
const texts = (message: SlackMessage): string[] => [
  message.text,
  ...message.blocks.flatMap((block: SlackBlock) => {
    switch (block.type) {
      case 'header':
      case 'section':
        return [block.text.text];
      case 'context':
        return block.elements.map((e) => e.text);
      default:
        return [];
    }
  }),
];

const sectionTexts = (message: SlackMessage): string[] =>
  message.blocks.flatMap((b) => (b.type === 'section' ? [b.text.text] : []));

describe('escapeMrkdwn', () => {
  it.each([
    { input: '<!channel>', output: '&lt;!channel&gt;' },
    { input: '<!here> <!everyone>', output: '&lt;!here&gt; &lt;!everyone&gt;' },
    { input: '<@U024BE7LH>', output: '&lt;@U024BE7LH&gt;' },
    { input: '<#C024BE7LR|general>', output: '&lt;#C024BE7LR|general&gt;' },
    { input: '<!subteam^SAZ94GDB8>', output: '&lt;!subteam^SAZ94GDB8&gt;' },
    { input: '<https://evil.example|click>', output: '&lt;https://evil.example|click&gt;' },
    { input: 'a & b', output: 'a &amp; b' },
    { input: '&lt;already escaped&gt;', output: '&amp;lt;already escaped&amp;gt;' },
    { input: '*bold* _italic_ ~strike~', output: '＊bold＊ ＿italic＿ ～strike～' },
    { input: '`code`', output: '｀code｀' },
    {
      input: 'snake_case_name and BUILDX_NO_DEFAULT_ATTESTATIONS=1',
      output: 'snake_case_name and BUILDX_NO_DEFAULT_ATTESTATIONS=1',
    },
    { input: '> quoted', output: '＞ quoted' },
    { input: 'a > b', output: 'a &gt; b' },
    { input: '@here and @channel, @Everyone', output: '＠here and ＠channel, ＠Everyone' },
    { input: 'ops@example.com', output: 'ops@example.com' },
    { input: 'zero\u200bwidth\u2060joined\ufeff', output: 'zerowidthjoined' },
    { input: 'rtl\u202eexe.txt\u2066', output: 'rtlexe.txt' },
    { input: 'line\nbreak\r\nand\ttab', output: 'line break  and tab' },
    { input: 'bell\u0007 esc\u001b[31m', output: 'bell\ufffd esc\ufffd[31m' },
  ])('escapeMrkdwn($input)', ({ input, output }) => {
    // Act / Assess
    expect(escapeMrkdwn(input)).toBe(output);
  });

  it('never leaves a control character, a raw "<" or ">", or a bare "&"', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (input) => {
        // Act
        const out = escapeMrkdwn(input);

        // Assess
        // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what must not appear.
        expect(out).not.toMatch(/[<>\u0000-\u001f\u007f\u200b\u202a-\u202e\u2066-\u2069]/);
        expect(out.replace(/&(?:amp|lt|gt);/g, '')).not.toContain('&');
        expect(out).not.toContain('`');
      }),
    );
  });
});

describe('codeSpan, plainSlackText, slackLink, proseToMrkdwn', () => {
  it.each([
    { input: 'orders-api:v7', output: '`orders-api:v7`' },
    { input: 'v7`; <!channel>', output: '`v7｀; &lt;!channel&gt;`' },
    { input: '@here', output: '`＠here`' },
    { input: '   ', output: '`""`' },
  ])('codeSpan($input)', ({ input, output }) => {
    expect(codeSpan(input)).toBe(output);
  });

  it.each([
    { input: 'orders-api:<!channel>', output: 'orders-api:＜!channel＞' },
    { input: 'R&D @here', output: 'R&D ＠here' },
  ])('plainSlackText($input)', ({ input, output }) => {
    expect(plainSlackText(input)).toBe(output);
  });

  it.each([
    { url: GITHUB_RUN, label: 'run', output: `<${GITHUB_RUN}|run>` },
    { url: 'https://example.com/a?b=1&c=2', label: '*x*', output: '<https://example.com/a?b=1&amp;c=2|＊x＊>' },
    { url: 'https://evil.example|<!channel>', label: 'run', output: '`https://evil.example|&lt;!channel&gt;`' },
    { url: 'javascript:alert(1)', label: 'run', output: '`javascript:alert(1)`' },
    { url: 'http://plain.example', label: 'run', output: '`http://plain.example`' },
  ])('slackLink($url)', ({ url, label, output }) => {
    expect(slackLink(url, label)).toBe(output);
  });

  it('renders our prose with code spans and escapes the rest', () => {
    expect(proseToMrkdwn('Set `BUILDX_NO_DEFAULT_ATTESTATIONS=1` & push <here>')).toBe(
      'Set `BUILDX_NO_DEFAULT_ATTESTATIONS=1` &amp; push &lt;here&gt;',
    );
  });
});

describe('truncateMrkdwn', () => {
  it.each([
    { input: 'abc &amp; def', max: 9, output: 'abc…' },
    { input: 'abc &amp; defghi', max: 14, output: 'abc &amp;…' },
    { input: '`orders-api:v7` is here', max: 12, output: '`orders…`' },
    { input: 'see <https://example.com|link> now', max: 18, output: 'see…' },
    { input: '```\nline one\nline two\n```', max: 16, output: '```\nline on…\n```' },
    { input: 'short', max: 10, output: 'short' },
  ])('truncateMrkdwn($input, $max)', ({ input, max, output }) => {
    expect(truncateMrkdwn(input, max)).toBe(output);
  });

  it('never exceeds the limit, never cuts an entity or a link, and closes what it opened', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.string({ maxLength: 20 }).map(escapeMrkdwn),
            fc.constant('`id`'),
            fc.constant('<https://example.com|x>'),
            fc.constant('```\ncode\n```'),
          ),
          { maxLength: 20 },
        ),
        fc.integer({ min: 6, max: 300 }),
        (parts, max) => {
          // Prepare
          const input = parts.join(' ');

          // Act
          const out = truncateMrkdwn(input, max);

          // Assess
          expect(out.length).toBeLessThanOrEqual(Math.max(max, 0));
          expect(out).not.toMatch(/&[a-z]{0,3}$|&[a-z]{0,3}…/);
          expect((out.match(/</g) ?? []).length).toBe((out.match(/>/g) ?? []).length);
          const fences = out.split('```').length - 1;
          expect(fences % 2).toBe(0);
          const ticks =
            out
              .split('```')
              .filter((_, i) => i % 2 === 0)
              .join('')
              .split('`').length - 1;
          expect(ticks % 2).toBe(0);
        },
      ),
    );
  });
});

const STORIES: readonly { name: string; message: () => SlackMessage }[] = [
  {
    name: 'seed story',
    message: () => slack(seedPush(SEED_REVISION_LONG).evidence, subjectContext('orders-api', 'v7'), { architectures: ['arm64'] }),
  },
  {
    name: '2,000-entry index',
    message: () =>
      slack(
        buildKitIndex({ architectures: Array.from({ length: 1000 }, () => 'arm64') }).evidence,
        subjectContext('orders-api', 'wide'),
      ),
  },
  {
    name: 'huge annotations',
    message: () =>
      slack(
        buildKitIndex({
          architectures: Array.from({ length: 20 }, () => 'amd64'),
          predicateTypeAnnotation: `https://x.example/${'a'.repeat(20_000)}`,
        }).evidence,
        subjectContext('orders-api', 'big'),
      ),
  },
  {
    name: '2,000 unreadable children',
    message: () =>
      slack(
        withCorruptChildren(buildKitIndex({ architectures: Array.from({ length: 1000 }, () => 'amd64') }).evidence),
        subjectContext('orders-api', 'bad'),
      ),
  },
  {
    name: 'very long tag',
    message: () => slack(seedPush(SEED_REVISION_LONG).evidence, subjectContext('orders-api', `v${'9'.repeat(299)}`)),
  },
  {
    name: 'deployable image',
    message: () => slack(imageEvidence(image({ platform: 'linux/amd64' })), subjectContext('orders-api', 'v8')),
  },
  { name: 'skipped artifact', message: () => slack(helmChartEvidence(), subjectContext('charts', '1')) },
];

describe('renderSlack', () => {
  it('tells the seed story: header, summary, deploy-now child, tree, GitHub fix first, CI link', () => {
    // Prepare
    const { verdict, child } = seedVerdict(SEED_REVISION_LONG);
    const tagging: TagOutcome[] = [{ tag: 'v7-deployable', digest: child, outcome: 'planned', purpose: 'deployable-child' }];

    // Act
    const message = renderSlack(explain(verdict, subjectContext('orders-api', 'v7', { tagging })));
    const sections = sectionTexts(message);

    // Assess
    expect(message.blocks[0]).toStrictEqual({
      type: 'header',
      text: { type: 'plain_text', text: ':no_entry: Quarantined: orders-api:v7', emoji: true },
    });
    expect(sections[0]).toMatch(/^orders-api:v7 is an OCI image index \(linux\/arm64 image \+ provenance attestation\)/);
    expect(sections[1]).toBe(
      [
        '*Deploy now*: the linux/arm64 image inside the index is deployable as it is',
        `• by digest: \`${REGISTRY_URI}/orders-api@${child}\``,
        `• by tag: \`${REGISTRY_URI}/orders-api:v7-deployable\` (the guard writes this tag)`,
      ].join('\n'),
    );
    expect(sections[2]).toMatch(
      /^\*Manifest\*\n```\n✖ image index, 2 entries {2}sha256:[0-9a-f]{12}\n {2}✔ image linux\/arm64 — deployable/,
    );
    const fixes = sections.filter((s) => /^\*\d\. /.test(s));
    expect(fixes.map((s) => s.split('\n')[0])).toStrictEqual([
      '*1. GitHub Actions: docker/build-push-action*  _(matches this build)_',
      '*2. docker buildx build / docker build*',
      '*3. docker compose build / docker buildx bake*',
    ]);
    expect(fixes[0]).toContain('provenance: false');
    const context = message.blocks.find((b) => b.type === 'context');
    expect(context?.type === 'context' ? context.elements[0]?.text : '').toBe(
      `Built by <${GITHUB_RUN}|this CI run> · source \`https://github.com/acme/orders\` · revision \`4f2c1e0d9b8a\``,
    );
    expect(message.text).toMatch(/^Quarantined: orders-api:v7 is an OCI image index/);
  });

  it.each(STORIES)('stays within Slack limits: $name', ({ message }) => {
    // Act
    const m = message();

    // Assess
    expect(m.blocks.length).toBeGreaterThan(2);
    expect(m.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    for (const block of m.blocks) {
      if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
      if (block.type === 'section') {
        expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
        expect(block.text.verbatim).toBe(true);
      }
      if (block.type === 'context') expect(block.elements.length).toBeLessThanOrEqual(SLACK_LIMITS.contextElements);
    }
    expect(
      texts(m)
        .slice(1)
        .reduce((sum, t) => sum + t.length, 0),
    ).toBeLessThanOrEqual(SLACK_LIMITS.totalText);
    expect(m.text.length).toBeGreaterThan(10);
    expect(m.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
    expect(m.blocks[0]?.type).toBe('header');
  });

  it('renders injected mentions and links as inert text', () => {
    // Prepare: every registry-controlled string tries a different trick. The provenance is read
    // only when the layer annotation names SLSA, so the annotation trick needs its own index.
    const fromProvenance = classify(
      buildKitIndex({
        architectures: ['arm64'],
        provenance: { builderId: '<!here>', vcsSource: '<https://evil.example|click>', vcsRevision: '*<@U024BE7LH>*' },
      }).evidence,
    );
    const fromAnnotation = classify(
      buildKitIndex({ architectures: ['arm64'], predicateTypeAnnotation: '<https://evil.example|click here>' }).evidence,
    );
    const tagging: TagOutcome[] = [
      {
        tag: 'v7-deployable',
        digest: fromProvenance.subject.digest,
        outcome: 'failed',
        purpose: 'verdict',
        message: '<!everyone> denied',
      },
    ];
    const context = subjectContext('orders-api', '<!channel>', { tagging, source: '<#C024BE7LR|general>' });

    // Act
    const message = renderSlack(explain(fromProvenance, context));
    const all = [...texts(message), ...texts(renderSlack(explain(fromAnnotation, context)))].join('\n');

    // Assess
    expect(all).not.toMatch(/<[!@#]/);
    expect(all).not.toContain('<https://evil');
    expect([...all.matchAll(/</g)]).toHaveLength(0);
    expect(all).toContain('&lt;!channel&gt;');
    expect(all).toContain('&lt;https://evil.example|click here&gt;');
    expect(all).toContain('Builder `&lt;!here&gt;`');
    expect(all).toContain('&lt;!everyone&gt; denied');
    const header = message.blocks[0];
    expect(header?.type === 'header' ? header.text.text : '').toBe(':no_entry: Quarantined: orders-api:＜!channel＞');
  });

  it.each([
    { maxFixes: 0, fixSections: 0 },
    { maxFixes: 1, fixSections: 1 },
    { maxFixes: 5, fixSections: 5 },
  ])('shows $maxFixes fixes when asked', ({ maxFixes, fixSections }) => {
    // Act
    const message = renderSlack(explain(classify(seedPush(SEED_REVISION_LONG).evidence), subjectContext('orders-api', 'v7')), {
      maxFixes,
    });

    // Assess
    expect(sectionTexts(message).filter((s) => /^\*\d\. /.test(s))).toHaveLength(fixSections);
  });

  it('drops the least important blocks first when the total is too long', () => {
    // Act
    const message = renderSlack(explain(classify(seedPush(SEED_REVISION_LONG).evidence), subjectContext('orders-api', 'v7')), {
      maxTotalText: 1500,
    });
    const sections = sectionTexts(message);

    // Assess
    expect(
      texts(message)
        .slice(1)
        .reduce((sum, t) => sum + t.length, 0),
    ).toBeLessThanOrEqual(1500);
    expect(sections[0]).toMatch(/^orders-api:v7 is an OCI image index/);
    expect(sections.some((s) => s.startsWith('*Deploy now*'))).toBe(true);
    expect(sections.some((s) => s.startsWith('*What a provenance attestation is*'))).toBe(false);
  });
});

describe('renderSlackFailure', () => {
  it('escapes the event and names the code', () => {
    // Prepare
    const failure: GuardFailure = {
      code: 'ACCESS_DENIED',
      message: 'not authorized to perform ecr:BatchGetImage <!channel>',
      event: failedPush('<!here>'),
    };

    // Act
    const message = renderSlackFailure(failure);
    const all = texts(message).join('\n');

    // Assess
    expect(all).not.toMatch(/<[!@#]/);
    expect(message.blocks[0]).toMatchObject({ type: 'header', text: { text: ':warning: Not checked: orders-api:＜!here＞' } });
    expect(all).toContain('`ACCESS_DENIED`');
    expect(all).toContain('`ecr:BatchGetImage`');
    expect(message.text).toBe('Not checked: orders-api:&lt;!here&gt;: access was denied');
  });
});
