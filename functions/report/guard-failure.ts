import type { EventOrigin } from '../core/integrity-alert.js';

/** The push the guard was handling when it failed; an ECR `PushEvent` fits as it is. */
export type FailureEvent = EventOrigin;

/** `123456789012 (payments) eu-west-1`: where a push happened, as notifications name it. */
export const accountAndRegion = (event: {
  readonly account: string;
  readonly region: string;
  readonly accountAlias?: string | null;
}): string =>
  `${event.account}${event.accountAlias === undefined || event.accountAlias === null ? '' : ` (${event.accountAlias})`} ${event.region}`;

/**
 * The guard could not check an image (access denied, repository or image gone, an outage that
 * outlived the retries): reported so that silence never passes for "deployable".
 */
export interface GuardFailure {
  /** The adapter's error code (`ACCESS_DENIED`, `REPOSITORY_NOT_FOUND`, `IMAGE_NOT_FOUND`, …). */
  readonly code: string;
  /** One sentence from the adapter; may quote AWS error text, so it is hostile until escaped. */
  readonly message: string;
  readonly event: FailureEvent;
}

/** What a person should know about a failure code: a headline and what to do. */
export interface FailureAdvice {
  readonly headline: string;
  readonly steps: readonly string[];
}

const ADVICE: Readonly<Record<string, FailureAdvice>> = {
  ACCESS_DENIED: {
    headline: 'access was denied',
    steps: [
      "Give the guard's role `ecr:BatchGetImage`, `ecr:GetDownloadUrlForLayer`, `ecr:DescribeRepositories` and `ecr:PutImage` on the repository.",
      "For a repository in another account or with a repository policy, allow the guard's role there too; for KMS-encrypted repositories, allow `kms:Decrypt` on the key.",
    ],
  },
  REPOSITORY_NOT_FOUND: {
    headline: 'the repository no longer exists',
    steps: ['The repository was deleted after the push. Nothing to do unless that was unexpected.'],
  },
  IMAGE_NOT_FOUND: {
    headline: 'the image no longer exists',
    steps: [
      'The image was deleted or its tag moved before the guard read it (a lifecycle policy, or a quick second push). Push again to have it checked.',
    ],
  },
  KMS: {
    headline: 'the repository key could not be used',
    steps: ["Allow the guard's role `kms:Decrypt` on the repository's KMS key, and check that the key is enabled."],
  },
  THROTTLED: {
    headline: 'ECR kept throttling the guard',
    steps: ['The event will be retried. If this repeats, raise the ECR API quotas or slow down bulk pushes.'],
  },
  UNAVAILABLE: {
    headline: 'an AWS service was unavailable',
    steps: ['The event will be retried; failed events land in the dead-letter queue for a replay.'],
  },
  TIMEOUT: {
    headline: 'a call timed out',
    steps: ['The event will be retried; failed events land in the dead-letter queue for a replay.'],
  },
  LIMIT_EXCEEDED: {
    headline: 'an ECR limit was reached',
    steps: ['Check the ECR service quotas (images per repository, tags per image).'],
  },
  INVALID_REQUEST: {
    headline: 'ECR refused the request',
    steps: ["Check the guard's logs for the event id below."],
  },
  CANNOT_ASSUME_ROLE: {
    headline: "cannot assume the guard's role in the member account",
    steps: [
      'Deploy the member template to this account and Region (the StackSet instance may still be rolling out), with the central account and organization id of this guard.',
      'The event is retried and then kept in the failure queue: replay it once the role exists and trusts the guard.',
    ],
  },
  ACCOUNT_MISMATCH: {
    headline: 'the credentials were for another account',
    steps: ['Nothing was read or tagged. Check the STS endpoint the guard uses and the account in the event.'],
  },
  CONFIG: {
    headline: 'the guard is misconfigured',
    steps: ["Check the guard's environment variables and the log line for the event id below."],
  },
};

const FALLBACK: FailureAdvice = {
  headline: 'an unexpected error occurred',
  steps: ["Check the guard's logs for the event id below."],
};

/** Advice for a failure code; unknown codes get a generic "see the logs". */
export const failureAdvice = (code: string): FailureAdvice =>
  // hasOwn: a code such as "constructor" must not reach Object.prototype.
  Object.hasOwn(ADVICE, code) ? (ADVICE[code] ?? FALLBACK) : FALLBACK;
