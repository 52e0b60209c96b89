import { redactRedisUrl } from "@featurewise/queue/settings";
import { type FitOptions } from "@featurewise/fit";
import { FitClient, submitFit, watchFit } from "@featurewise/fit/cluster/client";
import type { Storage } from "@featurewise/storage";
import { ClusterProgressLine } from "./cluster-progress.js";
import { clusterFlagsFor, clusterTarget } from "./cluster-options.js";
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
    process.stderr.write(
      `featurewise: submitted fit ${fitId} to ${redactRedisUrl(target.redisUrl)} (queue prefix "${target.prefix}")\n`,
    );
    if (flags.detach) {
      print(flags.json ? JSON.stringify({ fitId, state: "queued" }, null, 2) : fitId);
      return;
    }
    const line = new ClusterProgressLine();
    // Ctrl-C stops watching, not the fit.
    const onInterrupt = (): void => {
      line.clear();
      const reach = clusterFlagsFor(target, flags.redis === undefined);
      process.stderr.write(
        `featurewise: fit ${fitId} goes on running on the cluster; ` +
          `featurewise status ${fitId} ${reach} | featurewise cancel ${fitId} ${reach}\n`,
      );
      process.exit(130);
    };
    process.once("SIGINT", onInterrupt);
    try {
      let warned = false;
      const result = await watchFit(client, storage, fitId, (p) => {
        if (p.noWorkers && !warned) {
          warned = true;
          line.clear();
          process.stderr.write(
            `featurewise: warning: no worker serves queue prefix "${target.prefix}" yet; ` +
              `the fit waits until one starts (featurewise worker --redis ...)\n`,
          );
        }
        line.update(p);
      });
      line.clear();
      print(
        flags.json
          ? JSON.stringify({ fitId, ...fitSummaryJson(result) }, null, 2)
          : formatFitSummary(result),
      );
    } finally {
      process.off("SIGINT", onInterrupt);
      line.clear();
    }
  } finally {
    await client.close();
  }
}
