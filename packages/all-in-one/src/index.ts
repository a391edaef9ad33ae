// The public surface of @telltale/all-in-one: named exports only.

export type { RunningAllInOne } from './all-in-one.ts';
export { DEMO_RULES_FILE, startAllInOne } from './all-in-one.ts';
export { buildCommand, resolveOptions } from './cli-options.ts';
export type { DemoOptions, RunningDemo } from './demo/demo-service.ts';
export { startDemo } from './demo/demo-service.ts';
export type { EmbeddedProcessorOptions, RunningEmbeddedProcessor } from './embedded/embedded-processor.ts';
export { startEmbeddedProcessor } from './embedded/embedded-processor.ts';
export type { LogLevel } from './logger.ts';
export { createLogger } from './logger.ts';
export type { AllInOneInput, AllInOneOptions } from './options.ts';
export { allInOneOptionsSchema, OptionsError, parseOptions, SETTINGS } from './options.ts';
export { pagerLine } from './pager-log/pager-line.ts';
export type { PagerLogOptions, PagerLogServer } from './pager-log/server.ts';
export { startPagerLog } from './pager-log/server.ts';
export type { WebhookAlert, WebhookPayload } from './pager-log/webhook-payload.ts';
export { webhookPayloadSchema } from './pager-log/webhook-payload.ts';
export { listenOn, PortInUseError } from './ports.ts';
