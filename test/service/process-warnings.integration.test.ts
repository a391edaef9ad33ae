import { Writable } from 'node:stream';
import { setImmediate as tick } from 'node:timers/promises';
import { logProcessWarnings } from '@telltale/service';
import { Kafka, logLevel } from 'kafkajs';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { kafkaBrokers } from '../infra/index.ts';

let restore: (() => void) | undefined;
afterEach(() => restore?.());

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { lines, logger: pino({ level: 'warn' }, stream) };
}

describe('process warnings in a service', () => {
  // Node.js warns of a negative timer once per process: this file must be the first to connect kafkajs in its process.
  it("go to the log as JSON, except kafkajs's negative timer at connect, which Node.js 24 reports for nothing", async () => {
    const { lines, logger } = capture();
    restore = logProcessWarnings(logger);
    const emitted: string[] = [];
    process.on('warning', (w) => emitted.push(w.name));
    const admin = new Kafka({ clientId: 'warnings-test', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.listTopics();
    await admin.disconnect();
    process.emitWarning('something an operator should see', 'TelltaleTestWarning');
    await tick();
    // kafkajs did warn: the filter had something to drop.
    expect(emitted).toContain('TimeoutNegativeWarning');
    expect(lines.map((l) => l.msg)).toEqual(['process warning: TelltaleTestWarning']);
    expect(lines[0]).toMatchObject({ level: 40, err: { message: 'something an operator should see' } });
  });
});
