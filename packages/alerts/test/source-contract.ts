import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AggregateRecord } from '@telltale/conventions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAlertService } from '../src/service/create.ts';
import { aggregate } from './aggregates.ts';

/** One way aggregates reach the alert service: Kafka, HTTP, in-process. */
export interface SourceUnderTest {
  service: RunningAlertService;
  /** Sends the records through the transport, in order, and waits until the service has taken each in. */
  send(records: readonly unknown[]): Promise<void>;
  close(): Promise<void>;
}

/** The sum of a counter's series whose label text contains `match`. */
export async function counter(service: RunningAlertService, name: string, match: string): Promise<number> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) && l.includes(match))
    .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

/**
 * What every transport must do with aggregates, whatever carries them: add
 * up partials of one window from several shards, apply each once, and refuse
 * invalid records without stopping. Each test uses its own tool name.
 */
export function describeSourceContract(name: string, open: (stateDir: string) => Promise<SourceUnderTest>): void {
  describe(`the ${name} source`, () => {
    let dir: string;
    let src: SourceUnderTest;
    const now = Math.floor(Date.now() / 10_000) * 10_000;
    const calls = (tool: string, outcome: string) =>
      counter(src.service, 'telltale_tool_calls_total', `tool="${tool}",outcome="${outcome}"`);
    const record = (tool: string, shard: string, successes: number): AggregateRecord =>
      // the workflow too is the test's own: ids depend on (shard, window, key), not on the counts
      aggregate({ shard, startMs: now - 20_000, key: { workflow: tool }, tools: { [tool]: { calls: 10, successes } } });

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), `telltale-alerts-source-`));
      src = await open(dir);
    });
    afterAll(async () => {
      await src?.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('adds up partial aggregates of the same window from several shards', async () => {
      await src.send([
        record('adds', 'otlp_spans/0', 9),
        record('adds', 'otlp_spans/1', 4),
        record('adds', 'embedded', 10),
      ]);
      expect(await calls('adds', 'success')).toBe(23);
      expect(await calls('adds', 'error')).toBe(7);
    });

    it('applies each aggregate once: a redelivery changes nothing', async () => {
      const a = record('once', 'otlp_spans/0', 7);
      await src.send([a]);
      await src.send([a, structuredClone(a)]);
      expect(await calls('once', 'success')).toBe(7);
      expect(await calls('once', 'error')).toBe(3);
    });

    it('refuses invalid records, and goes on with the valid ones after them', async () => {
      const good = record('invalid', 'otlp_spans/0', 5);
      const negative = { ...record('invalid', 'otlp_spans/1', 5), tools: { invalid: { calls: -1, successes: 0 } } };
      const forged = { ...record('invalid', 'otlp_spans/2', 5), id: 'f'.repeat(32) };
      await src.send([negative, forged, { hello: 'world' }, good]);
      expect(await calls('invalid', 'success')).toBe(5);
      expect(await calls('invalid', 'error')).toBe(5);
    });
  });
}
