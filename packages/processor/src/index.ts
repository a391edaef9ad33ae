// The public surface of @telltale/processor: named exports only.

export type { SpanRole } from './classify/classify.ts';
export { spanRole } from './classify/classify.ts';
export { loadConfig } from './config/load.ts';
export type { ProcessorConfig } from './config/schema.ts';
export { ENV_VARS, processorConfigSchema } from './config/schema.ts';
export type { Price, PriceEntryInput } from './cost/price-table.ts';
export { loadPriceTable, PriceTable, parsePriceFile, shippedPriceEntries } from './cost/price-table.ts';
export type { CallCost } from './cost/pricing.ts';
export { priceCall } from './cost/pricing.ts';
export type { Decoder, DecoderOptions, Encoding } from './decode/decoders.ts';
export { DEFAULT_MAX_INPUT_BYTES, decoderFor, ENCODINGS, isEncoding } from './decode/decoders.ts';
export { decodeOtlpJson } from './decode/otlp-json.ts';
export { decodeOtlpProto } from './decode/otlp-proto.ts';
export type { Checkpoint } from './engine/checkpoint.ts';
export { decodeCheckpointMetadata, encodeCheckpointMetadata } from './engine/checkpoint.ts';
export type { EngineCounters, InvalidField } from './engine/counters.ts';
export { newCounters } from './engine/counters.ts';
export type { EngineOutput } from './engine/engine.ts';
export { Engine } from './engine/engine.ts';
export type { EngineOptions } from './engine/options.ts';
export { DEFAULT_LIMITS, ENGINE_DEFAULTS } from './engine/options.ts';
export { CheckpointError, ConfigError, PriceTableError, ProcessorError } from './errors.ts';
export { TraceBudget } from './join/trace-budget.ts';
export type { HealthServer } from './metrics/health-server.ts';
export { startHealthServer } from './metrics/health-server.ts';
export { ProcessorMetrics } from './metrics/processor-metrics.ts';
export type { DecodeResult, SafetyEventView, Span } from './span.ts';
export type {
  OtlpHttpReceiverOptions,
  OtlpHttpReceiverServerOptions,
  ReceiverOutcome,
  RunningOtlpHttpReceiver,
  SpanRejection,
  SpanSink,
} from './transport/http/receiver.ts';
export { createOtlpHttpListener, startOtlpHttpReceiver } from './transport/http/receiver.ts';
export type { KafkaProcessorOptions, KafkaProcessorTopics } from './transport/kafka/kafka-processor.ts';
export { KafkaProcessor } from './transport/kafka/kafka-processor.ts';
export type { CardinalityLimits, OverflowReason } from './windows/overflow.ts';
export { OVERFLOW_REASONS } from './windows/overflow.ts';
export type { WindowSpec } from './windows/window-spec.ts';
