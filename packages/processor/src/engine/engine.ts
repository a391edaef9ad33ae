import type { AggregateRecord, SafetyEventRecord, WorkflowOutcome } from '@telltale/conventions';
import {
  callModel,
  fallbackOutcome,
  isToolSuccess,
  safetyKind,
  safetySeverity,
  spanRole,
  workflowOutcome,
} from '../classify/classify.ts';
import type { Pico } from '../cost/pico-sum.ts';
import type { PriceTable } from '../cost/price-table.ts';
import { callPicoUsd } from '../cost/pricing.ts';
import { windowRecords } from '../emit/aggregate-record.ts';
import { safetyEventRecord } from '../emit/safety-event-record.ts';
import { ProcessorError } from '../errors.ts';
import { TraceBudget } from '../join/trace-budget.ts';
import { type TraceSlot, TraceStore } from '../join/trace-store.ts';
import type { SafetyEventView, Span } from '../span.ts';
import type { Window } from '../windows/window.ts';
import { type WindowSpec, windowStart } from '../windows/window-spec.ts';
import { type ForceCloseHooks, WindowStore } from '../windows/window-store.ts';
import type { Checkpoint } from './checkpoint.ts';
import { type EngineCounters, newCounters } from './counters.ts';
import { earlier, type Mark } from './mark.ts';
import { DEFAULT_LIMITS, ENGINE_DEFAULTS, type EngineOptions } from './options.ts';

/** What an engine has produced since the last drain. */
export interface EngineOutput {
  aggregates: AggregateRecord[];
  safetyEvents: SafetyEventRecord[];
}

const NINF = Number.NEGATIVE_INFINITY;

/**
 * The processor engine of one input shard: classify → join per trace →
 * event-time windows → records. Pure: no I/O, no clock. Time is the shard's
 * stream time (the max span end seen), so the same input from the same
 * checkpoint always yields the same records with the same ids.
 *
 * Feed it one input record at a time, in input order, with its position
 * (`process`); collect what closed with `drain`; persist `checkpoint()` with
 * the committed input position after the drained output is durably written.
 */
export class Engine {
  readonly shard: string;
  readonly counters: EngineCounters;
  readonly #spec: WindowSpec;
  readonly #prices: PriceTable;

  #streamTimeMs = NINF;
  #nextPosition: bigint | undefined;

  readonly #windows: WindowStore;
  readonly #forceCloseHooks: ForceCloseHooks = {
    settle: (w) => {
      const traces = this.#traces;
      for (const slot of traces.select((t) => traces.hasWorkflowEndingIn(t, w.startMs, w.endMs)))
        traces.take(slot, this.#finishDue, this.#streamTimeMs);
    },
    emit: (w) => this.#emit(w),
  };
  /** Each open trace's hint: the window and key its spans last counted in, where its workflow nearly always counts too. */
  readonly #traces: TraceStore<Window>;
  readonly #finishDue = (slot: TraceSlot): void => this.#finish(slot);
  #aggregates: AggregateRecord[] = [];
  #safetyEvents: SafetyEventRecord[] = [];

  constructor(options: EngineOptions) {
    this.shard = options.shard;
    this.counters = options.counters ?? newCounters();
    this.#spec = {
      sizeMs: options.window?.sizeMs ?? ENGINE_DEFAULTS.windowSizeMs,
      graceMs: options.window?.graceMs ?? ENGINE_DEFAULTS.graceMs,
    };
    const joinWaitMs = options.joinWaitMs ?? ENGINE_DEFAULTS.joinWaitMs;
    const maxOpenWindows = options.maxOpenWindows ?? ENGINE_DEFAULTS.maxOpenWindows;
    this.#prices = options.prices;
    if (!(this.#spec.sizeMs > 0 && Number.isInteger(this.#spec.sizeMs)))
      throw new ProcessorError(`window size must be a positive integer of ms, got ${this.#spec.sizeMs}`);
    if (joinWaitMs > this.#spec.graceMs)
      throw new ProcessorError(
        `joinWaitMs (${joinWaitMs}) must not exceed graceMs (${this.#spec.graceMs}): a window would close while a trace it awaits is open`,
      );
    if (maxOpenWindows < 1) throw new ProcessorError('maxOpenWindows must be at least 1');
    const spec = this.#spec;
    this.#traces = new TraceStore({
      budget: options.traceBudget ?? new TraceBudget(options.maxOpenTraces ?? ENGINE_DEFAULTS.maxOpenTraces),
      joinWaitMs,
      orphanTimeoutMs: options.orphanTimeoutMs ?? ENGINE_DEFAULTS.orphanTimeoutMs,
      maxSpansPerTrace: options.maxSpansPerTrace ?? ENGINE_DEFAULTS.maxSpansPerTrace,
      closeOf: (endMs) => windowStart(spec, endMs) + spec.sizeMs + spec.graceMs,
    });
    const r = options.restore;
    this.#windows = new WindowStore({
      spec: this.#spec,
      maxOpen: maxOpenWindows,
      limits: { ...DEFAULT_LIMITS, ...options.limits },
      counters: this.counters,
      forcedClosedEndMs: r?.forcedClosedEndMs ?? NINF,
      suppressUpToMs: r?.emittedUpToMs ?? NINF,
    });
    if (r) {
      this.#nextPosition = r.position;
      this.#streamTimeMs = r.streamTimeMs;
    }
  }

  get streamTimeMs(): number {
    return this.#streamTimeMs;
  }

  get openWindows(): number {
    return this.#windows.size;
  }

  get openTraces(): number {
    return this.#traces.size;
  }

  /** The position after the last record processed (or restored), undefined before any. */
  get nextPosition(): bigint | undefined {
    return this.#nextPosition;
  }

  /**
   * Processes one input record: its spans, at `position` (strictly increasing
   * per engine). Safety events are emitted at once; aggregates when their
   * window closes, which this record may cause by advancing stream time.
   */
  process(spans: readonly Span[], position: bigint): void {
    this.#checkPosition(position);
    const mark: Mark = {
      position,
      streamTimeMs: this.#streamTimeMs,
      forcedClosedEndMs: this.#windows.forcedClosedEndMs,
    };
    let maxEnd = NINF;
    // Indexed loops here and over safety events: spans without events share one frozen empty array, and
    // for-of over a frozen array takes the generic iterator path, which allocated on every span.
    for (let i = 0; i < spans.length; i++) {
      const span = spans[i] as Span;
      this.counters.spans++;
      // A span with no usable end time has no window and must not move stream time: counted, skipped.
      if (!Number.isFinite(span.endTimeMs)) {
        this.counters.invalid.end_time++;
        continue;
      }
      if (span.endTimeMs > maxEnd) maxEnd = span.endTimeMs;
      this.#emitSafetyEvents(span);
      this.#contribute(span, mark);
    }
    this.#nextPosition = position + 1n;
    if (maxEnd > this.#streamTimeMs) this.#streamTimeMs = maxEnd;
    this.#advance();
  }

  /**
   * A stream-time tick read from the input at `position`: a record with no
   * spans that moves stream time to `toMs` (never back), closing what that
   * closes. In the input log, so a replay meets it at the same position.
   */
  tick(toMs: number, position: bigint): void {
    this.#checkPosition(position);
    this.#nextPosition = position + 1n;
    this.advance(toMs);
  }

  #checkPosition(position: bigint): void {
    if (this.#nextPosition !== undefined && position < this.#nextPosition)
      throw new ProcessorError(
        `shard ${this.shard}: position ${position} is before ${this.#nextPosition}, already processed`,
      );
  }

  /**
   * Moves stream time forward without input, so windows close when a shard
   * goes quiet. The embedded transport drives this from the wall clock; the
   * Kafka transport only through ticks in its input (`tick`), which keeps
   * Kafka replays exact.
   */
  advance(toMs: number): void {
    if (toMs > this.#streamTimeMs) this.#streamTimeMs = toMs;
    this.#advance();
  }

  /** Closes every open window and finishes every open trace now, e.g. at the end of a bounded input. */
  flush(): void {
    for (const slot of this.#traces.select(() => true)) this.#traces.take(slot, this.#finishDue, this.#streamTimeMs);
    for (const w of this.#windows.takeAll()) this.#emit(w);
  }

  /**
   * Drops all state (the shard moved to another owner, or will be rebuilt
   * from its checkpoint) and returns its traces to the shared budget.
   */
  dispose(): void {
    this.#traces.clear();
    this.#windows.clear();
    this.#aggregates = [];
    this.#safetyEvents = [];
  }

  /** Records produced since the last drain, in the order they were produced. */
  drain(): EngineOutput {
    const out = { aggregates: this.#aggregates, safetyEvents: this.#safetyEvents };
    this.#aggregates = [];
    this.#safetyEvents = [];
    return out;
  }

  /**
   * Where a restart must resume to rebuild exactly the open state: the mark
   * of the earliest record still contributing to an open window or trace, or
   * the next position when nothing is open. Undefined before any input.
   */
  checkpoint(): Checkpoint | undefined {
    let first: Mark | undefined = this.#windows.earliestMark();
    const traceFirst = this.#traces.earliestMark();
    if (traceFirst) first = first ? earlier(first, traceFirst) : traceFirst;
    const emittedUpToMs = Math.max(this.#closedEndMs(), this.#windows.suppressUpToMs);
    if (first) return { ...first, emittedUpToMs };
    if (this.#nextPosition === undefined) return undefined;
    return {
      position: this.#nextPosition,
      streamTimeMs: this.#streamTimeMs,
      forcedClosedEndMs: this.#windows.forcedClosedEndMs,
      emittedUpToMs,
    };
  }

  /** Windows ending at or before this are closed. */
  #closedEndMs(): number {
    return this.#windows.closedEndMs(this.#streamTimeMs);
  }

  #emitSafetyEvents(span: Span): void {
    const events = span.safetyEvents;
    for (let i = 0; i < events.length; i++) {
      const ev = events[i] as SafetyEventView;
      const kind = safetyKind(ev.kind);
      if (!kind) {
        this.counters.invalid.safety_kind++;
        continue;
      }
      let severity = safetySeverity(ev.severity);
      if (!severity) {
        if (ev.severity !== '') this.counters.invalid.safety_severity++;
        severity = 'warning';
      }
      this.#safetyEvents.push(safetyEventRecord(span, ev, kind, severity));
      this.counters.safetyEvents++;
    }
  }

  #contribute(span: Span, mark: Mark): void {
    const start = windowStart(this.#spec, span.endTimeMs);
    if (start + this.#spec.sizeMs <= this.#closedEndMs()) {
      this.counters.lateSpans++;
      return;
    }
    const role = spanRole(span);
    let hasFallback = false;
    let hasSafety = false;
    const events = span.safetyEvents;
    for (let i = 0; i < events.length; i++) {
      const kind = safetyKind((events[i] as SafetyEventView).kind);
      if (kind) hasSafety = true;
      if (kind === 'fallback') hasFallback = true;
    }
    // Priced before the window is looked up: a replay that drops the window's part still joins the spend.
    // undefined for an unpriced call, and for any span that is not a model call.
    const picoUsd = role === 'model' ? callPicoUsd(span, callModel(span), this.#prices) : undefined;
    let window: Window | undefined;
    let key = -1;
    if (role === 'model' || role === 'tool' || hasSafety) {
      window = this.#windows.windowFor(start, mark, this.#forceCloseHooks);
      if (window) {
        key = window.keyId(span.service, span.workflow, span.tenant, mark);
        const counts = window.counts;
        if (role === 'model') counts.addModel(key, window.modelId(span.provider, callModel(span)), span, picoUsd);
        else if (role === 'tool') counts.addTool(key, window.toolId(span.toolName), isToolSuccess(span));
        for (let i = 0; i < events.length; i++) {
          const ev = events[i] as SafetyEventView;
          const kind = safetyKind(ev.kind);
          if (kind) counts.addSafety(key, kind, window.policy(ev.policy));
        }
      }
    }
    if (role === 'workflow' || role === 'model' || hasFallback || span.workflow !== '')
      this.#join(span, role, picoUsd, hasFallback, mark, window, key);
  }

  #join(
    span: Span,
    role: ReturnType<typeof spanRole>,
    /** A model call's picodollars; undefined when unpriced or not a model call. */
    picoUsd: Pico | undefined,
    hasFallback: boolean,
    mark: Mark,
    /** Where the span itself counted, if it did (window and key id): kept as the trace's hint. */
    window: Window | undefined,
    key: number,
  ): void {
    const traces = this.#traces;
    let trace = traces.get(span.traceId);
    if (trace < 0) {
      trace = traces.open(span.traceId, mark, span.endTimeMs);
    }
    if (trace < 0) {
      this.counters.overflow.open_traces++;
      // No room to wait for the rest of the trace: the workflow counts now, with only what it carries itself.
      if (role === 'workflow')
        this.#addWorkflow(
          span.service,
          span.workflow,
          span.tenant,
          span.endTimeMs,
          this.#outcome(span),
          hasFallback,
          0,
          0,
          0,
          mark,
          undefined,
          -1,
        );
      return;
    }
    traces.seen(trace, span.endTimeMs);
    if (window) traces.setHint(trace, window, key);
    if (role === 'workflow')
      traces.addWorkflow(
        trace,
        span.spanId,
        span.parentSpanId,
        span.endTimeMs,
        span.service,
        span.workflow,
        span.tenant,
        this.#outcome(span),
      );
    else if (role !== 'model' && !traces.addLink(trace, span.spanId, span.parentSpanId))
      this.counters.overflow.trace_spans++;
    if (role === 'model') traces.addSpend(trace, span.spanId, span.parentSpanId, picoUsd);
    if (hasFallback) traces.addFallback(trace, span.spanId, span.parentSpanId);
  }

  #outcome(span: Span): WorkflowOutcome {
    const o = workflowOutcome(span);
    if (o) return o;
    this.counters.invalid.workflow_outcome++;
    return fallbackOutcome(span);
  }

  #advance(): void {
    this.#traces.takeDue(this.#streamTimeMs, this.#finishDue);
    const closing = this.#windows.takeClosed(this.#closedEndMs());
    if (closing) for (const w of closing) this.#emit(w);
  }

  /** Adds a finished (already taken) trace's workflows to their windows. */
  #finish(slot: TraceSlot): void {
    const traces = this.#traces;
    if (traces.workflowCount(slot) === 0) {
      this.counters.orphanTraces++;
      return;
    }
    const mark = traces.first(slot);
    const hint = traces.hint(slot);
    const hintKey = hint ? traces.hintIndex(slot) : -1;
    traces.joined(slot, (service, workflow, tenant, endMs, outcome, withFallback, pico, pricedCalls, unpricedCalls) =>
      this.#addWorkflow(
        service,
        workflow,
        tenant,
        endMs,
        outcome,
        withFallback,
        pico,
        pricedCalls,
        unpricedCalls,
        mark,
        hint,
        hintKey,
      ),
    );
  }

  /**
   * Adds a workflow to the window of its end, unless that window has left the
   * store. A trace is due no later than the close of its first workflow's
   * window and is finished before windows close, so its workflows find their
   * windows open. (Positional, not an options object: once per workflow.)
   */
  #addWorkflow(
    service: string,
    workflow: string,
    tenant: string,
    endMs: number,
    outcome: WorkflowOutcome,
    withFallback: boolean,
    pico: Pico,
    pricedCalls: number,
    unpricedCalls: number,
    mark: Mark,
    /** A window and key id likely to be this workflow's (its trace's hint). */
    likely: Window | undefined,
    likelyKey: number,
  ): void {
    const start = windowStart(this.#spec, endMs);
    const end = start + this.#spec.sizeMs;
    if (end <= this.#windows.takenEndMs) {
      this.counters.lateWorkflows++;
      return;
    }
    const window = this.#windows.windowFor(start, mark, this.#forceCloseHooks);
    if (window)
      window.counts.addWorkflow(
        window.keyId(service, workflow, tenant, mark, likely, likelyKey),
        outcome,
        withFallback,
        pico,
        pricedCalls,
        unpricedCalls,
      );
  }

  #emit(w: Window): void {
    const records = windowRecords(this.shard, w);
    this.counters.aggregates += records.length;
    for (const r of records) this.#aggregates.push(r);
  }
}
