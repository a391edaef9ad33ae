// The public surface of @telltale/service: named exports only.
export type { StopOnSignalsOptions } from './stop-on-signals.ts';
export { stopOnSignals } from './stop-on-signals.ts';
