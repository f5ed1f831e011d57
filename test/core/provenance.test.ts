import { describe, expect, it } from 'vitest';
import { image, jsonBytes, provenanceV1, provenanceV02, SLSA_V1, SLSA_V02, sbomStatement } from '../../fixtures/oci-fixtures.js';
import { isProvenancePredicate, parseProvenance } from '../../functions/core/provenance.js';

const subject = image();
const RUN = 'https://github.com/example-org/lambda-app/actions/runs/4242424242';
const SHA = '0123456789abcdef0123456789abcdef01234567';

describe('parseProvenance: SLSA v0.2 (BuildKit default)', () => {
  it('mode=min from a GitHub Actions build, whole result', () => {
    // Prepare
    const statement = provenanceV02({
      subject,
      builderId: `${RUN}/attempts/2`,
      vcsSource: 'https://github.com/example-org/lambda-app',
      vcsRevision: SHA,
      entryPoint: 'lambda.Dockerfile',
    });

    // Act
    const provenance = parseProvenance(statement.bytes);

    // Assess
    expect(provenance).toStrictEqual({
      predicateType: SLSA_V02,
      mode: 'min',
      builderId: `${RUN}/attempts/2`,
      buildType: 'https://mobyproject.org/buildkit@v1',
      ciRunUrl: `${RUN}/attempts/2`,
      ciProvider: 'github-actions',
      vcsSource: 'https://github.com/example-org/lambda-app',
      vcsRevision: SHA,
      dockerfile: 'lambda.Dockerfile',
      frontend: 'dockerfile.v0',
      builderPlatform: 'linux/amd64',
      startedOn: '2026-01-01T00:00:00Z',
    });
  });

  it.each([
    { name: 'mode=max', spec: { max: true }, expected: { mode: 'max' } },
    {
      name: 'an empty builder id (local build)',
      spec: { builderId: '' },
      expected: { builderId: null, ciRunUrl: null, ciProvider: null },
    },
    {
      name: 'a builder id that is not a run URL',
      spec: { builderId: 'https://github.com/docker-library' },
      expected: { builderId: 'https://github.com/docker-library', ciRunUrl: null, ciProvider: null },
    },
    {
      name: 'a GitLab job',
      spec: { builderId: 'https://gitlab.example.com/group/app/-/jobs/991' },
      expected: { ciRunUrl: 'https://gitlab.example.com/group/app/-/jobs/991', ciProvider: 'gitlab-ci' },
    },
    {
      name: 'a lookalike run URL on another host',
      spec: { builderId: 'https://github.com.evil.example/o/r/actions/runs/1' },
      expected: { ciRunUrl: null, ciProvider: null },
    },
    {
      name: 'a javascript: builder id',
      spec: { builderId: 'javascript:alert(1)//github.com/o/r/actions/runs/1' },
      expected: { ciRunUrl: null },
    },
    {
      name: 'a git context recorded in configSource, with a subdirectory',
      spec: { configSourceUri: `https://github.com/o/r.git#${SHA}:docker/lambda` },
      expected: { vcsSource: 'https://github.com/o/r.git', vcsRevision: SHA },
    },
    {
      name: 'a git context with a branch ref and its resolved sha1',
      spec: { configSourceUri: 'https://github.com/o/r.git#main', configSourceSha1: SHA },
      expected: { vcsSource: 'https://github.com/o/r.git', vcsRevision: SHA },
    },
    {
      name: 'vcs metadata wins over configSource',
      spec: {
        vcsSource: 'https://github.com/o/meta',
        vcsRevision: 'f'.repeat(40),
        configSourceUri: `https://github.com/o/r.git#${SHA}`,
      },
      expected: { vcsSource: 'https://github.com/o/meta', vcsRevision: 'f'.repeat(40) },
    },
    { name: 'no vcs at all', spec: {}, expected: { vcsSource: null, vcsRevision: null } },
  ])('$name', ({ spec, expected }) => {
    // Prepare
    const statement = provenanceV02({ subject, ...spec });

    // Act
    const provenance = parseProvenance(statement.bytes);

    // Assess
    expect(provenance).toMatchObject({ predicateType: SLSA_V02, ...expected });
  });
});

describe('parseProvenance: SLSA v1', () => {
  it('a GitHub Actions build from a git context, whole result', () => {
    // Prepare
    const statement = provenanceV1({
      subject,
      builderId: `${RUN}/attempts/1`,
      configSourceUri: `https://github.com/example-org/lambda-app.git#${SHA}`,
      configSourcePath: 'Dockerfile.lambda',
    });

    // Act
    const provenance = parseProvenance(statement.bytes);

    // Assess
    expect(provenance).toStrictEqual({
      predicateType: SLSA_V1,
      mode: 'min',
      builderId: `${RUN}/attempts/1`,
      buildType: 'https://github.com/moby/buildkit/blob/master/docs/attestations/slsa-definitions.md',
      ciRunUrl: `${RUN}/attempts/1`,
      ciProvider: 'github-actions',
      vcsSource: 'https://github.com/example-org/lambda-app.git',
      vcsRevision: SHA,
      dockerfile: 'Dockerfile.lambda',
      frontend: 'dockerfile.v0',
      builderPlatform: 'linux/arm64',
      startedOn: '2026-01-01T00:00:00Z',
    });
  });

  it.each([
    {
      name: 'the run from internalParameters.github_* when the builder id is not a run',
      spec: { github: { serverUrl: 'https://github.com', repository: 'o/r', runId: '99' } },
      expected: { builderId: null, ciRunUrl: 'https://github.com/o/r/actions/runs/99', ciProvider: 'github-actions' },
    },
    {
      name: 'vcs from buildkit_metadata (local context)',
      spec: { vcsSource: 'https://github.com/o/local', vcsRevision: SHA },
      expected: { vcsSource: 'https://github.com/o/local', vcsRevision: SHA },
    },
    { name: 'mode=max', spec: { max: true }, expected: { mode: 'max' } },
    {
      name: 'a github_* run with a hostile server URL',
      spec: { github: { serverUrl: 'https://evil.example', repository: 'o/r', runId: '99' } },
      expected: { ciRunUrl: null },
    },
  ])('$name', ({ spec, expected }) => {
    // Prepare
    const statement = provenanceV1({ subject, ...spec });

    // Act
    const provenance = parseProvenance(statement.bytes);

    // Assess
    expect(provenance).toMatchObject({ predicateType: SLSA_V1, ...expected });
  });
});

describe('parseProvenance: anything else is null, never an exception', () => {
  it.each([
    { name: 'an SPDX SBOM statement', bytes: sbomStatement(subject).bytes },
    { name: 'a bare SLSA predicate without the in-toto envelope', bytes: jsonBytes({ builder: { id: RUN }, buildType: 'x' }) },
    { name: 'not JSON', bytes: new TextEncoder().encode('{"predicateType":') },
    { name: 'not UTF-8', bytes: new Uint8Array([0xff, 0xfe]) },
    { name: 'a JSON array', bytes: jsonBytes([]) },
    { name: 'a predicate that is not an object', bytes: jsonBytes({ predicateType: SLSA_V02, predicate: 'x' }) },
    { name: 'a numeric predicate type', bytes: jsonBytes({ predicateType: 2, predicate: {} }) },
    { name: 'an unknown predicate type', bytes: jsonBytes({ predicateType: 'https://example.com/custom', predicate: {} }) },
  ])('$name', ({ bytes }) => {
    // Act
    const provenance = parseProvenance(bytes);

    // Assess
    expect(provenance).toBeNull();
  });

  it('fields of the wrong type become null', () => {
    // Prepare
    const bytes = jsonBytes({
      predicateType: SLSA_V02,
      predicate: { builder: { id: 7 }, buildType: [], invocation: 'x', metadata: { buildStartedOn: {} } },
    });

    // Act
    const provenance = parseProvenance(bytes);

    // Assess
    expect(provenance).toMatchObject({ builderId: null, buildType: null, dockerfile: null, startedOn: null, mode: 'min' });
  });

  it('cuts huge strings to 512 characters', () => {
    // Prepare
    const statement = provenanceV02({ builderId: `https://github.com/${'o'.repeat(100_000)}` });

    // Act
    const provenance = parseProvenance(statement.bytes);

    // Assess
    expect(provenance?.builderId).toHaveLength(512);
    expect(provenance?.ciRunUrl).toBeNull();
  });

  it.each([
    { type: 'https://slsa.dev/provenance/v0.1', yes: true },
    { type: SLSA_V02, yes: true },
    { type: SLSA_V1, yes: true },
    { type: 'https://spdx.dev/Document', yes: false },
    { type: 'https://slsa.dev/verification_summary/v1', yes: false },
  ])('isProvenancePredicate($type) = $yes', ({ type, yes }) => {
    // Act
    const result = isProvenancePredicate(type);

    // Assess
    expect(result).toBe(yes);
  });
});
