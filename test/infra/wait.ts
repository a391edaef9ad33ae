import { setTimeout as sleep } from 'node:timers/promises';
import { InfraError } from './errors.ts';

export interface WaitOptions {
  /** What is being waited for, for the error message. */
  what: string;
  timeoutMs: number;
  intervalMs?: number;
  /** Checked each round: a reason to stop waiting at once (e.g. the process exited). */
  abortReason?: () => string | undefined;
}

/** Polls `probe` until it returns true; throws an InfraError naming `what` on timeout, never hangs. */
export async function waitUntil(probe: () => Promise<boolean>, opts: WaitOptions): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    const abort = opts.abortReason?.();
    if (abort !== undefined) throw new InfraError(`${opts.what}: ${abort}`);
    try {
      if (await probe()) return;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    await sleep(opts.intervalMs ?? 200);
  }
  throw new InfraError(
    `${opts.what}: not ready after ${opts.timeoutMs} ms${lastError ? ` (last error: ${lastError})` : ''}`,
  );
}

/** True when GET `url` answers 200 within a second. */
export async function httpReady(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
  await res.body?.cancel();
  return res.status === 200;
}
