/**
 * The ECR actions the guard calls, one list for the single-account role and the member role, so
 * the two cannot drift apart: BatchGetImage (manifests and tag probes), GetDownloadUrlForLayer
 * (config and provenance blobs), DescribeRepositories (tag mutability), DescribeImages (push times:
 * a recovery to confirm, a stale tag to date; the sweep's listing) and PutImage (its tags).
 */
export const GUARD_ECR_READ_ACTIONS = [
  'ecr:BatchGetImage',
  'ecr:DescribeImages',
  'ecr:DescribeRepositories',
  'ecr:GetDownloadUrlForLayer',
] as const;

/** Writing tags: the exact manifest bytes put under a new tag. */
export const GUARD_ECR_WRITE_ACTIONS = ['ecr:PutImage'] as const;
