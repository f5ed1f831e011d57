import { describe, expect, it } from 'vitest';
import {
  SETTINGS,
  type SettingKey,
  type SettingsInput,
  settingsEnvironment,
  settingsFromEnvironment,
  topicArnProblem,
  validateSettings,
} from '../../functions/config/settings.js';

const refused = (input: SettingsInput, naming: 'prop' | 'env'): string => {
  const result = validateSettings(input, naming);
  if (result.ok) throw new Error(`accepted ${JSON.stringify(input)}`);
  return result.message;
};

const accepted = (input: SettingsInput, naming: 'prop' | 'env' = 'prop') => {
  const result = validateSettings(input, naming);
  if (!result.ok) throw new Error(result.message);
  return result.settings;
};

// Each bad value as the construct's prop and as the variable's text: both are refused, naming the setting.
const BAD: readonly { key: SettingKey; prop: unknown; env: string; problem: RegExp }[] = [
  { key: 'targetArchitectures', prop: ['mips'], env: 'mips', problem: /"mips" is not x86_64 or arm64/ },
  { key: 'targetArchitectures', prop: ['arm64', 's390x'], env: 'arm64,s390x', problem: /"s390x"/ },
  { key: 'targetArchitectures', prop: [], env: ',', problem: /at least one architecture/ },
  { key: 'targetArchitectures', prop: ['', ' '], env: ' , ', problem: /at least one/ },
  { key: 'quarantineTagTemplate', prop: 'quarantined', env: 'quarantined', problem: /must start with \{tag\}/ },
  { key: 'quarantineTagTemplate', prop: '{tag}', env: '{tag}', problem: /followed by a suffix/ },
  { key: 'deployableTagTemplate', prop: '{tag}-ok!', env: '{tag}-ok!', problem: /followed by a suffix/ },
  { key: 'deployableTagTemplate', prop: 42, env: `{tag}-${'x'.repeat(41)}`, problem: /tag template|longer than 40/ },
  { key: 'writeTags', prop: 'maybe', env: 'maybe', problem: /must be true or false, found "maybe"/ },
  { key: 'notifyOnDeployable', prop: 1, env: '2', problem: /must be true or false/ },
  { key: 'strict', prop: null, env: 'strict', problem: /must be true or false/ },
  { key: 'checkUntagged', prop: [], env: 'tru', problem: /must be true or false/ },
  { key: 'includeRepositories', prop: ['Team-A/*'], env: 'Team-A/*', problem: /"Team-A\/\*" is not a repository name/ },
  { key: 'includeRepositories', prop: ['team-a/**'], env: 'team-a/**', problem: /consecutive "\*"/ },
  { key: 'includeRepositories', prop: [7], env: 'has space', problem: /list of strings|not a repository name/ },
  { key: 'excludeRepositories', prop: ['x'.repeat(257)], env: 'a,b c', problem: /not a repository name/ },
  { key: 'provenanceMaxBytes', prop: -1, env: '-1', problem: /integer from 0 to 16777216, found -1|found "-1"/ },
  { key: 'provenanceMaxBytes', prop: 16 * 1024 * 1024 + 1, env: '16777217', problem: /from 0 to 16777216/ },
  { key: 'provenanceMaxBytes', prop: 1.5, env: 'lots', problem: /must be an integer/ },
  { key: 'metricsNamespace', prop: 'AWS/Lambda', env: 'AWS/Lambda', problem: /not starting with ":" or "AWS\/"/ },
  { key: 'metricsNamespace', prop: '', env: ':Guard', problem: /1 to 255 printable ASCII/ },
  { key: 'metricsNamespace', prop: 'x'.repeat(256), env: 'Gu\u0007ard', problem: /1 to 255 printable ASCII/ },
  { key: 'metricsNamespace', prop: 'Gärd', env: 'Gärd', problem: /printable ASCII/ },
];

describe('one settings validator for the construct and the function', () => {
  it.each(BAD)('refuses $key = $prop (prop) / "$env" (variable), naming the setting', ({ key, prop, env, problem }) => {
    const asProp = refused({ [key]: prop }, 'prop');
    expect(asProp.startsWith(`${SETTINGS[key].prop}: `)).toBe(true);
    expect(asProp).toMatch(problem);
    const asEnv = refused(settingsFromEnvironment({ [SETTINGS[key].env]: env }), 'env');
    expect(asEnv.startsWith(`${SETTINGS[key].env}: `)).toBe(true);
    expect(asEnv).toMatch(problem);
  });

  it('refuses templates that give the same suffix, naming both', () => {
    const same = { quarantineTagTemplate: '{tag}-x', deployableTagTemplate: '{tag}-x' };
    expect(refused(same, 'prop')).toBe('quarantineTagTemplate and deployableTagTemplate must differ');
    expect(refused(same, 'env')).toBe('GUARD_QUARANTINE_TAG_TEMPLATE and GUARD_DEPLOYABLE_TAG_TEMPLATE must differ');
  });

  it.each([
    { given: ['amd64'], expected: ['x86_64'] },
    { given: ['aarch64', 'ARM64', 'x86_64'], expected: ['arm64', 'x86_64'] },
    { given: 'x86_64, arm64 ,x86_64', expected: ['x86_64', 'arm64'] },
  ])('reads architectures $given as $expected, whether prop or variable', ({ given, expected }) => {
    expect(accepted({ targetArchitectures: given }).targetArchitectures).toStrictEqual(expected);
    const text = Array.isArray(given) ? given.join(',') : given;
    expect(accepted(settingsFromEnvironment({ GUARD_TARGET_ARCHITECTURES: text }), 'env').targetArchitectures).toStrictEqual(
      expected,
    );
  });

  it.each([
    { text: 'TRUE', expected: true },
    { text: ' yes ', expected: true },
    { text: 'on', expected: true },
    { text: '1', expected: true },
    { text: 'Off', expected: false },
    { text: '0', expected: false },
    { text: 'no', expected: false },
  ])('reads the flag text "$text" as $expected', ({ text, expected }) => {
    expect(accepted(settingsFromEnvironment({ GUARD_STRICT: text }), 'env').strict).toBe(expected);
  });

  it('applies every default when nothing is set, and an empty variable counts as unset', () => {
    const defaults = accepted({});
    for (const key of Object.keys(SETTINGS) as SettingKey[]) expect(defaults[key]).toStrictEqual(SETTINGS[key].default);
    const blank = Object.fromEntries(Object.values(SETTINGS).map((row) => [row.env, '  ']));
    expect(accepted(settingsFromEnvironment(blank), 'env')).toStrictEqual(defaults);
    expect(defaults.quarantineTagTemplate.text).toBe('{tag}-quarantined');
    expect(defaults.deployableTagTemplate.text).toBe('{tag}-deployable');
    expect(defaults.provenanceMaxBytes).toBe(1024 * 1024);
  });

  it.each([
    { namespace: 'x'.repeat(255), ok: true },
    { namespace: 'A', ok: true },
    { namespace: ' Platform/Guard ', ok: true },
    { namespace: 'AWS', ok: true },
    { namespace: 'aws/lower', ok: true },
    { namespace: 'a:b', ok: true },
    { namespace: '~', ok: true },
    { namespace: ' ', ok: false },
    { namespace: 'Gu\u007fard', ok: false },
  ])('metrics namespace "$namespace" accepted: $ok', ({ namespace, ok }) => {
    expect(validateSettings({ metricsNamespace: namespace }, 'prop').ok).toBe(ok);
  });

  it.each([
    { value: 16 * 1024 * 1024, ok: true },
    { value: 0, ok: true },
    { value: ' 42 ', ok: true },
    { value: ' ', ok: false },
    { value: '', ok: false },
    { value: true, ok: false },
  ])('provenanceMaxBytes $value accepted: $ok', ({ value, ok }) => {
    expect(validateSettings({ provenanceMaxBytes: value }, 'prop').ok).toBe(ok);
  });

  it('refuses a namespace that is not a string', () => {
    expect(refused({ metricsNamespace: 42 }, 'prop')).toMatch(/^metricsNamespace: must be 1 to 255/);
  });

  it('watches every repository when the include list is empty, as the EventBridge rule does', () => {
    expect(accepted({ includeRepositories: [] }).includeRepositories).toStrictEqual(['*']);
    expect(accepted({ includeRepositories: [' api ', ''] }).includeRepositories).toStrictEqual(['api']);
  });

  it('writes an environment the function reads back to the same settings', () => {
    const settings = accepted({
      targetArchitectures: ['arm64'],
      quarantineTagTemplate: '{tag}-{arch}-blocked',
      deployableTagTemplate: '{tag}-ok',
      writeTags: false,
      notifyOnDeployable: true,
      strict: true,
      checkUntagged: true,
      includeRepositories: ['team-a/*', 'api'],
      excludeRepositories: ['team-a/sandbox-*'],
      provenanceMaxBytes: 0,
      metricsNamespace: 'Platform/Guard',
    });
    const env = settingsEnvironment(settings);
    expect(Object.keys(env).sort()).toStrictEqual(
      Object.values(SETTINGS)
        .map((row) => row.env)
        .sort(),
    );
    expect(accepted(settingsFromEnvironment(env), 'env')).toStrictEqual(settings);
  });

  it.each([
    { arn: 'arn:aws:sns:eu-west-1:123456789012:guard', problem: undefined },
    { arn: 'arn:aws-cn:sns:cn-north-1:123456789012:guard_2', problem: undefined },
    { arn: 'arn:aws:sns:eu-west-1:123456789012:guard.fifo', problem: /FIFO/ },
    { arn: 'arn:aws:sqs:eu-west-1:123456789012:guard', problem: /must be an SNS topic ARN/ },
    { arn: 'arn:aws:sns:eu-west-1:1234:guard', problem: /must be an SNS topic ARN/ },
    { arn: '', problem: /must be an SNS topic ARN, found ""/ },
  ])('topic $arn: $problem', ({ arn, problem }) => {
    const found = topicArnProblem(arn);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toMatch(problem);
  });
});
