import { GetParameterCommand, SSMClient, type SSMClientConfig } from '@aws-sdk/client-ssm';
import { toGuardError } from './aws-error.js';

/**
 * Reads one (SecureString) parameter. Loaded on demand and bundled as its own file: SSM's client
 * is the largest in the SDK set the guard uses and only Slack-by-SSM setups need it.
 */
export const readSsmParameter = async (name: string, config: SSMClientConfig): Promise<string | undefined> => {
  try {
    const output = await new SSMClient(config).send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    return output.Parameter?.Value;
  } catch (error) {
    throw toGuardError(error, 'GetParameter');
  }
};
