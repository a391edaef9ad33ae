/** Default Kafka topic names; every component lets config override them. */
export const DEFAULT_SPANS_TOPIC = 'otlp_spans';
export const DEFAULT_AGGREGATES_TOPIC = 'telltale.aggregates';
export const DEFAULT_SAFETY_EVENTS_TOPIC = 'telltale.safety-events';
export const DEFAULT_DLQ_TOPIC = 'telltale.dlq';

/** Headers on a DLQ record: why it is there and where it came from. */
export const DLQ_HEADER_REASON = 'telltale.dlq.reason';
export const DLQ_HEADER_SOURCE_TOPIC = 'telltale.dlq.source.topic';
export const DLQ_HEADER_SOURCE_PARTITION = 'telltale.dlq.source.partition';
export const DLQ_HEADER_SOURCE_OFFSET = 'telltale.dlq.source.offset';

/**
 * Header of a stream-time tick: a record a processor writes into a quiet
 * partition of the spans topic, carrying the event time (Unix ms, decimal)
 * that partition's stream time may advance to. Being in the log, a replay
 * meets the tick at the same offset and closes the same windows. Its value
 * is an empty TracesData in the topic's encoding, so other consumers of the
 * topic read no spans from it.
 */
export const TICK_HEADER = 'telltale.tick.ms';
