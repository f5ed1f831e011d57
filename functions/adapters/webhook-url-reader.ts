import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GuardError } from '../app/guard-error.js';
import type { SlackWebhookSource } from '../config/load-config.js';
import { toGuardError } from './aws-error.js';

/**
 * Reads the Slack webhook URL from Secrets Manager or SSM (never from a plain environment
 * variable). A secret may hold the bare URL or JSON with a `url` / `webhookUrl` field.
 */
export const createWebhookUrlReader = (
  source: SlackWebhookSource,
  clients: {
    readonly secretsManager: () => SecretsManagerClient;
    /** Client settings for SSM, whose client is loaded only when a parameter is configured. */
    readonly ssm: { readonly region: string; readonly endpoint?: string; readonly maxAttempts: number };
  },
): (() => Promise<string>) => {
  let cached: Promise<string> | undefined;
  const read = async (): Promise<string> => {
    let raw: string | undefined;
    try {
      if (source.kind === 'secrets-manager') {
        raw = (await clients.secretsManager().send(new GetSecretValueCommand({ SecretId: source.secretId }))).SecretString;
      } else {
        const { readSsmParameter } = await import('./ssm-parameter-reader.js');
        raw = await readSsmParameter(source.parameterName, { ...clients.ssm, retryMode: 'adaptive' });
      }
    } catch (error) {
      throw toGuardError(error, source.kind === 'secrets-manager' ? 'GetSecretValue' : 'GetParameter');
    }
    const text = raw?.trim() ?? '';
    let url = text;
    if (text.startsWith('{')) {
      try {
        const json = JSON.parse(text) as Record<string, unknown>;
        const value = json.url ?? json.webhookUrl ?? json.webhook_url;
        url = typeof value === 'string' ? value : '';
      } catch {
        url = '';
      }
    }
    if (!/^https?:\/\/\S+$/.test(url)) {
      throw new GuardError('CONFIG', 'the Slack webhook secret does not hold an http(s) URL', false);
    }
    return url;
  };
  return () => {
    // Cached per cold start; a failed read is retried on the next event.
    cached ??= read().catch((error: unknown) => {
      cached = undefined;
      throw error;
    });
    return cached;
  };
};
