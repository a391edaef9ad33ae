import type { Logger } from 'pino';
import { type RouteConfig, routeChannels } from '../config/channels.ts';
import type { AlertNotification, DeliveryResult, NotificationChannel } from './notification.ts';

export interface PagerOptions {
  channels: readonly NotificationChannel[];
  /** Which rules and severities go to which channels (config `routes`); none = every channel gets everything. */
  routes?: readonly RouteConfig[];
  /** How often a firing alert is re-sent to channels of the `resendTypes`. */
  resendIntervalMs: number;
  logger: Logger;
  /** Called after every delivery (a channel's own retries included), for metrics. Must not throw. */
  onDelivery?: (channel: string, ok: boolean, attempts: number, error?: string) => void;
  /**
   * Channel types that forget a firing alert unless it is sent again:
   * Alertmanager resolves an alert without endsAt after its resolve_timeout.
   * Default ['alertmanager']. PagerDuty is not among them: a trigger after a
   * responder resolved the incident by hand would open a new one.
   */
  resendTypes?: readonly NotificationChannel['type'][];
  /** Clock in ms, for tests; default Date.now. */
  now?: () => number;
}

/** A notification not yet delivered to one channel: what to persist across a restart. */
export interface PendingDelivery {
  channel: string;
  notification: AlertNotification;
  /** Failed deliveries so far (each after the channel's own retries). */
  failures: number;
  lastError?: string;
  /**
   * The channel refused it for good (4xx): not retried while this process
   * runs, but tried once more after a restart, which is when a fixed channel
   * config takes effect.
   */
  refused?: true;
}

export interface Pager {
  /** Routes a state change to its channels and delivers it; settles when those deliveries did (never rejects). */
  notify(notification: AlertNotification): Promise<void>;
  /** Retries what failed and re-sends firing alerts that are due; the caller drives it (e.g. every evaluation). */
  tick(now?: number): Promise<void>;
  /** Deliveries still owed, per channel: those to retry, and triggers a channel refused. */
  pending(): PendingDelivery[];
  /**
   * After a restart: `firing` alerts were already delivered before it (no new
   * trigger goes out, but they are re-sent to `resendTypes` channels on the
   * next tick); `pending` deliveries are owed and go out on the next tick,
   * refused ones too.
   */
  restore(firing: readonly AlertNotification[], pending?: readonly PendingDelivery[]): void;
  /** Points the link of every notification held (restored ones included) where `generatorUrl` says, from now on. */
  relink(generatorUrl: (dedupKey: string) => string): void;
  /** Stops delivering: waits up to drainTimeoutMs (default 5s) for deliveries under way, then aborts them. */
  close(drainTimeoutMs?: number): Promise<void>;
}

/** What one channel has been told, and still must be told, about one alert (dedup key). */
interface Entry {
  channel: NotificationChannel;
  /** The alert's latest state; its content may be refreshed without a new delivery. */
  notification: AlertNotification;
  /** Bumped whenever a new state (trigger ↔ resolve) must be delivered, so a late answer for an old one is ignored. */
  generation: number;
  due: boolean;
  delivered: boolean;
  /** A channel refused it for good (4xx): not retried, not re-sent; a later resolve still goes out. */
  rejected: boolean;
  failures: number;
  lastError?: string;
  /** When the latest trigger last reached the channel (ms). */
  lastSentAt: number;
  inflight?: Promise<void>;
}

/** A channel's send, held to the contract: a channel that throws counts as a retriable failure. */
async function sendSafely(
  channel: NotificationChannel,
  n: AlertNotification,
  signal: AbortSignal,
): Promise<DeliveryResult> {
  try {
    return await channel.send(n, signal);
  } catch (err) {
    return {
      ok: false,
      attempts: 1,
      retriable: true,
      error: `channel threw: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}

/**
 * The outbox between the rule engine and the channels. Per channel and dedup
 * key it delivers state changes in order (a resolve never overtakes its
 * trigger), keeps what failed until the next tick while the alert fires,
 * lets a resolve supersede an undelivered trigger, sends a trigger at most
 * once per incident, and re-sends firing alerts to channels that expire them.
 */
export function createPager(opts: PagerOptions): Pager {
  const log = opts.logger.child({ component: 'pager' });
  const now = opts.now ?? Date.now;
  const resendTypes = new Set(opts.resendTypes ?? ['alertmanager']);
  const channels = new Map(opts.channels.map((c) => [c.name, c]));
  const routing = { channels: opts.channels, routes: opts.routes ?? [] };
  for (const route of routing.routes) {
    for (const name of route.channels) {
      if (!channels.has(name)) throw new Error(`pager: a route names channel "${name}", which is not configured`);
    }
  }
  /** channel name → dedup key → entry */
  const outbox = new Map<string, Map<string, Entry>>();
  const controller = new AbortController();
  let closed = false;

  const entriesOf = (channel: string): Map<string, Entry> => {
    let m = outbox.get(channel);
    if (!m) {
      m = new Map();
      outbox.set(channel, m);
    }
    return m;
  };

  const report = (channel: string, ok: boolean, attempts: number, error?: string): void => {
    try {
      opts.onDelivery?.(channel, ok, attempts, error);
    } catch (err) {
      log.error({ err, channel }, 'onDelivery callback threw');
    }
  };

  const deliver = async (entry: Entry): Promise<void> => {
    const { channel } = entry;
    try {
      while (entry.due && !closed) {
        entry.due = false;
        const generation = entry.generation;
        const n = entry.notification;
        const resend = entry.delivered && n.action === 'trigger';
        const result = await sendSafely(channel, n, controller.signal);
        report(channel.name, result.ok, result.attempts, result.ok ? undefined : result.error);
        const fields = { channel: channel.name, dedupKey: n.dedupKey, rule: n.ruleName, action: n.action };
        // A newer state arrived while this one was on the wire: it is due, and this answer changes nothing.
        if (generation !== entry.generation) continue;
        if (result.ok) {
          log[resend ? 'debug' : 'info']({ ...fields, attempts: result.attempts, resend }, 'notification delivered');
          entry.delivered = true;
          entry.failures = 0;
          delete entry.lastError;
          entry.lastSentAt = now();
          if (n.action === 'resolve') entriesOf(channel.name).delete(n.dedupKey);
        } else if (result.retriable) {
          entry.failures += 1;
          entry.lastError = result.error;
          if (!resend) entry.delivered = false;
          log.warn(
            { ...fields, attempts: result.attempts, failures: entry.failures, err: result.error },
            'notification not delivered; kept in the outbox and retried on the next tick',
          );
        } else {
          log.error(
            { ...fields, attempts: result.attempts, err: result.error },
            'notification refused by the channel; not retried (fix the channel config or the rule)',
          );
          if (n.action === 'resolve') entriesOf(channel.name).delete(n.dedupKey);
          else {
            entry.rejected = true;
            entry.lastError = result.error;
          }
        }
      }
    } finally {
      // Cleared in the same synchronous step as the loop's last check, so a
      // notify() arriving now starts a new run instead of joining a finished one.
      delete entry.inflight;
    }
  };

  const kick = (entry: Entry): Promise<void> => {
    if (entry.inflight) return entry.inflight;
    if (!entry.due || closed) return Promise.resolve();
    const run = deliver(entry);
    entry.inflight = run;
    return run;
  };

  const targets = (n: AlertNotification): NotificationChannel[] =>
    routeChannels(routing, n.ruleName, n.severity).flatMap((name) => {
      const c = channels.get(name);
      return c ? [c] : [];
    });

  const newEntry = (channel: NotificationChannel, n: AlertNotification): Entry => ({
    channel,
    notification: n,
    generation: 0,
    due: false,
    delivered: false,
    rejected: false,
    failures: 0,
    lastSentAt: Number.NEGATIVE_INFINITY,
  });

  return {
    notify(n) {
      if (closed) {
        log.warn({ dedupKey: n.dedupKey, action: n.action }, 'pager closed; notification not sent');
        return Promise.resolve();
      }
      const runs: Promise<void>[] = [];
      for (const channel of targets(n)) {
        const entries = entriesOf(channel.name);
        const entry = entries.get(n.dedupKey);
        if (entry && entry.notification.action === 'trigger' && n.action === 'trigger') {
          // Same incident, fresher numbers: the next (re)send carries them; no second page.
          entry.notification = n;
          continue;
        }
        const e = entry ?? newEntry(channel, n);
        e.notification = n;
        e.generation += 1;
        e.due = true;
        e.delivered = false;
        e.rejected = false;
        e.failures = 0;
        delete e.lastError;
        entries.set(n.dedupKey, e);
        runs.push(kick(e));
      }
      return Promise.all(runs).then(() => undefined);
    },

    tick(at = now()) {
      if (closed) return Promise.resolve();
      const runs: Promise<void>[] = [];
      for (const entries of outbox.values()) {
        for (const entry of entries.values()) {
          if (entry.inflight || entry.rejected) continue;
          const resendDue =
            entry.delivered &&
            entry.notification.action === 'trigger' &&
            resendTypes.has(entry.channel.type) &&
            at - entry.lastSentAt >= opts.resendIntervalMs;
          if (!entry.delivered || resendDue) {
            entry.due = true;
            runs.push(kick(entry));
          }
        }
      }
      return Promise.all(runs).then(() => undefined);
    },

    pending() {
      const out: PendingDelivery[] = [];
      for (const [channel, entries] of outbox) {
        for (const e of entries.values()) {
          // A refused re-send was delivered once: the restore of firing alerts covers it.
          if (e.delivered) continue;
          const p: PendingDelivery = { channel, notification: e.notification, failures: e.failures };
          if (e.lastError !== undefined) p.lastError = e.lastError;
          if (e.rejected) p.refused = true;
          out.push(p);
        }
      }
      return out;
    },

    restore(firing, pending = []) {
      for (const n of firing) {
        if (n.action !== 'trigger') continue;
        for (const channel of targets(n)) {
          const e = newEntry(channel, n);
          e.delivered = true;
          entriesOf(channel.name).set(n.dedupKey, e);
        }
      }
      for (const p of pending) {
        const channel = channels.get(p.channel);
        if (!channel) {
          log.warn(
            { channel: p.channel, dedupKey: p.notification.dedupKey },
            'pending delivery for a channel no longer configured; dropped',
          );
          continue;
        }
        const e = newEntry(channel, p.notification);
        e.failures = p.failures;
        if (p.lastError !== undefined) e.lastError = p.lastError;
        if (p.refused)
          log.info(
            { channel: p.channel, dedupKey: p.notification.dedupKey, err: p.lastError },
            'a notification the channel refused before the restart is tried again',
          );
        entriesOf(channel.name).set(p.notification.dedupKey, e);
      }
    },

    relink(generatorUrl) {
      for (const entries of outbox.values())
        for (const e of entries.values())
          e.notification = { ...e.notification, generatorURL: generatorUrl(e.notification.dedupKey) };
    },

    async close(drainTimeoutMs = 5_000) {
      if (closed) return;
      closed = true;
      const running = [...outbox.values()].flatMap((m) =>
        [...m.values()].flatMap((e) => (e.inflight ? [e.inflight] : [])),
      );
      if (running.length > 0) {
        let timer: NodeJS.Timeout | undefined;
        const drained = Promise.all(running).then(() => true);
        const timedOut = new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), drainTimeoutMs);
        });
        const done = await Promise.race([drained, timedOut]);
        clearTimeout(timer);
        if (!done) {
          log.warn({ deliveries: running.length }, 'pager closing: aborting deliveries still under way');
          controller.abort(new Error('pager closed'));
          await Promise.all(running);
        }
      }
    },
  };
}
