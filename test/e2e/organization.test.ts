import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardCalls, untilTagWrite } from '../../bench/organization-calls.js';
import { callWaves, describeWaves } from '../../bench/wave-analysis.js';
import { seedCase } from '../../fixtures/oci-fixtures.js';
import { localEcrClient, pushSeed } from '../../fixtures/push-fixture.js';
import { MEMBER_ROLE_NAME, type OrgStack, startOrgStack } from '../../local/org/org-stack.js';
import type { LocalEndpoint } from '../../local/server.js';
import { logLines, notifications, tagsInEcr } from './guard-kit.js';

const PAYMENTS = '222222222222';
const DATA = '333333333333';
const BROKEN = '444444444444';
const REPOSITORY = 'orders-service';

// The built bundle in organization mode, on a local organization: two member accounts, one of them
// in two Regions, forwarding to one central bus and one guard.
describe('one guard for an organization: member pushes reach the central guard, tags land where the image lives', () => {
  let org: OrgStack;
  beforeAll(async () => {
    org = await startOrgStack({
      members: [
        { account: PAYMENTS, region: 'eu-west-1', alias: 'payments' },
        { account: PAYMENTS, region: 'us-west-2', alias: 'payments' },
        { account: DATA, region: 'eu-west-1' },
      ],
      env: { GUARD_TARGET_ARCHITECTURES: 'arm64' },
      slack: false,
    });
  });
  afterAll(async () => {
    await org?.close();
  });

  it('checks pushes of two accounts and two Regions once each, tags them in their own account, and names the account', async () => {
    // Prepare
    const seed = seedCase({ architecture: 'arm64' });
    const places = [
      { account: PAYMENTS, region: 'eu-west-1', tag: 'v7', named: `${PAYMENTS} (payments) eu-west-1` },
      { account: PAYMENTS, region: 'us-west-2', tag: 'v8', named: `${PAYMENTS} (payments) us-west-2` },
      { account: DATA, region: 'eu-west-1', tag: 'v9', named: `${DATA} eu-west-1` },
    ];

    // Act
    for (const place of places) {
      await pushSeed(localEcrClient(org.endpoint(place.account, place.region)), seed, { repository: REPOSITORY, tag: place.tag });
    }
    await org.idle();

    // Assess: each account and Region holds its own tags, and only its own
    for (const place of places) {
      expect(await tagsInEcr(localEcrClient(org.endpoint(place.account, place.region)))).toEqual({
        [place.tag]: seed.index.digest,
        [`${place.tag}-deployable`]: seed.image.digest,
        [`${place.tag}-quarantined`]: seed.index.digest,
      });
    }
    await expect(tagsInEcr(localEcrClient(org.guard.stack.endpoint))).rejects.toThrow(/RepositoryNotFound|does not exist/);

    // Assess: one notification per push, each naming its account and Region (text, JSON, attributes)
    const sent = notifications(org.guard.stack.endpoint);
    expect(sent).toHaveLength(places.length);
    for (const place of places) {
      const one = sent.find((notification) => notification.emailSubject.includes(`:${place.tag} `));
      expect(one?.email).toContain(`  account     ${place.named}`);
      expect(one?.machine).toMatchObject({ account: place.account, region: place.region });
      expect(one?.attributes).toMatchObject({
        account: { Type: 'String', Value: place.account },
        region: { Type: 'String', Value: place.region },
      });
    }

    // Assess: one AssumeRole per account for this cold start, whatever the Region count
    const assumed = org.router.calls.filter((call) => call.name === 'sts:AssumeRole');
    expect(assumed.map((call) => call.status)).toEqual([200, 200]);
    expect(org.identities.sessions.map((session) => session.assumedRoleArn).sort()).toEqual(
      [PAYMENTS, DATA].map((account) => `arn:aws:sts::${account}:assumed-role/${MEMBER_ROLE_NAME}/ecr-lambda-guard`).sort(),
    );

    // Assess: the member credentials appear in no log line and no notification
    const everything = `${org.guard.logs.join('\n')}\n${JSON.stringify(org.guard.stack.endpoint.deliveries.list())}`;
    for (const session of org.identities.sessions) {
      for (const secret of [session.accessKeyId, session.secretAccessKey, session.sessionToken])
        expect(everything).not.toContain(secret);
    }
  });

  it('adds at most one wave to a member account’s first push (AssumeRole), and none once the session is cached', async () => {
    // Prepare: the same image, pushed at home, then in a member account whose role is not assumed yet
    const seed = seedCase({ architecture: 'arm64' });
    const fresh = { account: '555555555555', region: 'eu-west-1' };
    // A member added after the stack started: its endpoint and role come from a second organization stack.
    const second = await startOrgStack({ members: [fresh], env: { GUARD_TARGET_ARCHITECTURES: 'arm64' }, slack: false });
    try {
      const measure = async (
        stack: OrgStack,
        client: ReturnType<typeof localEcrClient>,
        endpoints: LocalEndpoint[],
        tag: string,
      ) => {
        const mark = performance.now();
        await pushSeed(client, seed, { repository: REPOSITORY, tag });
        await stack.idle();
        return untilTagWrite(callWaves(guardCalls(stack, [stack.guard.stack.endpoint, ...endpoints], mark)));
      };

      // Act
      const home = await measure(second, localEcrClient(second.guard.stack.endpoint), [], 'home');
      const memberEndpoint = second.endpoint(fresh.account, fresh.region);
      const firstMember = await measure(second, localEcrClient(memberEndpoint), [memberEndpoint], 'first');
      const warmMember = await measure(second, localEcrClient(memberEndpoint), [memberEndpoint], 'warm');

      // Assess
      expect(describeWaves(firstMember).split(' → ')[0]).toBe('AssumeRole');
      expect(firstMember.length).toBeLessThanOrEqual(home.length + 1);
      expect(warmMember.length).toBeLessThanOrEqual(home.length);
    } finally {
      await second.close();
    }
  });
});

describe('an organization where something is wrong', () => {
  let org: OrgStack;
  const failures: unknown[] = [];
  beforeAll(async () => {
    org = await startOrgStack({
      members: [
        { account: BROKEN, region: 'eu-west-1', trustsGuard: false },
        { account: '999999999999', region: 'eu-west-1', inOrganization: false },
      ],
      env: { GUARD_TARGET_ARCHITECTURES: 'arm64', GUARD_MEMBER_ACCOUNTS: BROKEN },
      slack: false,
      runtime: { maximumRetryAttempts: 2, retryDelaysMs: 5, onFailure: (record) => failures.push(record) },
    });
  });
  afterAll(async () => {
    await org?.close();
  });

  it('reports a member role that does not trust the guard once, retries, and keeps the event in the failure queue', async () => {
    // Prepare
    const seed = seedCase({ architecture: 'arm64' });
    const client = localEcrClient(org.endpoint(BROKEN, 'eu-west-1'));

    // Act
    await pushSeed(client, seed, { repository: REPOSITORY, tag: 'v7' });
    await org.idle();

    // Assess: one "not checked" notification naming the role it could not assume
    const sent = notifications(org.guard.stack.endpoint);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.emailSubject).toBe(`Not checked: ${REPOSITORY}:v7 (CANNOT_ASSUME_ROLE)`);
    expect(sent[0]?.email).toContain(`cannot assume arn:aws:iam::${BROKEN}:role/${MEMBER_ROLE_NAME}`);
    expect(sent[0]?.machine).toMatchObject({ type: 'error', account: BROKEN, region: 'eu-west-1' });

    // Assess: nothing lost, nothing tagged: three attempts, then the on-failure destination holds the event
    // (the two untagged child pushes are skipped without a credential)
    expect(org.guard.stack.runtime?.stats()).toMatchObject({ received: 3, invocations: 5, errors: 3 });
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3 },
      requestPayload: { account: BROKEN, region: 'eu-west-1', detail: { 'image-tag': 'v7' } },
    });
    expect(await tagsInEcr(client)).toEqual({ v7: seed.index.digest });
  });

  it('refuses at the bus the pushes of an account outside the organization; the function ignores one that gets through', async () => {
    // Prepare
    const seed = seedCase({ architecture: 'arm64' });
    const received = org.guard.stack.runtime?.stats().received ?? 0;

    // Act: a push in the outside account, then the same event put straight on the central bus
    await pushSeed(localEcrClient(org.endpoint('999999999999', 'eu-west-1')), seed, { repository: REPOSITORY, tag: 'v1' });
    await org.idle();
    const refused = org.refused.find((entry) => entry.event.detail['image-tag'] === 'v1');
    if (refused !== undefined) org.centralBus.put(refused.event);
    await org.idle();

    // Assess
    expect(org.refused.map((entry) => entry.event.detail['image-tag'])).toEqual(['', '', 'v1']);
    expect(refused?.reason).toContain('aws:PrincipalOrgID');
    expect(org.guard.stack.runtime?.stats().received).toBe(received + 1);
    expect(logLines(org.guard).filter((line) => line.skip === 'ACCOUNT_OUTSIDE_ORGANIZATION')).toEqual([
      expect.objectContaining({ message: 'skipped', account: '999999999999', tag: 'v1' }),
    ]);
    expect(org.router.calls.filter((call) => call.account === '999999999999')).toEqual([]);
    expect(notifications(org.guard.stack.endpoint)).toHaveLength(1);
  });
});
