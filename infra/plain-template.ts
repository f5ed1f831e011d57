import { GuardConfigError } from './guard-config-error.js';

/** A CloudFormation template as JSON. */
export type Template = Readonly<Record<string, unknown>>;

/** The parts of a CDK asset manifest (`<stack>.assets.json`) the export reads. */
export interface AssetManifest {
  /** File assets by hash. */
  readonly files?: Readonly<
    Record<
      string,
      {
        readonly source: { readonly path?: string; readonly packaging?: string };
        readonly destinations: Readonly<Record<string, { readonly objectKey: string }>>;
      }
    >
  >;
}

/** A plain template plus the asset folders it points at. */
export interface PlainTemplate {
  /** The template, free of CDK bootstrap references. */
  readonly template: Template;
  /** Asset folders to ship next to it: `from` is relative to the cloud assembly, `to` to the template. */
  readonly assets: readonly { readonly from: string; readonly to: string }[];
}

/** Where `npm run synth` writes the plain template, relative to the repository root. */
export const DEFAULT_EXPORT_DIR = 'dist/cloudformation';
/** The plain template's file name. */
export const EXPORT_TEMPLATE_FILE = 'ecr-lambda-guard.template.json';

/** The organization variant's templates: the central guard and the member template a StackSet deploys. */
export const CENTRAL_TEMPLATE_FILE = 'ecr-lambda-guard-central.template.json';
export const MEMBER_TEMPLATE_FILE = 'ecr-lambda-guard-member.template.json';

/** The file a stack of the app is exported to, by the suffix the app gives the organization variant's stacks. */
export const exportFileFor = (stackId: string): string =>
  stackId.endsWith('Member') ? MEMBER_TEMPLATE_FILE : stackId.endsWith('Central') ? CENTRAL_TEMPLATE_FILE : EXPORT_TEMPLATE_FILE;

/** Where the export puts the function bundle, relative to the template (what `aws cloudformation package` reads). */
export const ASSET_FOLDER = 'assets';

const record = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

const withoutKeys = (
  value: Record<string, unknown> | undefined,
  drop: (key: string) => boolean,
): Record<string, unknown> | undefined => {
  if (value === undefined) return undefined;
  const kept = Object.entries(value).filter(([key]) => !drop(key));
  return kept.length === 0 ? undefined : Object.fromEntries(kept);
};

const assetFolderFor = (s3Key: string, manifest: AssetManifest): string => {
  for (const [hash, file] of Object.entries(manifest.files ?? {})) {
    if (!Object.values(file.destinations).some((destination) => destination.objectKey === s3Key)) continue;
    if (file.source.packaging !== 'zip' || file.source.path === undefined) {
      throw new GuardConfigError(`asset ${hash} is not a bundled folder; synthesise with bundling enabled`);
    }
    return file.source.path;
  }
  throw new GuardConfigError(`no asset in the manifest has the object key ${s3Key}`);
};

/**
 * Rewrites a CDK-synthesised template for teams without CDK: the bootstrap version check and
 * CDK's metadata go, and each Lambda function's `Code` becomes a local folder that
 * `aws cloudformation package` zips and uploads to a bucket of the team's choosing.
 */
export const toPlainTemplate = (template: Template, manifest: AssetManifest): PlainTemplate => {
  const assets: { from: string; to: string }[] = [];
  const resources: Record<string, unknown> = {};
  for (const [logicalId, raw] of Object.entries(record(template.Resources) ?? {})) {
    const resource = record(raw);
    if (resource === undefined || resource.Type === 'AWS::CDK::Metadata') continue;
    const properties = record(resource.Properties);
    const code = record(properties?.Code);
    let rewritten: Record<string, unknown> = { ...resource };
    if (resource.Type === 'AWS::Lambda::Function' && typeof code?.S3Key === 'string') {
      const from = assetFolderFor(code.S3Key, manifest);
      const to = `${ASSET_FOLDER}/${logicalId}`;
      assets.push({ from, to });
      rewritten = { ...rewritten, Properties: { ...properties, Code: to } };
    }
    const metadata = withoutKeys(record(resource.Metadata), (key) => key.startsWith('aws:cdk:') || key.startsWith('aws:asset:'));
    if (metadata === undefined) delete rewritten.Metadata;
    else rewritten.Metadata = metadata;
    resources[logicalId] = rewritten;
  }

  const plain: Record<string, unknown> = { ...template, Resources: resources };
  const sections: readonly [string, (key: string) => boolean][] = [
    ['Parameters', (key) => key === 'BootstrapVersion'],
    ['Rules', (key) => key === 'CheckBootstrapVersion'],
    ['Conditions', (key) => key === 'CDKMetadataAvailable'],
  ];
  for (const [section, drop] of sections) {
    const kept = withoutKeys(record(template[section]), drop);
    if (kept === undefined) delete plain[section];
    else plain[section] = kept;
  }

  // A leftover reference to the bootstrap bucket would deploy nowhere but in a CDK-bootstrapped account.
  const text = JSON.stringify(plain);
  for (const marker of ['cdk-hnb659fds', 'BootstrapVersion', 'CDKMetadata']) {
    if (text.includes(marker)) throw new GuardConfigError(`the plain template still refers to ${marker}`);
  }
  return { template: plain, assets };
};
