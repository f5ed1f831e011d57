/**
 * The `audit` figure: the built CLI audits a local registry of 20 repositories × 100 tags (distinct
 * single images with distinct configs, none tagged by a guard) and we count tags per second and
 * the calls it made per tag against the fewest the data needs. Runs alone too:
 * `npm run bench:audit [-- --json]` (after `npm run build`: it runs the built CLI, dist/cli.mjs).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { image, imageConfig } from '../fixtures/oci-fixtures.js';
import { ensureRepository, localEcrClient, pushFixture } from '../fixtures/push-fixture.js';
import { useLocalCredentials } from '../local/guard-stack.js';
import { startLocalEndpoint } from '../local/server.js';
import { round } from './stats.js';

const BIN = fileURLToPath(new URL('../bin/ecr-lambda-guard.mjs', import.meta.url));

/** What the audit figure reports. */
export interface AuditFigure {
  readonly repositories: number;
  readonly tagsPerRepository: number;
  readonly tags: number;
  readonly seconds: number;
  readonly tagsPerSecond: number;
  /** Every request the audit sent (AWS API calls and blob downloads). */
  readonly calls: number;
  readonly callsByOperation: Readonly<Record<string, number>>;
  readonly callsPerTag: number;
  /**
   * The fewest the data needs: one DescribeRepositories page, per repository one DescribeImages page
   * (≤ 1,000 images) and one BatchGetImage (≤ 100 subjects), per image the config's download URL and
   * the config itself.
   */
  readonly minimumCalls: number;
  readonly minimumCallsPerTag: number;
  readonly exitCode: number;
}

export const measureAudit = async (
  options: { readonly repositories?: number; readonly tagsPerRepository?: number; readonly concurrency?: number } = {},
  progress: (line: string) => void = () => undefined,
): Promise<AuditFigure> => {
  const repositories = options.repositories ?? 20;
  const perRepository = options.tagsPerRepository ?? 100;
  useLocalCredentials();
  const endpoint = await startLocalEndpoint();
  try {
    const ecr = localEcrClient(endpoint, 3);
    progress(`audit: filling ${repositories} repositories × ${perRepository} tags`);
    for (let r = 0; r < repositories; r += 1) {
      const repository = `bench/audit-${String(r).padStart(2, '0')}`;
      await ensureRepository(ecr, repository);
      const pushes = Array.from({ length: perRepository }, (_, t) => {
        const config = imageConfig({ platform: 'linux/amd64', extra: { bench: `${r}-${t}` } });
        return { subject: image({ config }), blobs: [config], tag: `v${t}` };
      });
      // A few pushes at a time: the fill is not what is measured.
      for (let i = 0; i < pushes.length; i += 10) {
        await Promise.all(
          pushes
            .slice(i, i + 10)
            .map((push) =>
              pushFixture(
                ecr,
                { subject: push.subject, blobs: push.blobs },
                { repository, tag: push.tag, createRepository: false },
              ),
            ),
        );
      }
    }
    const mark = endpoint.calls.list().at(-1)?.seq ?? 0;
    progress('audit: running `ecr-lambda-guard audit --json`');
    const started = performance.now();
    const exitCode = await new Promise<number>((resolve) => {
      execFile(
        process.execPath,
        [
          BIN,
          'audit',
          '--json',
          '--repository',
          'bench/*',
          ...(options.concurrency === undefined ? [] : ['--concurrency', String(options.concurrency)]),
        ],
        {
          env: { ...process.env, AWS_ENDPOINT_URL: endpoint.url, AWS_REGION: endpoint.region },
          maxBuffer: 64 * 1024 * 1024,
          timeout: 600_000,
        },
        (error) => resolve(error === null ? 0 : typeof error.code === 'number' ? error.code : 1),
      );
    });
    const seconds = (performance.now() - started) / 1000;
    const calls = endpoint.calls.list({ since: mark });
    const callsByOperation: Record<string, number> = {};
    for (const call of calls) callsByOperation[call.name] = (callsByOperation[call.name] ?? 0) + 1;
    const tags = repositories * perRepository;
    const minimumCalls = 1 + repositories * (Math.ceil(perRepository / 1000) + Math.ceil(perRepository / 100)) + tags * 2;
    return {
      repositories,
      tagsPerRepository: perRepository,
      tags,
      seconds: round(seconds, 2),
      tagsPerSecond: round(tags / seconds, 1),
      calls: calls.length,
      callsByOperation,
      callsPerTag: round(calls.length / tags, 3),
      minimumCalls,
      minimumCallsPerTag: round(minimumCalls / tags, 3),
      exitCode,
    };
  } finally {
    await endpoint.close();
  }
};

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const figure = await measureAudit({}, (line) => process.stderr.write(`[bench] ${line}\n`));
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(figure, null, 2)}\n`);
  else {
    process.stdout.write(
      `audit: ${figure.tags} tags in ${figure.repositories} repositories in ${figure.seconds} s = ${figure.tagsPerSecond} tags/s; ` +
        `${figure.calls} calls = ${figure.callsPerTag} per tag (minimum ${figure.minimumCallsPerTag}); exit ${figure.exitCode}\n` +
        `${Object.entries(figure.callsByOperation)
          .map(([name, count]) => `  ${name} ${count}`)
          .join('\n')}\n`,
    );
  }
}
