import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { mapsIn, symbolicate } from '../../scripts/symbolicate.js';

const LAMBDA_DIR = fileURLToPath(new URL('../../dist/lambda/', import.meta.url));

describe('npm run symbolicate', () => {
  it('maps a stack trace thrown inside the minified bundle back to the guard sources', () => {
    // Prepare: the bundle, loaded without --enable-source-maps as the function runs by default,
    // throws the configuration error of a missing topic.
    const child = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(`${LAMBDA_DIR}on-ecr-push.mjs`)}); try { m.createHandler({}); } catch (e) { console.log(e.stack); }`,
      ],
      { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
    );
    const trace = child.stdout;
    expect(trace).toMatch(/on-ecr-push\.mjs:\d+:\d+/);

    // Act
    const mapped = symbolicate(trace, mapsIn(LAMBDA_DIR));

    // Assess
    expect(mapped).toContain('GUARD_TOPIC_ARN');
    expect(mapped).toMatch(/functions\/config\/load-config\.ts:\d+:\d+/);
    expect(mapped).toMatch(/functions\/on-ecr-push\.lambda\.ts:\d+:\d+/);
    expect(mapped).not.toMatch(/on-ecr-push\.mjs:\d+:\d+/);
  });

  it('leaves positions it has no map for as they are', () => {
    // Act
    const mapped = symbolicate('    at x (file:///var/task/unknown.mjs:1:2)', mapsIn(LAMBDA_DIR));

    // Assess
    expect(mapped).toBe('    at x (file:///var/task/unknown.mjs:1:2)');
  });
});
