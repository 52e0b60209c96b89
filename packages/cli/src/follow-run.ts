import { redactRedisUrl } from "@featurewise/queue/settings";
import { ClusterProgressLine, type ProgressOf } from "./cluster-progress.js";
import type { ClusterTarget } from "./cluster-options.js";

/** A submitted run, as the CLI's messages about it name it. */
export interface SubmittedRun {
  readonly id: string;
  /** The run in messages: "fit fit-…", "predict-…". */
  readonly named: string;
  /** The flags that reach the run from another shell: `clusterFlagsFor`'s, or `--api <url>`. */
  readonly reach: string;
  /** Warned once when no worker serves the run's queue prefix (runs submitted to Redis). */
  readonly noWorkerWarning?: string;
}

/** Tells stderr where `run` went: the Redis (password hidden) and the queue prefix. */
export function announceSubmitted(run: SubmittedRun, target: ClusterTarget): void {
  process.stderr.write(
    `featurewise: submitted ${run.named} to ${redactRedisUrl(target.redisUrl)} (queue prefix "${target.prefix}")\n`,
  );
}

/** The warning of a run that waits for a worker: `waiter` is "the fit", "the run". */
export function noWorkerWarning(target: ClusterTarget, waiter: string): string {
  return (
    `no worker serves queue prefix "${target.prefix}" yet; ` +
    `${waiter} waits until one starts (featurewise worker --redis ...)`
  );
}

/**
 * Follows a submitted run to its end with the progress line, warning once
 * when no worker serves it. Ctrl-C stops watching, not the run: the process
 * exits 130 with the `status` and `cancel` commands that reach it. `watch`
 * is the kind's own watcher (`watchFit`, `watchPredict`, the API's events),
 * reporting its progress as the line shows a fit's.
 * @returns what `watch` resolves with; the line is cleared by then
 */
export async function followRun<R>(
  run: SubmittedRun,
  watch: (onProgress: (p: ProgressOf) => void) => Promise<R>,
): Promise<R> {
  const line = new ClusterProgressLine();
  const onInterrupt = (): void => {
    line.clear();
    process.stderr.write(
      `featurewise: ${run.named} goes on running on the cluster; ` +
        `featurewise status ${run.id} ${run.reach} | featurewise cancel ${run.id} ${run.reach}\n`,
    );
    process.exit(130);
  };
  process.once("SIGINT", onInterrupt);
  try {
    let warned = false;
    return await watch((p) => {
      if (p.noWorkers && !warned && run.noWorkerWarning !== undefined) {
        warned = true;
        line.clear();
        process.stderr.write(`featurewise: warning: ${run.noWorkerWarning}\n`);
      }
      line.update(p);
    });
  } finally {
    process.off("SIGINT", onInterrupt);
    line.clear();
  }
}
