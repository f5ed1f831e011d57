import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { seedCase } from '../../fixtures/oci-fixtures.js';
import { pushSeed } from '../../fixtures/push-fixture.js';
import { REPOSITORY, startGuard } from '../support/guard-harness.js';

// The webhook URL lives in Secrets Manager or in an SSM SecureString, never in the environment.
// SSM's client is a separate file of the Lambda asset, loaded only when a parameter is configured:
// this proves the built bundle finds and runs it.
describe('the Slack webhook URL read by name', () => {
  it.each([
    ['an SSM SecureString parameter (the on-demand reader file of the bundle)', 'ssm'],
    ['a Secrets Manager secret', 'secrets-manager'],
  ])('from %s: the quarantine reaches the webhook once', async (_name, kind) => {
    // Prepare
    const { guard, endpoint, ecr, close } = await startGuard({
      slack: kind === 'secrets-manager',
      env: kind === 'ssm' ? { GUARD_SLACK_WEBHOOK_PARAMETER: '/ecr-lambda-guard/slack-webhook' } : {},
    });
    try {
      if (kind === 'ssm') {
        const ssm = new SSMClient({ region: endpoint.region, endpoint: endpoint.url, maxAttempts: 1 });
        await ssm.send(
          new PutParameterCommand({
            Name: '/ecr-lambda-guard/slack-webhook',
            Type: 'SecureString',
            Value: endpoint.slackWebhookUrl('ssm-hook'),
          }),
        );
      }

      // Act
      await pushSeed(ecr, seedCase({ architecture: 'arm64' }), { repository: REPOSITORY, tag: 'v7' });
      await guard.stack.idle();

      // Assess
      const posts = endpoint.slack.list();
      expect(posts).toHaveLength(1);
      expect(posts[0]?.hookId).toBe(kind === 'ssm' ? 'ssm-hook' : 'platform-team');
      expect(posts[0]?.status).toBe(200);
      expect(JSON.stringify(posts[0]?.payload)).toContain('Quarantined');
      const calls = endpoint.calls.list().map((call) => call.name);
      expect(calls).toContain(kind === 'ssm' ? 'ssm:GetParameter' : 'secretsmanager:GetSecretValue');
    } finally {
      await close();
    }
  });
});
