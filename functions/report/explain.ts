import { assertNever } from '../core/assert-never.js';
import { shortDigest } from '../core/digest.js';
import { type ReasonCode, type RemedyTopic, type RuleStatus, ruleFor } from '../core/lambda-rules.js';
import type { LambdaArchitecture } from '../core/platform.js';
import { remedyTopicFor } from '../core/reason.js';
import type { Reason, ReportedPlatform, Verdict } from '../core/verdict.js';
import { detectBuildTools } from './detect-build-tool.js';
import type {
  BuilderSummary,
  BuildTool,
  DeployNow,
  ExplainedSubject,
  Explanation,
  Fix,
  Paragraph,
  SubjectContext,
  TagOutcome,
  TreeLine,
} from './explanation.js';
import { FACTS } from './facts.js';
import { codeSafe, inertText, truncateText } from './plain-text.js';
import { afterFixNotes, type RemedyContext, remediesFor } from './remedies.js';
import { type TreeNode, treeOf } from './tree.js';

/** Longest summary we produce; the registry strings inside it are already bounded, this bounds the rest. */
const MAX_SUMMARY = 400;
/** Longest tree label kept: labels can carry registry text (unknown predicate types). */
const MAX_LABEL = 160;

const LAMBDA_ERROR = 'The image manifest, config or layer media type for the source image <uri> is not supported.';

/** The tree, depth first, one line per node. */
export const flattenTree = (node: TreeNode, depth = 0): TreeLine[] => [
  { depth, mark: node.mark, label: truncateText(node.label, MAX_LABEL), digest: node.digest, mediaType: node.mediaType },
  ...node.children.flatMap((child) => flattenTree(child, depth + 1)),
];

/**
 * At most `max` tree lines for a renderer, always keeping the root and the line marked deployable
 * (the one a person acts on), with how many were left out.
 */
export const visibleTreeLines = (lines: readonly TreeLine[], max: number): { lines: TreeLine[]; omitted: number } => {
  if (lines.length <= max) return { lines: [...lines], omitted: 0 };
  const keep = Math.max(1, max);
  const kept = lines.slice(0, keep);
  const chosen = lines.findIndex((line) => line.mark === 'ok');
  if (chosen >= keep && keep >= 2) {
    const line = lines[chosen];
    if (line !== undefined) kept[keep - 1] = line;
  }
  return { lines: kept, omitted: lines.length - kept.length };
};

const formatReported = (platform: ReportedPlatform | null): string | null =>
  platform === null
    ? null
    : [platform.os, platform.architecture, platform.variant].filter((part) => part !== undefined).join('/');

const referenceOf = (verdict: Verdict, context: SubjectContext): string => {
  const digest = shortDigest(verdict.subject.digest);
  if (context.repository !== null) {
    return context.tag === null ? `${context.repository}@${digest}` : `${context.repository}:${context.tag}`;
  }
  if (context.source !== null) return context.source;
  return context.tag ?? digest;
};

interface IndexShape {
  readonly family: 'oci' | 'docker';
  readonly platforms: readonly string[];
  readonly images: number;
  readonly attestations: number;
  readonly provenanceAttestations: number;
  readonly sbomAttestations: number;
  readonly soci: number;
  readonly others: ReadonlyMap<string, number>;
}

const OTHER_WORDS: Readonly<Record<string, string>> = {
  signature: 'signature',
  sbom: 'SBOM',
  'helm-chart': 'Helm chart',
  'buildkit-history': 'build record',
  referrer: 'referrer',
  artifact: 'artifact',
  index: 'nested index',
  invalid: 'unreadable entry',
};

/** The index's composition, counted over every entry of the verdict's typed facts. */
const shapeOf = (verdict: Verdict): IndexShape | null => {
  const index = verdict.index;
  if (index === null) return null;
  const images = index.entries.filter((entry) => entry.role === 'runnable' || entry.role === 'image');
  const attestations = index.entries.filter((entry) => entry.role === 'attestation');
  const others = new Map<string, number>();
  for (const entry of index.entries) {
    if (entry.role === 'runnable' || entry.role === 'image' || entry.role === 'attestation' || entry.role === 'soci-index')
      continue;
    const word = OTHER_WORDS[entry.role] ?? entry.role;
    others.set(word, (others.get(word) ?? 0) + 1);
  }
  return {
    family: index.family,
    platforms: [...new Set(images.map((entry) => formatReported(entry.platform) ?? 'unknown platform'))],
    images: images.length,
    attestations: attestations.length,
    provenanceAttestations: attestations.filter((entry) => entry.attestationKinds.includes('provenance')).length,
    sbomAttestations: attestations.filter((entry) => entry.attestationKinds.includes('sbom')).length,
    soci: index.entries.filter((entry) => entry.role === 'soci-index').length,
    others,
  };
};

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

const describeComposition = (shape: IndexShape): string => {
  const parts: string[] = [];
  if (shape.images > 0) {
    parts.push(
      shape.platforms.length <= 3 && shape.images === shape.platforms.length
        ? `${shape.platforms.join(', ')} image${shape.images === 1 ? '' : 's'}`
        : plural(shape.images, 'image'),
    );
  }
  if (shape.attestations > 0) {
    const kind =
      shape.provenanceAttestations === shape.attestations
        ? 'provenance attestation'
        : shape.sbomAttestations === shape.attestations
          ? 'SBOM attestation'
          : 'attestation';
    parts.push(shape.attestations === 1 ? kind : plural(shape.attestations, kind));
  }
  if (shape.soci > 0) parts.push(shape.soci === 1 ? 'SOCI index' : plural(shape.soci, 'SOCI index'));
  for (const [word, n] of shape.others) parts.push(n === 1 ? word : plural(n, word));
  return parts.length === 0 ? 'empty' : parts.join(' + ');
};

const firstOf = (reasons: readonly Reason[], severity: Reason['severity']): Reason | undefined =>
  reasons.find((r) => r.severity === severity);

const summaryOf = (
  verdict: Verdict,
  reference: string,
  shape: IndexShape | null,
  deployNow: DeployNow | null,
  strictOnly: boolean,
): string => {
  const ref = inertText(reference);
  const reasons = verdict.reasons;
  const warnings = reasons.filter((r) => r.severity === 'warning').length;
  switch (verdict.verdict) {
    case 'quarantined': {
      if (shape !== null) {
        const what = shape.family === 'docker' ? 'a Docker manifest list' : 'an OCI image index';
        const mismatch = reasons.find((r) => r.code === 'ARCHITECTURE_MISMATCH');
        const tail =
          deployNow !== null
            ? `; deploy the ${deployNow.platform === null ? '' : `${deployNow.platform} `}image ${shortDigest(deployNow.digest)} instead`
            : mismatch !== undefined
              ? `; ${inertText(mismatch.message)}`
              : '';
        return truncateText(`${ref} is ${what} (${describeComposition(shape)}): Lambda will refuse it${tail}`, MAX_SUMMARY);
      }
      if (verdict.subject.kind === 'unknown') {
        const problem = firstOf(reasons, 'error');
        return truncateText(`${ref} could not be read: ${inertText(problem?.message ?? 'unreadable manifest')}`, MAX_SUMMARY);
      }
      if (strictOnly) {
        const warning = firstOf(reasons, 'warning');
        return truncateText(`${ref} is quarantined in strict mode: ${inertText(warning?.message ?? 'warnings')}`, MAX_SUMMARY);
      }
      const errors = reasons.filter((r) => r.severity === 'error');
      const first = errors[0];
      const more = errors.length > 1 ? ` (and ${plural(errors.length - 1, 'more problem')})` : '';
      return truncateText(`${ref} cannot run on Lambda: ${inertText(first?.message ?? 'see the findings')}${more}`, MAX_SUMMARY);
    }
    case 'deployable': {
      const platform = formatReported(verdict.platform);
      const what = platform === null ? 'a single image manifest' : `a single ${platform} image`;
      const tail = warnings > 0 ? `; ${plural(warnings, 'warning')} to review` : '';
      return truncateText(`${ref} is ${what}: Lambda can deploy it${tail}`, MAX_SUMMARY);
    }
    case 'skipped': {
      const skip = reasons.find((r) => r.code === 'NOT_A_CONTAINER_IMAGE');
      return truncateText(`${ref}: ${inertText(skip?.message ?? 'not a container image')}; nothing to check`, MAX_SUMMARY);
    }
    default:
      return assertNever(verdict.verdict, 'verdict');
  }
};

const indexParagraphs = (shape: IndexShape): Paragraph[] => {
  const paragraphs: Paragraph[] = [];
  if (shape.attestations > 0) {
    paragraphs.push(
      {
        title: 'What a provenance attestation is',
        body: `BuildKit records how an image was built (when, on which builder, from which source and Dockerfile) as an SLSA provenance attestation, an in-toto statement. It does so by default since ${FACTS.buildkitProvenanceDefault.value}: in ${FACTS.buildxProvenanceDefault.value}+, ${FACTS.buildPushActionProvenanceDefault.value}, and plain \`docker build\` with the containerd image store (the default on ${FACTS.containerdStoreDefault.value}).`,
      },
      {
        title: 'Why it turns the tag into an index',
        body: 'The attestation is not part of the image, so BuildKit stores it as a second manifest (platform `unknown/unknown`) next to the image and pushes an OCI image index listing both. The tag now names that index, not the image: ECR shows one "Image Index" and untagged "Images", one of them about 0 MB.',
      },
    );
  }
  if (shape.images >= 2) {
    paragraphs.push({
      title: 'Why a multi-platform index is refused',
      body: `The tag holds images for ${shape.platforms.length <= 4 ? shape.platforms.join(', ') : plural(shape.images, 'platform')}. A Lambda function runs one architecture, and Lambda does not support multi-architecture container images: each function needs a tag (or digest) that names one image manifest.`,
    });
  } else if (shape.attestations === 0) {
    paragraphs.push({
      title: 'Why a single-platform index is refused',
      body: 'Even an index with one image is an index. Docker Engine 29 `docker push`, `docker buildx imagetools create` and SOCI v2 conversion all wrap a single image this way.',
    });
  }
  if (shape.soci > 0) {
    paragraphs.push({
      title: 'About the SOCI index',
      body: 'A SOCI v2 conversion adds a SOCI index entry (for lazy loading on ECS/Fargate) and makes the tag an index. Lambda does not use SOCI: deploy the image manifest by digest, or keep the SOCI-enabled index on a separate tag.',
    });
  }
  paragraphs.push({
    title: 'Why Lambda refuses it',
    body: `Lambda deploys a single image manifest (Docker v2 schema 2 or OCI), never an image index, even one with a single platform. Deploying this tag fails with: "${LAMBDA_ERROR}"`,
  });
  return paragraphs;
};

const STATUS_NOTES: Readonly<Record<RuleStatus, string>> = {
  confirmed: '',
  practice: ' AWS does not document this; it is established by reported deployments.',
  unverified: ' Unverified: AWS does not document this, and no report settles it; the guard infers it.',
};

const STATUS_WORDS: Readonly<Record<RuleStatus, string>> = {
  confirmed: '',
  practice: ', from practice',
  unverified: ', unverified',
};

/** One paragraph per reason code (other than IMAGE_INDEX, which has its own story), messages grouped. */
const reasonParagraphs = (reasons: readonly Reason[]): Paragraph[] => {
  const byCode = new Map<ReasonCode, Reason[]>();
  for (const reason of reasons) {
    if (reason.code === 'IMAGE_INDEX') continue;
    byCode.set(reason.code, [...(byCode.get(reason.code) ?? []), reason]);
  }
  return [...byCode.entries()].map(([code, group]) => {
    const row = ruleFor(code);
    const messages = group.slice(0, 3).map((r) => truncateText(inertText(r.message), 300));
    const more = group.length > 3 ? ` (and ${group.length - 3} more)` : '';
    const severity = row.severity === 'warning' ? 'Warning: ' : '';
    const prose = row.prose === '' ? '' : ` ${row.prose}`;
    return {
      title: `${severity}${row.title} (${code}${STATUS_WORDS[row.status]})`,
      body: `${row.rule} Here: ${messages.join('; ')}${more}.${prose}${STATUS_NOTES[row.status]}`,
    };
  });
};

const topicsOf = (verdict: Verdict): RemedyTopic[] => {
  const topics: RemedyTopic[] = [];
  for (const reason of verdict.reasons) {
    const topic = remedyTopicFor(reason);
    if (topic !== null && !topics.includes(topic)) topics.push(topic);
  }
  return topics;
};

/** Matched tools first (in evidence order), the catalogue order otherwise; stable. */
const orderFixes = (fixes: readonly Fix[], matched: readonly BuildTool[]): Fix[] => {
  const rank = (fix: Fix): number => {
    const i = matched.indexOf(fix.tool);
    return i === -1 ? matched.length : i;
  };
  return fixes
    .map((fix, position) => ({ fix, position }))
    .sort((a, b) => rank(a.fix) - rank(b.fix) || a.position - b.position)
    .map((entry) => entry.fix);
};

const USABLE: readonly TagOutcome['outcome'][] = ['created', 'unchanged', 'planned'];

const deployNowOf = (verdict: Verdict, context: SubjectContext): DeployNow | null => {
  const uri = context.repositoryUri;
  if (verdict.verdict === 'quarantined' && verdict.deployableChild !== null) {
    const child = verdict.deployableChild;
    const written = context.tagging.find(
      (t) => t.purpose === 'deployable-child' && t.digest === child.digest && USABLE.includes(t.outcome),
    );
    const tag = written?.tag ?? null;
    return {
      digest: child.digest,
      platform: formatReported(child.platform),
      uriByDigest: uri === null ? null : `${uri}@${child.digest}`,
      uriByTag: uri === null || tag === null ? null : `${uri}:${tag}`,
      tag,
    };
  }
  if (verdict.verdict === 'deployable') {
    const tag = context.tag;
    return {
      digest: verdict.subject.digest,
      platform: formatReported(verdict.platform),
      uriByDigest: uri === null ? null : `${uri}@${verdict.subject.digest}`,
      uriByTag: uri === null || tag === null ? null : `${uri}:${tag}`,
      tag,
    };
  }
  return null;
};

/** `2026-12-01 09:30 UTC`: one unambiguous time for every reader of a notification. */
const utcMinute = (epochMs: number): string => `${new Date(epochMs).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/**
 * What the guard's own tags said before this push: a deployable tag still naming an earlier image
 * (deploying by it gets that image, not this push), and a recovery from a quarantined push.
 */
const historyNotes = (context: SubjectContext): string[] => {
  const history = context.history;
  if (history === undefined) return [];
  const base = codeSafe(context.tag ?? '<tag>');
  const stale = history.stale.map(
    (item) =>
      `\`${codeSafe(item.tag)}\` still names \`${codeSafe(item.digest)}\`, an earlier push of \`${base}\` the guard checked then${item.pushedAt === null ? '' : ` (pushed ${utcMinute(item.pushedAt)})`}; it is not this image, and a deploy by that tag gets the earlier image. Push a fixed \`${base}\` and the guard moves the tag; until then deploy by digest, or remove the tag if the earlier image must not be deployed either.`,
  );
  const recovered =
    history.recoveredFrom === null
      ? []
      : [
          `Deployable again: \`${base}\` was quarantined (\`${codeSafe(history.recoveredFrom)}\`); this push supersedes it. The quarantine tag keeps naming the earlier image, which has not changed.`,
        ];
  return [...recovered, ...stale];
};

const tagNotes = (tagging: readonly TagOutcome[]): string[] =>
  tagging
    .filter((t) => t.outcome === 'immutable' || t.outcome === 'failed')
    .map((t) =>
      t.outcome === 'immutable'
        ? `The guard could not write the tag \`${codeSafe(t.tag)}\`: the repository has immutable tags. Deploy by digest instead, or allow the guard's tags with an exclusion filter.`
        : `The guard could not write the tag \`${codeSafe(t.tag)}\`${t.message === undefined ? '' : `: ${truncateText(inertText(t.message), 200)}`}.`,
    );

const builderOf = (verdict: Verdict, tool: BuildTool | null): BuilderSummary | null => {
  const p = verdict.provenance;
  if (p === null) return null;
  return {
    ciRunUrl: p.ciRunUrl,
    builderId: p.builderId,
    buildType: p.buildType,
    vcsSource: p.vcsSource,
    vcsRevision: p.vcsRevision,
    dockerfile: p.dockerfile,
    tool: p.ciProvider === 'github-actions' ? 'github-actions' : tool,
    mode: p.mode,
  };
};

/**
 * The architecture the fixes build for: the function's when it has one; with several targets the
 * image's own when it is one of them (an arm64 image offered to deploy now is not told to rebuild
 * for amd64); with none, the image's own only when the image has one architecture (`null` spells
 * out both choices).
 */
const buildArchitecture = (verdict: Verdict, targets: readonly LambdaArchitecture[]): LambdaArchitecture | null => {
  if (targets.length === 1) return targets[0] ?? null;
  const runnable = (verdict.index?.entries ?? []).filter((entry) => entry.role === 'runnable');
  const arches = [...new Set(runnable.flatMap((entry) => entry.platform?.lambdaArchitecture ?? []))];
  const own =
    verdict.deployableChild?.platform?.lambdaArchitecture ??
    verdict.platform?.lambdaArchitecture ??
    (arches.length === 1 ? (arches[0] ?? null) : null);
  if (own !== null && (targets.length === 0 || targets.includes(own))) return own;
  return targets[0] ?? null;
};

/**
 * With no function architecture, an index may hold a runnable image for each: name them all, so
 * the reader deploys the one that matches (only images whose config was read are named).
 */
const perArchitectureNotes = (verdict: Verdict, context: SubjectContext): string[] => {
  if (verdict.verdict !== 'quarantined' || verdict.deployableChild !== null || context.architectures.length > 0) return [];
  const runnable = (verdict.index?.entries ?? []).filter(
    (entry) => entry.role === 'runnable' && entry.platform?.from === 'config' && entry.platform.lambdaArchitecture !== null,
  );
  const byArch = new Map<string, string>();
  for (const entry of runnable) {
    const arch = entry.platform?.lambdaArchitecture;
    if (arch !== null && arch !== undefined && !byArch.has(arch)) byArch.set(arch, entry.digest);
  }
  if (byArch.size < 2) return [];
  const where = (digest: string) => codeSafe(context.repositoryUri === null ? digest : `${context.repositoryUri}@${digest}`);
  const list = [...byArch].map(([arch, digest]) => `${arch}: \`${where(digest)}\``).join('; ');
  return [
    `No function architecture was given, and the index holds a runnable image for each: ${list}. Deploy the one that matches the function's architecture (or pass \`--arch\`).`,
  ];
};

/**
 * Turns a verdict into the story a person needs, as data every renderer shares: a one-line
 * summary, the tree, why Lambda refuses it, what to deploy now, and fixes with the build tool the
 * evidence points at first. Deployable and skipped verdicts get a short story and no fixes.
 *
 * @example
 * const explanation = explain(classify(evidence), { repository: 'app', tag: 'v7', … });
 * explanation.fixes[0]?.tool; // 'github-actions' when the provenance names a GitHub Actions run
 */
export const explain = (verdict: Verdict, context: SubjectContext): Explanation => {
  const reference = referenceOf(verdict, context);
  const shape = shapeOf(verdict);
  const deployNow = deployNowOf(verdict, context);
  const strictOnly = verdict.verdict === 'quarantined' && !verdict.reasons.some((r) => r.severity === 'error');
  const matches = detectBuildTools(verdict, context);
  const matched = matches.map((m) => m.tool);

  const why: Paragraph[] = [];
  if (shape !== null) why.push(...indexParagraphs(shape));
  why.push(...reasonParagraphs(verdict.reasons));

  let fixes: Fix[] = [];
  if (verdict.verdict === 'quarantined') {
    const runnable = (verdict.index?.entries ?? []).filter((entry) => entry.role === 'runnable');
    const imageArchitecture =
      verdict.platform?.lambdaArchitecture ??
      runnable.map((entry) => entry.platform?.lambdaArchitecture ?? null).find((a) => a !== null) ??
      null;
    const remedy: RemedyContext = {
      repositoryUri: context.repositoryUri,
      tag: context.tag,
      architecture: buildArchitecture(verdict, context.architectures),
      imageArchitecture,
      childDigest: verdict.deployableChild?.digest ?? null,
      matched,
    };
    fixes = orderFixes(
      topicsOf(verdict).flatMap((topic) => remediesFor(topic, remedy)),
      matched,
    );
  }

  const imageUri =
    deployNow?.uriByTag ??
    deployNow?.uriByDigest ??
    (context.repositoryUri !== null && context.tag !== null ? `${context.repositoryUri}:${context.tag}` : null);
  const notes = [
    ...perArchitectureNotes(verdict, context),
    ...historyNotes(context),
    ...(verdict.verdict === 'quarantined' ? afterFixNotes(imageUri) : []),
    ...tagNotes(context.tagging),
  ];
  const recoveredFrom = context.history?.recoveredFrom ?? null;

  const subject: ExplainedSubject = {
    reference,
    repository: context.repository,
    tag: context.tag,
    digest: verdict.subject.digest,
    mediaType: verdict.subject.mediaType,
    kind: verdict.subject.kind,
    source: context.source,
    ...(context.account === undefined
      ? {}
      : {
          where: `${context.account.id}${context.account.alias === null ? '' : ` (${context.account.alias})`}${context.region === null ? '' : ` ${context.region}`}`,
        }),
  };

  return {
    verdict: verdict.verdict,
    summary: summaryOf(verdict, reference, shape, deployNow, strictOnly),
    tree: flattenTree(treeOf(verdict)),
    why,
    deployNow,
    fixes,
    builder: builderOf(verdict, matched[0] ?? null),
    findings: verdict.reasons.map((r) => ({ code: r.code, severity: r.severity, message: r.message, status: r.status })),
    subject,
    tagging: context.tagging,
    notes,
    matchedTool: matches[0] ?? null,
    ...(recoveredFrom === null ? {} : { recoveredFrom }),
  };
};
