import { GetFunctionCommand, LambdaClient, paginateListFunctions } from '@aws-sdk/client-lambda';
import { gatherEvidence } from '../functions/app/gather-evidence.js';
import type { ImageId, Registry } from '../functions/app/ports.js';
import { classifyParsed } from '../functions/core/classify.js';
import { type LambdaArchitecture, parseLambdaArchitecture } from '../functions/core/platform.js';
import { parseEcrReference } from './ecr-reference.js';

/** One container-image function and what its image is now. */
export interface FunctionRow {
  readonly function: string;
  readonly architecture: LambdaArchitecture | null;
  readonly imageUri: string;
  /** The digest Lambda resolved at the last deploy: what the function runs. */
  readonly runningDigest: string | null;
  readonly runningVerdict: string;
  /** What the URI's tag names now: what the next `update-function-code` with that URI would deploy. */
  readonly tagDigest: string | null;
  readonly tagVerdict: string;
  /** True when the tag moved since the deploy to an image Lambda would refuse (the "it worked yesterday" trap). */
  readonly trap: boolean;
}

const verdictOf = async (
  registry: Registry,
  repository: string,
  id: ImageId,
  options: { architectures: readonly LambdaArchitecture[]; strict: boolean },
): Promise<{ digest: string | null; verdict: string }> => {
  const found = await registry.getImages(repository, [id]);
  const subject = found[0]?.manifest;
  if (subject === undefined) return { digest: null, verdict: 'not-found' };
  const { evidence } = await gatherEvidence(registry.source(repository), subject, options);
  return { digest: subject.digest, verdict: classifyParsed(evidence, options).verdict };
};

/**
 * Lists the region's functions (ListFunctions, then GetFunction for each image function) and checks,
 * for the function's own architecture, the image it runs and the image its URI's tag names now.
 * Images in another account's registry are read with that registry id.
 */
export const auditFunctions = async (input: {
  /** The registry an image URI names (its account id), or the caller's for a URI without one. */
  readonly registryFor: (registryId: string | null) => Registry;
  readonly region: { readonly region?: string };
  readonly architectures: readonly LambdaArchitecture[];
  readonly strict: boolean;
}): Promise<FunctionRow[]> => {
  const lambda = new LambdaClient({ ...input.region, retryMode: 'adaptive', maxAttempts: 6 });
  const rows: FunctionRow[] = [];
  for await (const page of paginateListFunctions({ client: lambda }, {})) {
    for (const fn of page.Functions ?? []) {
      if (fn.PackageType !== 'Image' || fn.FunctionName === undefined) continue;
      const got = await lambda.send(new GetFunctionCommand({ FunctionName: fn.FunctionName }));
      const imageUri = got.Code?.ImageUri ?? '';
      const architecture = parseLambdaArchitecture(fn.Architectures?.[0] ?? 'x86_64') ?? null;
      const options = { architectures: architecture === null ? input.architectures : [architecture], strict: input.strict };
      const reference = parseEcrReference(imageUri);
      const registry = input.registryFor(reference.registryId);
      const resolved = got.Code?.ResolvedImageUri === undefined ? null : parseEcrReference(got.Code.ResolvedImageUri);
      const runningId = resolved?.digest ?? reference.digest;
      const running =
        runningId === null
          ? { digest: null, verdict: 'unknown' }
          : await verdictOf(registry, reference.repository, { digest: runningId }, options);
      const now =
        reference.tag === null ? running : await verdictOf(registry, reference.repository, { tag: reference.tag }, options);
      rows.push({
        function: fn.FunctionName,
        architecture,
        imageUri,
        runningDigest: running.digest,
        runningVerdict: running.verdict,
        tagDigest: now.digest,
        tagVerdict: now.verdict,
        trap: now.digest !== running.digest && now.verdict === 'quarantined',
      });
    }
  }
  return rows;
};

/** The functions section of the human or Markdown report. */
export const renderFunctions = (rows: readonly FunctionRow[], format: 'text' | 'markdown'): string => {
  const line = (row: FunctionRow): string => {
    const now =
      row.tagDigest === row.runningDigest
        ? 'the tag still names it'
        : `the tag now names ${row.tagDigest ?? 'nothing'}: ${row.tagVerdict}${row.trap ? ' (the next update-function-code would fail)' : ''}`;
    return `${row.function} (${row.architecture ?? '?'}): runs ${row.runningVerdict} image ${row.runningDigest ?? '?'}; ${now}`;
  };
  if (rows.length === 0)
    return format === 'markdown'
      ? '### Lambda functions\n\nNo container-image functions.\n\n'
      : 'Lambda functions: no container-image functions\n\n';
  return format === 'markdown'
    ? `### Lambda functions\n\n${rows.map((row) => `- ${line(row)}`).join('\n')}\n\n`
    : `Lambda functions (${rows.length})\n${rows.map((row) => `  ${line(row)}`).join('\n')}\n\n`;
};
