import { existsSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Command, Option } from "commander";
import { BACKEND_NAMES } from "@featurewise/pipeline";
import {
  formatByteSize,
  parseByteSize,
  PREDICT_DEVICES,
  parseChoice,
  parsePositiveInt,
} from "@featurewise/core";
import { QUEUE_NAMES } from "@featurewise/fit";
import {
  PREDICT_QUEUE_NAMES,
  PREDICT_WORKER_DEFAULTS,
} from "@featurewise/predict/cluster/settings";
import { redactRedisUrl } from "@featurewise/queue/settings";
import { readStorageConfig } from "@featurewise/storage";
import { addClusterOptions, clusterTarget, type ClusterFlags } from "./cluster-options.js";

interface WorkerFlags extends ClusterFlags {
  queues?: string;
  jobModules?: string;
  concurrency: string;
  backend: string;
  name?: string;
  lockDuration: string;
  stalledInterval: string;
  faults?: string;
  device: string;
  threads: string;
  modelCache: string;
}

/**
 * `featurewise worker`: a long-running process that takes the cluster's
 * jobs until SIGTERM or SIGINT. The first signal stops taking jobs and
 * lets the active ones finish; a second one stops at once (the active
 * jobs then stall and run again on another worker).
 */
export function workerCommand(): Command {
  const cmd = new Command("worker")
    .description("take fit and predict jobs from the cluster's queues (Redis) until stopped")
    .option(
      "--queues <list>",
      `comma-separated queues to serve (default all: ${[...QUEUE_NAMES, ...PREDICT_QUEUE_NAMES].join(",")}); ` +
        "predict alone makes a node that only runs prediction parts (a GPU node)",
    )
    .option("--concurrency <n>", "jobs at once per queue", "1")
    .option(
      "--backend <name>",
      `compute backend for fits that ask for auto: ${BACKEND_NAMES.join("|")}`,
      "auto",
    )
    .option(
      "--device <name>",
      `predict parts of runs that ask for device auto run on: ${PREDICT_DEVICES.join("|")}`,
      PREDICT_WORKER_DEFAULTS.device,
    )
    .option(
      "--threads <n>",
      "ONNX Runtime intra-op threads per predict job, for runs that do not set --threads",
      String(PREDICT_WORKER_DEFAULTS.threads),
    )
    .option(
      "--model-cache <bytes>",
      "models kept loaded per predict thread, by sha256, least recently used out (e.g. 2GiB)",
      formatByteSize(PREDICT_WORKER_DEFAULTS.modelCacheBytes),
    )
    .option("--name <name>", "this worker's name in job records (default: host:pid)")
    .option(
      "--lock-duration <ms>",
      "a job whose worker stops renewing its lock this long is run again elsewhere",
      "30000",
    )
    .option("--stalled-interval <ms>", "how often to look for such stalled jobs", "30000")
    .addOption(new Option("--faults <json>", "test-only fault injection").hideHelp())
    .addOption(
      new Option(
        "--job-modules <list>",
        "comma-separated modules whose jobKinds to serve beside the fit's",
      ).hideHelp(),
    );
  addClusterOptions(cmd);
  return cmd.action(async (flags: WorkerFlags) => {
    const target = clusterTarget(flags, process.env);
    const list = (value: string | undefined): string[] | undefined =>
      value === undefined ? undefined : [...new Set(value.split(",").map((v) => v.trim()))];
    const queues = list(flags.queues);
    // A file that exists is taken by path; anything else is a package specifier.
    const jobModules = (list(flags.jobModules) ?? []).map((m) =>
      existsSync(m) ? pathToFileURL(path.resolve(m)).href : m,
    );
    const name = flags.name ?? `${hostname()}:${process.pid}`;
    const log = (line: string): void => {
      process.stderr.write(`${new Date().toISOString()} worker ${name}: ${line}\n`);
    };
    parseChoice("--backend", flags.backend, BACKEND_NAMES);
    const kindOptions = {
      device: parseChoice("--device", flags.device, PREDICT_DEVICES),
      threads: parsePositiveInt("--threads", flags.threads),
      modelCache: parseByteSize("--model-cache", flags.modelCache),
    };
    const { startClusterWorker } = await import("@featurewise/fit/cluster");
    const { PREDICT_JOB_MODULE } = await import("@featurewise/predict/cluster");
    const { parseFaultPlan } = await import("@featurewise/queue");
    const worker = await startClusterWorker({
      redisUrl: target.redisUrl,
      prefix: target.prefix,
      ...(queues === undefined ? {} : { queues }),
      jobModules: [PREDICT_JOB_MODULE, ...jobModules],
      kindOptions,
      concurrency: parsePositiveInt("--concurrency", flags.concurrency),
      backend: flags.backend,
      name,
      storage: readStorageConfig(process.env),
      lockDurationMs: parsePositiveInt("--lock-duration", flags.lockDuration),
      stalledIntervalMs: parsePositiveInt("--stalled-interval", flags.stalledInterval),
      faults: flags.faults === undefined ? null : parseFaultPlan(flags.faults),
      log,
    });
    log(
      `ready: queues ${worker.queues.join(",")} on ${redactRedisUrl(target.redisUrl)} ` +
        `(prefix "${target.prefix}", pid ${process.pid})`,
    );
    await new Promise<void>((resolve, reject) => {
      let stopping = false;
      const stop = (signal: NodeJS.Signals): void => {
        const force = stopping;
        stopping = true;
        log(
          force
            ? `${signal} again: stopping now; active jobs will run again elsewhere`
            : `${signal}: finishing active jobs (send ${signal} again to stop at once)`,
        );
        worker.close(force).then(resolve, reject);
      };
      process.on("SIGTERM", stop);
      process.on("SIGINT", stop);
    });
    log("stopped");
  });
}
