import { CreateSecretCommand, GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LocalEndpoint, startLocalEndpoint } from '../../local/server.js';
import { rejectionOf, secretsClient, ssmClient } from './local-test-kit.js';

const WEBHOOK = 'https://hooks.slack.com/services/T000/B000/XXXX';

describe('Secrets Manager and SSM parameters', () => {
  let endpoint: LocalEndpoint;
  let secrets: SecretsManagerClient;
  let ssm: SSMClient;
  beforeEach(async () => {
    endpoint = await startLocalEndpoint();
    secrets = secretsClient(endpoint);
    ssm = ssmClient(endpoint);
  });
  afterEach(async () => {
    await endpoint.close();
  });

  it('stores a secret and reads it back by name, ARN and partial ARN', async () => {
    // Prepare
    const created = await secrets.send(new CreateSecretCommand({ Name: 'guard/slack-webhook', SecretString: WEBHOOK }));
    const arn = created.ARN ?? '';

    // Act
    const ids = ['guard/slack-webhook', arn, arn.slice(0, -7)];
    const values = await Promise.all(ids.map((SecretId) => secrets.send(new GetSecretValueCommand({ SecretId }))));

    // Assess
    expect(arn).toMatch(/^arn:aws:secretsmanager:us-east-1:123456789012:secret:guard\/slack-webhook-[A-Za-z0-9]{6}$/);
    for (const value of values) {
      expect(value).toMatchObject({
        ARN: arn,
        Name: 'guard/slack-webhook',
        SecretString: WEBHOOK,
        VersionStages: ['AWSCURRENT'],
      });
      expect(value.CreatedDate).toBeInstanceOf(Date);
    }
  });

  it.each([
    {
      name: 'an unknown secret',
      input: { SecretId: 'nope' },
      code: 'ResourceNotFoundException',
      message: "Secrets Manager can't find the specified secret.",
    },
    {
      name: 'an unknown version stage',
      input: { SecretId: 'guard/slack-webhook', VersionStage: 'AWSPREVIOUS' },
      code: 'ResourceNotFoundException',
      message: /staging label: AWSPREVIOUS/,
    },
  ])('answers $code for $name', async ({ input, code, message }) => {
    // Prepare
    await secrets.send(new CreateSecretCommand({ Name: 'guard/slack-webhook', SecretString: WEBHOOK }));

    // Act
    const error = await rejectionOf(secrets.send(new GetSecretValueCommand(input)));

    // Assess
    expect(error.name).toBe(code);
    expect(error.message).toMatch(message);
  });

  it('refuses a second secret with the same name, and one with both value kinds', async () => {
    // Prepare
    await secrets.send(new CreateSecretCommand({ Name: 'dup', SecretString: 'a' }));

    // Act
    const exists = await rejectionOf(secrets.send(new CreateSecretCommand({ Name: 'dup', SecretString: 'b' })));
    const both = await rejectionOf(
      secrets.send(new CreateSecretCommand({ Name: 'both', SecretString: 'a', SecretBinary: new Uint8Array([1]) })),
    );

    // Assess
    expect(exists.name).toBe('ResourceExistsException');
    expect(both.name).toBe('InvalidParameterException');
  });

  it('returns a binary secret as bytes', async () => {
    // Prepare
    await secrets.send(new CreateSecretCommand({ Name: 'binary', SecretBinary: new Uint8Array([1, 2, 250]) }));

    // Act
    const value = await secrets.send(new GetSecretValueCommand({ SecretId: 'binary' }));

    // Assess
    expect([...(value.SecretBinary ?? [])]).toEqual([1, 2, 250]);
    expect(value.SecretString).toBeUndefined();
  });

  it('keeps a SecureString encrypted unless WithDecryption is set', async () => {
    // Prepare
    await ssm.send(new PutParameterCommand({ Name: '/guard/slack-webhook', Value: WEBHOOK, Type: 'SecureString' }));

    // Act
    const encrypted = await ssm.send(new GetParameterCommand({ Name: '/guard/slack-webhook' }));
    const decrypted = await ssm.send(new GetParameterCommand({ Name: '/guard/slack-webhook', WithDecryption: true }));

    // Assess
    expect(encrypted.Parameter?.Value).not.toBe(WEBHOOK);
    expect(decrypted.Parameter).toMatchObject({
      Name: '/guard/slack-webhook',
      Type: 'SecureString',
      Value: WEBHOOK,
      Version: 1,
      ARN: 'arn:aws:ssm:us-east-1:123456789012:parameter/guard/slack-webhook',
      DataType: 'text',
    });
  });

  it('versions overwrites and refuses to overwrite without Overwrite', async () => {
    // Prepare
    await ssm.send(new PutParameterCommand({ Name: '/guard/x', Value: 'one', Type: 'String' }));

    // Act
    const refused = await rejectionOf(ssm.send(new PutParameterCommand({ Name: '/guard/x', Value: 'two', Type: 'String' })));
    const overwritten = await ssm.send(new PutParameterCommand({ Name: '/guard/x', Value: 'two', Overwrite: true }));
    const read = await ssm.send(new GetParameterCommand({ Name: '/guard/x' }));

    // Assess
    expect(refused.name).toBe('ParameterAlreadyExists');
    expect(overwritten.Version).toBe(2);
    expect(read.Parameter?.Value).toBe('two');
  });

  it.each([
    {
      name: 'an unknown parameter',
      run: (client: SSMClient) => client.send(new GetParameterCommand({ Name: '/nope' })),
      code: 'ParameterNotFound',
    },
    {
      name: 'a reserved prefix',
      run: (client: SSMClient) => client.send(new PutParameterCommand({ Name: '/aws/x', Value: 'v', Type: 'String' })),
      code: 'ValidationException',
    },
    {
      name: 'a new parameter without a type',
      run: (client: SSMClient) => client.send(new PutParameterCommand({ Name: '/guard/y', Value: 'v' })),
      code: 'ValidationException',
    },
    {
      name: 'a hierarchy without a leading slash',
      run: (client: SSMClient) => client.send(new PutParameterCommand({ Name: 'guard/y', Value: 'v', Type: 'String' })),
      code: 'ParameterPatternMismatchException',
    },
  ])('answers $code for $name', async ({ run, code }) => {
    // Act
    const error = await rejectionOf(run(ssm));

    // Assess
    expect(error.name).toBe(code);
  });
});
