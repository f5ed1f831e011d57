import type { GuardTagKind } from './guard-tag-state.js';
import type { LambdaArchitecture } from './platform.js';
import type { VerdictName } from './verdict.js';

/** The stable code of the integrity alert: SNS `reasons` attribute, machine JSON, logs. */
export const FOREIGN_GUARD_TAG = 'FOREIGN_GUARD_TAG';

/**
 * A guard tag (`{tag}-deployable`, `{tag}-quarantined`) that names an image which, judged by its own
 * digest, does not earn it. The guard never writes such a tag, so someone else did: the promise the
 * tag makes is false. Data only; the report layer renders it.
 */
export interface IntegrityAlert {
  readonly code: typeof FOREIGN_GUARD_TAG;
  /** The guard tag, as pushed. */
  readonly tag: string;
  readonly kind: GuardTagKind;
  readonly architecture: LambdaArchitecture | null;
  /** The image the tag names, and what the guard finds when it judges that image by digest. */
  readonly digest: string;
  readonly verdict: VerdictName;
  readonly reasons: readonly { readonly code: string; readonly message: string }[];
  /** Where the guard tag was pushed. */
  readonly event: EventOrigin;
}

/** The push a notification is about, as notifications name it; an ECR `PushEvent` fits as it is. */
export interface EventOrigin {
  readonly eventId: string;
  readonly account: string;
  readonly region: string;
  readonly time: string;
  readonly repository: string;
  readonly digest: string;
  readonly tag: string | null;
  /** The account's alias (organization mode), when the guard knows one. */
  readonly accountAlias?: string | null;
}
