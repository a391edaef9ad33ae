/** What happened to the spans the SDK produced: the "drops are counted" guarantee. */
export interface ExportStats {
  /** Spans handed to the exporter and acknowledged. */
  spansExported: number;
  /** Spans dropped because the queue was full (collector slow or dead). */
  spansDropped: number;
  /** Spans in batches the exporter failed or timed out on. */
  spansFailed: number;
  /** Spans waiting in the queue right now. */
  spansQueued: number;
  /** Failed or timed-out export calls. */
  exportsFailed: number;
}

export function emptyExportStats(): ExportStats {
  return { spansExported: 0, spansDropped: 0, spansFailed: 0, spansQueued: 0, exportsFailed: 0 };
}
