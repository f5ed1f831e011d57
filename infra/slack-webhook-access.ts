import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ENV } from '../functions/config/env-names.js';
import { GuardConfigError } from './guard-config-error.js';
import type { SlackWebhookSecret } from './slack-options.js';

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
const PARAMETER_NAME = /^\/?[A-Za-z0-9_.\-/]{1,2048}$/;

/**
 * Lets the role read the one secret or parameter holding the Slack webhook URL (and decrypt it
 * with its customer managed key, if any), and returns the variable that names it for the function.
 */
export const grantSlackWebhookRead = (role: iam.IRole, webhook: SlackWebhookSecret | undefined): Record<string, string> => {
  if (webhook === undefined) return {};
  const stack = Stack.of(role);
  webhook.encryptionKey?.grantDecrypt(role);
  if ('secretId' in webhook) {
    const secretId = webhook.secretId.trim();
    const isArn = secretId.startsWith('arn:');
    if (secretId === '' || (isArn && !SECRET_ARN.test(secretId))) {
      throw new GuardConfigError(`slackWebhook.secretId "${secretId}" is neither a secret name nor a Secrets Manager secret ARN`);
    }
    const secretArn = isArn
      ? secretId
      : // Secrets Manager appends a random six-character suffix to every secret's ARN.
        stack.formatArn({
          service: 'secretsmanager',
          resource: 'secret',
          resourceName: `${secretId}-??????`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadSlackWebhookSecret',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [secretArn],
      }),
    );
    return { [ENV.SLACK_WEBHOOK_SECRET_ID]: secretId };
  }
  const parameterName = webhook.parameterName.trim();
  if (!PARAMETER_NAME.test(parameterName)) {
    throw new GuardConfigError(`slackWebhook.parameterName "${parameterName}" is not an SSM parameter name`);
  }
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'ReadSlackWebhookParameter',
      actions: ['ssm:GetParameter'],
      resources: [stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: parameterName.replace(/^\//, '') })],
    }),
  );
  return { [ENV.SLACK_WEBHOOK_PARAMETER]: parameterName };
};
