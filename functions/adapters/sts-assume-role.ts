import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';

/** What the credential cache needs from one AssumeRole answer. */
export interface AssumedRole {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
  /** `arn:aws:sts::<account>:assumed-role/<role>/<session>`: the account the credentials act in. */
  readonly assumedRoleArn: string;
}

/** Client settings, as the composition root builds them for every other client. */
export interface StsSettings {
  readonly region: string;
  readonly maxAttempts: number;
  readonly requestTimeoutMs: number;
  readonly endpoint?: string;
}

export type AssumeRole = (roleArn: string, sessionName: string) => Promise<AssumedRole>;

/**
 * The STS client behind organization mode, a sibling file of the bundle loaded on the first event
 * from a member account: single-account guards never load it. SDK errors are thrown as they are;
 * the caller maps them (this file must not carry a second copy of the guard's error class).
 */
export const createAssumeRole = (settings: StsSettings): AssumeRole => {
  const client = new STSClient({
    region: settings.region,
    retryMode: 'adaptive',
    maxAttempts: settings.maxAttempts,
    requestHandler: { requestTimeout: settings.requestTimeoutMs, throwOnRequestTimeout: true },
    ...(settings.endpoint === undefined ? {} : { endpoint: settings.endpoint }),
  });
  return async (roleArn, sessionName) => {
    const answer = await client.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName }));
    const credentials = answer.Credentials;
    if (
      credentials?.AccessKeyId === undefined ||
      credentials.SecretAccessKey === undefined ||
      credentials.SessionToken === undefined ||
      credentials.Expiration === undefined ||
      answer.AssumedRoleUser?.Arn === undefined
    ) {
      throw new Error('AssumeRole answered without credentials');
    }
    return {
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      sessionToken: credentials.SessionToken,
      expiration: credentials.Expiration,
      assumedRoleArn: answer.AssumedRoleUser.Arn,
    };
  };
};
