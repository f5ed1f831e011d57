import { describe, expect, it } from 'vitest';
import type { RemedyTopic } from '../../functions/core/lambda-rules.js';
import type { BuildTool, Fix } from '../../functions/report/explanation.js';
import { afterFixNotes, type RemedyContext, remediesFor, shellQuote } from '../../functions/report/remedies.js';

const CHILD = `sha256:${'5f'.repeat(32)}`;

const context = (overrides: Partial<RemedyContext> = {}): RemedyContext => ({
  repositoryUri: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders-api',
  tag: 'v7',
  architecture: 'arm64',
  imageArchitecture: 'arm64',
  childDigest: CHILD,
  matched: [],
  ...overrides,
});

const text = (fix: Fix | undefined): string =>
  fix === undefined ? '' : [fix.title, ...fix.steps, fix.snippet?.code ?? '', fix.caveat ?? ''].join('\n');

const byTool = (fixes: readonly Fix[], tool: BuildTool): Fix | undefined => fixes.find((f) => f.tool === tool);

describe('remediesFor: the attestation-index catalogue', () => {
  const fixes = remediesFor('attestation-index', context());

  it('has one fix per build tool, in catalogue order', () => {
    // Assess
    expect(fixes.map((f) => f.tool)).toStrictEqual([
      'docker-buildx',
      'compose-bake',
      'github-actions',
      'docker-engine-29',
      'cdk',
      'sam',
      'serverless',
      'terraform',
      'registry-copy',
    ]);
  });

  it.each<{ tool: BuildTool; must: readonly (string | RegExp)[] }>([
    {
      tool: 'docker-buildx',
      must: [
        '--provenance=false --sbom=false',
        '--platform linux/arm64',
        /--build-arg provenance=false` only sets a Dockerfile ARG/,
      ],
    },
    {
      tool: 'compose-bake',
      must: [
        'export BUILDX_NO_DEFAULT_ATTESTATIONS=1',
        /singular `BUILDX_NO_DEFAULT_ATTESTATION` is silently ignored/,
        /as a `--build-arg` does nothing/,
        'docker buildx bake --push',
      ],
    },
    {
      tool: 'github-actions',
      must: [
        'provenance: false',
        'sbom: false',
        'platforms: linux/arm64',
        'docker/build-push-action',
        '3.3.0 and 4+ (v3.3.1 had it off)',
      ],
    },
    {
      tool: 'docker-engine-29',
      must: [
        'docker push --platform linux/arm64 "$IMAGE"',
        'containerd image store',
        // Corrected: the runners were rolled back to Docker 28; only fresh Engine 29 installs switch stores.
        'from 9 to 20 February 2026',
        'fresh Docker Engine 29 installs',
        'an upgraded one keeps its store',
      ],
    },
    {
      tool: 'cdk',
      must: [
        /Upgrade the CDK CLI.*February 2025.*BUILDX_NO_DEFAULT_ATTESTATIONS=1/,
        /asset hash is the same, CDK does not push again and the bad image stays/,
        'platform: Platform.LINUX_ARM64',
        'architecture: Architecture.ARM_64',
      ],
    },
    { tool: 'sam', must: ['sam build --use-buildkit', '--provenance=false --sbom=false'] },
    { tool: 'serverless', must: ['v4.4.17', 'provider.ecr.images.<name>', 'provenance: false'] },
    {
      tool: 'terraform',
      must: [
        'provenance = false',
        'sbom       = false',
        'v4.3.0 (May 2026) or later',
        /`build_args = \{ provenance = "false" \}` only sets a Dockerfile ARG/,
      ],
    },
    {
      tool: 'registry-copy',
      must: [
        `SRC=123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders-api@${CHILD}`,
        'crane copy "$SRC" "$DST"',
        'skopeo copy --preserve-digests',
        'oras copy',
        /`docker buildx imagetools create` wraps its source in a new index again, unless given `--prefer-index=false`/,
      ],
    },
  ])('$tool states the facts', ({ tool, must }) => {
    // Act
    const all = text(byTool(fixes, tool));

    // Assess
    for (const fact of must) {
      if (typeof fact === 'string') expect(all).toContain(fact);
      else expect(all).toMatch(fact);
    }
  });

  it('never spells the environment variable in the singular outside the warning', () => {
    // Act
    const mentions = fixes.flatMap((f) => [...text(f).matchAll(/BUILDX_NO_DEFAULT_ATTESTATIONS?\b/g)].map((m) => m[0]));

    // Assess
    expect(mentions.filter((m) => m === 'BUILDX_NO_DEFAULT_ATTESTATION')).toHaveLength(1);
    expect(byTool(fixes, 'compose-bake')?.caveat).toContain('BUILDX_NO_DEFAULT_ATTESTATION`');
  });
});

describe('remediesFor: other problems', () => {
  it.each<{ topic: RemedyTopic; ctx?: Partial<RemedyContext>; tools: readonly BuildTool[]; must: RegExp }>([
    { topic: 'multi-platform-index', tools: ['docker-buildx', 'github-actions', 'registry-copy'], must: /one value/ },
    { topic: 'multi-platform-index', ctx: { childDigest: null }, tools: ['docker-buildx', 'github-actions'], must: /one value/ },
    { topic: 'single-platform-index', tools: ['docker-engine-29', 'docker-buildx', 'registry-copy'], must: /imagetools create/ },
    {
      topic: 'architecture-mismatch',
      ctx: { architecture: 'x86_64', imageArchitecture: 'arm64', childDigest: null },
      tools: ['docker-buildx', 'github-actions', 'cdk', 'sam', 'serverless', 'terraform'],
      must: /^(?=[\s\S]*--platform linux\/amd64)(?=[\s\S]*--architectures arm64)(?=[\s\S]*exec format error)/,
    },
    { topic: 'schema1', tools: ['registry-copy', 'docker-buildx'], must: /skopeo copy --format v2s2/ },
    {
      topic: 'layer-compression',
      tools: ['docker-buildx', 'github-actions', 'registry-copy'],
      must: /compression=gzip,force-compression=true[\s\S]*--dest-compress-format gzip/,
    },
    { topic: 'encrypted-layer', tools: ['docker-buildx', 'registry-copy'], must: /ocicrypt[\s\S]*--decryption-key/ },
    { topic: 'foreign-layer', tools: ['docker-buildx'], must: /Linux images only/ },
    { topic: 'not-linux', tools: ['docker-buildx'], must: /public\.ecr\.aws\/lambda\/provided:al2023/ },
    { topic: 'unsupported-architecture', tools: ['docker-buildx'], must: /x86_64 \(amd64\) and arm64 only/ },
    { topic: 'image-too-large', tools: ['docker-buildx'], must: /10 GB uncompressed/ },
    { topic: 'unsupported-media-type', tools: ['docker-buildx'], must: /standard OCI or Docker/ },
    { topic: 'nondistributable-layer', tools: ['docker-buildx'], must: /base image/ },
    { topic: 'large-manifest', tools: ['docker-buildx'], must: /25,400 bytes/ },
    { topic: 'unreadable-manifest', tools: ['docker-buildx'], must: /does not match its digest/ },
  ])('$topic', ({ topic, ctx, tools, must }) => {
    // Act
    const fixes = remediesFor(topic, context(ctx));

    // Assess
    expect(fixes.map((f) => f.tool)).toStrictEqual(tools);
    expect(fixes.map(text).join('\n')).toMatch(must);
  });

  it('marks exactly the matched tools', () => {
    // Act
    const fixes = remediesFor('attestation-index', context({ matched: ['cdk', 'docker-engine-29'] }));

    // Assess
    expect(fixes.filter((f) => f.matched).map((f) => f.tool)).toStrictEqual(['docker-engine-29', 'cdk']);
  });

  it('spells out both platforms when the target architecture is unknown', () => {
    // Act
    const buildx = remediesFor('attestation-index', context({ architecture: null }))[0];

    // Assess
    expect(buildx?.steps.join(' ')).toContain('`linux/arm64` for an arm64 function or `linux/amd64` for an x86_64 function');
    expect(buildx?.snippet?.code).toMatch(/^PLATFORM=linux\/amd64 {3}# or linux\/arm64/m);
    expect(buildx?.snippet?.code).toContain('--platform "$PLATFORM"');
  });
});

describe('snippets are safe to copy', () => {
  it.each([
    { value: 'orders-api:v7', quoted: 'orders-api:v7' },
    { value: "v7; rm -rf / #'", quoted: `'v7; rm -rf / #'\\'''` },
    { value: '$(curl evil)', quoted: "'$(curl evil)'" },
    {
      value: '<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>',
      quoted: "'<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>'",
    },
  ])('shellQuote($value)', ({ value, quoted }) => {
    // Act / Assess
    expect(shellQuote(value)).toBe(quoted);
  });

  it('quotes a hostile tag in every snippet language', () => {
    // Prepare: a tag read from an OCI layout annotation can hold anything.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal text "${HOME}" is the attack under test.
    const hostile = "v7\"; $(reboot) `id` 'x' ${HOME}";

    // Act
    const fixes = remediesFor('attestation-index', context({ tag: hostile }));

    // Assess
    const sh = byTool(fixes, 'docker-buildx')?.snippet?.code ?? '';
    const yaml = byTool(fixes, 'github-actions')?.snippet?.code ?? '';
    const hcl = byTool(fixes, 'terraform')?.snippet?.code ?? '';
    // Backticks become quotes first (codeSafe), then every quote is escaped for the shell.
    expect(sh).toContain(
      `IMAGE='123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders-api:v7"; $(reboot) '\\''id'\\'' '\\''x'\\'' \${HOME}'`,
    );
    expect(yaml).toContain(
      `tags: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders-api:v7"; $(reboot) ''id'' ''x'' \${HOME}'`,
    );
    expect(hcl).toContain(
      "name = \"123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders-api:v7\\\"; $(reboot) 'id' 'x' $${HOME}\"",
    );
    expect(fixes.flatMap((f) => f.steps).join('')).not.toContain('`id`');
  });

  it('keeps snippet lines within 73 columns (80 minus the text indent) with typical names', () => {
    // Prepare
    const topics: RemedyTopic[] = [
      'attestation-index',
      'multi-platform-index',
      'single-platform-index',
      'architecture-mismatch',
      'schema1',
      'layer-compression',
    ];

    // Act
    const long = topics
      .flatMap((topic) => remediesFor(topic, context()))
      .flatMap((f) => (f.snippet?.code ?? '').split('\n'))
      // SRC=<uri>@sha256:<64 hex> is one unbreakable token: a split would change the command.
      .filter((line) => line.length > 73 && !/^[A-Z]+=\S+$/.test(line));

    // Assess
    expect(long).toStrictEqual([]);
  });
});

describe('afterFixNotes', () => {
  it('says Lambda pins a digest and that InvalidImage functions need an update', () => {
    // Act
    const notes = afterFixNotes('123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders-api:v7-deployable');

    // Assess
    expect(notes[0]).toMatch(
      /resolves a tag to a digest[\s\S]*--image-uri 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/orders-api:v7-deployable`/,
    );
    expect(notes[1]).toMatch(/stuck in `InvalidImage`/);
  });
});
