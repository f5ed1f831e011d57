import { createHash } from 'node:crypto';
import { isJsonObject } from '../json-value.js';
import { ServiceError } from '../service-error.js';
import type { LocalState } from '../state.js';

/**
 * The Lambda control-plane operations `audit --functions` reads, as the Lambda API reference
 * (2015-03-31, restJson1) describes them: CreateFunction (so tests and `aws lambda create-function`
 * can set functions up), ListFunctions and GetFunction. Functions live in memory only; nothing runs.
 * Sources: https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html,
 * https://docs.aws.amazon.com/lambda/latest/api/API_ListFunctions.html,
 * https://docs.aws.amazon.com/lambda/latest/api/API_GetFunction.html
 */
export interface FunctionRecord {
  readonly name: string;
  readonly arn: string;
  readonly role: string;
  readonly packageType: 'Image' | 'Zip';
  readonly architectures: readonly ('x86_64' | 'arm64')[];
  /** The image URI as given (a tag or a digest reference). */
  readonly imageUri: string | null;
  /** `repository@digest`: what the tag named when the function was created (Lambda pins it then). */
  readonly resolvedImageUri: string | null;
  readonly runtime: string | null;
  readonly handler: string | null;
  readonly codeSha256: string;
  readonly lastModified: string;
}

/** The Lambda operations the local endpoint implements (routed in `request-route.ts`). */
export const LAMBDA_OPERATIONS: readonly string[] = ['CreateFunction', 'GetFunction', 'ListFunctions'];

/** The functions of the local endpoint's one account and Region. */
export type FunctionStore = Map<string, FunctionRecord>;

/** `FunctionName` in CreateFunction: 1-140 characters, a name (the model also allows ARNs, not supported here). */
const FUNCTION_NAME = /^[a-zA-Z0-9-_]{1,64}$/;
/** `MaxListItems`: 1-10,000; ListFunctions returns up to 50 when it is absent. */
const MAX_LIST_ITEMS = 10_000;
const DEFAULT_LIST_ITEMS = 50;
const ECR_IMAGE_URI = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\/([^:@]+)(?::([^@]+)|@(sha256:[a-f0-9]{64}))$/;

const invalid = (message: string): ServiceError => new ServiceError('InvalidParameterValueException', message, 400);

/** Lambda's timestamp format: `2024-05-01T12:00:00.000+0000`. */
const lambdaTime = (epochMs: number): string => new Date(epochMs).toISOString().replace('Z', '+0000');

/** `FunctionConfiguration` as ListFunctions and GetFunction return it. */
export const functionConfiguration = (record: FunctionRecord): Record<string, unknown> => ({
  FunctionName: record.name,
  FunctionArn: record.arn,
  Role: record.role,
  CodeSize: 0,
  CodeSha256: record.codeSha256,
  Description: '',
  Timeout: 3,
  MemorySize: 128,
  LastModified: record.lastModified,
  Version: '$LATEST',
  PackageType: record.packageType,
  Architectures: [...record.architectures],
  State: 'Active',
  LastUpdateStatus: 'Successful',
  ...(record.runtime === null ? {} : { Runtime: record.runtime }),
  ...(record.handler === null ? {} : { Handler: record.handler }),
});

/**
 * CreateFunction. An image function's URI must name an image of this endpoint's ECR; like Lambda,
 * the tag is resolved to a digest now and the function keeps running that digest whatever the tag
 * names later.
 */
export const createFunction = (state: LocalState, store: FunctionStore, body: unknown, now: number): unknown => {
  if (!isJsonObject(body)) throw invalid('The request body must be a JSON object.');
  const name = body.FunctionName;
  if (typeof name !== 'string' || !FUNCTION_NAME.test(name)) {
    throw invalid(`1 validation error detected: Value '${String(name)}' at 'functionName' failed to satisfy constraint`);
  }
  if (typeof body.Role !== 'string' || !body.Role.startsWith('arn:'))
    throw invalid('The role defined for the function is not an ARN.');
  if (store.has(name)) {
    throw new ServiceError('ResourceConflictException', `Function already exist: ${name}`, 409);
  }
  const packageType =
    body.PackageType === 'Image' ? 'Image' : body.PackageType === undefined || body.PackageType === 'Zip' ? 'Zip' : null;
  if (packageType === null) throw invalid(`Unsupported package type ${String(body.PackageType)}`);
  const architectures = Array.isArray(body.Architectures) ? body.Architectures : ['x86_64'];
  if (architectures.length !== 1 || (architectures[0] !== 'x86_64' && architectures[0] !== 'arm64')) {
    throw invalid('Architectures must hold exactly one of x86_64, arm64.');
  }
  const code = isJsonObject(body.Code) ? body.Code : {};
  let imageUri: string | null = null;
  let resolvedImageUri: string | null = null;
  let codeSha256 = createHash('sha256').update(name).digest('base64');
  if (packageType === 'Image') {
    if (typeof code.ImageUri !== 'string') throw invalid('Code.ImageUri is required for PackageType Image.');
    const match = ECR_IMAGE_URI.exec(code.ImageUri);
    if (match === null) throw invalid(`Source image ${code.ImageUri} is not valid. Provide a valid source image.`);
    const [, , , repository = '', tag, digest] = match;
    const entry = state.repositories.get(repository);
    const resolved = digest ?? (tag === undefined ? undefined : entry?.tags.get(tag));
    if (entry === undefined || resolved === undefined || !entry.images.has(resolved)) {
      throw invalid(`Source image ${code.ImageUri} does not exist. Provide a valid source image.`);
    }
    imageUri = code.ImageUri;
    resolvedImageUri = `${match[1]}.dkr.ecr.${match[2]}.amazonaws.com/${repository}@${resolved}`;
    codeSha256 = resolved.slice('sha256:'.length);
  } else if (typeof body.Runtime !== 'string' || typeof body.Handler !== 'string') {
    throw invalid('Runtime and Handler are required for PackageType Zip.');
  }
  const record: FunctionRecord = {
    name,
    arn: `arn:aws:lambda:${state.region}:${state.account}:function:${name}`,
    role: body.Role,
    packageType,
    architectures: [architectures[0]],
    imageUri,
    resolvedImageUri,
    runtime: typeof body.Runtime === 'string' ? body.Runtime : null,
    handler: typeof body.Handler === 'string' ? body.Handler : null,
    codeSha256,
    lastModified: lambdaTime(now),
  };
  store.set(name, record);
  return functionConfiguration(record);
};

/** ListFunctions: by name, `MaxItems` per page (1-10,000, default 50), `NextMarker` when more remain. */
export const listFunctions = (store: FunctionStore, query: URLSearchParams): unknown => {
  const maxText = query.get('MaxItems');
  const max = maxText === null ? DEFAULT_LIST_ITEMS : Number(maxText);
  if (!Number.isInteger(max) || max < 1 || max > MAX_LIST_ITEMS) {
    throw invalid(
      `1 validation error detected: Value '${maxText}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and ${MAX_LIST_ITEMS}`,
    );
  }
  const marker = query.get('Marker');
  const names = [...store.keys()].sort();
  let start = 0;
  if (marker !== null) {
    const decoded = Buffer.from(marker, 'base64url').toString('utf8');
    start = decoded.startsWith('local-v1:') ? Number(decoded.slice('local-v1:'.length)) : Number.NaN;
    if (!Number.isInteger(start) || start < 0) throw invalid('Invalid Marker');
  }
  const page = names.slice(start, start + max);
  const end = start + max;
  return {
    Functions: page.map((name) => functionConfiguration(store.get(name) as FunctionRecord)),
    ...(end < names.length ? { NextMarker: Buffer.from(`local-v1:${end}`, 'utf8').toString('base64url') } : {}),
  };
};

/** GetFunction: the configuration and, for an image function, `Code.ImageUri` and `Code.ResolvedImageUri`. */
export const getFunction = (state: LocalState, store: FunctionStore, name: string): unknown => {
  // The path member may be a name or an ARN (`FunctionName` accepts both).
  const short = name.startsWith('arn:') ? (name.split(':')[6] ?? name) : name;
  const record = store.get(short);
  if (record === undefined) {
    throw new ServiceError(
      'ResourceNotFoundException',
      `Function not found: arn:aws:lambda:${state.region}:${state.account}:function:${short}`,
      404,
    );
  }
  return {
    Configuration: functionConfiguration(record),
    Code:
      record.packageType === 'Image'
        ? { RepositoryType: 'ECR', ImageUri: record.imageUri, ResolvedImageUri: record.resolvedImageUri }
        : { RepositoryType: 'S3', Location: 'https://awslambda.local/snapshots/unavailable' },
  };
};
