import type { TagHistory } from './guard-tag-state.js';
import type { LambdaArchitecture } from './platform.js';
import type { TagOutcome } from './tag-plan.js';

/**
 * Where the subject lives and what the guard did about it. Everything here except the numbers
 * may come from the registry or an event, so renderers treat every string as hostile.
 */
export interface SubjectContext {
  readonly repository: string | null;
  /** The tag that was pushed, or `null` for a push by digest / a local file. */
  readonly tag: string | null;
  /** `123456789012.dkr.ecr.us-east-1.amazonaws.com/my-repo`, when known. */
  readonly repositoryUri: string | null;
  readonly region: string | null;
  /**
   * The account the image lives in, named in the notification (organization mode, where one guard
   * serves many accounts); absent when it goes without saying.
   */
  readonly account?: { readonly id: string; readonly alias: string | null };
  /** The function architectures the verdict was judged against (empty: any). */
  readonly architectures: readonly LambdaArchitecture[];
  /** Where the subject was read from, for the CLI (`oci-layout:./build`, `ecr:my-repo:v7`). */
  readonly source: string | null;
  /** Tags the guard wrote (or would write) and what happened. */
  readonly tagging: readonly TagOutcome[];
  /** What the guard's own tags said before this push (stale deployable tags, a recovery); guard only. */
  readonly history?: TagHistory;
}
