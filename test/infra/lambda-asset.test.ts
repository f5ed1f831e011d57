import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssetManifest } from '../../infra/plain-template.js';
import { LAMBDA_BUNDLE_OPTIONS } from '../../scripts/bundle-options.js';
import { COMPOSER_FILE, SSM_READER_FILE, STS_FILE } from '../../scripts/lambda-build.js';
import { functionEnvironment, type SynthesisedGuard, synthGuard } from './synth-guard.js';

// The one test that bundles for real: the asset CloudFormation would deploy, loaded the way the
// Lambda runtime loads it (a real ESM import in a fresh Node process, not through vitest).
let outdir: string;
let guard: SynthesisedGuard;
let assetDir: string;
let handlerSetting: string;
let runtime: string;
beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'guard-asset-'));
  guard = synthGuard({}, { bundle: true, validate: false, outdir });
  const [fn] = Object.values(guard.template.findResources('AWS::Lambda::Function'));
  handlerSetting = fn?.Properties.Handler;
  runtime = fn?.Properties.Runtime;
  const s3Key: string = fn?.Properties.Code.S3Key;
  const manifest = JSON.parse(readFileSync(join(outdir, `${guard.stack.artifactId}.assets.json`), 'utf8')) as AssetManifest;
  const [file] = Object.values(manifest.files ?? {}).filter((candidate) =>
    Object.values(candidate.destinations).some((destination) => destination.objectKey === s3Key),
  );
  const path = file?.source.path;
  if (path === undefined) throw new Error(`no asset for ${s3Key}`);
  assetDir = isAbsolute(path) ? path : join(outdir, path);
});
afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
});

const handlerParts = (): { module: string; exportName: string } => {
  const dot = handlerSetting.lastIndexOf('.');
  return { module: handlerSetting.slice(0, dot), exportName: handlerSetting.slice(dot + 1) };
};

/** Imports the bundle as real ESM in a child Node process and calls the handler with `event`. */
const invokeBundle = (event: unknown): { exportType: string; outcome?: unknown; error?: string } => {
  const { module, exportName } = handlerParts();
  const topicRef = JSON.stringify(guard.ref(guard.stack.guard.topic.topicArn));
  const environment = Object.fromEntries(
    Object.entries(functionEnvironment(guard.template)).map(([name, value]) => [
      name,
      JSON.stringify(value) === topicRef ? 'arn:aws:sns:eu-west-1:123456789012:guard' : String(value),
    ]),
  );
  const script = `
    const [url, name, event] = process.argv.slice(1);
    const mod = await import(url);
    const handler = mod[name];
    const result = { exportType: typeof handler };
    if (typeof handler === 'function') {
      try { result.outcome = await handler(JSON.parse(event), { awsRequestId: 'test' }); }
      catch (error) { result.error = String(error); }
    }
    process.stdout.write('\\nRESULT ' + JSON.stringify(result) + '\\n');
  `;
  const child = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', script, pathToFileURL(join(assetDir, `${module}.mjs`)).href, exportName, JSON.stringify(event)],
    {
      encoding: 'utf8',
      timeout: 20_000,
      env: {
        PATH: process.env.PATH ?? '',
        ...environment,
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'AKIDTEST',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_EC2_METADATA_DISABLED: 'true',
        // Nothing may leave the machine: any SDK call would hit a closed loopback port.
        AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
    },
  );
  const line = child.stdout.split('\n').find((text) => text.startsWith('RESULT '));
  if (line === undefined) throw new Error(`the bundle did not load (exit ${child.status}):\n${child.stderr}`);
  return JSON.parse(line.slice('RESULT '.length));
};

describe('the synthesised Lambda asset', () => {
  it('holds the handler bundle named by the handler setting, its on-demand siblings, and their source maps', () => {
    const { module } = handlerParts();
    expect(readdirSync(assetDir).sort()).toStrictEqual(
      [
        `${module}.mjs`,
        `${module}.mjs.map`,
        SSM_READER_FILE,
        `${SSM_READER_FILE}.map`,
        COMPOSER_FILE,
        `${COMPOSER_FILE}.map`,
        STS_FILE,
        `${STS_FILE}.map`,
      ].sort(),
    );
    // The handler is byte for byte what the project build writes to dist/lambda, which the local tests run.
    expect(readFileSync(join(assetDir, `${module}.mjs`))).toStrictEqual(
      readFileSync(new URL(`../../dist/lambda/${module}.mjs`, import.meta.url)),
    );
    const code = readFileSync(join(assetDir, `${module}.mjs`), 'utf8');
    expect(code).toContain(`//# sourceMappingURL=${module}.mjs.map`);
    // `mainFields: module,main` keeps CommonJS require shims (which throw under real ESM) out.
    expect(code).not.toContain('Dynamic require of');
    expect(existsSync(join(assetDir, `${module}.js`))).toBe(false);
  });

  it('is built for the runtime it is deployed on', () => {
    expect(runtime).toBe('nodejs22.x');
    expect(`nodejs${LAMBDA_BUNDLE_OPTIONS.target.replace(/^node/, '')}.x`).toBe(runtime);
    // Source maps cost more than the guard's own code at every cold start (npm run bench): off unless asked for.
    expect(functionEnvironment(guard.template).NODE_OPTIONS).toBeUndefined();
  });

  it('imports as real ESM and exports the handler the template names, which answers an event offline', () => {
    // Act: a push event without its digest exercises config loading and event parsing, and
    // is answered without any AWS call.
    const result = invokeBundle({
      version: '0',
      id: '13cde686-328b-6117-af20-0e5566167482',
      'detail-type': 'ECR Image Action',
      source: 'aws.ecr',
      account: '123456789012',
      time: '2026-11-25T12:00:00Z',
      region: 'eu-west-1',
      resources: [],
      detail: { result: 'SUCCESS', 'repository-name': 'app', 'action-type': 'PUSH', 'image-tag': 'v1' },
    });
    // Assess
    expect(result.exportType).toBe('function');
    expect(result.error).toBeUndefined();
    expect(result.outcome).toMatchObject({ kind: 'malformed' });
  });
});
