import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { GuardConfigError } from './guard-config-error.js';
import { type AssetManifest, DEFAULT_EXPORT_DIR, exportFileFor, type Template, toPlainTemplate } from './plain-template.js';

// Runs after `cdk synth` (npm run synth): writes the synthesised stack as a plain CloudFormation
// template, with the function bundle in a folder beside it, for teams that deploy without CDK:
//   aws cloudformation package --template-file dist/cloudformation/ecr-lambda-guard.template.json \
//     --s3-bucket <bucket> --output-template-file packaged.json
//   aws cloudformation deploy --template-file packaged.json --stack-name ecr-lambda-guard --capabilities CAPABILITY_IAM
//
// The organization variant's stacks go to ecr-lambda-guard-central.template.json and
// ecr-lambda-guard-member.template.json (the member template has no asset: a StackSet deploys it as is).
//
// Usage: tsx infra/export-template.ts [--assembly cdk.out] [--out dist/cloudformation] [--stack <name>] [--keep]

interface CloudAssemblyManifest {
  readonly artifacts?: Readonly<
    Record<
      string,
      {
        readonly type: string;
        readonly displayName?: string;
        readonly properties?: { readonly templateFile?: string; readonly file?: string };
        readonly dependencies?: readonly string[];
      }
    >
  >;
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

const { values } = parseArgs({
  options: {
    assembly: { type: 'string', default: 'cdk.out' },
    out: { type: 'string', default: DEFAULT_EXPORT_DIR },
    stack: { type: 'string' },
    // Add to the folder instead of replacing it: `npm run synth` exports two assemblies into one.
    keep: { type: 'boolean', default: false },
  },
});
const assemblyDir = resolve(values.assembly);
const outDir = resolve(values.out);

const manifest = readJson<CloudAssemblyManifest>(join(assemblyDir, 'manifest.json'));
const stacks = Object.entries(manifest.artifacts ?? {}).filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack');
const chosen = values.stack === undefined ? stacks : stacks.filter(([id]) => id === values.stack);
if (chosen.length === 0) {
  throw new GuardConfigError(`choose a stack with --stack (found: ${stacks.map(([id]) => id).join(', ') || 'none'})`);
}
const files = chosen.map(([id]) => exportFileFor(id));
if (new Set(files).size !== files.length) {
  throw new GuardConfigError(`choose one stack with --stack (found: ${chosen.map(([id]) => id).join(', ')})`);
}

if (!values.keep) rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
for (const [stackId, stack] of chosen) {
  const templateFile = stack.properties?.templateFile;
  if (templateFile === undefined) throw new GuardConfigError(`stack ${stackId} has no template`);
  const assetArtifact = (stack.dependencies ?? [])
    .map((id) => manifest.artifacts?.[id])
    .find((artifact) => artifact?.type === 'cdk:asset-manifest');
  const assetFile = assetArtifact?.properties?.file;
  // The member template has no asset at all: no manifest to read.
  const assets: AssetManifest = assetFile === undefined ? {} : readJson<AssetManifest>(join(assemblyDir, assetFile));
  const plain = toPlainTemplate(readJson<Template>(join(assemblyDir, templateFile)), assets);
  for (const asset of plain.assets) {
    const from = isAbsolute(asset.from) ? asset.from : join(assemblyDir, asset.from);
    const to = join(outDir, asset.to);
    mkdirSync(dirname(to), { recursive: true });
    cpSync(from, to, { recursive: true });
  }
  const file = exportFileFor(stackId);
  writeFileSync(join(outDir, file), `${JSON.stringify(plain.template, null, 1)}\n`);
  process.stdout.write(`wrote ${join(values.out, file)} (stack ${stackId}, ${plain.assets.length} asset folder(s))\n`);
}
