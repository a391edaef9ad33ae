import type { AlertNotification } from '../notification.ts';

let counter = 0;

/** A trigger as the engine would hand it over; each call gets its own dedup key unless given one. */
export function triggerOf(overrides: Partial<AlertNotification> = {}): AlertNotification {
  counter += 1;
  const ruleName = overrides.ruleName ?? 'ToolSuccessBurnRate';
  return {
    action: 'trigger',
    dedupKey: `telltale/${ruleName}/tool=search,n=${counter}`,
    ruleName,
    severity: 'critical',
    labels: { alertname: ruleName, severity: 'critical', service: 'support', tool: 'search', n: String(counter) },
    annotations: {
      summary: 'Tool search is burning its error budget 20x too fast',
      runbook_url: 'https://runbooks.example.com/tool-success',
    },
    startsAt: new Date('2026-11-23T21:00:00.000Z'),
    values: { error_ratio_1h: 0.1, error_ratio_5m: 0.12, burn_rate_1h: 100, calls_1h: 5000 },
    generatorURL: 'http://telltale.example.com:9465/api/v1/alerts?rule=ToolSuccessBurnRate',
    ...overrides,
  };
}

/** The resolve of a trigger. */
export function resolveOf(
  trigger: AlertNotification,
  endsAt = new Date('2026-11-23T21:20:00.000Z'),
): AlertNotification {
  return { ...trigger, action: 'resolve', endsAt };
}
