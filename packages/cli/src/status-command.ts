import { Command } from "commander";
import type { CancelResult, FitClient, FitStatus } from "@featurewise/fit/cluster/client";
import type {
  CancelPredictResult,
  PredictClient,
  PredictStatus,
} from "@featurewise/predict/cluster/client";
import { formatPredictStatus } from "./predict-status.js";
import { addClusterOptions, clusterTarget, type ClusterFlags } from "./cluster-options.js";

interface StatusFlags extends ClusterFlags {
  json?: boolean;
  cancel?: boolean;
  /** `--api <url>`: ask featurewise serve instead of Redis. */
  api?: string;
}

/** What `status` and `cancel` do, over Redis or over the API. */
interface FitReader {
  read(fitId: string): Promise<FitStatus>;
  cancel(fitId: string): Promise<CancelResult>;
}

/** Runs `work` with a reader of the cluster the flags name (`--api`, else Redis). */
async function withReader<T>(flags: StatusFlags, work: (r: FitReader) => Promise<T>): Promise<T> {
  if (flags.api !== undefined) {
    const { apiClient } = await import("./api-fit.js");
    const api = apiClient(flags.api);
    return work({ read: (id) => api.status(id), cancel: (id) => api.cancel(id) });
  }
  return withClient(flags, async (client) => {
    const c = await cluster();
    return work({
      async read(id) {
        const status = await client.fits.read(id);
        if (status === null) throw c.unknownFitError(id, client.prefix);
        return status;
      },
      cancel: (id) => c.cancelFit(client, id),
    });
  });
}

/** Adds `--api` to a command. */
function addApiOption(cmd: Command): Command {
  return cmd.option(
    "--api <url>",
    "ask featurewise serve at this URL instead of Redis (token: $FEATUREWISE_API_TOKEN)",
  );
}

/** The cluster modules (BullMQ, ioredis), loaded only by the commands that talk to one. */
const cluster = () => import("@featurewise/fit/cluster/client");

/** The predict side's cluster modules, loaded only for a predict run's id. */
const predictCluster = () => import("@featurewise/predict/cluster/client");

/** True for a predict run's id (`predict-…`); a fit's starts with `fit-`. */
const isPredictId = (id: string): boolean => id.startsWith("predict-");

/** What `status` and `cancel` do with a prediction, over Redis or over the API. */
interface PredictionReader {
  read(predictId: string): Promise<PredictStatus>;
  cancel(predictId: string): Promise<CancelPredictResult>;
}

/** Runs `work` with a prediction reader of the cluster the flags name (`--api`, else Redis). */
async function withPredictionReader<T>(
  flags: StatusFlags,
  work: (r: PredictionReader) => Promise<T>,
): Promise<T> {
  if (flags.api !== undefined) {
    const [{ apiClient }, p] = await Promise.all([
      import("./api-fit.js"),
      import("./api-predict.js"),
    ]);
    const api = apiClient(flags.api);
    return work({
      read: (id) => p.predictionStatus(api, id),
      // The same answer's shape; a prediction's state may also be "writing".
      cancel: (id) =>
        api.cancelRun("predictions", id) as Promise<unknown> as Promise<CancelPredictResult>,
    });
  }
  return withPredictClient(flags, async (client) => {
    const c = await predictCluster();
    return work({
      async read(id) {
        const status = await client.predictions.read(id);
        if (status === null) throw c.unknownPredictError(id, client.prefix);
        return status;
      },
      cancel: (id) => c.cancelPredict(client, id),
    });
  });
}

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
  addApiOption(addClusterOptions(cmd));
  return cmd.action(async (fitId: string, flags: StatusFlags) => {
    if (isPredictId(fitId)) {
      await withPredictionReader(flags, async (reader) => {
        if (flags.cancel === true) await reader.cancel(fitId);
        const status = await reader.read(fitId);
        print(flags.json === true ? JSON.stringify(status, null, 2) : formatPredictStatus(status));
      });
      return;
    }
    await withReader(flags, async (reader) => {
      if (flags.cancel === true) await reader.cancel(fitId);
      const status = await reader.read(fitId);
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
  addApiOption(addClusterOptions(cmd));
  return cmd.action(async (fitId: string, flags: StatusFlags) => {
    if (isPredictId(fitId)) {
      await withPredictionReader(flags, async (reader) => {
        const r = await reader.cancel(fitId);
        const text = r.cancelled
          ? `${fitId} cancelled` +
            (r.jobsRemoved ? "; its queued jobs were removed" : "; its running jobs end shortly")
          : `${fitId} had already ${r.state}; nothing to cancel`;
        print(flags.json === true ? JSON.stringify({ predictId: fitId, ...r }, null, 2) : text);
      });
      return;
    }
    await withReader(flags, async (reader) => {
      const r = await reader.cancel(fitId);
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
