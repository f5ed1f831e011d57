import { fileURLToPath } from 'node:url';
import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { openLocalSource } from '../functions/adapters/open-local-source.js';
import { displayLength, wrapText } from '../functions/report/plain-text.js';
import { pushToEcr } from '../local/ecr-push.js';
import { startGuardStack } from '../local/guard-stack.js';
import { displayedMrkdwn, slackPreview } from './slack-preview.js';

const REPOSITORY = 'orders-service';

// dist/cli.mjs and cli/demo.ts both sit one level below the package root.
const examplesDir = (): string => fileURLToPath(new URL('../examples/', import.meta.url));

const WIDTH = 80;

/** A section heading of exactly 80 columns (a longer title is wrapped above a short rule). */
const rule = (title: string): string => {
  const room = WIDTH - 5 - displayLength(title);
  if (room >= 3) return `\n━━━ ${title} ${'━'.repeat(room)}\n`;
  return `\n${wrapText(title, WIDTH).join('\n')}\n${'━'.repeat(WIDTH)}\n`;
};

/**
 * Prose wrapped to 80 columns after `by`, line by line, keeping each line's own leading spaces as
 * its continuation indent; a digest, URL or command too long for a line is kept whole, and code
 * between ``` fences is shown as it is.
 */
const indent = (text: string, by = '  '): string => {
  let code = false;
  return text
    .split('\n')
    .flatMap((line) => {
      if (line.trimStart().startsWith('```')) code = !code;
      if (code || line.trimStart().startsWith('```')) return [`${by}${line}`];
      if (line.trim() === '') return [''];
      const lead = `${by}${/^ */.exec(line)?.[0] ?? ''}`;
      const text = line.trim();
      const bullet = /^(?:[•\-#]|\d+\.) /.exec(text)?.[0] ?? '';
      const room = WIDTH - displayLength(lead) - displayLength(bullet);
      return wrapText(text.slice(bullet.length), room).map(
        (part, i) => `${lead}${i === 0 ? bullet : ' '.repeat(displayLength(bullet))}${part}`,
      );
    })
    .join('\n');
};

/** The kind of manifest a media type names, in a word or two, for the demo's image table. */
const manifestKind = (mediaType: string | undefined): string =>
  ({
    'application/vnd.oci.image.index.v1+json': 'OCI index',
    'application/vnd.oci.image.manifest.v1+json': 'OCI manifest',
    'application/vnd.docker.distribution.manifest.list.v2+json': 'Docker list',
    'application/vnd.docker.distribution.manifest.v2+json': 'Docker manifest',
  })[mediaType ?? ''] ??
  mediaType ??
  'unknown';

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
    out(
      `${indent(`Local ECR + SNS endpoint on ${stack.endpoint.url}; the guard (dist/lambda/on-ecr-push.mjs) runs behind an EventBridge-style rule that drops its own tags. Function architecture: arm64.`, '')}\n`,
    );
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
        `${indent(`Pushed ${report.manifests.length} manifest(s), children first: ${report.manifests.map((m) => `${m.digest.slice(0, 19)} ${m.tag ?? '(untagged)'}`).join(', ')}`, '')}\n`,
      );
      const events = stack.bus.events.length - eventsBefore;
      const invocations = (stack.runtime?.stats().invocations ?? 0) - invocationsBefore;
      out(
        `${indent(`${events} ECR push event(s); the rule invoked the guard ${invocations} time(s) (its own tags never reach it).`, '')}\n\n`,
      );
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
          `    ${image.imageDigest?.slice(0, 19)}  ${manifestKind(image.imageManifestMediaType).padEnd(15)}  ${(image.imageTags ?? []).join(', ') || '(untagged)'}\n`,
        );
      }
      const deliveries = stack.endpoint.deliveries.list().slice(deliveriesBefore);
      const email = deliveries.find((delivery) => delivery.protocol === 'email');
      const chatbot = deliveries.find((delivery) => delivery.protocol === 'https');
      const sqs = deliveries.find((delivery) => delivery.protocol === 'sqs');
      if (email === undefined) {
        out(`\n${indent('No notification: deployable pushes are silent unless GUARD_NOTIFY_ON_DEPLOYABLE=true.')}\n`);
        continue;
      }
      out(rule(`Email to ${email.endpoint}`));
      // The email as delivered (already 80 columns), not indented, so the preview wraps where it does.
      out(`Subject: ${email.subject ?? ''}\n\n${abridgeFixes(email.body)}\n`);
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
        for (const step of notification.content?.nextSteps ?? []) out(`${indent(`• ${displayedMrkdwn(step)}`)}\n`);
      }
      if (sqs !== undefined) {
        const envelope = JSON.parse(sqs.body) as { Message: string; MessageAttributes?: Record<string, { Value: string }> };
        const machine = JSON.parse(envelope.Message) as { verdict: string; deployableChild: { digest: string } | null };
        out(rule('SQS subscription (machine JSON, filterable by message attributes)'));
        out(`  verdict=${machine.verdict}\n  deployableChild=${machine.deployableChild?.digest ?? 'null'}\n`);
        out(
          `${indent(
            `attributes: ${Object.entries(envelope.MessageAttributes ?? {})
              .map(([name, value]) => `${name}=${value.Value}`)
              .join('  ')}`,
          )}\n`,
        );
      }
    }
    const stats = stack.runtime?.stats();
    out(rule('Summary'));
    out(
      `${indent(`${stack.bus.events.length} push events, ${stats?.invocations ?? 0} guard invocations, ${stats?.errors ?? 0} errors, ${stack.endpoint.deliveries.list().length} SNS deliveries, ${stack.endpoint.slack.list().length} Slack message(s).`)}\n`,
    );
    out('  Try it yourself:\n    npx ecr-lambda-guard local serve\n    npx ecr-lambda-guard inspect examples/seed-v7\n');
  } finally {
    await guard.close();
  }
  return 0;
};
