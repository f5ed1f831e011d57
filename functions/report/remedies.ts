/**
 * The catalogue of fixes, per problem and per build tool.
 *
 * Facts: lambda-ecr-facts §5.4 (who emits attestations and how each tool turns them off) and the
 * user threads behind each caveat (the singular env var, provenance as a build-arg, CDK's unchanged
 * asset hash, `imagetools create` re-wrapping). Steps are our prose with `code` spans; every
 * registry value put into them goes through `codeSafe`, and into snippets through shell/YAML/HCL
 * quoting, so a crafted tag cannot break out of a command someone copies.
 */
import { assertNever } from '../core/assert-never.js';
import type { RemedyTopic } from '../core/lambda-rules.js';
import type { LambdaArchitecture } from '../core/platform.js';
import type { BuildTool, Fix } from './explanation.js';
import { FACTS } from './facts.js';
import { codeSafe } from './plain-text.js';

const f = FACTS;

/** What the fixes are written for. Raw values: the catalogue quotes them itself. */
export interface RemedyContext {
  /** Repository URI (`123456789012.dkr.ecr.eu-west-1.amazonaws.com/app`), or `null` when unknown. */
  readonly repositoryUri: string | null;
  readonly tag: string | null;
  /** The architecture to build for (the function's, else the image's), when known. */
  readonly architecture: LambdaArchitecture | null;
  /** The architecture the image has, for mismatches. */
  readonly imageArchitecture: LambdaArchitecture | null;
  /** The runnable child of an index, to copy without rebuilding. */
  readonly childDigest: string | null;
  /** Tools the evidence points at, best first. */
  readonly matched: readonly BuildTool[];
}

const PLACEHOLDER_URI = '<account>.dkr.ecr.<region>.amazonaws.com/<repository>';
const PLACEHOLDER_TAG = '<tag>';

const platformOf = (architecture: LambdaArchitecture): string => (architecture === 'x86_64' ? 'linux/amd64' : 'linux/arm64');

/** POSIX shell quoting: plain words stay as they are, anything else is single-quoted. */
export const shellQuote = (value: string): string =>
  /^[A-Za-z0-9@%+=:,./_-]+$/u.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;

const yamlQuote = (value: string): string => `'${value.replaceAll("'", "''")}'`;
// A function replacement: in a replacement string "$$" would itself collapse to "$".
const hclQuote = (value: string): string =>
  JSON.stringify(value)
    .replaceAll('${', () => '$${')
    .replaceAll('%{', () => '%%{');

interface Names {
  readonly uri: string;
  readonly tag: string;
  readonly image: string;
  /** `linux/arm64`, or the `$PLATFORM` variable when the target is unknown. */
  readonly platform: string;
  /** The platform in prose, with both choices spelled out when unknown. */
  readonly platformWords: string;
  readonly known: boolean;
}

const namesOf = (context: RemedyContext): Names => {
  const uri = codeSafe(context.repositoryUri ?? PLACEHOLDER_URI);
  const tag = codeSafe(context.tag ?? PLACEHOLDER_TAG);
  const known = context.architecture !== null;
  const platform = context.architecture === null ? '$PLATFORM' : platformOf(context.architecture);
  return {
    uri,
    tag,
    image: `${uri}:${tag}`,
    platform,
    platformWords:
      context.architecture === null
        ? '`linux/arm64` for an arm64 function or `linux/amd64` for an x86_64 function'
        : `\`${platform}\` (the function's ${context.architecture} architecture)`,
    known,
  };
};

/** `IMAGE=…` (and `PLATFORM=…` when the target is unknown) as the first lines of a shell snippet. */
const shellPrelude = (names: Names): string[] => [
  `IMAGE=${shellQuote(names.image)}`,
  ...(names.known ? [] : ['PLATFORM=linux/amd64   # or linux/arm64 for an arm64 function']),
];

const platformArg = (names: Names): string => (names.known ? names.platform : '"$PLATFORM"');

const fix = (tool: BuildTool, parts: Omit<Fix, 'tool' | 'matched'>, context: RemedyContext): Fix => ({
  tool,
  ...parts,
  matched: context.matched.includes(tool),
});

const NO_ATTESTATIONS = f.noDefaultAttestationsVariable.value;
const NO_ATTESTATIONS_FLAGS = `${f.provenanceFlag.value} ${f.sbomFlag.value}`;

const SINGULAR_WARNING = `The variable is \`${NO_ATTESTATIONS}\` (plural): the singular \`${NO_ATTESTATIONS.slice(0, -1)}\` is silently ignored, and passing either (or \`provenance=false\`) as a \`--build-arg\` does nothing, because build args reach the Dockerfile, not BuildKit.`;

const buildx = (names: Names, context: RemedyContext): Fix =>
  fix(
    'docker-buildx',
    {
      title: 'docker buildx build / docker build',
      steps: [
        `Build without attestations: add \`${NO_ATTESTATIONS_FLAGS}\` to the build command.`,
        `Build a single platform: \`--platform\` with one value, ${names.platformWords}.`,
        'Push the new image and point the function at it.',
      ],
      snippet: {
        language: 'sh',
        code: [
          ...shellPrelude(names),
          `docker buildx build --platform ${platformArg(names)} \\`,
          `  ${NO_ATTESTATIONS_FLAGS} \\`,
          '  -t "$IMAGE" --push .',
        ].join('\n'),
      },
      caveat: `\`${f.provenanceFlag.value}\` is a flag of the build command; \`--build-arg provenance=false\` only sets a Dockerfile ARG and changes nothing.`,
    },
    context,
  );

const composeBake = (context: RemedyContext): Fix =>
  fix(
    'compose-bake',
    {
      title: 'docker compose build / docker buildx bake',
      steps: [
        `Set \`${NO_ATTESTATIONS}=1\` in the environment of the build command (the shell, or the CI job \`env\`).`,
        `Rebuild and push; compose users on the containerd image store should rely on the variable, because \`build.provenance: false\` was ignored there until ${f.composeProvenanceFix.value}.`,
      ],
      snippet: {
        language: 'sh',
        code: [
          `export ${NO_ATTESTATIONS}=1   # plural, exact spelling`,
          'docker compose build && docker compose push',
          '# or: docker buildx bake --push',
        ].join('\n'),
      },
      caveat: SINGULAR_WARNING,
    },
    context,
  );

const githubActions = (names: Names, context: RemedyContext): Fix =>
  fix(
    'github-actions',
    {
      title: 'GitHub Actions: docker/build-push-action',
      steps: [
        'Set the inputs `provenance: false` and `sbom: false` on the `docker/build-push-action` step.',
        `Build one platform: \`platforms\` with a single value, ${names.platformWords}.`,
        `If the job runs plain \`docker build\` and \`docker push\` instead, see the Docker Engine 29 fix: GitHub-hosted Ubuntu runners had Engine 29 ${f.githubRunnersEngine29.value}, and the Windows images and the ubuntu-26.04 preview have it now.`,
      ],
      snippet: {
        language: 'yaml',
        code: [
          '- uses: docker/build-push-action@v6   # keep your pinned version',
          '  with:',
          '    context: .',
          `    platforms: ${names.known ? names.platform : 'linux/amd64   # or linux/arm64'}`,
          '    push: true',
          `    tags: ${yamlQuote(names.image)}`,
          '    provenance: false',
          '    sbom: false',
        ].join('\n'),
      },
      caveat: `Provenance is on by default in ${f.buildPushActionProvenanceDefault.value} (v3.3.1 had it off): set the inputs explicitly rather than relying on a version.`,
    },
    context,
  );

const engine29 = (names: Names, context: RemedyContext): Fix =>
  fix(
    'docker-engine-29',
    {
      title: 'Docker Engine 29 / Docker Desktop (containerd image store)',
      steps: [
        `With the containerd image store (the default on ${f.containerdStoreDefault.value}), plain \`docker build\` adds a provenance attestation and \`docker push\` sends an image index.`,
        `Push one platform only: \`docker push --platform ${names.known ? names.platform : '<platform>'} <image>\` sends the single image manifest.`,
        `Or build without attestations: \`docker build ${NO_ATTESTATIONS_FLAGS}\`.`,
      ],
      snippet: {
        language: 'sh',
        code: [
          ...shellPrelude(names),
          `docker build --platform ${platformArg(names)} \\`,
          `  ${NO_ATTESTATIONS_FLAGS} -t "$IMAGE" .`,
          `docker push --platform ${platformArg(names)} "$IMAGE"`,
        ].join('\n'),
      },
      caveat: `Nothing changed in your repository? GitHub-hosted Ubuntu runners had Docker Engine 29 ${f.githubRunnersEngine29.value}, Windows runners have it since, and a fresh Engine 29 install uses the containerd store (an upgraded one keeps its store).`,
    },
    context,
  );

const cdk = (context: RemedyContext): Fix => {
  const arm = context.architecture === 'arm64';
  const platform = context.architecture === null ? 'LINUX_AMD64' : arm ? 'LINUX_ARM64' : 'LINUX_AMD64';
  const architecture = arm ? 'ARM_64' : 'X86_64';
  return fix(
    'cdk',
    {
      title: 'AWS CDK (DockerImageFunction / DockerImageAsset)',
      steps: [
        `Upgrade the CDK CLI (\`aws-cdk\`): since ${f.cdkAssetsNoAttestations.value} its asset publisher builds with \`${NO_ATTESTATIONS}=1\`. With an older CLI, run \`${NO_ATTESTATIONS}=1 cdk deploy\`.`,
        'Force a new asset: when the Dockerfile and build context are unchanged the asset hash is the same, CDK does not push again and the bad image stays. Change the Dockerfile or set `extraHash` on the asset once.',
        `Pin the platform to the function: \`platform: Platform.${platform}\` on the asset with \`architecture: Architecture.${architecture}\` on the function.`,
      ],
      snippet: {
        language: 'ts',
        code: [
          "import { Platform } from 'aws-cdk-lib/aws-ecr-assets';",
          'import {',
          '  Architecture, DockerImageCode, DockerImageFunction,',
          "} from 'aws-cdk-lib/aws-lambda';",
          '',
          "new DockerImageFunction(this, 'Function', {",
          `  architecture: Architecture.${architecture},`,
          "  code: DockerImageCode.fromImageAsset('./app', {",
          `    platform: Platform.${platform},`,
          "    extraHash: 'no-attestations', // forces one new push",
          '  }),',
          '});',
        ].join('\n'),
      },
      caveat:
        "CDK's bootstrap asset repository (`cdk-…-container-assets-…`) has immutable tags, so a bad asset keeps its tag: only a new asset hash fixes the deploy.",
    },
    context,
  );
};

const sam = (context: RemedyContext): Fix =>
  fix(
    'sam',
    {
      title: 'AWS SAM CLI',
      steps: [
        `Build with \`sam build --use-buildkit\` (${f.samUseBuildkit.value} or later): it runs \`docker buildx build\` with \`${NO_ATTESTATIONS_FLAGS}\`.`,
        "Or build and push the image yourself with the docker buildx flags and set the function's `ImageUri` to it.",
      ],
      snippet: { language: 'sh', code: ['sam build --use-buildkit', 'sam deploy'].join('\n') },
      caveat:
        'On the containerd image store `docker push` itself can send an index; let the guard re-check the next push before you rely on it.',
    },
    context,
  );

const serverless = (context: RemedyContext): Fix =>
  fix(
    'serverless',
    {
      title: 'Serverless Framework',
      steps: [
        `Use ${f.serverlessProvenance.value} or later and set \`provenance: false\` on the image under \`provider.ecr.images.<name>\`.`,
        'Deploy again so a new image is pushed.',
      ],
      snippet: {
        language: 'yaml',
        code: [
          'provider:',
          '  ecr:',
          '    images:',
          '      app:          # your image name',
          '        path: ./',
          '        provenance: false',
        ].join('\n'),
      },
      caveat: `Older versions have no such option: set \`${NO_ATTESTATIONS}=1\` (plural) in the environment of \`serverless deploy\`.`,
    },
    context,
  );

const terraform = (names: Names, context: RemedyContext): Fix =>
  fix(
    'terraform',
    {
      title: 'Terraform: kreuzwerker/docker provider (docker_image)',
      steps: [
        `Upgrade the kreuzwerker/docker provider to ${f.kreuzwerkerProvenance.value} or later, which has the \`provenance\` and \`sbom\` build options.`,
        'Set `provenance = false` and `sbom = false` in the `build` block of `docker_image`, with one `platform`; they take effect with a buildx builder.',
      ],
      snippet: {
        language: 'hcl',
        code: [
          'resource "docker_image" "function" {',
          `  name = ${hclQuote(names.image)}`,
          '  build {',
          '    context    = "."',
          `    platform   = "${names.known ? names.platform : 'linux/amd64'}"`,
          '    provenance = false',
          '    sbom       = false',
          '  }',
          '}',
        ].join('\n'),
      },
      caveat:
        '`build_args = { provenance = "false" }` only sets a Dockerfile ARG and changes nothing; modules that wrap the provider (such as terraform-aws-modules/lambda `docker-build`) must pass the new options through.',
    },
    context,
  );

const registryCopy = (names: Names, context: RemedyContext): Fix | null => {
  if (context.childDigest === null) return null;
  const child = codeSafe(context.childDigest);
  const source = `${names.uri}@${child}`;
  const target = `${names.uri}:${names.tag}-lambda`;
  return fix(
    'registry-copy',
    {
      title: 'Copy the runnable image to its own tag (no rebuild)',
      steps: [
        `Copy the image manifest \`${child}\` (not the index) to a new tag with crane, skopeo or oras, then deploy that tag.`,
        'The copy keeps the exact manifest bytes, so the digest, and the attestation in the original index, stay as they are.',
      ],
      snippet: {
        language: 'sh',
        code: [
          `SRC=${shellQuote(source)}`,
          `DST=${shellQuote(target)}`,
          '# log in first: aws ecr get-login-password |',
          '#   crane auth login <registry> -u AWS --password-stdin',
          'crane copy "$SRC" "$DST"',
          '# or: skopeo copy --preserve-digests "docker://$SRC" "docker://$DST"',
          '# or: oras copy "$SRC" "$DST"',
        ].join('\n'),
      },
      caveat: `\`docker buildx imagetools create\` wraps its source in a new index again, unless given \`${f.imagetoolsPreferIndex.value}\` with the single image manifest as its source.`,
    },
    context,
  );
};

const changeArchitecture = (names: Names, context: RemedyContext): Fix[] => {
  const target = context.architecture;
  const image = context.imageArchitecture;
  const rebuildFor = target === null ? 'the function' : `\`${platformOf(target)}\``;
  const switchTo = image === null ? "the image's architecture" : `\`${image}\``;
  const ociPlatform = target === null ? '$PLATFORM' : platformOf(target);
  return [
    fix(
      'docker-buildx',
      {
        title: "Rebuild for the function's architecture, or change the function",
        steps: [
          `Rebuild the image for ${rebuildFor} with \`--platform\` (one value) and \`${NO_ATTESTATIONS_FLAGS}\`.`,
          `Or switch the function to ${switchTo}: \`aws lambda update-function-code --function-name <function> --image-uri <image> --architectures ${image ?? '<architecture>'}\`.`,
          `Lambda does not compare architectures at deploy time: a mismatched image deploys, then fails at start with ${f.architectureMismatchAtStart.value} (reported in practice).`,
        ],
        snippet: {
          language: 'sh',
          code: [
            ...shellPrelude({ ...names, known: target !== null }),
            `docker buildx build --platform ${target === null ? '"$PLATFORM"' : ociPlatform} \\`,
            `  ${NO_ATTESTATIONS_FLAGS} -t "$IMAGE" --push .`,
          ].join('\n'),
        },
      },
      context,
    ),
    fix(
      'github-actions',
      {
        title: 'GitHub Actions: build for the function',
        steps: [
          `Set \`platforms: ${target === null ? '<platform>' : ociPlatform}\` (one value) on \`docker/build-push-action\`, with \`provenance: false\`.`,
        ],
      },
      context,
    ),
    fix(
      'cdk',
      {
        title: 'AWS CDK: make asset and function agree',
        steps: [
          'Set the same architecture on both: `platform: Platform.LINUX_ARM64` with `architecture: Architecture.ARM_64`, or `Platform.LINUX_AMD64` with `Architecture.X86_64`.',
        ],
      },
      context,
    ),
    fix(
      'sam',
      {
        title: 'AWS SAM: make image and function agree',
        steps: ['Set `Architectures: [arm64]` or `[x86_64]` on the function to match the image you build.'],
      },
      context,
    ),
    fix(
      'serverless',
      {
        title: 'Serverless Framework: make image and function agree',
        steps: ['Set `architecture: arm64` or `x86_64` on the function (or `provider.architecture`) to match the image.'],
      },
      context,
    ),
    fix(
      'terraform',
      {
        title: 'Terraform: make image and function agree',
        steps: [
          'Set `architectures = ["arm64"]` or `["x86_64"]` on `aws_lambda_function`, and the same `platform` in the image build.',
        ],
      },
      context,
    ),
  ];
};

const single = (
  tool: BuildTool,
  title: string,
  steps: readonly string[],
  context: RemedyContext,
  snippet?: Fix['snippet'],
): Fix => fix(tool, { title, steps, ...(snippet === undefined ? {} : { snippet }) }, context);

/**
 * The fixes for one problem, in catalogue order (the caller puts the matching tool first).
 * Each fix names one tool; `matched` is set from `context.matched`.
 */
export const remediesFor = (topic: RemedyTopic, context: RemedyContext): Fix[] => {
  const names = namesOf(context);
  const copy = registryCopy(names, context);
  const withCopy = (fixes: Fix[]): Fix[] => (copy === null ? fixes : [...fixes, copy]);
  switch (topic) {
    case 'attestation-index':
      return withCopy([
        buildx(names, context),
        composeBake(context),
        githubActions(names, context),
        engine29(names, context),
        cdk(context),
        sam(context),
        serverless(context),
        terraform(names, context),
      ]);
    case 'multi-platform-index':
      return withCopy([
        single(
          'docker-buildx',
          'docker buildx build: one platform per image',
          [
            `Give \`--platform\` one value, ${names.platformWords}, and add \`${NO_ATTESTATIONS_FLAGS}\`.`,
            'Push each architecture under its own tag if you need both.',
          ],
          context,
          {
            language: 'sh',
            code: [
              ...shellPrelude(names),
              `docker buildx build --platform ${platformArg(names)} \\`,
              `  ${NO_ATTESTATIONS_FLAGS} -t "$IMAGE" --push .`,
            ].join('\n'),
          },
        ),
        single(
          'github-actions',
          'GitHub Actions: one platform per image',
          [`Set \`platforms\` to one value on \`docker/build-push-action\`, ${names.platformWords}, with \`provenance: false\`.`],
          context,
        ),
      ]);
    case 'single-platform-index':
      return withCopy([
        engine29(names, context),
        single(
          'docker-buildx',
          'Push the image manifest, not an index',
          [
            `Build with \`${NO_ATTESTATIONS_FLAGS}\` and push the image directly.`,
            `Do not re-tag with \`docker buildx imagetools create\` (without \`${f.imagetoolsPreferIndex.value}\`) or a SOCI v2 conversion: both wrap the image in a new index.`,
          ],
          context,
        ),
      ]);
    case 'architecture-mismatch':
      return changeArchitecture(names, context);
    case 'index-platform-mismatch':
      return withCopy([
        single(
          'docker-buildx',
          'Let the build tool record the platform',
          [
            "Build each image for the platform it is listed under: `docker buildx build --platform` writes every entry's platform from the image it built.",
            'With buildah, drop the `--arch`/`--os`/`--variant` overrides from `buildah manifest add` (they replace what the image says), or build the image for the platform you name.',
            'Push the corrected index or, for Lambda, push the single image manifest itself.',
          ],
          context,
          {
            language: 'sh',
            code: [
              ...shellPrelude(names),
              `docker buildx build --platform ${platformArg(names)} \\`,
              `  ${NO_ATTESTATIONS_FLAGS} -t "$IMAGE" --push .`,
            ].join('\n'),
          },
        ),
      ]);
    case 'schema1':
      return [
        single(
          'registry-copy',
          'Convert to schema 2 with skopeo',
          ['Copy the image with `skopeo copy --format v2s2`, which writes a Docker v2 schema 2 manifest, and deploy the copy.'],
          context,
          {
            language: 'sh',
            code: [
              `SRC=${shellQuote(`${names.uri}:${names.tag}`)}`,
              `DST=${shellQuote(`${names.uri}:${names.tag}-v2s2`)}`,
              'skopeo copy --format v2s2 "docker://$SRC" "docker://$DST"',
            ].join('\n'),
          },
        ),
        single(
          'docker-buildx',
          'Re-push with a current Docker client',
          [
            'Schema 1 manifests come from very old clients and registries: pull the image and push it again with a current Docker, or rebuild it.',
          ],
          context,
        ),
      ];
    case 'layer-compression':
      return [
        single(
          'docker-buildx',
          'docker buildx build: force gzip layers',
          [
            'Export with gzip compression forced on every layer (including reused base layers).',
            'Only gzip layers are known to deploy: uncompressed layers have failed at function creation, and zstd is not documented for Lambda.',
          ],
          context,
          {
            language: 'sh',
            code: [
              ...shellPrelude(names),
              'OUT="type=image,name=$IMAGE,push=true"',
              'OUT="$OUT,compression=gzip,force-compression=true"',
              `docker buildx build --platform ${platformArg(names)} \\`,
              `  ${NO_ATTESTATIONS_FLAGS} --output "$OUT" .`,
            ].join('\n'),
          },
        ),
        single(
          'github-actions',
          'GitHub Actions: force gzip layers',
          ['Set `outputs: type=image,push=true,compression=gzip,force-compression=true` on `docker/build-push-action`.'],
          context,
        ),
        single(
          'registry-copy',
          'Recompress with skopeo',
          [
            'Copy the image with `skopeo copy --dest-compress-format gzip` to a new tag and let the guard check the copy.',
            `Images pushed by tools other than Docker (for example Bazel rules_oci) have failed with ${f.unsupportedLayerReports.value} until re-pushed with \`docker push\`. With rules_oci, gzip each layer archive (\`pkg_tar(..., extension = "tar.gz")\`): it pushes a plain tar as it is.`,
          ],
          context,
        ),
      ];
    case 'nondistributable-layer':
      return [
        single(
          'docker-buildx',
          'Rebuild on a base image with ordinary layers',
          ['Build from a base image whose layers are ordinary distributable layers, such as the AWS Lambda base images.'],
          context,
        ),
      ];
    case 'encrypted-layer':
      return [
        single(
          'docker-buildx',
          'Push the image unencrypted',
          [
            'Lambda has no way to receive ocicrypt keys: push the image without layer encryption. ECR already encrypts images at rest (AES-256 or KMS).',
          ],
          context,
        ),
        single(
          'registry-copy',
          'Decrypt with skopeo',
          ['Copy the image with `skopeo copy --decryption-key <key>` to a new tag and deploy the copy.'],
          context,
        ),
      ];
    case 'foreign-layer':
    case 'not-linux':
      return [
        single(
          'docker-buildx',
          'Build a Linux image',
          [
            `Lambda runs Linux images only: build from a Linux base image (for example \`public.ecr.aws/lambda/provided:al2023\`) with \`--platform\` ${names.platformWords}.`,
          ],
          context,
        ),
      ];
    case 'unsupported-architecture':
      return [
        single(
          'docker-buildx',
          'Build for amd64 or arm64',
          [`Lambda runs x86_64 (amd64) and arm64 only: build with \`--platform\` ${names.platformWords}.`],
          context,
        ),
      ];
    case 'image-too-large':
      return [
        single(
          'docker-buildx',
          `Make the image smaller than ${f.lambdaMaxImageSize.value} uncompressed`,
          [
            'Use a multi-stage build so build tools stay out of the final image, start from a slimmer base, and keep large data or models in S3 or EFS rather than in the image.',
          ],
          context,
        ),
      ];
    case 'unsupported-media-type':
      return [
        single(
          'docker-buildx',
          'Rebuild with standard media types',
          [
            'Rebuild and push with docker buildx (or copy with `skopeo copy --format oci`), which write standard OCI or Docker config and layer media types.',
          ],
          context,
        ),
      ];
    case 'large-manifest':
      return [
        single(
          'docker-buildx',
          'Fewer layers and annotations',
          [
            `Lambda advises manifests under ${f.lambdaManifestAdvice.value}: merge \`RUN\` steps, use a multi-stage build, and drop large annotations.`,
          ],
          context,
        ),
      ];
    case 'unreadable-manifest':
      return [
        single(
          'docker-buildx',
          'Push the image again with a standard client',
          [
            'A manifest that does not parse, or does not match its digest, cannot be pulled by Lambda: push again with docker buildx, crane or skopeo.',
          ],
          context,
        ),
      ];
    case 'unreadable-config':
      return [
        single(
          'docker-buildx',
          'Rebuild the image with a standard builder',
          [
            'The image config is written when the image is built, so pushing the same image again does not change it: rebuild with docker buildx, buildah or another standard builder, which write `os` and `architecture` into the config.',
          ],
          context,
        ),
      ];
    default:
      return assertNever(topic, 'remedy topic');
  }
};

/**
 * What to do after any fix: Lambda pins a digest at deploy time, so a good push alone does not
 * repair a function, and functions already failed need an update (marchof/java-almanac#310).
 */
export const afterFixNotes = (imageUri: string | null): string[] => [
  `Lambda resolves a tag to a digest when a function is created or updated: pushing a fixed image under the same tag changes nothing until you update the function (\`aws lambda update-function-code --function-name <function> --image-uri ${codeSafe(imageUri ?? '<image>')}\`) or redeploy.`,
  `Functions already stuck in \`InvalidImage\` (state \`Failed\`) need that update after the fix; if the API refuses it, ${f.consoleSaveUnstuck.value} unstuck it in one report.`,
];
