import type { AggregateRecord } from '@telltale/conventions';
import { AlertEngine } from '../src/engine/alert-engine.ts';
import type { EngineSnapshot } from '../src/engine/alert-instance.ts';
import type { AlertNotification } from '../src/notify/notification.ts';
import type { CompiledRule } from '../src/rules/compiled-rule.ts';
import { parseRules } from '../src/rules/load.ts';
import { type StoreSnapshot, WindowStore } from '../src/store/window-store.ts';
import { type AggregateSpec, aggregate } from './aggregates.ts';

export const STEP_MS = 10_000;
export const MIN = 60_000;
/** A Monday noon, UTC: a round start for simulated time. */
export const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);

export interface Sent {
  atMs: number;
  n: AlertNotification;
}

/**
 * The rule engine on a simulated clock, fed like the service feeds it: every
 * 10 s the aggregates of the window that just closed are applied, then the
 * rules are evaluated. The clock is ours; nothing is mocked.
 */
export class Scenario {
  readonly rules: CompiledRule[];
  store: WindowStore;
  engine: AlertEngine;
  nowMs: number;
  readonly sent: Sent[] = [];
  /** Every aggregate applied, in order, for replays. */
  readonly applied: AggregateRecord[] = [];

  constructor(rulesYaml: string, startMs = T0) {
    this.rules = parseRules(rulesYaml);
    this.store = newStore(this.rules);
    this.engine = newEngine(this.rules);
    this.nowMs = startMs;
  }

  /** Runs until `untilMs`, feeding `feed(windowStartMs)` for each 10 s window. */
  run(untilMs: number, feed: (windowStartMs: number) => AggregateSpec[]): void {
    while (this.nowMs < untilMs) {
      const start = this.nowMs;
      this.nowMs += STEP_MS;
      for (const spec of feed(start)) this.apply(aggregate({ ...spec, startMs: spec.startMs ?? start }));
      this.evaluate();
    }
  }

  apply(a: AggregateRecord): string {
    const outcome = this.store.apply(a, this.nowMs);
    this.applied.push(a);
    return outcome;
  }

  evaluate(): AlertNotification[] {
    this.store.prune(this.nowMs);
    const out = this.engine.evaluate(this.store, this.nowMs);
    for (const n of out) this.sent.push({ atMs: this.nowMs, n });
    return out;
  }

  /** Simulates a restart: the store and the engine are rebuilt from their snapshots, through JSON like the files. */
  restart(): void {
    const store: StoreSnapshot = JSON.parse(JSON.stringify(this.store.snapshot()));
    const engine: EngineSnapshot = JSON.parse(JSON.stringify(this.engine.snapshot()));
    this.store = newStore(this.rules);
    this.store.restore(store);
    this.engine = newEngine(this.rules, engine);
  }

  triggers(): Sent[] {
    return this.sent.filter((s) => s.n.action === 'trigger');
  }

  resolves(): Sent[] {
    return this.sent.filter((s) => s.n.action === 'resolve');
  }
}

export function newStore(rules: readonly CompiledRule[]): WindowStore {
  const lookbackMs = Math.max(...rules.flatMap((r) => r.windows.map((w) => w.windowMs + w.offsetMs)));
  return new WindowStore({
    lookbackMs,
    marginMs: 3_600_000,
    limits: { services: 100, workflows: 100, tenants: 100, tools: 100, keys: 1000 },
  });
}

export function newEngine(rules: readonly CompiledRule[], restore?: EngineSnapshot): AlertEngine {
  return new AlertEngine(rules, { generatorUrl: (k) => `http://telltale.test/api/v1/alerts/${k}` }, restore);
}

/** `calls` tool calls of which a `ratio` succeed, as one 10 s window's tool counts. */
export function toolCalls(tool: string, calls: number, ratio: number): AggregateSpec['tools'] {
  return { [tool]: { calls, successes: Math.round(calls * ratio) } };
}
