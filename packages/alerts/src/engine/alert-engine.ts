import type { AlertNotification } from '../notify/notification.ts';
import type { CompiledRule } from '../rules/compiled-rule.ts';
import type { ConditionResult, WindowedCounts } from '../rules/conditions/condition.ts';
import { evaluateCondition } from '../rules/conditions/evaluate.ts';
import type { AlertInstance, EngineSnapshot } from './alert-instance.ts';
import { dedupKey } from './dedup-key.ts';
import { Silences } from './silences.ts';

export interface EngineOptions {
  /** The link back to an alert in the API, for generatorURL. */
  generatorUrl(dedupKey: string): string;
}

/** A rule's health at its last evaluation. */
export interface RuleStatus {
  rule: CompiledRule;
  health: 'unknown' | 'ok' | 'error';
  lastError: string | null;
  lastEvaluatedAt: number | null;
  /** Groups with data at the last evaluation, and how many of them met the condition. */
  groups: number;
  activeGroups: number;
}

/**
 * The rule engine: evaluates every rule on the windowed counts at the time
 * it is given, and moves each instance (rule × group labels) through
 * inactive → pending (`for`) → firing → resolved (after `keep_firing_for`).
 * It returns the state changes the pager must deliver: one trigger when an
 * instance starts firing, one resolve when it stops. Pure: no timers, no I/O;
 * the service drives it and persists `snapshot()`.
 */
export class AlertEngine {
  readonly #rules: Map<string, CompiledRule>;
  readonly #options: EngineOptions;
  readonly #instances = new Map<string, AlertInstance>();
  readonly #status = new Map<string, RuleStatus>();
  readonly silences: Silences;
  #evaluatedAt: number | null = null;

  constructor(rules: readonly CompiledRule[], options: EngineOptions, restore?: EngineSnapshot) {
    this.#rules = new Map(rules.map((r) => [r.name, r]));
    this.#options = options;
    for (const r of rules)
      this.#status.set(r.name, {
        rule: r,
        health: 'unknown',
        lastError: null,
        lastEvaluatedAt: null,
        groups: 0,
        activeGroups: 0,
      });
    this.silences = new Silences(restore?.silences ?? []);
    if (restore) {
      this.#evaluatedAt = restore.evaluatedAt;
      for (const i of restore.instances)
        this.#instances.set(i.dedupKey, {
          ...i,
          silencedBy: i.silencedBy ?? null,
          value: num(i.value),
          values: numbers(i.values),
        });
    }
  }

  /** Evaluates every rule at `nowMs`; returns the triggers and resolves to deliver, in order. */
  evaluate(store: WindowedCounts, nowMs: number): AlertNotification[] {
    const out: AlertNotification[] = [];
    const seen = new Set<string>();
    for (const rule of this.#rules.values()) {
      const status = this.#status.get(rule.name) as RuleStatus;
      let results: ConditionResult[];
      try {
        results = evaluateCondition(rule, store, nowMs);
        status.health = 'ok';
        status.lastError = null;
      } catch (err) {
        // A rule that cannot be evaluated keeps its instances as they are rather than resolving them.
        status.health = 'error';
        status.lastError = (err as Error).message;
        for (const i of this.#instances.values()) if (i.rule === rule.name) seen.add(i.dedupKey);
        continue;
      }
      status.lastEvaluatedAt = nowMs;
      status.groups = results.length;
      status.activeGroups = 0;
      for (const r of results) {
        const key = dedupKey(rule.name, r.labels);
        seen.add(key);
        if (r.active) status.activeGroups++;
        const n = this.#step(rule, key, r, nowMs);
        if (n) out.push(n);
      }
    }
    // Instances with no data this time, and those of rules that are gone: the condition does not hold.
    for (const inst of [...this.#instances.values()]) {
      if (seen.has(inst.dedupKey)) continue;
      const rule = this.#rules.get(inst.rule);
      const n = rule ? this.#inactive(rule, inst, nowMs) : this.#resolve(inst, nowMs);
      if (n) out.push(n);
    }
    this.#evaluatedAt = nowMs;
    return out;
  }

  #step(rule: CompiledRule, key: string, r: ConditionResult, nowMs: number): AlertNotification | undefined {
    let inst = this.#instances.get(key);
    if (!r.active) {
      if (!inst) return undefined;
      inst.value = r.value;
      inst.values = r.values;
      return this.#inactive(rule, inst, nowMs);
    }
    if (!inst) {
      const labels = { alertname: rule.name, severity: rule.severity, ...rule.labels, ...r.labels };
      inst = {
        rule: rule.name,
        dedupKey: key,
        groupLabels: r.labels,
        labels,
        annotations: {},
        severity: rule.severity,
        state: 'pending',
        activeAt: nowMs,
        firingAt: null,
        lastActiveAt: nowMs,
        paged: false,
        silencedBy: null,
        value: r.value,
        values: r.values,
      };
      this.#instances.set(key, inst);
    }
    inst.lastActiveAt = nowMs;
    inst.value = r.value;
    inst.values = r.values;
    inst.annotations = render(rule, inst);
    if (inst.state === 'pending' && nowMs - inst.activeAt >= rule.forMs) {
      inst.state = 'firing';
      inst.firingAt = nowMs;
    }
    inst.silencedBy = this.silences.match(inst.labels, nowMs) ?? null;
    // Silenced: no page now; if it still fires when the silence ends, it pages then.
    if (inst.state === 'firing' && !inst.paged && inst.silencedBy === null) {
      inst.paged = true;
      return this.#notification(inst, 'trigger');
    }
    return undefined;
  }

  #inactive(rule: CompiledRule, inst: AlertInstance, nowMs: number): AlertNotification | undefined {
    if (inst.state === 'pending') {
      this.#instances.delete(inst.dedupKey);
      return undefined;
    }
    inst.annotations = render(rule, inst);
    if (nowMs - inst.lastActiveAt < rule.keepFiringForMs) return undefined;
    return this.#resolve(inst, nowMs);
  }

  #resolve(inst: AlertInstance, nowMs: number): AlertNotification | undefined {
    this.#instances.delete(inst.dedupKey);
    // Never paged (it cannot happen for a firing instance, but a snapshot may be hand-edited): nothing to resolve.
    if (!inst.paged) return undefined;
    return this.#notification(inst, 'resolve', nowMs);
  }

  #notification(inst: AlertInstance, action: 'trigger' | 'resolve', endsAtMs?: number): AlertNotification {
    return {
      action,
      dedupKey: inst.dedupKey,
      ruleName: inst.rule,
      severity: inst.severity,
      labels: { ...inst.labels },
      annotations: { ...inst.annotations },
      startsAt: new Date(inst.firingAt ?? inst.activeAt),
      ...(endsAtMs === undefined ? {} : { endsAt: new Date(endsAtMs) }),
      values: { ...inst.values },
      generatorURL: this.#options.generatorUrl(inst.dedupKey),
    };
  }

  /** Pending and firing instances. */
  alerts(): AlertInstance[] {
    return [...this.#instances.values()];
  }

  /** Trigger notifications of the firing, paged instances: what the pager re-sends after a restart. */
  firing(): AlertNotification[] {
    return this.alerts()
      .filter((i) => i.state === 'firing' && i.paged)
      .map((i) => this.#notification(i, 'trigger'));
  }

  rules(): RuleStatus[] {
    return [...this.#status.values()];
  }

  get evaluatedAt(): number | null {
    return this.#evaluatedAt;
  }

  snapshot(): EngineSnapshot {
    return {
      version: 1,
      evaluatedAt: this.#evaluatedAt,
      instances: this.alerts().map((i) => structuredClone(i)),
      silences: this.silences.snapshot(),
    };
  }
}

function render(rule: CompiledRule, inst: AlertInstance): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, t] of Object.entries(rule.annotations)) out[name] = t.render(inst.labels, inst.values, inst.value);
  return out;
}

/** JSON turns NaN and ±Infinity into null; read them back as NaN (unknown). */
function num(v: number | null): number {
  return v === null ? Number.NaN : v;
}

function numbers(values: Record<string, number | null>): Record<string, number> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, num(v)]));
}
