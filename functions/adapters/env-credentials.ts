import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * The credential chain of the Lambda bundle, which the build aliases in place of
 * `@aws-sdk/credential-provider-node`: Lambda (and the local stack) always hand the function its
 * role's credentials in `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`, so the
 * SSO, INI, process and web-identity providers (and the STS/SSO clients they embed, about 85 KB
 * minified) are dead weight on every cold start. The CLI keeps the full default chain.
 */
export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);

/** Environment credentials are never refreshed by the SDK. */
export const credentialsWillNeedRefresh = (): boolean => false;

/** Environment credentials are never treated as expired by the SDK. */
export const credentialsTreatedAsExpired = (): boolean => false;
