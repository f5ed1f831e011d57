import type { ReasonCode, RuleStatus, Severity } from '../core/lambda-rules.js';
import type { TagOutcome } from '../core/tag-plan.js';
import type { SubjectKind, VerdictName } from '../core/verdict.js';
import type { TreeMark } from './tree.js';

export type { SubjectContext } from '../core/subject-context.js';
export type { TagOutcome } from '../core/tag-plan.js';

/** A build tool the guard has a remedy for. */
export type BuildTool =
  | 'docker-buildx'
  | 'compose-bake'
  | 'github-actions'
  | 'docker-engine-29'
  | 'cdk'
  | 'sam'
  | 'serverless'
  | 'terraform'
  | 'registry-copy';

/** One remedy for one tool. */
export interface Fix {
  readonly tool: BuildTool;
  /** "docker buildx build / docker build" */
  readonly title: string;
  /** Plain sentences, in order. */
  readonly steps: readonly string[];
  readonly snippet?: { readonly language: 'sh' | 'yaml' | 'hcl' | 'ts' | 'json'; readonly code: string };
  /** A trap people fall into with this tool (e.g. the singular env var, build-arg vs flag). */
  readonly caveat?: string;
  /** True when the provenance or repository name says this is the tool that built the image. */
  readonly matched: boolean;
}

/** A line of the manifest tree, flattened for renderers. */
export interface TreeLine {
  readonly depth: number;
  readonly mark: TreeMark;
  readonly label: string;
  readonly digest: string;
  readonly mediaType: string;
}

/** What can be deployed right now. */
export interface DeployNow {
  readonly digest: string;
  readonly platform: string | null;
  /** `…/repo@sha256:…`, when the repository URI is known. */
  readonly uriByDigest: string | null;
  /** `…/repo:v7-deployable`, when the guard wrote (or would write) that tag. */
  readonly uriByTag: string | null;
  readonly tag: string | null;
}

/** The builder named by the provenance attestation. */
export interface BuilderSummary {
  readonly ciRunUrl: string | null;
  readonly builderId: string | null;
  readonly buildType: string | null;
  readonly vcsSource: string | null;
  readonly vcsRevision: string | null;
  readonly dockerfile: string | null;
  /** `github-actions` when the run URL is a GitHub Actions run, else a tool guessed from context. */
  readonly tool: BuildTool | null;
  readonly mode: 'min' | 'max';
}

/** A titled paragraph of plain text. */
export interface Paragraph {
  readonly title: string;
  readonly body: string;
}

/** The subject as renderers name it. Strings are raw (hostile until escaped). */
export interface ExplainedSubject {
  /** `my-repo:v7`, `my-repo@sha256:0123456789ab`, the CLI source, or the short digest: what people call it. */
  readonly reference: string;
  readonly repository: string | null;
  readonly tag: string | null;
  readonly digest: string;
  readonly mediaType: string;
  readonly kind: SubjectKind;
  readonly source: string | null;
  /** `123456789012 (payments) eu-west-1` when the context names the account (organization mode). */
  readonly where?: string;
}

/** Why one build tool's fix is listed first. */
export interface ToolMatch {
  readonly tool: BuildTool;
  /** "the provenance names a GitHub Actions run", "the repository name is a CDK asset repository". */
  readonly because: string;
}

/**
 * The story a person needs, as data shared by every renderer (terminal, email, Slack, Chatbot):
 * what the tag really is, why Lambda refuses it, what to deploy now, and how to fix the build.
 */
export interface Explanation {
  readonly verdict: VerdictName;
  /** One line, no markup: "my-repo:v7 is an OCI image index (image + provenance attestation): Lambda will refuse it". */
  readonly summary: string;
  readonly tree: readonly TreeLine[];
  readonly why: readonly Paragraph[];
  readonly deployNow: DeployNow | null;
  /** Matching tool first. Empty when nothing needs fixing. */
  readonly fixes: readonly Fix[];
  readonly builder: BuilderSummary | null;
  readonly findings: readonly {
    readonly code: ReasonCode;
    readonly severity: Severity;
    readonly message: string;
    /** Whether AWS/OCI document the rule behind the code or it is inferred from practice. */
    readonly status: RuleStatus;
  }[];
  readonly subject: ExplainedSubject;
  /** Tags the guard wrote or would write, as the context reported them. */
  readonly tagging: readonly TagOutcome[];
  /** What to do after the fix (redeploy functions stuck in `InvalidImage`, tag-to-digest resolution). Our prose; may hold `code`. */
  readonly notes: readonly string[];
  /** Why the first fix is first; `null` when nothing pointed at a tool. */
  readonly matchedTool: ToolMatch | null;
  /** For a deployable push of a tag that was quarantined: the earlier image it supersedes ("deployable again"). */
  readonly recoveredFrom?: string;
}
