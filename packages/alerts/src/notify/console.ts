import { formatDuration } from '../duration.ts';
import type { AlertNotification, NotificationChannel } from './notification.ts';
import { summaryOf } from './pagerduty.ts';

export interface ConsoleChannelOptions {
  name: string;
  /** Where lines go; default process.stdout. */
  stream?: { write(chunk: string): unknown };
}

/** Numbers as people read them: at most 4 significant digits, no exponent for ordinary values. */
function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Number.parseFloat(v.toPrecision(4)).toString();
}

/**
 * One line per state change, for the all-in-one demo and a fresh install:
 * `<time> FIRING [severity] <rule> <dimensions>: <summary> (<numbers>) <link>`, or
 * `<time> RESOLVED [severity] <rule> <dimensions> after <duration> <link>`.
 */
export function formatConsoleLine(n: AlertNotification): string {
  const dims = Object.entries(n.labels)
    .filter(([k]) => k !== 'alertname' && k !== 'severity')
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const head = `[${n.severity}] ${n.ruleName}${dims ? ` ${dims}` : ''}`;
  if (n.action === 'resolve') {
    const end = n.endsAt ?? new Date();
    const lasted = Math.max(0, Math.round((end.getTime() - n.startsAt.getTime()) / 1000) * 1000);
    return `${end.toISOString()} RESOLVED ${head} after ${formatDuration(lasted)} ${n.generatorURL}\n`;
  }
  const numbers = Object.entries(n.values)
    .map(([k, v]) => `${k}=${formatValue(v)}`)
    .join(' ');
  const summary = n.annotations.summary ? `: ${summaryOf(n)}` : '';
  return `${n.startsAt.toISOString()} FIRING ${head}${summary}${numbers ? ` (${numbers})` : ''} ${n.generatorURL}\n`;
}

/** Writes one line per trigger and resolve to a stream; it cannot fail over the network, so it never retries. */
export function createConsoleChannel(opts: ConsoleChannelOptions): NotificationChannel {
  const stream = opts.stream ?? process.stdout;
  return {
    name: opts.name,
    type: 'console',
    send: async (n) => {
      try {
        stream.write(formatConsoleLine(n));
        return { ok: true, attempts: 1 };
      } catch (err) {
        return { ok: false, attempts: 1, retriable: false, error: err instanceof Error ? err.message : String(err) };
      }
    },
  };
}
