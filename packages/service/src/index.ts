// The public surface of @telltale/service: named exports only.
export { closeServer, listen } from './http-server.ts';
export { logProcessWarnings } from './process-warnings.ts';
export type { StopOnSignalsOptions } from './stop-on-signals.ts';
export { stopOnSignals } from './stop-on-signals.ts';
