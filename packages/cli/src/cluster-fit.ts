import { type FitOptions } from "@featurewise/fit";
import { FitClient, submitFit, watchFit } from "@featurewise/fit/cluster/client";
import type { Storage } from "@featurewise/storage";
import { clusterFlagsFor, clusterTarget } from "./cluster-options.js";
import { announceSubmitted, followRun, noWorkerWarning } from "./follow-run.js";
import { fitSummaryJson, formatFitSummary } from "./summary.js";

/** How `fit` was asked to use the cluster. */
export interface ClusterFitFlags {
  /** `--redis`; `REDIS_URL` when undefined. */
  readonly redis: string | undefined;
  /** Print the fit id and return instead of waiting. */
  readonly detach: boolean;
  readonly json: boolean;
}

/**
 * `featurewise fit --redis <url>` (or with REDIS_URL set): submits the fit
 * to the cluster, then either prints its id (`--detach`) or follows it with
 * a progress line and prints the same summary as an embedded fit.
 */
export async function runClusterFit(
  options: FitOptions,
  flags: ClusterFitFlags,
  storage: Storage,
  print: (text: string) => void,
): Promise<void> {
  const target = clusterTarget(
    flags.redis === undefined ? {} : { redis: flags.redis },
    process.env,
  );
  const client = await FitClient.connect(target.redisUrl, target.prefix);
  try {
    const fitId = await submitFit(client, options);
    const run = {
      id: fitId,
      named: `fit ${fitId}`,
      reach: clusterFlagsFor(target, flags.redis === undefined),
      noWorkerWarning: noWorkerWarning(target, "the fit"),
    };
    announceSubmitted(run, target);
    if (flags.detach) {
      print(flags.json ? JSON.stringify({ fitId, state: "queued" }, null, 2) : fitId);
      return;
    }
    const result = await followRun(run, (onProgress) =>
      watchFit(client, storage, fitId, onProgress),
    );
    print(
      flags.json
        ? JSON.stringify({ fitId, ...fitSummaryJson(result) }, null, 2)
        : formatFitSummary(result),
    );
  } finally {
    await client.close();
  }
}
