import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { GuardConfigError } from '../../infra/guard-config-error.js';
import { GuardStack } from '../../infra/guard-stack.js';
import { type AssetManifest, type PlainTemplate, type Template, toPlainTemplate } from '../../infra/plain-template.js';

let original: Template;
let manifest: AssetManifest;
let plain: PlainTemplate;
let functionId: string;
beforeAll(() => {
  // Synthesised the way the CDK CLI does it: path and asset metadata on, version reporting on.
  const app = new App({
    builtinCloudFormationValidation: false,
    context: {
      'aws:cdk:bundling-stacks': [],
      'aws:cdk:enable-path-metadata': true,
      'aws:cdk:enable-asset-metadata': true,
      'aws:cdk:version-reporting': true,
    },
  });
  const stack = new GuardStack(app, 'Guard', { analyticsReporting: true });
  const assembly = app.synth();
  const artifact = assembly.getStackArtifact(stack.artifactId);
  original = artifact.template;
  manifest = JSON.parse(readFileSync(join(assembly.directory, `${stack.artifactId}.assets.json`), 'utf8')) as AssetManifest;
  const [found] = Object.entries(resources(original)).filter(([, resource]) => resource.Type === 'AWS::Lambda::Function');
  if (found === undefined) throw new Error('no function');
  functionId = found[0];
  plain = toPlainTemplate(original, manifest);
});

const resources = (template: Template): Record<string, Record<string, unknown>> =>
  template.Resources as Record<string, Record<string, unknown>>;

describe('toPlainTemplate', () => {
  it('starts from a template with the CDK-only parts in it (so the test means something)', () => {
    expect(Object.keys(original)).toEqual(expect.arrayContaining(['Parameters', 'Rules', 'Conditions']));
    expect(resources(original).CDKMetadata).toBeDefined();
    expect(JSON.stringify(original)).toContain('cdk-hnb659fds-assets');
  });

  it('drops the bootstrap version check and CDK metadata, and nothing else of the stack', () => {
    expect(plain.template.Parameters).toBeUndefined();
    expect(plain.template.Rules).toBeUndefined();
    expect(plain.template.Conditions).toBeUndefined();
    expect(Object.keys(resources(plain.template)).sort()).toStrictEqual(
      Object.keys(resources(original))
        .filter((id) => id !== 'CDKMetadata')
        .sort(),
    );
    expect(plain.template.Outputs).toStrictEqual(original.Outputs);
    expect(plain.template.Description).toBe(original.Description);
    expect(JSON.stringify(plain.template)).not.toMatch(/cdk-hnb659fds|aws:cdk:|aws:asset:/);
  });

  it('points the function at a local folder that `aws cloudformation package` uploads', () => {
    const fn = resources(plain.template)[functionId] as { Properties: Record<string, unknown> };
    expect(fn.Properties.Code).toBe(`assets/${functionId}`);
    const [asset] = Object.values(manifest.files ?? {}).filter((file) => file.source.packaging === 'zip');
    expect(plain.assets).toStrictEqual([{ from: asset?.source.path, to: `assets/${functionId}` }]);
    const { Code: _plainCode, ...plainRest } = fn.Properties;
    const { Code: _code, ...originalRest } = (resources(original)[functionId] as { Properties: Record<string, unknown> })
      .Properties;
    expect(plainRest).toStrictEqual(originalRest);
  });

  it('refuses a function whose code is not an asset of the manifest', () => {
    expect(() => toPlainTemplate(original, { files: {} })).toThrow(GuardConfigError);
  });
});
