/**
 * Round trips of one push in organization mode: the seed index pushed in the central account, then
 * twice in a member account (the first push assumes the member role, the second reuses the session).
 * Runs the BUILT guard on the local organization with a fixed latency on every call, so concurrent
 * calls share a wave and sequential ones do not.
 *
 *   npm run build && node --import tsx bench/organization-waves.ts [--latency-ms 20]
 */
import { parseArgs } from 'node:util';
import { seedCase } from '../fixtures/oci-fixtures.js';
import { localEcrClient, pushSeed } from '../fixtures/push-fixture.js';
import { startOrgStack } from '../local/org/org-stack.js';
import { guardCalls, untilTagWrite } from './organization-calls.js';
import { callWaves, describeWaves } from './wave-analysis.js';

const { values } = parseArgs({ options: { 'latency-ms': { type: 'string', default: '20' } } });
const latencyMs = Number(values['latency-ms']);
const MEMBER = { account: '555555555555', region: 'eu-west-1' } as const;

const org = await startOrgStack({ members: [MEMBER], env: { GUARD_TARGET_ARCHITECTURES: 'arm64' }, slack: false });
try {
  const seed = seedCase({ architecture: 'arm64' });
  const home = org.guard.stack.endpoint;
  const member = org.endpoint(MEMBER.account, MEMBER.region);
  const endpoints = [home, member];
  const faults = endpoints.map((endpoint) => endpoint.faults.add({ operation: '*', kind: 'latency', latencyMs }));
  for (const [label, endpoint, tag] of [
    ['central account', home, 'home'],
    ['member, first push of the cold start', member, 'first'],
    ['member, session cached', member, 'warm'],
  ] as const) {
    const mark = performance.now();
    await pushSeed(localEcrClient(endpoint), seed, { repository: 'orders-service', tag });
    await org.idle();
    const waves = untilTagWrite(callWaves(guardCalls(org, endpoints, mark)));
    process.stdout.write(`${label.padEnd(38)} ${String(waves.length).padStart(2)} waves  ${describeWaves(waves)}\n`);
  }
  endpoints.forEach((endpoint, i) => {
    const id = faults[i];
    if (id !== undefined) endpoint.faults.remove(id);
  });
} finally {
  await org.close();
}
