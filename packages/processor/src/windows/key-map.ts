/**
 * A map keyed by (service, workflow, tenant) as three nested Maps. The
 * strings come interned from the decoder, so each level is a lookup by an
 * already-hashed string: no key string is concatenated (and thrown away) per
 * span, which showed as time and garbage on the hot path.
 */
export class KeyMap<V> {
  readonly #root = new Map<string, Map<string, Map<string, V>>>();
  #size = 0;

  get size(): number {
    return this.#size;
  }

  get(service: string, workflow: string, tenant: string): V | undefined {
    return this.#root.get(service)?.get(workflow)?.get(tenant);
  }

  set(service: string, workflow: string, tenant: string, value: V): void {
    let byWorkflow = this.#root.get(service);
    if (!byWorkflow) {
      byWorkflow = new Map();
      this.#root.set(service, byWorkflow);
    }
    let byTenant = byWorkflow.get(workflow);
    if (!byTenant) {
      byTenant = new Map();
      byWorkflow.set(workflow, byTenant);
    }
    if (!byTenant.has(tenant)) this.#size++;
    byTenant.set(tenant, value);
  }
}
