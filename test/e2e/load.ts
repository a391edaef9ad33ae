import { randomBytes } from 'node:crypto';
import {
  DEFAULT_TENANTS,
  generateRequests,
  type SupportReply,
  sendOverHttp,
} from '@telltale/example-support-assistant';

/**
 * Open-loop load on the support assistant over HTTP at a rate that can change
 * while it runs. The ground truth is the assistant's own tally (GET /tally),
 * so the load only has to keep going and finish what it started.
 */
export class Load {
  readonly #send: (r: { tenant: string; message: string }) => Promise<SupportReply>;
  readonly #inFlight = new Set<Promise<unknown>>();
  #rate: number;
  #timer: NodeJS.Timeout | undefined;
  #seed = 1;
  #credit = 0;
  sent = 0;
  /** Requests that got no reply at all (the assistant answers failed workflows with a reply). */
  errors: string[] = [];

  constructor(baseUrl: string, ratePerSecond: number) {
    this.#send = sendOverHttp(baseUrl);
    this.#rate = ratePerSecond;
  }

  setRate(ratePerSecond: number): void {
    this.#rate = ratePerSecond;
  }

  start(): void {
    const tickMs = 100;
    this.#timer = setInterval(() => {
      this.#credit += (this.#rate * tickMs) / 1000;
      while (this.#credit >= 1) {
        this.#credit -= 1;
        const [request] = generateRequests(1, DEFAULT_TENANTS, this.#seed++);
        if (!request) continue;
        this.sent++;
        const p = this.#send(request)
          .catch((err: Error) => {
            this.errors.push(err.message);
          })
          .finally(() => this.#inFlight.delete(p));
        this.#inFlight.add(p);
      }
    }, tickMs);
  }

  /** Stops starting requests and waits for those in flight. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await Promise.all([...this.#inFlight]);
  }
}

/**
 * Spans with no workflow, tool or model (so they count for nothing) that end
 * `aheadMs` in the future, on enough trace ids to reach every partition: they
 * move each partition's event time past the last windows, which then close and
 * are emitted, as continuing traffic would do in production.
 */
export async function sendClockSpans(collectorUrl: string, aheadMs: number, traces = 96): Promise<void> {
  const endNs = BigInt(Date.now() + aheadMs) * 1_000_000n;
  const spans = Array.from({ length: traces }, () => ({
    traceId: randomBytes(16).toString('hex'),
    spanId: randomBytes(8).toString('hex'),
    name: 'e2e clock tick',
    kind: 1,
    startTimeUnixNano: String(endNs - 1_000_000n),
    endTimeUnixNano: String(endNs),
  }));
  const body = {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'e2e-clock' } }] },
        scopeSpans: [{ scope: { name: 'telltale-e2e' }, spans }],
      },
    ],
  };
  const res = await fetch(`${collectorUrl}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`collector refused the clock spans: ${res.status} ${await res.text()}`);
}
