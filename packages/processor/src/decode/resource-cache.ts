import { Buffer } from 'node:buffer';

/**
 * The service name and version of the last few Resource messages decoded,
 * keyed by their exact bytes. Consecutive records of one service carry a
 * byte-identical Resource (a dozen attributes the processor mostly skips);
 * comparing its bytes with one native memcmp is far cheaper than walking its
 * KeyValues again. Equal bytes decode to equal values, so a hit is exact.
 *
 * Bounded: `entries` resources of at most `maxBytes` each are kept (copied,
 * so the input buffer is not held); larger resources are decoded every time.
 */
export class ResourceCache {
  readonly #maxBytes: number;
  readonly #bytes: Buffer[] = [];
  readonly #lengths: number[] = [];
  readonly #services: (string | null)[] = [];
  readonly #versions: (string | null)[] = [];
  /** Round-robin replacement: the next slot to overwrite. */
  #next = 0;
  /**
   * service.name and service.version of the current resource, null when it has
   * none: set by find() on a hit, by the decoder otherwise, read by store().
   */
  service: string | null = null;
  version: string | null = null;

  constructor(entries = 8, maxBytes = 4096) {
    this.#maxBytes = maxBytes;
    for (let i = 0; i < entries; i++) {
      this.#bytes.push(Buffer.alloc(maxBytes));
      this.#lengths.push(-1);
      this.#services.push(null);
      this.#versions.push(null);
    }
  }

  /** Whether buf[start, end) is a cached resource; on a hit, `service` and `version` hold what it decoded to. */
  find(buf: Buffer, start: number, end: number): boolean {
    const len = end - start;
    const lengths = this.#lengths;
    for (let i = 0; i < lengths.length; i++) {
      if (lengths[i] === len && this.#bytes[i]!.compare(buf, start, end, 0, len) === 0) {
        this.service = this.#services[i]!;
        this.version = this.#versions[i]!;
        return true;
      }
    }
    return false;
  }

  /** Remembers that buf[start, end) decoded to the current `service` and `version`. */
  store(buf: Buffer, start: number, end: number): void {
    const len = end - start;
    if (len > this.#maxBytes) return;
    const i = this.#next;
    this.#next = (i + 1) % this.#lengths.length;
    buf.copy(this.#bytes[i]!, 0, start, end);
    this.#lengths[i] = len;
    this.#services[i] = this.service;
    this.#versions[i] = this.version;
  }
}
