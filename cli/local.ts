import { parseArgs } from 'node:util';
import { ECRClient } from '@aws-sdk/client-ecr';
import { openLocalSource } from '../functions/adapters/open-local-source.js';
import { pushToEcr } from '../local/ecr-push.js';
import { type GuardStack, startGuardStack, useLocalCredentials } from '../local/guard-stack.js';
import { startOrgStack } from '../local/org/org-stack.js';
import { parseArchitectures } from './inspect.js';
import { parseMembers, pusherCredentials } from './organization.js';
import { slackPreview } from './slack-preview.js';
import { UsageError } from './usage-error.js';

const serve = async (args: string[]): Promise<number> => {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string', default: '4580' },
      state: { type: 'string' },
      arch: { type: 'string', multiple: true, default: [] },
      'notify-on-deployable': { type: 'boolean', default: false },
      'no-guard': { type: 'boolean', default: false },
      org: { type: 'boolean', default: false },
      member: { type: 'string', multiple: true, default: [] },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be a TCP port, found "${values.port}"`);
  const architectures = parseArchitectures(values.arch);
  const env = {
    ...(architectures.length === 0 ? {} : { GUARD_TARGET_ARCHITECTURES: architectures.join(',') }),
    ...(values['notify-on-deployable'] ? { GUARD_NOTIFY_ON_DEPLOYABLE: 'true' } : {}),
  };
  const write = (line: string) => process.stdout.write(`  log ${line}\n`);
  if (values.org && (values['no-guard'] || values.state !== undefined)) {
    throw new UsageError('--org runs the guard on fresh accounts: it takes neither --no-guard nor --state');
  }
  if (!values.org && values.member.length > 0) throw new UsageError('--member needs --org');
  const org = values.org ? await startOrgStack({ members: parseMembers(values.member), env, write, port }) : null;
  const guard: GuardStack =
    org?.guard ??
    (await startGuardStack({
      env,
      write,
      // Pushes are accepted and their events dropped: a registry the guard never saw (run `audit` on it).
      deliverEvents: !values['no-guard'],
      endpoint: { port, ...(values.state === undefined ? {} : { stateDir: values.state }) },
    }));
  const { endpoint } = guard.stack;
  endpoint.onDelivery((delivery) => {
    if (delivery.protocol !== 'email') return;
    process.stdout.write(`\n── email to ${delivery.endpoint}: ${delivery.subject ?? ''}\n${delivery.body}\n`);
  });
  let seen = 0;
  const timer = setInterval(() => {
    const messages = endpoint.slack.list();
    for (const message of messages.slice(seen))
      process.stdout.write(`\n── Slack #${message.hookId} (${message.status})\n${slackPreview(message.payload)}\n`);
    seen = messages.length;
  }, 250);
  if (org !== null) {
    const members = parseMembers(values.member);
    process.stdout.write(
      [
        `ecr-lambda-guard local organization listening on ${org.url}`,
        `  central account ${endpoint.account} (${endpoint.region}); members: ${members.map((m) => `${m.account}@${m.region}`).join(', ')}`,
        '  Every account signs with its own key: the endpoint sends each request to that account and Region.',
        `  ecr-lambda-guard local push examples/seed-v7 orders-service:v7 --endpoint ${org.url} --account ${members[0]?.account ?? ''} --region ${members[0]?.region ?? ''}`,
        'Press Ctrl-C to stop.',
        '',
      ].join('\n'),
    );
  } else
    process.stdout.write(
      [
        `ecr-lambda-guard local stack listening on ${endpoint.url}`,
        values['no-guard']
          ? '  ECR, SNS, Secrets Manager, SSM and Lambda APIs; --no-guard: pushes reach nobody (run `audit`).'
          : '  ECR, SNS, Secrets Manager, SSM and Lambda APIs; the guard runs on every push.',
        `  export AWS_ENDPOINT_URL=${endpoint.url} AWS_REGION=${endpoint.region} AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x`,
        `  ecr-lambda-guard local push examples/seed-v7 orders-service:v7 --endpoint ${endpoint.url}`,
        `  aws --endpoint-url ${endpoint.url} ecr describe-images --repository-name orders-service`,
        'Press Ctrl-C to stop.',
        '',
      ].join('\n'),
    );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(timer);
  await (org ?? guard).close();
  return 0;
};

const push = async (args: string[]): Promise<number> => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { endpoint: { type: 'string' }, region: { type: 'string' }, account: { type: 'string' } },
  });
  const [source, target] = positionals;
  if (source === undefined || target === undefined || positionals.length !== 2) {
    throw new UsageError(
      'usage: local push <oci-layout-or-archive>[:ref] <repo>:<tag> [--endpoint URL] [--account ID --region R]',
    );
  }
  const colon = target.lastIndexOf(':');
  if (colon <= 0) throw new UsageError(`"${target}" must be <repo>:<tag>`);
  const endpointUrl = values.endpoint ?? process.env.AWS_ENDPOINT_URL_ECR ?? process.env.AWS_ENDPOINT_URL;
  if (endpointUrl === undefined)
    throw new UsageError('local push needs --endpoint URL (or AWS_ENDPOINT_URL); it never pushes to AWS by accident');
  useLocalCredentials();
  const local = await openLocalSource(source, {});
  const client = new ECRClient({
    region: values.region ?? process.env.AWS_REGION ?? 'us-east-1',
    endpoint: endpointUrl,
    // `local serve --org` routes a request by the account of its access key.
    ...(values.account === undefined ? {} : { credentials: pusherCredentials(values.account) }),
  });
  const report = await pushToEcr(client, local.source, local.subject, {
    repository: target.slice(0, colon),
    tag: target.slice(colon + 1),
    createRepository: true,
  });
  process.stdout.write(
    `pushed ${local.description} as ${target}: ${report.manifests.length} manifest(s) children first, ` +
      `${report.blobsUploaded} blob(s) uploaded, ${report.blobsPresent} already there, ${report.blobsMissing} absent from the source\n`,
  );
  for (const manifest of report.manifests)
    process.stdout.write(`  ${manifest.digest} ${manifest.tag ?? '(untagged)'} ${manifest.outcome}\n`);
  return 0;
};

/** `ecr-lambda-guard local serve|push`. */
export const runLocal = async (args: string[]): Promise<number> => {
  const [sub, ...rest] = args;
  if (sub === 'serve') return serve(rest);
  if (sub === 'push') return push(rest);
  throw new UsageError(
    'usage: local serve [--port N] [--state DIR] [--no-guard] [--org [--member ACCOUNT@REGION[=ALIAS]]...] | local push <source> <repo>:<tag> [--endpoint URL] [--account ID --region R]',
  );
};
