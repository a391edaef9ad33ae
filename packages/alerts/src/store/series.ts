import { OVERFLOW } from '@telltale/conventions';

/** The dimensions a stored series is keyed by: the aggregate key. */
export interface SeriesKey {
  readonly service: string;
  readonly workflow: string;
  readonly tenant: string;
}

export interface SeriesLimits {
  services: number;
  workflows: number;
  tenants: number;
  tools: number;
  /** Distinct (service, workflow, tenant) series. */
  keys: number;
}

/**
 * Caps the values the store keys series by. A value past its dimension's cap
 * becomes `__overflow__` (counted): its numbers still add up in the totals,
 * under one explicit label. Caps count the values live in the store, so values
 * that age out of every bucket free their place.
 */
export class SeriesIndex {
  readonly #limits: SeriesLimits;
  readonly #series = new Map<string, { id: string; key: SeriesKey }>();
  readonly #services = new Set<string>();
  readonly #workflows = new Set<string>();
  readonly #tenants = new Set<string>();
  readonly #tools = new Set<string>();
  /** Values mapped to `__overflow__` since start. */
  overflowed = 0;

  constructor(limits: SeriesLimits) {
    this.#limits = limits;
  }

  /** The series id for a key, applying the caps; the same string instance every time, so buckets share it. */
  intern(key: SeriesKey): string {
    const hit = this.#series.get(seriesId(key));
    if (hit) return hit.id;
    let capped: SeriesKey = {
      service: this.#capValue(this.#services, key.service, this.#limits.services),
      workflow: this.#capValue(this.#workflows, key.workflow, this.#limits.workflows),
      tenant: this.#capValue(this.#tenants, key.tenant, this.#limits.tenants),
    };
    let id = seriesId(capped);
    let entry = this.#series.get(id);
    if (!entry && this.#series.size >= this.#limits.keys) {
      capped = { service: OVERFLOW, workflow: OVERFLOW, tenant: OVERFLOW };
      id = seriesId(capped);
      entry = this.#series.get(id);
      this.overflowed++;
    }
    if (entry) return entry.id;
    this.#series.set(id, { id, key: capped });
    return id;
  }

  key(id: string): SeriesKey {
    return this.#series.get(id)?.key ?? seriesFromId(id);
  }

  /**
   * Re-registers a series read back from a snapshot, as it was stored (caps
   * were applied then); returns its id, in today's form for a snapshot of an
   * earlier version.
   */
  register(stored: string): string {
    const key = seriesFromId(stored);
    const id = seriesId(key);
    const entry = this.#series.get(id);
    if (entry) return entry.id;
    this.#series.set(id, { id, key });
    this.#services.add(key.service);
    this.#workflows.add(key.workflow);
    this.#tenants.add(key.tenant);
    return id;
  }

  registerTool(name: string): void {
    this.#tools.add(name);
  }

  tool(name: string): string {
    return this.#capValue(this.#tools, name, this.#limits.tools);
  }

  #capValue(set: Set<string>, value: string, cap: number): string {
    if (set.has(value)) return value;
    if (set.size >= cap) {
      this.overflowed++;
      set.add(OVERFLOW);
      return OVERFLOW;
    }
    set.add(value);
    return value;
  }

  /** Forgets every series and value not in `live` (after old buckets were dropped). */
  retain(liveSeries: ReadonlySet<string>, liveTools: ReadonlySet<string>): void {
    for (const id of this.#series.keys()) if (!liveSeries.has(id)) this.#series.delete(id);
    this.#services.clear();
    this.#workflows.clear();
    this.#tenants.clear();
    for (const { key: k } of this.#series.values()) {
      this.#services.add(k.service);
      this.#workflows.add(k.workflow);
      this.#tenants.add(k.tenant);
    }
    for (const t of this.#tools) if (!liveTools.has(t)) this.#tools.delete(t);
  }

  get size(): number {
    return this.#series.size;
  }
}

/** JSON, not a separator: a label value holding any separator (NUL included) would merge two series. */
export function seriesId(key: SeriesKey): string {
  return JSON.stringify([key.service, key.workflow, key.tenant]);
}

/** The key of a series id; throws on text that is not one (a damaged snapshot). */
export function seriesFromId(id: string): SeriesKey {
  // Snapshots written before ids were JSON joined the values with NUL, which JSON text never holds raw.
  if (id.includes('\u0000')) {
    const [service = '', workflow = '', tenant = ''] = id.split('\u0000');
    return { service, workflow, tenant };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(id);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 3 || !parsed.every((v) => typeof v === 'string'))
    throw new Error(`not a series id: ${JSON.stringify(id)}`);
  const [service, workflow, tenant] = parsed as [string, string, string];
  return { service, workflow, tenant };
}
