/**
 * A watcher's pause between reads of a run's record that ends early when
 * the run's state changes (heard on the record's channel), so a watcher
 * sees a run's end at once and still polls for progress.
 */
import type { ClusterClient } from "./cluster-client.js";

/** Pauses of a watcher of `runId`; call `stop` when done watching. */
export interface RunChangeWaiter {
  /** Waits `ms`, or less when the run's state changes (or changed since the last wait). */
  pause(ms: number): Promise<void>;
  stop(): void;
}

/** See the module comment. */
export function wakeOnRunChange(client: ClusterClient, runId: string): RunChangeWaiter {
  let changed = false;
  let wake: (() => void) | null = null;
  const stop = client.onRunChange(runId, () => {
    changed = true;
    wake?.();
  });
  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (changed) {
        changed = false;
        resolve();
        return;
      }
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        changed = false;
        wake = null;
        resolve();
      }
      wake = done;
    });
  return { pause, stop };
}
