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
