import { fileURLToPath } from 'node:url';
import { ECRClient } from '@aws-sdk/client-ecr';
import { openLocalSource } from '../functions/adapters/open-local-source.js';
import { pushToEcr } from '../local/ecr-push.js';
import { startOrgStack } from '../local/org/org-stack.js';
import { DEFAULT_MEMBERS, pusherCredentials } from './organization.js';

const REPOSITORY = 'orders-service';
const examplesDir = (): string => fileURLToPath(new URL('../examples/', import.meta.url));

/**
 * `ecr-lambda-guard demo --org`: one guard for a local organization. The seed image v7 is pushed in
 * each member account and Region; every push reaches the central guard through its account's
 * forwarding rule, is tagged in its own account, and is announced once, naming the account.
 */
export const runOrgDemo = async (_args: string[]): Promise<number> => {
  const out = (text: string) => process.stdout.write(text);
  const org = await startOrgStack({
    members: DEFAULT_MEMBERS,
    env: { GUARD_TARGET_ARCHITECTURES: 'arm64' },
    slack: false,
    runtime: { retryDelaysMs: [50, 100] },
  });
  try {
    out(
      `Local organization on ${org.url}: central guard in ${org.guard.stack.endpoint.account} (${org.guard.stack.endpoint.region}),\n`,
    );
    out(`members ${DEFAULT_MEMBERS.map((m) => `${m.account}@${m.region}`).join(', ')}.\n\n`);
    const local = await openLocalSource(`${examplesDir()}seed-v7`, {});
    for (const member of DEFAULT_MEMBERS) {
      const client = new ECRClient({
        region: member.region,
        endpoint: org.url,
        credentials: pusherCredentials(member.account),
        maxAttempts: 1,
      });
      await pushToEcr(client, local.source, local.subject, { repository: REPOSITORY, tag: 'v7', createRepository: true });
      await org.idle();
      const tags = org.endpoint(member.account, member.region).state.repositories.get(REPOSITORY);
      out(`docker push ${member.account}.dkr.ecr.${member.region}.amazonaws.com/${REPOSITORY}:v7\n`);
      out(`  tags there now: ${[...(tags?.tags.keys() ?? [])].sort().join(', ')}\n`);
    }
    out('\nNotifications (one per push, all on the central topic):\n');
    for (const delivery of org.guard.stack.endpoint.deliveries.list().filter((d) => d.protocol === 'email')) {
      const account = /^ {2}account {5}(.+)$/m.exec(delivery.body)?.[1] ?? '';
      out(`  ${delivery.subject ?? ''}  —  account ${account}\n`);
    }
    const assumed = org.router.calls.filter((call) => call.name === 'sts:AssumeRole').length;
    out(`\n${assumed} AssumeRole call(s): one per member account, cached for the next pushes and Regions.\n`);
  } finally {
    await org.close();
  }
  return 0;
};
