/**
 * The part of opentelemetry-proto (trace.proto, common.proto, resource.proto)
 * the integration test decodes, with the upstream field numbers, and a reader
 * that turns KeyValue lists into plain objects.
 */
import protobuf from 'protobufjs';

const root = protobuf.parse(`
syntax = "proto3";
message TracesData { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
message Resource { repeated KeyValue attributes = 1; }
message InstrumentationScope { string name = 1; string version = 2; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; }
message Span {
  bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4; string name = 5;
  int32 kind = 6; fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9; repeated Event events = 11; Status status = 15;
}
message Event { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3; }
message Status { string message = 2; int32 code = 3; }
message KeyValue { string key = 1; AnyValue value = 2; }
message ArrayValue { repeated AnyValue values = 1; }
message AnyValue {
  oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4; ArrayValue array_value = 5; }
}
`).root;

const TracesData = root.lookupType('TracesData');

type Value = string | number | boolean | Value[] | undefined;

interface RawAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number;
  doubleValue?: number;
  arrayValue?: { values?: RawAnyValue[] };
}
interface RawKeyValue {
  key: string;
  value?: RawAnyValue;
}

export interface DecodedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  statusCode: number;
  attributes: Record<string, Value>;
  events: { name: string; attributes: Record<string, Value> }[];
}

export interface DecodedResourceSpans {
  resource: Record<string, Value>;
  spans: DecodedSpan[];
}

function anyValue(v: RawAnyValue | undefined): Value {
  if (v === undefined) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return v.intValue;
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue !== undefined) return (v.arrayValue.values ?? []).map(anyValue);
  return undefined;
}

function attributesOf(list: RawKeyValue[] | undefined): Record<string, Value> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, anyValue(kv.value)]));
}

const hex = (b64: string | undefined) => Buffer.from(b64 ?? '', 'base64').toString('hex');

/** Decodes one Kafka record value (protobuf TracesData). */
export function decodeTracesData(bytes: Uint8Array): DecodedResourceSpans[] {
  const raw = TracesData.toObject(TracesData.decode(bytes), { bytes: String, longs: Number, oneofs: false }) as {
    resourceSpans?: {
      resource?: { attributes?: RawKeyValue[] };
      scopeSpans?: {
        spans?: {
          traceId?: string;
          spanId?: string;
          parentSpanId?: string;
          name?: string;
          attributes?: RawKeyValue[];
          events?: { name?: string; attributes?: RawKeyValue[] }[];
          status?: { code?: number };
        }[];
      }[];
    }[];
  };
  return (raw.resourceSpans ?? []).map((rs) => ({
    resource: attributesOf(rs.resource?.attributes),
    spans: (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).map((s) => ({
        traceId: hex(s.traceId),
        spanId: hex(s.spanId),
        parentSpanId: hex(s.parentSpanId),
        name: s.name ?? '',
        statusCode: s.status?.code ?? 0,
        attributes: attributesOf(s.attributes),
        events: (s.events ?? []).map((e) => ({ name: e.name ?? '', attributes: attributesOf(e.attributes) })),
      })),
    ),
  }));
}
