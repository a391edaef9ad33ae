import { randomUUID } from 'node:crypto';

/** One label matcher of a silence: exact, or a regex on the whole value (like Alertmanager's). */
export interface SilenceMatcher {
  name: string;
  value: string;
  isRegex: boolean;
}

/**
 * A silence: while active, alerts whose labels match every matcher do not
 * page. The engine still tracks them; an alert that starts firing under a
 * silence pages when the silence ends if it still fires; the resolve of an
 * alert paged before the silence still goes out.
 */
export interface Silence {
  id: string;
  matchers: SilenceMatcher[];
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
}

export class Silences {
  readonly #byId = new Map<string, Silence>();
  readonly #regex = new Map<string, RegExp>();

  constructor(restore: readonly Silence[] = []) {
    for (const s of restore) this.#byId.set(s.id, s);
  }

  add(s: Omit<Silence, 'id'>): Silence {
    const silence = { ...s, id: randomUUID() };
    this.#byId.set(silence.id, silence);
    return silence;
  }

  /** Ends a silence now; false when there is none with that id. */
  expire(id: string): boolean {
    return this.#byId.delete(id);
  }

  /** Silences not yet ended (active or starting later), dropping ended ones. */
  list(nowMs: number): Silence[] {
    for (const [id, s] of this.#byId) if (s.endsAt <= nowMs) this.#byId.delete(id);
    return [...this.#byId.values()];
  }

  /** The id of an active silence matching these labels, if any. */
  match(labels: Readonly<Record<string, string>>, nowMs: number): string | undefined {
    for (const s of this.#byId.values()) {
      if (s.startsAt > nowMs || s.endsAt <= nowMs) continue;
      if (s.matchers.every((m) => this.#test(m, labels[m.name] ?? ''))) return s.id;
    }
    return undefined;
  }

  #test(m: SilenceMatcher, value: string): boolean {
    if (!m.isRegex) return value === m.value;
    let re = this.#regex.get(m.value);
    if (!re) {
      re = new RegExp(`^(?:${m.value})$`);
      this.#regex.set(m.value, re);
    }
    return re.test(value);
  }

  snapshot(): Silence[] {
    return [...this.#byId.values()];
  }
}
