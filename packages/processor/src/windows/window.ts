import { modelKey, OVERFLOW } from '@telltale/conventions';
import type { Mark } from '../engine/mark.ts';
import { AggregateAccumulator, type ModelName } from './aggregate-accumulator.ts';
import { KeyMap } from './key-map.ts';
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
  /** Accumulators by their key (after the caps), and in the order their keys first appeared. */
  readonly #byKey = new KeyMap<AggregateAccumulator>();
  readonly #order: AggregateAccumulator[] = [];
  /** The same accumulators by the key a span carries, for keys that passed every cap as they are: the hot path. */
  readonly #admitted = new KeyMap<AggregateAccumulator>();
  /** The last key found in #admitted: a record's spans (one trace) mostly share their key. */
  #last: { service: string; workflow: string; tenant: string; acc: AggregateAccumulator } | undefined;
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

  /**
   * The accumulator for the key after the caps, noting `mark` as a contributor.
   * `likely` is one the caller used before for this key (a trace's earlier
   * spans): when it is this window's and has exactly this key, it is the
   * answer, without a lookup. A key folded by a cap never matches it.
   */
  accumulator(
    service: string,
    workflow: string,
    tenant: string,
    mark: Mark,
    likely?: AggregateAccumulator,
  ): AggregateAccumulator {
    if (mark.position < this.first.position) this.first = mark;
    if (
      likely !== undefined &&
      likely.window === this &&
      likely.key.service === service &&
      likely.key.workflow === workflow &&
      likely.key.tenant === tenant
    )
      return likely;
    const last = this.#last;
    if (last && last.service === service && last.workflow === workflow && last.tenant === tenant) return last.acc;
    const acc = this.#admitted.get(service, workflow, tenant);
    if (!acc) return this.#admit(service, workflow, tenant);
    // Only hits of #admitted (no cap involved, nothing counted) are remembered, so reusing one changes nothing.
    if (last) {
      last.service = service;
      last.workflow = workflow;
      last.tenant = tenant;
      last.acc = acc;
    } else this.#last = { service, workflow, tenant, acc };
    return acc;
  }

  #admit(service: string, workflow: string, tenant: string): AggregateAccumulator {
    let s = this.#capped(this.#services, service, this.#limits.services, 'service');
    let w = this.#capped(this.#workflows, workflow, this.#limits.workflows, 'workflow');
    let t = this.#capped(this.#tenants, tenant, this.#limits.tenants, 'tenant');
    const self = s === service && w === workflow && t === tenant;
    let acc = this.#byKey.get(s, w, t);
    if (acc) {
      if (self) this.#admitted.set(s, w, t, acc);
      return acc;
    }
    if (this.#byKey.size >= this.#limits.keys) {
      this.#onOverflow('keys');
      s = OVERFLOW;
      w = OVERFLOW;
      t = OVERFLOW;
      acc = this.#byKey.get(s, w, t);
      if (acc) return acc;
    }
    acc = new AggregateAccumulator({ service: s, workflow: w, tenant: t }, this);
    this.#byKey.set(s, w, t, acc);
    this.#order.push(acc);
    // Only keys that map to themselves are remembered, so that map is bounded by the key cap.
    if (s === service && w === workflow && t === tenant) this.#admitted.set(s, w, t, acc);
    return acc;
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
  accumulators(): readonly AggregateAccumulator[] {
    return this.#order;
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
