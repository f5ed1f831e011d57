import { describe, expect, it } from 'vitest';
import { overlong } from '../support/overlong.js';
import { runCli } from './cli-kit.js';

/** The text outside ``` fences: code in a Slack preview is shown as sent, as Slack shows it. */
const outsideFences = (text: string): string => {
  let code = false;
  return text
    .split('\n')
    .filter((line) => {
      const fence = line.trimStart().startsWith('```');
      if (fence) code = !code;
      return !fence && !code;
    })
    .join('\n');
};

// The demo prints the Slack and Chatbot messages as Slack would display them, not as sent.
describe('demo', { timeout: 120_000 }, () => {
  const result = runCli(['demo'], { timeoutMs: 110_000 });

  it('shows & < > as themselves in Slack previews, never the escapes Slack mrkdwn carries on the wire', () => {
    // Assess
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('Slack incoming webhook');
    expect(result.stdout.match(/&amp;|&lt;|&gt;/g) ?? []).toStrictEqual([]);
    expect(result.stdout).toContain('docker compose build && docker compose push');
    expect(result.stdout).toContain('--function-name <function>');
  });

  it('fits 80 columns except whole digests, URLs and image references', () => {
    // Assess
    expect(result.status, result.stderr).toBe(0);
    expect(overlong(outsideFences(result.stdout))).toStrictEqual([]);
  });
});
