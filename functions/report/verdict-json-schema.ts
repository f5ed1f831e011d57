/**
 * The JSON Schema (2020-12) of the `--json` contract, checked against the TypeScript types it
 * describes: every object lists exactly the interface's keys and requires exactly its non-optional
 * ones, and every enum lists exactly the union's members, or this file does not compile.
 *
 * Objects are open (no `additionalProperties: false`): the contract (schemaVersion 1) promises that
 * fields are only ever added, so a consumer validating with this schema must keep accepting later
 * outputs. The SNS `sqs` / `lambda` document is the same object plus event fields, and validates too.
 */
import type { RuleStatus, Severity } from '../core/lambda-rules.js';
import type { ArtifactKind } from '../core/media-type.js';
import type { LambdaArchitecture } from '../core/platform.js';
import type { BuildProvenance, CiProvider } from '../core/provenance.js';
import type { EntryRole, ReportedPlatform, SubjectKind, VerdictName } from '../core/verdict.js';
import type { TreeMark } from './tree.js';
import type { ReasonJson, TreeJson, VerdictJson } from './verdict-json.js';

type JsonSchema = { readonly [keyword: string]: unknown };

/** The keys of T that are not optional. */
// biome-ignore lint/complexity/noBannedTypes: `{}` is how a conditional type asks "may this key be absent?"
type RequiredKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? never : K }[keyof T];

/** `unknown` when the list names every member of U; otherwise a type naming the missing ones. */
type Covers<U, Listed> = [U] extends [Listed] ? unknown : { readonly missing: Exclude<U, Listed> };

/** `{ enum: [...] }` listing every member of the union U once (extras and omissions fail to compile). */
const enumOf =
  <U extends string | number | null>() =>
  <const T extends readonly U[]>(values: T & Covers<U, T[number]>): JsonSchema => ({ enum: values });

/**
 * An open object schema for T: `properties` must name exactly T's keys, `required` exactly its
 * non-optional keys.
 */
const objectOf =
  <T>() =>
  <const R extends readonly RequiredKeys<T>[]>(
    required: R & Covers<RequiredKeys<T>, R[number]>,
    properties: { readonly [K in keyof T]-?: JsonSchema },
  ): JsonSchema => ({ type: 'object', required, properties });

const nullable = (schema: JsonSchema): JsonSchema => ({ oneOf: [schema, { type: 'null' }] });
const str = { type: 'string' } as const;
const int = { type: 'integer', minimum: 0 } as const;
const nullableString = { type: ['string', 'null'] } as const;

const ARTIFACT_KINDS = [
  'attestation',
  'signature',
  'sbom',
  'helm-chart',
  'soci-index',
  'buildkit-history',
  'referrer',
  'artifact',
] as const;

const subjectKind = enumOf<SubjectKind>()(['index', 'image', 'schema1', 'artifact', 'unknown']);

const platform = objectOf<ReportedPlatform>()(['os', 'architecture', 'lambdaArchitecture', 'from'], {
  os: str,
  architecture: str,
  variant: str,
  lambdaArchitecture: enumOf<LambdaArchitecture | null>()(['x86_64', 'arm64', null]),
  from: enumOf<ReportedPlatform['from']>()(['config', 'index']),
});

const node = objectOf<TreeJson>()(['digest', 'mediaType', 'size', 'role', 'kind', 'platform', 'mark', 'label', 'children'], {
  digest: str,
  mediaType: str,
  size: int,
  role: enumOf<EntryRole | 'subject'>()(['subject', 'runnable', 'image', 'index', 'invalid', ...ARTIFACT_KINDS]),
  kind: subjectKind,
  platform: nullableString,
  mark: enumOf<TreeMark>()(['ok', 'error', 'warning', 'ignored']),
  label: str,
  children: { type: 'array', items: { $ref: '#/$defs/node' } },
  omittedChildren: int,
});

const provenance = objectOf<BuildProvenance>()(
  [
    'predicateType',
    'mode',
    'builderId',
    'buildType',
    'ciRunUrl',
    'ciProvider',
    'vcsSource',
    'vcsRevision',
    'dockerfile',
    'frontend',
    'builderPlatform',
    'startedOn',
  ],
  {
    predicateType: str,
    mode: enumOf<BuildProvenance['mode']>()(['min', 'max']),
    builderId: nullableString,
    buildType: nullableString,
    ciRunUrl: nullableString,
    ciProvider: enumOf<CiProvider | null>()(['github-actions', 'gitlab-ci', 'other', null]),
    vcsSource: nullableString,
    vcsRevision: nullableString,
    dockerfile: nullableString,
    frontend: nullableString,
    builderPlatform: nullableString,
    startedOn: nullableString,
  },
);

const reason = objectOf<ReasonJson>()(['code', 'severity', 'message', 'details', 'status'], {
  // A pattern, not the list of today's codes: codes are added, and a v1 consumer must accept new ones.
  code: { type: 'string', pattern: '^[A-Z][A-Z0-9_]*$' },
  severity: enumOf<Severity>()(['error', 'warning', 'info']),
  message: str,
  details: { type: 'object' },
  status: enumOf<RuleStatus>()(['confirmed', 'practice', 'unverified']),
});

const subject = objectOf<VerdictJson['subject']>()(['digest', 'mediaType', 'kind', 'size', 'repository', 'tag', 'source'], {
  digest: str,
  mediaType: str,
  kind: subjectKind,
  size: int,
  repository: nullableString,
  tag: nullableString,
  source: nullableString,
  artifactKind: enumOf<ArtifactKind>()(ARTIFACT_KINDS),
});

const deployableChild = objectOf<NonNullable<VerdictJson['deployableChild']>>()(['digest', 'mediaType', 'size', 'platform'], {
  digest: str,
  mediaType: str,
  size: int,
  platform: nullable({ $ref: '#/$defs/platform' }),
});

/** JSON Schema (2020-12) of {@link VerdictJson}, the `--json` output; published as `docs/verdict-v1.schema.json`. */
export const VERDICT_JSON_SCHEMA: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://ecr-lambda-guard.invalid/schemas/verdict-v1.json',
  title: 'ecr-lambda-guard verdict',
  ...objectOf<VerdictJson>()(
    ['schemaVersion', 'verdict', 'subject', 'reasons', 'platform', 'deployableChild', 'tree', 'provenance'],
    {
      schemaVersion: { const: 1 },
      verdict: enumOf<VerdictName>()(['deployable', 'quarantined', 'skipped']),
      subject,
      reasons: { type: 'array', items: reason },
      platform: nullable({ $ref: '#/$defs/platform' }),
      deployableChild: nullable(deployableChild),
      tree: { $ref: '#/$defs/node' },
      provenance: nullable({ $ref: '#/$defs/provenance' }),
    },
  ),
  $defs: { platform, node, provenance },
};
