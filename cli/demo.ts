import { fileURLToPath } from 'node:url';
import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { openLocalSource } from '../functions/adapters/open-local-source.js';
import { pushToEcr } from '../local/ecr-push.js';
import { startGuardStack } from '../local/guard-stack.js';
import { displayedMrkdwn, slackPreview } from './slack-preview.js';

const REPOSITORY = 'orders-service';

// dist/cli.mjs and cli/demo.ts both sit one level below the package root.
const examplesDir = (): string => fileURLToPath(new URL('../examples/', import.meta.url));

const rule = (title: string): string => `\n${'━'.repeat(3)} ${title} ${'━'.repeat(Math.max(3, 76 - title.length))}\n`;
const indent = (text: string, by = '  '): string =>
  text
    .split('\n')
    .map((line) => (line === '' ? line : `${by}${line}`))
    .join('\n');

/** Keeps the first two fixes of an email; the demo shows the shape, `inspect` shows everything. */
const abridgeFixes = (body: string): string => {
  const lines = body.split('\n');
  const third = lines.findIndex((line) => /^ {2}3\. /.test(line));
  const after = lines.findIndex((line, i) => i > third && /^\S/.test(line));
  if (third === -1 || after === -1) return body;
  const fixes = lines
    .slice(third, after)
    .filter((line) => /^ {2}\d+\. /.test(line))
    .map((line) => line.trim().replace(/^\d+\. /, ''));
  return [
    ...lines.slice(0, third),
    `  … and ${fixes.length} more fixes in the delivered email:`,
    ...fixes.map((fix) => `     - ${fix}`),
    '',
    ...lines.slice(after),
  ].join('\n');
};

interface CheckedLine {
  readonly message: string;
  readonly tag?: string | null;
  readonly verdict?: string;
  readonly reasons?: readonly string[];
  readonly skip?: string;
  readonly tags?: readonly { tag: string; outcome: string }[];
}

/**
 * `ecr-lambda-guard demo`: the seed story on a local stack, no AWS account needed. Pushes v7
 * (a linux/arm64 image wrapped in an index with a provenance attestation) and v8 (the same image
 * built with provenance off), lets the deployed guard bundle handle every event, and prints what a
 * team would see.
 */
export const runDemo = async (_args: string[]): Promise<number> => {
  const guard = await startGuardStack({ env: { GUARD_TARGET_ARCHITECTURES: 'arm64' }, runtime: { retryDelaysMs: [50, 100] } });
  const { stack } = guard;
  const out = (text: string) => process.stdout.write(text);
  try {
    out(`Local ECR + SNS endpoint on ${stack.endpoint.url}; the guard (dist/lambda/on-ecr-push.mjs) runs behind an\n`);
    out(`EventBridge-style rule that drops its own tags. Function architecture: arm64.\n`);
    const ecr = new ECRClient({ region: stack.endpoint.region, endpoint: stack.endpoint.url, maxAttempts: 1 });
    const stories = [
      { tag: 'v7', dir: 'seed-v7', story: 'built with BuildKit defaults: provenance attestation on' },
      { tag: 'v8', dir: 'seed-v8', story: 'the same image built with --provenance=false' },
    ];
    for (const { tag, dir, story } of stories) {
      const logsBefore = guard.logs.length;
      const deliveriesBefore = stack.endpoint.deliveries.list().length;
      const slackBefore = stack.endpoint.slack.list().length;
      const invocationsBefore = stack.runtime?.stats().invocations ?? 0;
      const eventsBefore = stack.bus.events.length;
      const local = await openLocalSource(`${examplesDir()}${dir}`, {});
      out(rule(`docker push ${REPOSITORY}:${tag}  (${story})`));
      const report = await pushToEcr(ecr, local.source, local.subject, { repository: REPOSITORY, tag, createRepository: true });
      await stack.idle();
      out(
        `Pushed ${report.manifests.length} manifest(s), children first: ${report.manifests.map((m) => `${m.digest.slice(0, 19)} ${m.tag ?? '(untagged)'}`).join(', ')}\n`,
      );
      const events = stack.bus.events.length - eventsBefore;
      const invocations = (stack.runtime?.stats().invocations ?? 0) - invocationsBefore;
      out(`${events} ECR push event(s); the rule invoked the guard ${invocations} time(s) (its own tags never reach it).\n\n`);
      for (const line of guard.logs.slice(logsBefore)) {
        const entry = JSON.parse(line) as CheckedLine & { _aws?: unknown };
        if (entry._aws !== undefined) continue;
        if (entry.message === 'skipped') out(`  guard: skipped ${entry.tag ?? '(untagged push)'}: ${entry.skip}\n`);
        if (entry.message === 'checked') {
          out(
            `  guard: ${REPOSITORY}:${entry.tag} is ${String(entry.verdict).toUpperCase()} (${(entry.reasons ?? []).join(', ') || 'no findings'})\n`,
          );
          for (const written of entry.tags ?? []) out(`         tag ${written.tag}: ${written.outcome}\n`);
        }
      }
      const images = await ecr.send(new DescribeImagesCommand({ repositoryName: REPOSITORY }));
      out(`\n  ECR now holds:\n`);
      for (const image of images.imageDetails ?? []) {
        out(
          `    ${image.imageDigest?.slice(0, 19)}  ${(image.imageManifestMediaType ?? '').padEnd(44)} ${(image.imageTags ?? []).join(', ') || '(untagged)'}\n`,
        );
      }
      const deliveries = stack.endpoint.deliveries.list().slice(deliveriesBefore);
      const email = deliveries.find((delivery) => delivery.protocol === 'email');
      const chatbot = deliveries.find((delivery) => delivery.protocol === 'https');
      const sqs = deliveries.find((delivery) => delivery.protocol === 'sqs');
      if (email === undefined) {
        out('\n  No notification: deployable pushes are silent unless GUARD_NOTIFY_ON_DEPLOYABLE=true.\n');
        continue;
      }
      out(rule(`Email to ${email.endpoint} — Subject: ${email.subject ?? ''}`));
      out(`${indent(abridgeFixes(email.body))}\n`);
      for (const message of stack.endpoint.slack.list().slice(slackBefore)) {
        out(rule(`Slack incoming webhook (HTTP ${message.status} ${message.answer})`));
        out(`${indent(slackPreview(message.payload))}\n`);
      }
      if (chatbot !== undefined) {
        const envelope = JSON.parse(chatbot.body) as { Message: string };
        const notification = JSON.parse(envelope.Message) as {
          content?: { title?: string; description?: string; nextSteps?: string[] };
        };
        out(rule('AWS Chatbot / Amazon Q Developer (SNS https subscription)'));
        // Chatbot relays to Slack, which shows the escaped characters as themselves.
        out(`  ${notification.content?.title ?? ''}\n${indent(displayedMrkdwn(notification.content?.description ?? ''))}\n`);
        for (const step of notification.content?.nextSteps ?? []) out(`  • ${displayedMrkdwn(step)}\n`);
      }
      if (sqs !== undefined) {
        const envelope = JSON.parse(sqs.body) as { Message: string; MessageAttributes?: Record<string, { Value: string }> };
        const machine = JSON.parse(envelope.Message) as { verdict: string; deployableChild: { digest: string } | null };
        out(rule('SQS subscription (machine JSON, filterable by message attributes)'));
        out(`  verdict=${machine.verdict} deployableChild=${machine.deployableChild?.digest ?? 'null'}\n`);
        out(
          `  attributes: ${Object.entries(envelope.MessageAttributes ?? {})
            .map(([name, value]) => `${name}=${value.Value}`)
            .join('  ')}\n`,
        );
      }
    }
    const stats = stack.runtime?.stats();
    out(rule('Summary'));
    out(`  ${stack.bus.events.length} push events, ${stats?.invocations ?? 0} guard invocations, ${stats?.errors ?? 0} errors, `);
    out(`${stack.endpoint.deliveries.list().length} SNS deliveries, ${stack.endpoint.slack.list().length} Slack message(s).\n`);
    out(`  Try it yourself: npx ecr-lambda-guard local serve   |   npx ecr-lambda-guard inspect examples/seed-v7\n`);
  } finally {
    await guard.close();
  }
  return 0;
};
