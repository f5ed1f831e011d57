import { describe, expect, it } from 'vitest';
import { runCli } from './cli-kit.js';

// The demo prints the Slack and Chatbot messages as Slack would display them, not as sent.
describe('demo: Slack previews', { timeout: 120_000 }, () => {
  it('shows & < > as themselves, never the escapes Slack mrkdwn carries on the wire', () => {
    // Act
    const result = runCli(['demo'], { timeoutMs: 110_000 });

    // Assess
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('Slack incoming webhook');
    expect(result.stdout.match(/&amp;|&lt;|&gt;/g) ?? []).toStrictEqual([]);
    expect(result.stdout).toContain('docker compose build && docker compose push');
    expect(result.stdout).toContain('--function-name <function>');
  });
});
