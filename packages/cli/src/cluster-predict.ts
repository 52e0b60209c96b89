import type { PredictOptions } from "@featurewise/core";
import { redactRedisUrl } from "@featurewise/queue/settings";
import type { Storage } from "@featurewise/storage";
import { ClusterProgressLine, predictProgressStatus } from "./cluster-progress.js";
import { clusterFlagsFor, clusterTarget } from "./cluster-options.js";
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
    process.stderr.write(
      `featurewise: submitted ${predictId} to ${redactRedisUrl(target.redisUrl)} (queue prefix "${target.prefix}")\n`,
    );
    if (flags.detach) {
      print(flags.json ? JSON.stringify({ predictId, state: "queued" }, null, 2) : predictId);
      return;
    }
    const line = new ClusterProgressLine();
    // Ctrl-C stops watching, not the run.
    const onInterrupt = (): void => {
      line.clear();
      const reach = clusterFlagsFor(target, flags.redis === undefined);
      process.stderr.write(
        `featurewise: ${predictId} goes on running on the cluster; ` +
          `featurewise status ${predictId} ${reach} | featurewise cancel ${predictId} ${reach}\n`,
      );
      process.exit(130);
    };
    process.once("SIGINT", onInterrupt);
    try {
      let warned = false;
      const result = await watchPredict(client, storage, predictId, (p) => {
        if (p.noWorkers && !warned) {
          warned = true;
          line.clear();
          process.stderr.write(
            `featurewise: warning: no worker serves queue prefix "${target.prefix}" yet; ` +
              `the run waits until one starts (featurewise worker --redis ...)\n`,
          );
        }
        line.update({ ...p, status: predictProgressStatus(p.status) });
      });
      line.clear();
      print(
        flags.json
          ? JSON.stringify({ predictId, ...predictSummaryJson(result) }, null, 2)
          : formatPredictSummary(result),
      );
    } finally {
      process.off("SIGINT", onInterrupt);
      line.clear();
    }
  } finally {
    await client.close();
  }
}
