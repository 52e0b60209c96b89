import type { PredictOptions } from "@featurewise/core";
import type { Storage } from "@featurewise/storage";
import { predictProgressStatus } from "./cluster-progress.js";
import { clusterFlagsFor, clusterTarget } from "./cluster-options.js";
import { announceSubmitted, followRun, noWorkerWarning } from "./follow-run.js";
import { formatPredictSummary, predictSummaryJson } from "./summary.js";

/** How `predict` was asked to use the cluster. */
export interface ClusterPredictFlags {
  /** `--redis`; `REDIS_URL` when undefined. */
  readonly redis: string | undefined;
  readonly queuePrefix: string | undefined;
  /** Print the run's id and return instead of waiting. */
  readonly detach: boolean;
  readonly json: boolean;
}

/**
 * `featurewise predict --redis <url>` (or with REDIS_URL set): submits the
 * prediction to the cluster, then either prints its id (`--detach`) or
 * follows it with a progress line and prints the same summary as an
 * embedded predict.
 */
export async function runClusterPredict(
  options: PredictOptions,
  flags: ClusterPredictFlags,
  storage: Storage,
  print: (text: string) => void,
): Promise<void> {
  const target = clusterTarget(
    {
      ...(flags.redis === undefined ? {} : { redis: flags.redis }),
      ...(flags.queuePrefix === undefined ? {} : { queuePrefix: flags.queuePrefix }),
    },
    process.env,
  );
  const { PredictClient, submitPredict, watchPredict } =
    await import("@featurewise/predict/cluster/client");
  const client = await PredictClient.connect(target.redisUrl, target.prefix);
  try {
    const predictId = await submitPredict(client, options);
    const run = {
      id: predictId,
      named: predictId,
      reach: clusterFlagsFor(target, flags.redis === undefined),
      noWorkerWarning: noWorkerWarning(target, "the run"),
    };
    announceSubmitted(run, target);
    if (flags.detach) {
      print(flags.json ? JSON.stringify({ predictId, state: "queued" }, null, 2) : predictId);
      return;
    }
    const result = await followRun(run, (onProgress) =>
      watchPredict(client, storage, predictId, (p) =>
        onProgress({ ...p, status: predictProgressStatus(p.status) }),
      ),
    );
    print(
      flags.json
        ? JSON.stringify({ predictId, ...predictSummaryJson(result) }, null, 2)
        : formatPredictSummary(result),
    );
  } finally {
    await client.close();
  }
}
