import type { IndexFacts, Verdict } from '../core/verdict.js';
import type { SubjectContext, ToolMatch } from './explanation.js';

// `cdk bootstrap` names its asset repository `cdk-<qualifier>-container-assets-<account>-<region>`.
const CDK_ASSETS = /(?:^|\/)cdk-[a-z0-9]+-container-assets-/u;
// The Serverless Framework creates `serverless-<service>-<stage>` repositories for `provider.ecr.images`.
const SERVERLESS = /(?:^|\/)serverless-/u;

const countRoles = (index: IndexFacts): { images: number; attestations: number } => ({
  images: index.entries.filter((entry) => entry.role === 'runnable' || entry.role === 'image').length,
  attestations: index.entries.filter((entry) => entry.role === 'attestation').length,
});

/**
 * The build tools the evidence points at, strongest first: the provenance's builder (a GitHub
 * Actions run URL means docker/build-push-action, the only common builder that records one), then
 * the repository name (CDK and Serverless name their repositories), then the shape Docker Engine 29
 * pushes by default (one platform plus an attestation, and no builder id). Empty when nothing points anywhere.
 */
export const detectBuildTools = (verdict: Verdict, context: SubjectContext): ToolMatch[] => {
  const matches: ToolMatch[] = [];
  const add = (match: ToolMatch) => {
    if (!matches.some((existing) => existing.tool === match.tool)) matches.push(match);
  };
  const provenance = verdict.provenance;
  if (provenance?.ciProvider === 'github-actions') {
    add({ tool: 'github-actions', because: 'the provenance attestation names a GitHub Actions run' });
  } else if (provenance?.ciProvider === 'gitlab-ci') {
    add({ tool: 'docker-buildx', because: 'the provenance attestation names a GitLab CI job running docker buildx' });
  }
  const repository = context.repository ?? '';
  if (CDK_ASSETS.test(repository)) {
    add({ tool: 'cdk', because: 'the repository is an AWS CDK bootstrap asset repository' });
  } else if (SERVERLESS.test(repository)) {
    add({ tool: 'serverless', because: 'the repository name is the one the Serverless Framework creates' });
  }
  if (verdict.index !== null) {
    const roles = countRoles(verdict.index);
    const noBuilderId = provenance === null || provenance.builderId === null;
    if (roles.images === 1 && roles.attestations > 0 && noBuilderId && matches.length === 0) {
      add({
        tool: 'docker-engine-29',
        because:
          'one platform plus an attestation and no builder id is what docker build + docker push on Docker Engine 29 produce',
      });
      add({ tool: 'docker-buildx', because: 'the same shape comes from docker buildx build --push' });
    }
  }
  return matches;
};
