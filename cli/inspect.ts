import { DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { createEcrRegistry } from '../functions/adapters/ecr-registry.js';
import { InputError } from '../functions/adapters/input-error.js';
import { looksLikeLocalPath, openLocalSource } from '../functions/adapters/open-local-source.js';
import { gatherEvidence } from '../functions/app/gather-evidence.js';
import type { ContentSource, RawManifest } from '../functions/app/ports.js';
import { classifyParsed } from '../functions/core/classify.js';
import { type LambdaArchitecture, parseLambdaArchitecture } from '../functions/core/platform.js';
import type { Verdict } from '../functions/core/verdict.js';
import { explain } from '../functions/report/explain.js';
import type { SubjectContext } from '../functions/report/explanation.js';
import { renderMarkdown } from '../functions/report/render-markdown.js';
import { renderText } from '../functions/report/render-text.js';
import { toVerdictJson } from '../functions/report/verdict-json.js';
import { parseEcrReference } from './ecr-reference.js';
import { requireManifestDocument } from './manifest-document.js';
import { UsageError } from './usage-error.js';

/** Options of `ecr-lambda-guard inspect`. */
export interface InspectOptions {
  readonly source: string;
  readonly json: boolean;
  /** `markdown`: a job-summary / PR-comment rendering of the same explanation. */
  readonly markdown?: boolean;
  readonly architectures: readonly LambdaArchitecture[];
  readonly strict: boolean;
  readonly blobsDir?: string;
  readonly color: boolean;
}

interface Opened {
  readonly source: ContentSource;
  readonly subject: RawManifest;
  readonly context: Omit<SubjectContext, 'architectures'>;
}

/** Parses `--arch` values (`x86_64`, `arm64`, also `amd64`/`aarch64`, comma lists). */
export const parseArchitectures = (values: readonly string[]): LambdaArchitecture[] =>
  values
    .flatMap((value) => value.split(','))
    .filter((value) => value.trim() !== '')
    .map((value) => {
      const arch = parseLambdaArchitecture(value);
      if (arch === undefined) throw new UsageError(`--arch must be x86_64 or arm64, found "${value}"`);
      return arch;
    });

// Specs that can only be paths: never send them to ECR as repository names.
const PATH_LIKE = /^(?:\.{1,2}\/|\/|~)|\.(?:json|tar)(?::[^/]*)?$/;

/** `repo:tag` names no account: ECR knows the URI (deploy by `URI@sha256:…`); without the permission, none. */
const describedUri = async (client: ECRClient, repository: string): Promise<string | null> => {
  try {
    const output = await client.send(new DescribeRepositoriesCommand({ repositoryNames: [repository] }));
    return output.repositories?.[0]?.repositoryUri ?? null;
  } catch {
    return null;
  }
};

const openEcr = async (spec: string): Promise<Opened> => {
  if (PATH_LIKE.test(spec)) throw new InputError(`${spec}: no such file or directory`);
  const reference = parseEcrReference(spec);
  const client = new ECRClient({ ...(reference.region === null ? {} : { region: reference.region }), retryMode: 'adaptive' });
  const registry = createEcrRegistry(client, reference.registryId === null ? {} : { registryId: reference.registryId });
  const id = reference.digest !== null ? { digest: reference.digest } : { tag: reference.tag ?? '' };
  const found = await registry.getImages(reference.repository, [id]);
  const subject = found[0]?.manifest;
  if (subject === undefined) throw new InputError(`${spec}: image not found in ECR repository ${reference.repository}`);
  const region = reference.region ?? (await client.config.region());
  const repositoryUri =
    reference.registryId === null
      ? await describedUri(client, reference.repository)
      : `${reference.registryId}.dkr.ecr.${region}.amazonaws.com/${reference.repository}`;
  return {
    source: registry.source(reference.repository),
    subject,
    context: {
      repository: reference.repository,
      tag: reference.tag,
      repositoryUri,
      region,
      source: `ecr:${spec}`,
      tagging: [],
    },
  };
};

const openLocal = async (spec: string, blobsDir: string | undefined): Promise<Opened> => {
  const local = await openLocalSource(spec, blobsDir === undefined ? {} : { blobsDir });
  return {
    source: local.source,
    subject: local.subject,
    context: { repository: null, tag: local.tag, repositoryUri: null, region: null, source: local.description, tagging: [] },
  };
};

/**
 * Runs the same rules as the guard on a local image or an ECR reference and prints the verdict.
 * Returns the exit code: 0 deployable or skipped, 1 quarantined.
 */
export const runInspect = async (options: InspectOptions, out: (text: string) => void): Promise<number> => {
  const opened =
    looksLikeLocalPath(options.source) || options.blobsDir !== undefined
      ? await openLocal(options.source, options.blobsDir)
      : await openEcr(options.source);
  requireManifestDocument(opened.subject.bytes, opened.context.source ?? options.source);
  const { evidence } = await gatherEvidence(opened.source, opened.subject, {
    architectures: options.architectures,
    strict: options.strict,
  });
  const verdict: Verdict = classifyParsed(evidence, { architectures: options.architectures, strict: options.strict });
  const context: SubjectContext = { ...opened.context, architectures: options.architectures };
  if (options.json) {
    out(`${JSON.stringify(toVerdictJson(verdict, context), null, 2)}\n`);
  } else if (options.markdown === true) {
    out(renderMarkdown(explain(verdict, context)));
  } else {
    out(renderText(explain(verdict, context), { color: options.color, width: 80 }));
  }
  return verdict.verdict === 'quarantined' ? 1 : 0;
};
