import { type AggregateKey, modelKey, OVERFLOW } from '@telltale/conventions';
import type { Mark } from '../engine/mark.ts';
import { KeyCounts, type ModelName } from './key-counts.ts';
import { KeyMap } from './key-map.ts';
import type { CardinalityLimits, OverflowReason } from './overflow.ts';

/**
 * One open window of one shard: its keys (service, workflow, tenant) after
 * the caps, each with a dense id that indexes its counts; the distinct values
 * seen per dimension (to enforce the caps); the tools and models admitted,
 * also by id; and the mark of the earliest record that contributed (for the
 * commit point).
 */
export class Window {
  readonly startMs: number;
  readonly endMs: number;
  first: Mark;
  /** What each key counted, by key id. */
  readonly counts: KeyCounts;
  readonly #limits: CardinalityLimits;
  readonly #onOverflow: (reason: OverflowReason) => void;
  /** The keys by id, which is the order they first appeared. */
  readonly #keys: AggregateKey[] = [];
  /** Ids by the key a span carries, for keys that passed every cap as they are: the hot path. */
  readonly #admitted = new KeyMap<number>();
  /**
   * Ids of the keys with an `__overflow__` part, which several keys a span
   * carries can fold into. A key without one is only ever its own, so it
   * lives in #admitted alone.
   */
  readonly #folded = new KeyMap<number>();
  /** The last key found in #admitted: a record's spans (one trace) mostly share their key. */
  #lastService = '';
  #lastWorkflow = '';
  #lastTenant = '';
  #lastKey = -1;
  readonly #services = new Set<string>();
  readonly #workflows = new Set<string>();
  readonly #tenants = new Set<string>();
  readonly #policies = new Set<string>();
  /** Tool ids by name, for the names admitted under the tool cap; the names by id. */
  readonly #toolIds = new Map<string, number>();
  readonly #toolNames: string[] = [];
  #overflowTool = -1;
  /** provider → model → model id, for the models admitted under the model cap (nested: no key string per lookup). */
  readonly #modelIds = new Map<string, Map<string, number>>();
  readonly #modelNames: ModelName[] = [];
  #modelsAdmitted = 0;
  #overflowModel = -1;

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
    this.counts = new KeyCounts(this.#toolNames, this.#modelNames);
  }

  /**
   * The id of the key after the caps, noting `mark` as a contributor.
   * `likely` and `likelyKey` are a window and key id the caller used before
   * for this key (a trace's earlier spans): when that is this window and
   * exactly this key, it is the answer, without a lookup. A key folded by a
   * cap never matches it.
   */
  keyId(service: string, workflow: string, tenant: string, mark: Mark, likely?: Window, likelyKey = -1): number {
    if (mark.position < this.first.position) this.first = mark;
    if (likely === this && likelyKey >= 0) {
      const key = this.#keys[likelyKey] as AggregateKey;
      if (key.service === service && key.workflow === workflow && key.tenant === tenant) return likelyKey;
    }
    if (
      this.#lastKey >= 0 &&
      this.#lastService === service &&
      this.#lastWorkflow === workflow &&
      this.#lastTenant === tenant
    )
      return this.#lastKey;
    const k = this.#admitted.get(service, workflow, tenant);
    if (k === undefined) return this.#admit(service, workflow, tenant);
    // Only hits of #admitted (no cap involved, nothing counted) are remembered, so reusing one changes nothing.
    this.#lastService = service;
    this.#lastWorkflow = workflow;
    this.#lastTenant = tenant;
    this.#lastKey = k;
    return k;
  }

  #admit(service: string, workflow: string, tenant: string): number {
    let s = this.#capped(this.#services, service, this.#limits.services, 'service');
    let w = this.#capped(this.#workflows, workflow, this.#limits.workflows, 'workflow');
    let t = this.#capped(this.#tenants, tenant, this.#limits.tenants, 'tenant');
    const self = s === service && w === workflow && t === tenant;
    // #admitted just missed this key, so a key that is its own and has no overflow part is new.
    let folds = s === OVERFLOW || w === OVERFLOW || t === OVERFLOW;
    let k = folds ? this.#folded.get(s, w, t) : undefined;
    if (k !== undefined) {
      if (self) this.#admitted.set(s, w, t, k);
      return k;
    }
    if (this.#keys.length >= this.#limits.keys) {
      this.#onOverflow('keys');
      s = OVERFLOW;
      w = OVERFLOW;
      t = OVERFLOW;
      folds = true;
      k = this.#folded.get(s, w, t);
      if (k !== undefined) return k;
    }
    k = this.#keys.length;
    this.#keys.push({ service: s, workflow: w, tenant: t });
    this.counts.addKey(k);
    if (folds) this.#folded.set(s, w, t, k);
    // Only keys that map to themselves are remembered, so that map is bounded by the key cap.
    if (s === service && w === workflow && t === tenant) this.#admitted.set(s, w, t, k);
    return k;
  }

  /** The id tool `name` counts under: its own while it fits the per-window tool cap, else `__overflow__`'s. */
  toolId(name: string): number {
    const id = this.#toolIds.get(name);
    if (id !== undefined) return id;
    if (this.#toolIds.size < this.#limits.tools) {
      const admitted = this.#toolNames.push(name) - 1;
      this.#toolIds.set(name, admitted);
      return admitted;
    }
    this.#onOverflow('tool');
    // Nothing is admitted once the cap is reached, so a tool literally named __overflow__ is either already here or never.
    if (this.#overflowTool < 0) this.#overflowTool = this.#toolIds.get(OVERFLOW) ?? this.#toolNames.push(OVERFLOW) - 1;
    return this.#overflowTool;
  }

  /** The id (provider, model) counts under: its own while it fits the per-window model cap, else `__overflow__`'s for both. */
  modelId(provider: string, model: string): number {
    let known = this.#modelIds.get(provider);
    const id = known?.get(model);
    if (id !== undefined) return id;
    if (this.#modelsAdmitted < this.#limits.models) {
      if (!known) {
        known = new Map();
        this.#modelIds.set(provider, known);
      }
      const admitted = this.#modelNames.push({ provider, model, key: modelKey(provider, model) }) - 1;
      known.set(model, admitted);
      this.#modelsAdmitted++;
      return admitted;
    }
    this.#onOverflow('model');
    if (this.#overflowModel < 0)
      this.#overflowModel =
        this.#modelIds.get(OVERFLOW)?.get(OVERFLOW) ??
        this.#modelNames.push({ provider: OVERFLOW, model: OVERFLOW, key: modelKey(OVERFLOW, OVERFLOW) }) - 1;
    return this.#overflowModel;
  }

  /** The name safety policy `name` counts under: its own while it fits the per-window policy cap, else `__overflow__`. */
  policy(name: string): string {
    return this.#capped(this.#policies, name, this.#limits.policies, 'policy');
  }

  /**
   * The keys by id: the order they first appeared. The same input (also a
   * replay from a checkpoint) always gives the same order, and ids, not
   * order, are what consumers rely on.
   */
  keys(): readonly AggregateKey[] {
    return this.#keys;
  }

  get keyCount(): number {
    return this.#keys.length;
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
