import { type AggregateKey, modelKey, OVERFLOW } from '@telltale/conventions';
import type { Mark } from '../engine/mark.ts';
import { AggregateAccumulator, type ModelName } from './aggregate-accumulator.ts';
import type { CardinalityLimits, OverflowReason } from './overflow.ts';

/**
 * One open window of one shard: an accumulator per (service, workflow,
 * tenant) key, the distinct values seen per dimension (to enforce the caps),
 * and the mark of the earliest record that contributed (for the commit point).
 */
export class Window {
  readonly startMs: number;
  readonly endMs: number;
  first: Mark;
  readonly #limits: CardinalityLimits;
  readonly #onOverflow: (reason: OverflowReason) => void;
  readonly #byKey = new Map<string, AggregateAccumulator>();
  /** service → workflow → tenant → accumulator, for keys that passed every cap as they are: the hot path. */
  readonly #admitted = new Map<string, Map<string, Map<string, AggregateAccumulator>>>();
  readonly #services = new Set<string>();
  readonly #workflows = new Set<string>();
  readonly #tenants = new Set<string>();
  readonly #tools = new Set<string>();
  /** provider → model → its name, for the models admitted under the model cap (nested: no key string per lookup). */
  readonly #models = new Map<string, Map<string, ModelName>>();
  #modelCount = 0;
  #overflowModel: ModelName | undefined;

  constructor(
    startMs: number,
    endMs: number,
    first: Mark,
    limits: CardinalityLimits,
    onOverflow: (reason: OverflowReason) => void,
  ) {
    this.startMs = startMs;
    this.endMs = endMs;
    this.first = first;
    this.#limits = limits;
    this.#onOverflow = onOverflow;
  }

  /** The accumulator for the key after the caps, noting `mark` as a contributor. */
  accumulator(service: string, workflow: string, tenant: string, mark: Mark): AggregateAccumulator {
    if (mark.position < this.first.position) this.first = mark;
    return this.#admitted.get(service)?.get(workflow)?.get(tenant) ?? this.#admit(service, workflow, tenant);
  }

  #admit(service: string, workflow: string, tenant: string): AggregateAccumulator {
    const s = this.#capped(this.#services, service, this.#limits.services, 'service');
    const w = this.#capped(this.#workflows, workflow, this.#limits.workflows, 'workflow');
    const t = this.#capped(this.#tenants, tenant, this.#limits.tenants, 'tenant');
    let id = keyString(s, w, t);
    let acc = this.#byKey.get(id);
    if (acc) {
      if (s === service && w === workflow && t === tenant) this.#remember(acc);
      return acc;
    }
    let key: AggregateKey = { service: s, workflow: w, tenant: t };
    if (this.#byKey.size >= this.#limits.keys) {
      this.#onOverflow('keys');
      key = { service: OVERFLOW, workflow: OVERFLOW, tenant: OVERFLOW };
      id = keyString(OVERFLOW, OVERFLOW, OVERFLOW);
      acc = this.#byKey.get(id);
      if (acc) return acc;
    }
    acc = new AggregateAccumulator(key);
    this.#byKey.set(id, acc);
    if (key.service === service && key.workflow === workflow && key.tenant === tenant) this.#remember(acc);
    return acc;
  }

  /** Only keys that map to themselves are remembered, so this map is bounded by the key cap. */
  #remember(acc: AggregateAccumulator): void {
    const { service, workflow, tenant } = acc.key;
    let byWorkflow = this.#admitted.get(service);
    if (!byWorkflow) {
      byWorkflow = new Map();
      this.#admitted.set(service, byWorkflow);
    }
    let byTenant = byWorkflow.get(workflow);
    if (!byTenant) {
      byTenant = new Map();
      byWorkflow.set(workflow, byTenant);
    }
    byTenant.set(tenant, acc);
  }

  /** The tool name after the per-window tool cap. */
  toolName(name: string): string {
    return this.#capped(this.#tools, name, this.#limits.tools, 'tool');
  }

  /** The name (provider, model) counts under: itself while it fits the per-window model cap, else `__overflow__` for both. */
  modelName(provider: string, model: string): ModelName {
    let known = this.#models.get(provider);
    const name = known?.get(model);
    if (name) return name;
    if (this.#modelCount < this.#limits.models) {
      if (!known) {
        known = new Map();
        this.#models.set(provider, known);
      }
      const admitted = { provider, model, key: modelKey(provider, model) };
      known.set(model, admitted);
      this.#modelCount++;
      return admitted;
    }
    this.#onOverflow('model');
    // Nothing is admitted once the cap is reached, so a pair literally named __overflow__ is either already here or never.
    this.#overflowModel ??= this.#models.get(OVERFLOW)?.get(OVERFLOW) ?? {
      provider: OVERFLOW,
      model: OVERFLOW,
      key: modelKey(OVERFLOW, OVERFLOW),
    };
    return this.#overflowModel;
  }

  /**
   * Accumulators in the order their keys first appeared: the same input
   * (also a replay from a checkpoint) always gives the same order, and ids,
   * not order, are what consumers rely on.
   */
  accumulators(): IterableIterator<AggregateAccumulator> {
    return this.#byKey.values();
  }

  get keyCount(): number {
    return this.#byKey.size;
  }

  #capped(seen: Set<string>, value: string, cap: number, reason: OverflowReason): string {
    if (seen.has(value)) return value;
    if (seen.size < cap) {
      seen.add(value);
      return value;
    }
    this.#onOverflow(reason);
    return OVERFLOW;
  }
}

function keyString(service: string, workflow: string, tenant: string): string {
  return `${service}\u0000${workflow}\u0000${tenant}`;
}
