import type * as kms from 'aws-cdk-lib/aws-kms';

/** The Slack incoming-webhook URL kept in a Secrets Manager secret (as the secret's plain string). */
export interface SecretsManagerWebhook {
  /**
   * The secret's name, or its complete ARN as the console shows it (ending in the random
   * six-character suffix). The function may read this one secret and nothing else.
   */
  readonly secretId: string;
  /**
   * The customer managed KMS key the secret is encrypted with, so the function may decrypt it.
   * @default - the secret uses the AWS managed key `aws/secretsmanager`, which needs no grant
   */
  readonly encryptionKey?: kms.IKey;
}

/** The Slack incoming-webhook URL kept in an SSM Parameter Store SecureString parameter. */
export interface SsmParameterWebhook {
  /** The parameter's name, e.g. `/ecr-lambda-guard/slack-webhook`. */
  readonly parameterName: string;
  /**
   * The customer managed KMS key the parameter is encrypted with, so the function may decrypt it.
   * @default - the parameter uses the AWS managed key `aws/ssm`, which needs no grant
   */
  readonly encryptionKey?: kms.IKey;
}

/** Where the guard finds the Slack incoming-webhook URL: never in a plain environment variable. */
export type SlackWebhookSecret = SecretsManagerWebhook | SsmParameterWebhook;

/**
 * A Slack channel that receives the topic's notifications through AWS Chatbot (Amazon Q Developer
 * in chat applications). The workspace must have been authorised once in the Chatbot console.
 */
export interface SlackChannel {
  /** The Slack workspace id (starts with `T`), shown in the Chatbot console after authorising it. */
  readonly workspaceId: string;
  /** The Slack channel id (starts with `C`); private channels must invite the AWS app first. */
  readonly channelId: string;
  /**
   * The name of the channel configuration in Chatbot, unique in the account.
   * @default - derived from the construct path
   */
  readonly configurationName?: string;
}
