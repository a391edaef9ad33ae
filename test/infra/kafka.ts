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
  /** With `security`: the SASL_SSL listener, and the PEM of the broker's self-signed certificate to trust. */
  secure?: { brokers: string[]; caFile: string };
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

export interface KafkaSecurity {
  /**
   * Users (name → password) of a second, SASL_SSL listener that offers PLAIN
   * and SCRAM-SHA-512, as managed Kafka services do. The broker's TLS
   * certificate is self-signed for 127.0.0.1, made with the JDK's keytool.
   */
  users: Record<string, string>;
}

/** Starts a single-node KRaft broker on free loopback ports with its data in a fresh temp dir. */
export async function startKafka(
  log: (line: string) => void = () => {},
  options: { security?: KafkaSecurity } = {},
): Promise<KafkaBroker> {
  const java = requireCommand('java', 'install a JDK 17+ (apt-get install openjdk-17-jdk-headless)');
  const libs = await ensureKafkaJars(log);
  const dir = await mkdtemp(join(tmpdir(), 'telltale-kafka-'));
  const [port, controllerPort] = [await freePort(), await freePort()];
  const security = options.security;
  const securePort = security ? await freePort() : 0;
  const tls = security ? await selfSignedKeystore(dir) : undefined;
  const config = join(dir, 'server.properties');
  const secureListener = security ? `,SASL_SSL://127.0.0.1:${securePort}` : '';
  await writeFile(
    config,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
      `listeners=PLAINTEXT://127.0.0.1:${port}${secureListener},CONTROLLER://127.0.0.1:${controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${port}${secureListener}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=PLAINTEXT',
      `listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT${security ? ',SASL_SSL:SASL_SSL' : ''}`,
      ...(security && tls ? secureListenerConfig(security, tls) : []),
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
  // SCRAM credentials live in the cluster metadata: KRaft takes them when the storage is formatted.
  const scram = Object.entries(security?.users ?? {}).flatMap(([name, password]) => [
    '--add-scram',
    `SCRAM-SHA-512=[name=${name},password=${password}]`,
  ]);
  try {
    await run(
      java,
      [...jvm, '-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', config, ...scram],
      { timeout: 120_000 },
    );
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
    ...(tls ? { secure: { brokers: [`127.0.0.1:${securePort}`], caFile: tls.certFile } } : {}),
    stop: async () => {
      await proc.stop();
      await rm(dir, { recursive: true, force: true });
      log('kafka: broker stopped, data removed');
    },
  };
}

interface Keystore {
  file: string;
  password: string;
  /** The certificate alone, PEM: what a client trusts. */
  certFile: string;
}

/** A PKCS#12 keystore with a self-signed certificate for 127.0.0.1, and its certificate as PEM. */
async function selfSignedKeystore(dir: string): Promise<Keystore> {
  const keytool = requireCommand('keytool', 'install a JDK 17+ (apt-get install openjdk-17-jdk-headless)');
  const store = {
    file: join(dir, 'broker.p12'),
    password: randomBytes(12).toString('hex'),
    certFile: join(dir, 'ca.pem'),
  };
  const common = ['-alias', 'broker', '-keystore', store.file, '-storepass', store.password];
  try {
    await run(keytool, [
      '-genkeypair',
      ...common,
      '-keyalg',
      'RSA',
      '-keysize',
      '2048',
      '-validity',
      '2',
      '-dname',
      'CN=127.0.0.1',
      '-ext',
      'SAN=IP:127.0.0.1',
      '-storetype',
      'PKCS12',
      '-keypass',
      store.password,
    ]);
    await run(keytool, ['-exportcert', '-rfc', ...common, '-file', store.certFile]);
  } catch (err) {
    throw new InfraError(`kafka: making the broker's TLS certificate failed: ${(err as Error).message}`);
  }
  return store;
}

function secureListenerConfig(security: KafkaSecurity, tls: Keystore): string[] {
  const plainUsers = Object.entries(security.users)
    .map(([name, password]) => `user_${name}="${password}"`)
    .join(' ');
  return [
    'sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-512',
    `listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required ${plainUsers};`,
    'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
    'ssl.keystore.type=PKCS12',
    `ssl.keystore.location=${tls.file}`,
    `ssl.keystore.password=${tls.password}`,
    `ssl.key.password=${tls.password}`,
  ];
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
