import { Command } from "commander";
import type { FitClient, FitStatus } from "@featurewise/fit/cluster/client";
import type { PredictClient } from "@featurewise/predict/cluster/client";
import { formatPredictStatus } from "./predict-status.js";
import { addClusterOptions, clusterTarget, type ClusterFlags } from "./cluster-options.js";

interface StatusFlags extends ClusterFlags {
  json?: boolean;
  cancel?: boolean;
}

/** The cluster modules (BullMQ, ioredis), loaded only by the commands that talk to one. */
const cluster = () => import("@featurewise/fit/cluster/client");

/** The predict side's cluster modules, loaded only for a predict run's id. */
const predictCluster = () => import("@featurewise/predict/cluster/client");

/** True for a predict run's id (`predict-…`); a fit's starts with `fit-`. */
const isPredictId = (id: string): boolean => id.startsWith("predict-");

/** Runs `work` with a predict client of the cluster the flags name. */
async function withPredictClient<T>(
  flags: ClusterFlags,
  work: (client: PredictClient) => Promise<T>,
): Promise<T> {
  const target = clusterTarget(flags, process.env);
  const { PredictClient } = await predictCluster();
  const client = await PredictClient.connect(target.redisUrl, target.prefix);
  try {
    return await work(client);
  } finally {
    await client.close();
  }
}

/** Runs `work` with a client of the cluster the flags name. */
async function withClient<T>(
  flags: ClusterFlags,
  work: (client: FitClient) => Promise<T>,
): Promise<T> {
  const target = clusterTarget(flags, process.env);
  const { FitClient } = await cluster();
  const client = await FitClient.connect(target.redisUrl, target.prefix);
  try {
    return await work(client);
  } finally {
    await client.close();
  }
}

/**
 * `featurewise status <id>`: a fit's state, shards done/total, images,
 * failure, artifact; a predict run's parts done/total, images/s, ETA,
 * failure, manifest.
 */
export function statusCommand(print: (text: string) => void): Command {
  const cmd = new Command("status")
    .description("show where a fit or a prediction submitted to the cluster is")
    .argument("<id>", "the id `fit --redis` or `predict --redis` printed (fit-… or predict-…)")
    .option("--cancel", "cancel the run (as `featurewise cancel`)")
    .option("--json", "print the status as JSON");
  addClusterOptions(cmd);
  return cmd.action(async (fitId: string, flags: StatusFlags) => {
    if (isPredictId(fitId)) {
      await withPredictClient(flags, async (client) => {
        const c = await predictCluster();
        if (flags.cancel === true) await c.cancelPredict(client, fitId);
        const status = await client.predictions.read(fitId);
        if (status === null) throw c.unknownPredictError(fitId, client.prefix);
        print(flags.json === true ? JSON.stringify(status, null, 2) : formatPredictStatus(status));
      });
      return;
    }
    await withClient(flags, async (client) => {
      if (flags.cancel === true) await (await cluster()).cancelFit(client, fitId);
      const status = await client.fits.read(fitId);
      if (status === null) throw (await cluster()).unknownFitError(fitId, client.prefix);
      print(flags.json === true ? JSON.stringify(status, null, 2) : formatStatus(status));
    });
  });
}

/** `featurewise cancel <id>`: its jobs end as workers take them; no artifact (or manifest) is written. */
export function cancelCommand(print: (text: string) => void): Command {
  const cmd = new Command("cancel")
    .description("cancel a fit or a prediction submitted to the cluster")
    .argument("<id>", "the id `fit --redis` or `predict --redis` printed (fit-… or predict-…)")
    .option("--json", "print the outcome as JSON");
  addClusterOptions(cmd);
  return cmd.action(async (fitId: string, flags: StatusFlags) => {
    if (isPredictId(fitId)) {
      await withPredictClient(flags, async (client) => {
        const r = await (await predictCluster()).cancelPredict(client, fitId);
        const text = r.cancelled
          ? `${fitId} cancelled` +
            (r.jobsRemoved ? "; its queued jobs were removed" : "; its running jobs end shortly")
          : `${fitId} had already ${r.state}; nothing to cancel`;
        print(flags.json === true ? JSON.stringify({ predictId: fitId, ...r }, null, 2) : text);
      });
      return;
    }
    await withClient(flags, async (client) => {
      const r = await (await cluster()).cancelFit(client, fitId);
      const text = r.cancelled
        ? `fit ${fitId} cancelled` +
          (r.jobsRemoved ? "; its queued jobs were removed" : "; its running jobs end shortly")
        : `fit ${fitId} had already ${r.state}; nothing to cancel`;
      print(flags.json === true ? JSON.stringify({ fitId, ...r }, null, 2) : text);
    });
  });
}

/** The status for people. */
export function formatStatus(s: FitStatus): string {
  const ago = (ms: number): string => `${((Date.now() - ms) / 1000).toFixed(0)} s ago`;
  const lines = [
    `fit ${s.fitId}: ${s.state}`,
    `  source:    ${s.source}`,
    `  out:       ${s.out}`,
    `  shards:    ${s.shardsDone}/${s.shardsTotal ?? "?"} done`,
    `  images:    ${s.images}/${s.imagesTotal ?? "?"} (${s.skipped} skipped)`,
    `  submitted: ${new Date(s.submittedAt).toISOString()} (${ago(s.submittedAt)}), last change ${ago(s.updatedAt)}`,
  ];
  if (s.failure !== null) {
    lines.push(
      `  failure:   ${s.failure.code === null ? "" : `${s.failure.code} `}${s.failure.message}` +
        (s.failure.job === "" ? "" : ` (job ${s.failure.job})`),
    );
  }
  if (s.artifact !== null) lines.push(`  artifact:  ${s.artifact}`);
  return lines.join("\n");
}
