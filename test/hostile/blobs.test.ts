/**
 * Config blobs and provenance statements that are huge or lie: about their size (a descriptor that
 * promises 500 bytes for 50 MiB) or about their digest (bytes that are not what was promised). The
 * guard never reads more than its limit, never names a builder from a statement it could not verify,
 * and still gives every push a verdict with a reason code.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  descriptor,
  type Fixture,
  image,
  index,
  jsonFixture,
  PREDICATE_TYPE,
  provenanceV02,
  REFERENCE_DIGEST,
  REFERENCE_TYPE,
  rawFixture,
  SLSA_V02,
} from '../../fixtures/oci-fixtures.js';
import { boundedDownload } from '../../functions/adapters/bounded-download.js';
import { MediaType } from '../../functions/core/media-type.js';
import { startFaultHarness } from '../faults/fault-kit.js';
import { createTally, reportTally } from '../faults/suite-tally.js';
import type { GuardHarness } from '../support/guard-harness.js';
import { callsOfCheck, pushAndCheck, storeContent } from './stack-kit.js';

const tally = createTally();
afterAll(() => reportTally('test/hostile/blobs.test.ts', tally));

const MiB = 1024 * 1024;

describe('a download never reads past its limit', () => {
  let server: Server;
  let url = '';
  let sent = 0;
  let mode: 'endless' | 'declared' = 'endless';
  const chunk = Buffer.alloc(256 * 1024, 0x61);

  beforeAll(async () => {
    server = createServer((request, response) => {
      sent = 0;
      response.writeHead(200, mode === 'declared' ? { 'content-length': String(50 * MiB) } : {});
      // Writes as fast as the client reads, for ever (or 50 MiB), counting what the socket took.
      const pump = (): void => {
        while (!response.destroyed && (mode === 'endless' || sent < 50 * MiB)) {
          sent += chunk.byteLength;
          if (!response.write(chunk)) {
            response.once('drain', pump);
            return;
          }
        }
        if (!response.destroyed) response.end();
      };
      request.socket.on('close', () => response.destroy());
      pump();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/blob`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it.each([
    { name: 'an endless body without Content-Length', given: 'endless' as const },
    { name: 'a body announced as 50 MiB', given: 'declared' as const },
  ])('$name is refused as too large after at most the limit plus socket buffers', async ({ given }) => {
    tally.scenarios += 1;
    tally.inputsTried += 1;
    mode = given;
    const result = await boundedDownload(url, 4 * MiB, 10_000);
    expect(result).toMatchObject({ ok: false, reason: 'too-large' });
    // Whatever the server offered, the client stopped it: at most the 4 MiB limit plus the kernel's
    // and stream's buffers ever left the server (a 50 MiB or endless body never does).
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sent).toBeLessThan(16 * MiB);
  });
});

/** An attestation manifest over one statement, whose layer descriptor may lie about the size. */
const attestationOver = (subject: Fixture, statement: Fixture, declaredSize: number) => {
  const config = jsonFixture(MediaType.OciConfig, {
    architecture: 'unknown',
    os: 'unknown',
    config: {},
    rootfs: { type: 'layers', diff_ids: [] },
  });
  const manifest = jsonFixture(MediaType.OciManifest, {
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    config: descriptor(config),
    layers: [{ ...descriptor(statement, { size: declaredSize }), annotations: { [PREDICATE_TYPE]: SLSA_V02 } }],
  });
  const entry = {
    of: manifest,
    platform: 'unknown/unknown',
    annotations: { [REFERENCE_DIGEST]: subject.digest, [REFERENCE_TYPE]: 'attestation-manifest' },
  };
  return { manifest, config, entry };
};

const HOSTILE_BUILDER = 'https://github.com/evil-org/evil/actions/runs/666';

describe('huge and lying blobs through the local stack', () => {
  let harness: GuardHarness;
  beforeAll(async () => {
    harness = await startFaultHarness({ maxAttempts: 2, requestTimeoutMs: 5_000 });
  });
  afterAll(async () => {
    await harness?.close();
  });

  /** Every text the guard sent anywhere (SNS deliveries, Slack posts, its own logs). */
  const everythingSent = (): string =>
    [
      ...harness.endpoint.deliveries.list().map((d) => d.body),
      ...harness.endpoint.slack.list().map((p) => p.rawBody),
      ...harness.guard.logs,
    ].join('\n');

  it('a config descriptor promising 500 bytes for a 50 MiB blob: refused by size, a warning, the event completes', async () => {
    tally.scenarios += 1;
    tally.inputsTried += 1;
    const huge = rawFixture(MediaType.OciConfig, new Uint8Array(50 * MiB).fill(0x20));
    const img = image({ config: huge, configDescriptor: { size: 500 } });
    storeContent(harness.endpoint, 'huge-config', { blobs: [huge] });
    const before = harness.endpoint.calls.list().at(-1)?.seq ?? 0;
    const outcome = await pushAndCheck(harness, 'huge-config', img, 'v1');
    expect(outcome).toMatchObject({ kind: 'checked', reasons: ['ARCHITECTURE_UNKNOWN'] });
    const gets = callsOfCheck(harness, before).filter((call) => call.name === 'blob:GetBlob');
    expect(gets).toHaveLength(1);
    expect(harness.runtime.failures).toEqual([]);
  });

  it.each([
    {
      name: 'a statement that is not the bytes its digest names (it names a hostile builder)',
      repository: 'lying-statement',
      make: (img: Fixture) => {
        const honest = provenanceV02({ subject: img, builderId: 'https://github.com/example-org/app/actions/runs/1' });
        const liar = provenanceV02({ subject: img, builderId: HOSTILE_BUILDER });
        return { statement: honest, declaredSize: honest.size, served: liar.bytes };
      },
      fetched: true,
    },
    {
      name: 'a 5 MiB statement (over the 1 MiB limit: never fetched)',
      repository: 'huge-statement',
      make: (img: Fixture) => {
        const padded = provenanceV02({ subject: img, builderId: HOSTILE_BUILDER, entryPoint: 'x'.repeat(5 * MiB) });
        return { statement: padded, declaredSize: padded.size, served: padded.bytes };
      },
      fetched: false,
    },
    {
      name: 'a statement promising 500 bytes that is 5 MiB',
      repository: 'sized-statement',
      make: (img: Fixture) => {
        const padded = provenanceV02({ subject: img, builderId: HOSTILE_BUILDER, entryPoint: 'x'.repeat(5 * MiB) });
        return { statement: padded, declaredSize: 500, served: padded.bytes };
      },
      fetched: true,
    },
  ])('$name: quarantined as an index, and the builder is never named', async ({ repository, make, fetched }) => {
    tally.scenarios += 1;
    tally.inputsTried += 1;
    const img = image({ platform: 'linux/arm64' });
    const { statement, declaredSize, served } = make(img);
    const attestation = attestationOver(img, statement, declaredSize);
    const subject = index({ entries: [{ of: img, platform: 'linux/arm64' }, attestation.entry] });
    storeContent(harness.endpoint, repository, {
      manifests: [img, attestation.manifest],
      blobs: [img.config, attestation.config, statement],
    });
    // What the bucket serves under the statement's digest (a corrupted or tampered object).
    harness.endpoint.state.blobs.set(statement.digest, served);
    const before = harness.endpoint.calls.list().at(-1)?.seq ?? 0;
    const outcome = await pushAndCheck(harness, repository, subject, 'v1');
    expect(outcome).toMatchObject({ kind: 'checked', verdict: 'quarantined', reasons: ['IMAGE_INDEX'] });
    const urls = callsOfCheck(harness, before).filter((call) => call.name === 'ecr:GetDownloadUrlForLayer');
    // The child's config always; the statement only when it is within the limit.
    expect(urls).toHaveLength(fetched ? 2 : 1);
    expect(everythingSent()).not.toContain('evil-org');
    expect(harness.runtime.failures).toEqual([]);
  });
});
