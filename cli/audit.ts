import { parseArgs } from 'node:util';
import { ECRClient } from '@aws-sdk/client-ecr';
import { SNSClient } from '@aws-sdk/client-sns';
import { createEcrCatalog } from '../functions/adapters/ecr-catalog.js';
import { createEcrRegistry } from '../functions/adapters/ecr-registry.js';
import { createComposer } from '../functions/adapters/notification-composer.js';
import { createSnsNotifier } from '../functions/adapters/sns-notifier.js';
import { type ApplyDeps, type ApplyOutcome, applyAudited, repositoryHome } from '../functions/app/apply-audit.js';
import { type AuditOptions, auditRepository } from '../functions/app/audit-repository.js';
import type { Registry } from '../functions/app/ports.js';
import { ENV } from '../functions/config/env-names.js';
import { settingsFromEnvironment, topicArnProblem, validateSettings } from '../functions/config/settings.js';
import { matchesWildcard } from '../functions/core/wildcard.js';
import { renderRepositoryMarkdown, renderRepositoryTable } from './audit-render.js';
import { type AuditRow, countRow, emptySummary, summaryLine, toRow } from './audit-summary.js';
import { parseArchitectures } from './inspect.js';
import { createProgress } from './progress.js';
import { UsageError } from './usage-error.js';

type Format = 'text' | 'json' | 'markdown';

const DAY_MS = 24 * 60 * 60 * 1000;
const UNITS: Readonly<Record<string, number>> = { m: 60_000, h: 60 * 60_000, d: DAY_MS, w: 7 * DAY_MS };

/** `--since 7d|12h|30m|2w` or an ISO date (`2026-01-31`, `2026-01-31T12:00:00Z`). */
export const parseSince = (text: string, now: number): number => {
  const duration = /^(\d+)([mhdw])$/.exec(text.trim());
  if (duration !== null) return now - Number(duration[1]) * (UNITS[duration[2] ?? 'd'] ?? DAY_MS);
  const date = /^\d{4}-\d{2}-\d{2}(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(text.trim()) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(date))
    throw new UsageError(`--since must be a duration (30m, 12h, 7d, 2w) or a date (2026-01-31), found "${text}"`);
  return date;
};

const REPOSITORY_PATTERN = /^[a-z0-9._/*-]+$/;

const HELP_USAGE =
  'usage: audit [--repository PATTERN]... [--arch ARCH] [--strict] [--since 7d|DATE] [--region R] [--json | --format text|markdown|json] [--apply [--notify --topic-arn ARN]] [--functions]';

/**
 * `ecr-lambda-guard audit`: every tag of every matching repository through the guard's fetch plan
 * and rules, with the state of its guard tags; `--apply` writes the missing verdict tags by the
 * guard's tagging rules. Exit 0 when nothing is quarantined, 1 when something is, 2 on usage or
 * access errors (thrown to the caller).
 */
export const runAudit = async (args: string[], out: (text: string) => void, err: NodeJS.WriteStream): Promise<number> => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      repository: { type: 'string', multiple: true, default: [] },
      arch: { type: 'string', multiple: true, default: [] },
      strict: { type: 'boolean', default: false },
      since: { type: 'string' },
      region: { type: 'string' },
      json: { type: 'boolean', default: false },
      format: { type: 'string' },
      apply: { type: 'boolean', default: false },
      notify: { type: 'boolean', default: false },
      'topic-arn': { type: 'string' },
      functions: { type: 'boolean', default: false },
      concurrency: { type: 'string', default: '8' },
    },
  });
  if (positionals.length > 0) throw new UsageError(`audit takes no positional arguments (${HELP_USAGE})`);
  const format: Format = values.json ? 'json' : ((values.format ?? 'text') as Format);
  if (!['text', 'json', 'markdown'].includes(format)) throw new UsageError(`--format must be text, markdown or json`);
  for (const pattern of values.repository) {
    if (!REPOSITORY_PATTERN.test(pattern)) throw new UsageError(`--repository "${pattern}" is not a repository name or pattern`);
  }
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
    throw new UsageError('--concurrency must be an integer from 1 to 64');
  if (values.notify && !values.apply)
    throw new UsageError('--notify needs --apply: a notification is sent with the tag it marks');
  const topicArn = values['topic-arn'] ?? process.env[ENV.TOPIC_ARN];
  if (values.notify && (topicArn === undefined || topicArnProblem(topicArn) !== undefined)) {
    throw new UsageError(`--notify needs --topic-arn ARN (or ${ENV.TOPIC_ARN}), the guard's SNS topic`);
  }
  // The guard's own settings (tag templates, architectures, strictness) from GUARD_* variables when set.
  const validated = validateSettings(settingsFromEnvironment(process.env), 'env');
  if (!validated.ok) throw new UsageError(validated.message);
  const { settings } = validated;
  const architectures = values.arch.length > 0 ? parseArchitectures(values.arch) : settings.targetArchitectures;
  const strict = values.strict || settings.strict;
  const templates = { deployable: settings.deployableTagTemplate, quarantine: settings.quarantineTagTemplate };
  const options: AuditOptions = {
    architectures,
    strict,
    templates,
    since: values.since === undefined ? null : parseSince(values.since, Date.now()),
    concurrency,
  };

  const region = values.region === undefined ? {} : { region: values.region };
  const ecr = new ECRClient({ ...region, retryMode: 'adaptive', maxAttempts: 6 });
  const registry = createEcrRegistry(ecr);
  const catalog = createEcrCatalog(ecr);
  const applyDeps: ApplyDeps = {
    registry,
    notify:
      values.notify && topicArn !== undefined
        ? {
            composer: createComposer(),
            notifier: createSnsNotifier(new SNSClient({ ...region, retryMode: 'adaptive' }), topicArn),
          }
        : null,
  };

  const summary = emptySummary();
  const progress = format === 'json' ? createProgress({ isTTY: false } as NodeJS.WriteStream) : createProgress(err);
  let total = 0;
  let done = 0;
  let quarantined = false;
  if (format === 'json') out('{"schemaVersion":1,"images":[');
  let first = true;

  const matching = [];
  for await (const repository of catalog.repositories()) {
    if (values.repository.length === 0 || values.repository.some((pattern) => matchesWildcard(repository.name, pattern))) {
      matching.push(repository);
    }
  }
  summary.repositories = matching.length;
  for (const repository of matching) {
    const home = repositoryHome(repository.uri);
    const rows: AuditRow[] = [];
    for await (const audited of auditRepository(registry, catalog, repository.name, {
      ...options,
      onListed: (count) => {
        total += count;
      },
    })) {
      const applied: ApplyOutcome | null = values.apply
        ? await applyAudited(applyDeps, audited, { ...home, architectures })
        : null;
      const row = toRow(audited, applied);
      countRow(summary, audited, row);
      if (row.verdict === 'quarantined') quarantined = true;
      done += 1;
      progress.update(done, total, repository.name);
      if (format === 'json') {
        out(`${first ? '' : ','}\n${JSON.stringify(row)}`);
        first = false;
      } else rows.push(row);
    }
    progress.clear();
    if (rows.length > 0)
      out(format === 'markdown' ? renderRepositoryMarkdown(repository.name, rows) : renderRepositoryTable(repository.name, rows));
  }
  progress.clear();

  let functionsQuarantined = false;
  let functionsJson = '';
  if (values.functions) {
    const { auditFunctions, renderFunctions } = await import('./audit-functions.js');
    // A function may run an image from another account's registry: read it with that registry id.
    const registries = new Map<string, Registry>();
    const registryFor = (registryId: string | null): Registry => {
      if (registryId === null) return registry;
      const known = registries.get(registryId) ?? createEcrRegistry(ecr, { registryId });
      registries.set(registryId, known);
      return known;
    };
    const report = await auditFunctions({ registryFor, region, architectures, strict });
    functionsQuarantined = report.some((row) => row.runningVerdict === 'quarantined' || row.tagVerdict === 'quarantined');
    if (format === 'json') functionsJson = `,"functions":${JSON.stringify(report)}`;
    else out(renderFunctions(report, format));
  }

  if (format === 'json') out(`\n]${functionsJson},"summary":${JSON.stringify(summary)}}\n`);
  else out(`${format === 'markdown' ? '\n**Summary:** ' : ''}${summaryLine(summary, values.apply)}`);
  return quarantined || functionsQuarantined ? 1 : 0;
};
