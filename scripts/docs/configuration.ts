import type { ENV } from '../../functions/config/env-names.js';
import { SETTINGS, type SettingKey } from '../../functions/config/settings.js';

type EnvName = (typeof ENV)[keyof typeof ENV];
type SettingEnv = (typeof SETTINGS)[SettingKey]['env'];

/**
 * The variables that are not settings rows (the topic, where the webhook URL is kept, organization
 * mode): read by `loadConfig` itself. Typed so that a new variable in `ENV` must be described here
 * or in `SETTINGS`, or this file does not compile.
 */
const OTHER_VARIABLES: { readonly [N in Exclude<EnvName, SettingEnv>]: { readonly default: string; readonly summary: string } } =
  {
    GUARD_TOPIC_ARN: {
      default: '(required)',
      summary: 'SNS topic to publish to (a standard topic: Chatbot and email cannot subscribe to FIFO topics).',
    },
    GUARD_SLACK_WEBHOOK_SECRET_ID: {
      default: '(none)',
      summary: 'Secrets Manager secret holding the Slack incoming-webhook URL.',
    },
    GUARD_SLACK_WEBHOOK_PARAMETER: {
      default: '(none)',
      summary: 'SSM SecureString parameter holding the webhook URL (instead of the secret).',
    },
    GUARD_MEMBER_ROLE_NAME: {
      default: '(none)',
      summary:
        "Organization mode: the member template's role the guard assumes in each member account ([organization.md](organization.md)).",
    },
    GUARD_HOME_ACCOUNT: {
      default: '(none)',
      summary: "Organization mode: the guard's own account, whose pushes use the function's role.",
    },
    GUARD_MEMBER_ACCOUNTS: {
      default: '(any the bus admits)',
      summary: 'Organization mode: the only accounts acted for; others are ignored with a log line.',
    },
    GUARD_ACCOUNT_ALIASES: {
      default: '(none)',
      summary: 'Organization mode: `111111111111=payments,…`, names shown next to account ids.',
    },
  };

const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

const settingRows = (): string[] =>
  (Object.keys(SETTINGS) as SettingKey[]).map((key) => {
    const row = SETTINGS[key] as { env: string; prop: string; summary: string; default: unknown; write(value: never): string };
    const text = row.write(row.default as never);
    return `| \`${row.env}\` | \`${row.prop}\` | ${text === '' ? '(none)' : `\`${text}\``} | ${cell(row.summary)} |`;
  });

const otherRows = (): string[] =>
  (Object.entries(OTHER_VARIABLES) as [string, { readonly default: string; readonly summary: string }][]).map(
    ([env, row]) => `| \`${env}\` | | ${row.default} | ${cell(row.summary)} |`,
  );

/** `docs/configuration.md`, generated from the settings table (`npm run docs`; a test fails when it drifts). */
export const configurationMarkdown = (): string =>
  [
    '<!-- Generated from functions/config/settings.ts and scripts/docs/configuration.ts by `npm run docs`; edit those, not this file. -->',
    '# Configuration',
    '',
    'Environment variables of the function. Each setting is one row of `functions/config/settings.ts`,',
    'read by the CDK construct (the prop, at synth time) and by the function (the variable, once per cold',
    'start) through the same validator, so a bad value fails the synth or the cold start with a message',
    'naming the prop or the variable.',
    '',
    '| variable | construct prop | default | meaning |',
    '| --- | --- | --- | --- |',
    ...settingRows(),
    ...otherRows(),
    '',
    'The Slack webhook URL is never a plain environment variable: it is read by name from Secrets',
    'Manager (`GUARD_SLACK_WEBHOOK_SECRET_ID`, the secret holds the URL or `{"url": "…"}`) or from an',
    'SSM SecureString parameter (`GUARD_SLACK_WEBHOOK_PARAMETER`). SDK endpoints follow the usual',
    '`AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_<SERVICE>` variables, which is how the local stack runs the',
    'unchanged bundle.',
    '',
    '## Tag templates',
    '',
    'A template is `{tag}` followed by a suffix of letters, digits, `.`, `_`, `-`, optionally containing',
    '`{arch}` (`x86_64` / `arm64`). Defaults: `{tag}-quarantined` and `{tag}-deployable`. Suffix-only',
    'templates let the function recognise every tag the guard writes, whoever pushes it, and check that',
    'the image it names earns it ([trust-model.md](trust-model.md)). The guard tag is the pushed tag as it',
    'is plus the suffix (`-x` gives `-x-deployable`), renamed only where it must be: characters outside',
    "ECR's alphabet `[a-zA-Z0-9-_.]` become `_` (possible only offline), and a tag too long to stay within",
    'the 128 characters of the OCI distribution spec is cut and given an 8-character hash of the original',
    'so two long tags never collide (ECR itself takes 300: see `functions/core/tag-template.ts`). With',
    'both architectures targeted and a multi-platform index, put `{arch}` in `GUARD_DEPLOYABLE_TAG_TEMPLATE`',
    '(`{tag}-{arch}-deployable`) to get one deployable tag per architecture; otherwise the first listed',
    'architecture that has a runnable child gets `{tag}-deployable`.',
    '',
  ].join('\n');
