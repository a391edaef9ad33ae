import { describe, expect, it } from 'vitest';
import { createConsoleChannel, formatConsoleLine } from './console.ts';
import { resolveOf, triggerOf } from './testing/notifications.ts';

describe('console channel', () => {
  const n = triggerOf({ labels: { alertname: 'ToolSuccessBurnRate', severity: 'critical', tool: 'search' } });

  it('prints one line per trigger with severity, rule, dimensions, summary, numbers and link', () => {
    expect(formatConsoleLine(n)).toBe(
      '2026-11-23T21:00:00.000Z FIRING [critical] ToolSuccessBurnRate tool=search: ' +
        'Tool search is burning its error budget 20x too fast ' +
        '(error_ratio_1h=0.1 error_ratio_5m=0.12 burn_rate_1h=100 calls_1h=5000) ' +
        'http://telltale.example.com:9465/api/v1/alerts?rule=ToolSuccessBurnRate\n',
    );
  });

  it('prints one line per resolve with how long it fired', () => {
    expect(formatConsoleLine(resolveOf(n))).toBe(
      '2026-11-23T21:20:00.000Z RESOLVED [critical] ToolSuccessBurnRate tool=search after 20m ' +
        'http://telltale.example.com:9465/api/v1/alerts?rule=ToolSuccessBurnRate\n',
    );
  });

  it('reports a stream that throws as a failed delivery instead of throwing', async () => {
    const channel = createConsoleChannel({
      name: 'console',
      stream: {
        write: () => {
          throw new Error('EPIPE');
        },
      },
    });
    expect(await channel.send(n)).toEqual({ ok: false, attempts: 1, retriable: false, error: 'EPIPE' });
  });
});
