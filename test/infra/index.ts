// Real services for tests: what a test can ask for. See README.md in this folder.
export type { AlertmanagerOptions, RunningAlertmanager } from './alertmanager.ts';
export { startAlertmanager } from './alertmanager.ts';
export { cacheDir } from './cache.ts';
export type { CollectorOptions, RunningCollector } from './collector.ts';
export { ensureCollector } from './collector.ts';
export { InfraError } from './errors.ts';
export type { KafkaBroker, KafkaSecurity, TopicSpec } from './kafka.ts';
export { createTopics, ensureKafkaJars, startKafka, uniqueTopic } from './kafka.ts';
export { freePort } from './ports.ts';
export type { ManagedProcess, StartProcessOptions } from './process.ts';
export { startProcess, stopAllProcesses } from './process.ts';
export type { PrometheusOptions, PromVectorSample, RunningPrometheus } from './prometheus.ts';
export { startPrometheus } from './prometheus.ts';
export { requireCommand } from './require.ts';
export { kafkaBrokers, startCollector } from './services.ts';
export { httpReady, waitUntil } from './wait.ts';
