/**
 * Reads a BuildKit provenance attestation (an in-toto statement with a SLSA predicate) and keeps
 * the few facts a person needs to find the build: who built it, from which commit, with what.
 *
 * Field locations: docs.docker.com/build/metadata/attestations/slsa-provenance (v0.2 and v1) and
 * moby/buildkit docs/attestations/slsa-definitions.md. Every string here came from the registry,
 * so renderers must escape them.
 */

/** The CI system a builder id points at. */
export type CiProvider = 'github-actions' | 'gitlab-ci' | 'other';

/** What the guard learnt from a provenance statement. */
export interface BuildProvenance {
  readonly predicateType: string;
  /** `mode=max` statements carry the build definition (and build-arg values); `min` ones do not. */
  readonly mode: 'min' | 'max';
  readonly builderId: string | null;
  readonly buildType: string | null;
  /** The CI run that built the image, when the builder id or parameters name one. */
  readonly ciRunUrl: string | null;
  readonly ciProvider: CiProvider | null;
  readonly vcsSource: string | null;
  readonly vcsRevision: string | null;
  readonly dockerfile: string | null;
  readonly frontend: string | null;
  readonly builderPlatform: string | null;
  readonly startedOn: string | null;
}

/** Longest string kept from a statement; longer values are cut, not trusted to fit a message. */
const MAX_FIELD = 512;

const GITHUB_RUN = /^https:\/\/github\.com\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/actions\/runs\/\d+(?:\/attempts\/\d+)?\/?$/;
const GITLAB_JOB = /^https:\/\/[A-Za-z0-9.-]+\/.+\/-\/(?:jobs|pipelines)\/\d+\/?$/;

type Json = Record<string, unknown>;

const object = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;

const text = (value: unknown): string | null => {
  if (typeof value !== 'string' || value === '') return null;
  return value.length > MAX_FIELD ? value.slice(0, MAX_FIELD) : value;
};

const ciOf = (url: string | null): { ciRunUrl: string | null; ciProvider: CiProvider | null } => {
  if (url === null) return { ciRunUrl: null, ciProvider: null };
  if (GITHUB_RUN.test(url)) return { ciRunUrl: url, ciProvider: 'github-actions' };
  if (GITLAB_JOB.test(url)) return { ciRunUrl: url, ciProvider: 'gitlab-ci' };
  return { ciRunUrl: null, ciProvider: null };
};

/**
 * Splits BuildKit's git context URIs, `https://host/repo.git#<ref>[:<subdir>]`, into the repository
 * and the ref (the `:subdir` part names a folder, not a revision).
 */
const splitGitUri = (uri: string | null): { source: string | null; revision: string | null } => {
  if (uri === null) return { source: null, revision: null };
  const hash = uri.indexOf('#');
  if (hash === -1) return { source: uri, revision: null };
  const fragment = uri.slice(hash + 1);
  const colon = fragment.indexOf(':');
  return { source: text(uri.slice(0, hash)), revision: text(colon === -1 ? fragment : fragment.slice(0, colon)) };
};

/** The sha1 a git config source was resolved to (`configSource.digest.sha1`), if recorded. */
const gitDigest = (configSource: Json | undefined): string | null => text(object(configSource?.digest)?.sha1);

const BUILDKIT_METADATA = 'https://mobyproject.org/buildkit@v1#metadata';

const fromV02 = (predicateType: string, predicate: Json): BuildProvenance => {
  const metadata = object(predicate.metadata);
  const buildkit = object(metadata?.[BUILDKIT_METADATA]);
  const vcs = object(buildkit?.vcs);
  const invocation = object(predicate.invocation);
  const parameters = object(invocation?.parameters);
  const environment = object(invocation?.environment);
  const configSource = object(invocation?.configSource);
  const builderId = text(object(predicate.builder)?.id);
  const max = predicate.buildConfig !== undefined || buildkit?.source !== undefined || buildkit?.layers !== undefined;
  // Builds from a git context record the repository in configSource rather than in vcs metadata.
  const git = splitGitUri(text(configSource?.uri));
  return {
    predicateType,
    mode: max ? 'max' : 'min',
    builderId,
    buildType: text(predicate.buildType),
    ...ciOf(builderId),
    vcsSource: text(vcs?.source) ?? git.source,
    vcsRevision: text(vcs?.revision) ?? gitDigest(configSource) ?? git.revision,
    dockerfile: text(configSource?.entryPoint),
    frontend: text(parameters?.frontend),
    builderPlatform: text(environment?.platform),
    startedOn: text(metadata?.buildStartedOn),
  };
};

const fromV1 = (predicateType: string, predicate: Json): BuildProvenance => {
  const definition = object(predicate.buildDefinition);
  const run = object(predicate.runDetails);
  const external = object(definition?.externalParameters);
  const internal = object(definition?.internalParameters);
  const configSource = object(external?.configSource);
  const request = object(external?.request);
  const runMetadata = object(run?.metadata);
  const buildkit = object(runMetadata?.buildkit_metadata);
  const vcs = object(buildkit?.vcs);
  const builderId = text(object(run?.builder)?.id);
  const git = splitGitUri(text(configSource?.uri));
  // docker/build-push-action also records the run in internalParameters.github_*.
  const server = text(internal?.github_server_url);
  const repository = text(internal?.github_repository);
  const runId = text(internal?.github_run_id);
  const githubRun =
    server !== null && repository !== null && runId !== null ? `${server}/${repository}/actions/runs/${runId}` : null;
  const ci = ciOf(builderId);
  const fallback = ci.ciRunUrl === null ? ciOf(githubRun) : ci;
  return {
    predicateType,
    mode: internal?.buildConfig !== undefined || buildkit?.source !== undefined ? 'max' : 'min',
    builderId,
    buildType: text(definition?.buildType),
    ...fallback,
    vcsSource: text(vcs?.source) ?? git.source,
    vcsRevision: text(vcs?.revision) ?? gitDigest(configSource) ?? git.revision,
    dockerfile: text(configSource?.path),
    frontend: text(request?.frontend),
    builderPlatform: text(internal?.builderPlatform),
    startedOn: text(runMetadata?.startedOn),
  };
};

/** True for SLSA provenance predicate types (v0.1, v0.2, v1). */
export const isProvenancePredicate = (predicateType: string): boolean => predicateType.startsWith('https://slsa.dev/provenance/');

/**
 * Parses an in-toto statement carrying SLSA provenance. Returns `null` for anything else
 * (SBOMs, unknown predicates, broken JSON): provenance is a courtesy, never a reason to fail.
 */
export const parseProvenance = (bytes: Uint8Array): BuildProvenance | null => {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return null;
  }
  const statement = object(json);
  const predicateType = text(statement?.predicateType);
  const predicate = object(statement?.predicate);
  if (statement === undefined || predicateType === null || predicate === undefined) return null;
  if (!isProvenancePredicate(predicateType)) return null;
  return predicateType.startsWith('https://slsa.dev/provenance/v1')
    ? fromV1(predicateType, predicate)
    : fromV02(predicateType, predicate);
};
