import { mkdirSync } from 'node:fs';
import { type AggregateRecord, aggregateId, aggregateRecordSchema } from '@telltale/conventions';
import type { Logger } from 'pino';
import type { AlertsConfig } from '../config/schema.ts';
import { parseDuration } from '../duration.ts';
import { AlertEngine } from '../engine/alert-engine.ts';
import { type AggregateOutcome, AlertMetrics } from '../metrics/alert-metrics.ts';
import { createChannels } from '../notify/channel-factory.ts';
import { createPager, type Pager } from '../notify/dispatcher.ts';
import type { AlertNotification, NotificationChannel } from '../notify/notification.ts';
import type { CompiledRule } from '../rules/compiled-rule.ts';
import { loadRuleFile } from '../rules/load.ts';
import { WindowStore } from '../store/window-store.ts';
import { StateFiles } from './state-files.ts';
import { StorePersistence } from './store-persistence.ts';

export interface AlertServiceDeps {
  logger: Logger;
  /** Channels to use instead of those the config describes (embedding, tests). */
  channels?: NotificationChannel[];
  /** Rules to use instead of the config's rule file. */
  rules?: CompiledRule[];
  /** Wall clock in ms; default Date.now. */
  now?: () => number;
}

export type ApplyResult =
  | { outcome: Exclude<AggregateOutcome, 'invalid'> }
  | { outcome: 'invalid'; issues: { path: PropertyKey[]; message: string }[] };

/**
 * The alert service without its transports: rules, the window store, the
 * engine, the pager, the metrics and the state files, wired together. Kafka,
 * HTTP and the embedded all-in-one feed it through `apply`; a timer (or the
 * caller) drives `evaluate`.
 */
export class AlertService {
  readonly config: AlertsConfig;
  readonly rules: readonly CompiledRule[];
  readonly store: WindowStore;
  readonly engine: AlertEngine;
  readonly metrics: AlertMetrics;
  readonly pager: Pager;
  readonly logger: Logger;
  readonly #files: StateFiles;
  readonly #now: () => number;
  /** Where notifications link back to; the configured external URL, else set once the server listens. */
  #baseUrl: string;
  readonly #persistence: StorePersistence;
  #timer: NodeJS.Timeout | undefined;
  #evaluating: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(config: AlertsConfig, deps: AlertServiceDeps) {
    this.config = config;
    this.logger = deps.logger;
    // The configured external URL is known now; without one the address comes once the server listens
    // (setBaseUrl, which relinks what was restored meanwhile).
    this.#baseUrl = (config.server.externalUrl ?? 'http://localhost').replace(/\/+$/, '');
    this.#now = deps.now ?? Date.now;
    this.rules = deps.rules ?? loadRuleFile(config.rules.file);
    this.#files = new StateFiles(config.state.dir);
    const ratioWindowMs = parseDuration(config.metrics.ratioWindow) as number;
    const lookbackMs = Math.max(
      ratioWindowMs,
      ...this.rules.flatMap((r) => r.windows.map((w) => w.windowMs + w.offsetMs)),
    );
    this.store = new WindowStore({
      lookbackMs,
      marginMs: config.state.idRetentionMargin,
      limits: config.limits,
    });
    mkdirSync(config.state.dir, { recursive: true });
    this.#persistence = new StorePersistence(config.state.dir, this.store, this.logger);
    const { replayed } = this.#persistence.restore(this.#now());
    const state = this.#files.readAlertState();
    this.engine = new AlertEngine(this.rules, { generatorUrl: (key) => this.#generatorUrl(key) }, state?.engine);
    let pager: Pager | undefined;
    this.metrics = new AlertMetrics({
      tenantLabel: config.metrics.tenantLabel,
      maxTenants: config.metrics.maxTenants,
      limits: config.limits,
      ratioWindowMs,
      ratioWindow: config.metrics.ratioWindow,
      sources: {
        store: this.store,
        alerts: () => this.engine.alerts(),
        rules: () => this.engine.rules(),
        evaluatedAt: () => this.engine.evaluatedAt,
        pendingDeliveries: () => pager?.pending().length ?? 0,
      },
      now: this.#now,
    });
    const channels =
      deps.channels ?? createChannels(config.channels, { externalUrl: config.server.externalUrl ?? undefined });
    pager = createPager({
      channels,
      routes: deps.channels ? [] : config.routes,
      resendIntervalMs: config.pager.resendInterval,
      logger: this.logger,
      onDelivery: (channel, ok, attempts) => this.metrics.recordDelivery(channel, ok, attempts),
      now: this.#now,
    });
    this.pager = pager;
    // Incidents paged before a restart are not paged again; what was owed still goes out.
    this.pager.restore(this.engine.firing(), state?.pending ?? []);
    if (state || replayed > 0)
      this.logger.info(
        {
          alerts: this.engine.alerts().length,
          pending: state?.pending.length ?? 0,
          storeIds: this.store.stats().ids,
          journalReplayed: replayed,
        },
        'state restored',
      );
  }

  /**
   * The base URL alerts link back to (generatorURL); set once the server
   * listens. The alerts restored at start were linked before the port was
   * known: they follow, so their re-sends link here too.
   */
  setBaseUrl(url: string): void {
    this.#baseUrl = url.replace(/\/+$/, '');
    this.pager.relink((key) => this.#generatorUrl(key));
  }

  #generatorUrl(dedupKey: string): string {
    return `${this.#baseUrl}/api/v1/alerts/${encodeURIComponent(dedupKey)}`;
  }

  /** The service's clock, ms. */
  now(): number {
    return this.#now();
  }

  get baseUrl(): string {
    return this.#baseUrl;
  }

  /**
   * Validates and applies one aggregate, exactly once by id. Invalid input is
   * counted and reported, never thrown. Call `flush()` to make it durable.
   */
  apply(input: unknown): ApplyResult {
    const parsed = aggregateRecordSchema.safeParse(input);
    if (!parsed.success) {
      this.metrics.recordAggregate('invalid');
      return { outcome: 'invalid', issues: parsed.error.issues };
    }
    const outcome = this.applyRecord(parsed.data);
    return outcome === 'invalid' ? { outcome, issues: [idIssue(parsed.data)] } : { outcome };
  }

  /**
   * Applies an aggregate already validated against the schema. Its id must be
   * the hash of its shard, window and key (what the store deduplicates on).
   */
  applyRecord(aggregate: AggregateRecord): AggregateOutcome {
    const { shard, window, key } = aggregate;
    if (aggregateId(shard, window.startMs, window.endMs, key) !== aggregate.id) {
      this.metrics.recordAggregate('invalid');
      return 'invalid';
    }
    const outcome = this.store.apply(aggregate, this.#now());
    this.metrics.recordAggregate(outcome, aggregate);
    if (outcome === 'applied') this.#persistence.append(aggregate);
    return outcome;
  }

  /** Makes every aggregate applied so far durable (appended to the store journal and fsynced). */
  flush(): void {
    this.#persistence.flush();
  }

  /**
   * One evaluation: every rule at the current time, state changes handed to
   * the pager, the alert state written (with the deliveries still owed)
   * before anything else, then due retries and re-sends.
   */
  evaluate(): Promise<AlertNotification[]> {
    const run = this.#evaluating.then(() => this.#evaluateOnce());
    this.#evaluating = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  async #evaluateOnce(): Promise<AlertNotification[]> {
    // Closed, the pager takes no notification: an evaluation now would move alerts on (a resolve forgotten) and
    // save that, while nothing is sent.
    if (this.#closed) return [];
    const now = this.#now();
    this.store.prune(now);
    const notifications = this.engine.evaluate(this.store, now);
    const deliveries = notifications.map((n) => {
      this.logger.info(
        { rule: n.ruleName, action: n.action, dedupKey: n.dedupKey, labels: n.labels, values: n.values },
        n.action === 'trigger' ? 'alert firing' : 'alert resolved',
      );
      return this.pager.notify(n);
    });
    this.persistAlertState();
    this.flush();
    await Promise.all([...deliveries, this.pager.tick(now)]);
    // Deliveries settled: what is still owed is smaller now.
    if (notifications.length > 0) this.persistAlertState();
    return notifications;
  }

  persistAlertState(): void {
    this.#files.writeAlertState({ engine: this.engine.snapshot(), pending: this.pager.pending() });
  }

  /** Evaluates every `rules.evaluationInterval` until `close()`. */
  startEvaluating(): void {
    if (this.#timer || this.#closed) return;
    let busy = false;
    this.#timer = setInterval(() => {
      // A slow evaluation (deliveries retrying) skips ticks rather than piling them up.
      if (busy) return;
      busy = true;
      this.evaluate()
        .catch((err: unknown) => this.logger.error({ err }, 'evaluation failed'))
        .finally(() => {
          busy = false;
        });
    }, this.config.rules.evaluationInterval);
  }

  /**
   * Stops evaluating, writes the state, and lets deliveries under way finish
   * within the pager's drain time; what they did not deliver stays owed in
   * the saved state.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    // Started first: an evaluation under way waits on its deliveries, which the drain bounds (then aborts), rather
    // than on every retry of a channel that does not answer.
    const drained = this.pager.close();
    await this.#evaluating;
    // A clean stop leaves a fresh snapshot and an empty journal: the next start reads one file.
    this.store.prune(this.#now());
    this.#persistence.compact();
    this.persistAlertState();
    await drained;
    this.persistAlertState();
  }
}

export function idIssue(a: AggregateRecord): { path: PropertyKey[]; message: string } {
  return { path: ['id'], message: `${a.id} is not the id of shard ${a.shard}, its window and key (aggregateId)` };
}
