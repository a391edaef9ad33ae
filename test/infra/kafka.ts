import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { cacheDir, isComplete, markComplete } from './cache.ts';
import { InfraError } from './errors.ts';
import { freePort } from './ports.ts';
import { type ManagedProcess, startProcess } from './process.ts';
import { requireCommand } from './require.ts';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));

/** The broker version the tests run; the pom in kafka/ pins the same. */
export const KAFKA_VERSION = '3.9.1';

export interface KafkaBroker {
  brokers: string[];
  /** Stops the broker and removes its data directory. */
  stop(): Promise<void>;
}

/**
 * The Kafka jars from Maven Central, fetched once into the cache (kafka/pom.xml
 * lists them). Returns the directory holding them.
 */
export async function ensureKafkaJars(log: (line: string) => void = () => {}): Promise<string> {
  const libs = cacheDir(`kafka-${KAFKA_VERSION}`, 'libs');
  if (isComplete(libs) && readdirSync(libs).some((f) => f.startsWith(`kafka_2.13-${KAFKA_VERSION}`))) {
    log(`kafka: using cached jars in ${libs}`);
    return libs;
  }
  const mvn = requireCommand('mvn', 'install Maven (apt-get install maven) to fetch the Kafka broker jars');
  log(`kafka: fetching Kafka ${KAFKA_VERSION} jars with Maven into ${libs}`);
  try {
    await run(
      mvn,
      [
        '-q',
        '-B',
        '-f',
        join(here, 'kafka', 'pom.xml'),
        'dependency:copy-dependencies',
        '-DincludeScope=runtime',
        `-DoutputDirectory=${libs}`,
      ],
      { timeout: 10 * 60_000, maxBuffer: 16 << 20 },
    );
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new InfraError(
      `kafka: Maven could not fetch the broker jars: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`,
    );
  }
  markComplete(libs);
  return libs;
}

/** Starts a single-node KRaft broker on free loopback ports with its data in a fresh temp dir. */
export async function startKafka(log: (line: string) => void = () => {}): Promise<KafkaBroker> {
  const java = requireCommand('java', 'install a JDK 17+ (apt-get install openjdk-17-jdk-headless)');
  const libs = await ensureKafkaJars(log);
  const dir = await mkdtemp(join(tmpdir(), 'telltale-kafka-'));
  const [port, controllerPort] = [await freePort(), await freePort()];
  const config = join(dir, 'server.properties');
  await writeFile(
    config,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
      `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=PLAINTEXT',
      'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      `log.dirs=${join(dir, 'data')}`,
      'num.partitions=1',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=4',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
      'auto.create.topics.enable=true',
      'log.retention.hours=1',
    ].join('\n'),
  );
  await writeFile(
    join(dir, 'log4j.properties'),
    [
      'log4j.rootLogger=WARN, stdout',
      'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
      'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
      'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
      'log4j.logger.kafka.server.KafkaServer=INFO',
      'log4j.logger.kafka.server.KafkaRaftServer=INFO',
    ].join('\n'),
  );
  const classpath = `${libs}/*`;
  const jvm = ['-Xms256m', '-Xmx768m', '-XX:+UseG1GC', `-Dlog4j.configuration=file:${join(dir, 'log4j.properties')}`];
  const clusterId = newClusterId();
  try {
    await run(java, [...jvm, '-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', config], {
      timeout: 120_000,
    });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw new InfraError(`kafka: formatting storage failed: ${(err as Error).message}`);
  }

  const brokers = [`127.0.0.1:${port}`];
  log(`kafka: starting broker ${KAFKA_VERSION} on ${brokers[0]} (data in ${dir})`);
  let proc: ManagedProcess;
  try {
    proc = await startProcess({
      name: 'kafka',
      command: java,
      args: [...jvm, '-cp', classpath, 'kafka.Kafka', config],
      timeoutMs: 120_000,
      stopGraceMs: 20_000,
      ready: () => clusterAnswers(brokers),
    });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  log(`kafka: broker ready on ${brokers[0]} (pid ${proc.pid})`);
  return {
    brokers,
    stop: async () => {
      await proc.stop();
      await rm(dir, { recursive: true, force: true });
      log('kafka: broker stopped, data removed');
    },
  };
}

/** True once the broker answers describeCluster. */
async function clusterAnswers(brokers: string[]): Promise<boolean> {
  const admin = new Kafka({
    clientId: 'telltale-infra',
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
    connectionTimeout: 1000,
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/** A Kafka cluster id: 16 random bytes, base64url without padding, as StorageTool random-uuid makes. */
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** A topic name no other test uses. */
export function uniqueTopic(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export interface TopicSpec {
  topic: string;
  numPartitions?: number;
  configEntries?: { name: string; value: string }[];
}

/** Creates topics and waits until they have leaders. */
export async function createTopics(brokers: string[], topics: TopicSpec[]): Promise<void> {
  const admin = new Kafka({ clientId: 'telltale-infra', brokers, logLevel: logLevel.ERROR }).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: topics.map((t) => ({
        topic: t.topic,
        numPartitions: t.numPartitions ?? 1,
        replicationFactor: 1,
        configEntries: t.configEntries,
      })),
    });
  } finally {
    await admin.disconnect();
  }
}
