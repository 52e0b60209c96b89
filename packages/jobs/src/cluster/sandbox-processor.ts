/**
 * The processor BullMQ runs on a sandbox thread for the shard, reduce and
 * finalize queues. The CPU-bound work (decoding, SYRK, merging, an
 * eigendecomposition that takes seconds) happens here, off the worker
 * process' main thread, whose event loop stays free to renew job locks.
 */
import { workerData } from "node:worker_threads";
import type { SandboxedJob } from "bullmq";
import { injectFaults } from "./faults.js";
import { runFinalizeJob } from "./finalize-job.js";
import { toJobError } from "./job-errors.js";
import { parsePayload } from "./payloads.js";
import { runReduceJob } from "./reduce-job.js";
import { runShardJob } from "./shard-job.js";
import { ThreadRuntime, type ThreadSettings } from "./thread-runtime.js";

const rt = new ThreadRuntime(workerData as ThreadSettings);
rt.warm();

/** Runs one job; the result is a few counts, stored in Redis. */
export default async function processJob(job: SandboxedJob): Promise<unknown> {
  let where = `job ${job.id}`;
  try {
    switch (job.name) {
      case "shard": {
        const p = parsePayload("shard", job.data);
        where = p.spec.id;
        await rt.checkFitActive(p.fitId);
        const result = await runShardJob(p, rt);
        await injectFaults(rt.settings.faults, "shard", p.spec.id, job.attemptsMade);
        return result;
      }
      case "reduce": {
        const p = parsePayload("reduce", job.data);
        where = `reduce node ${p.level}-${p.index}`;
        await rt.checkFitActive(p.fitId);
        const result = await runReduceJob(p, rt);
        await injectFaults(rt.settings.faults, "reduce", null, job.attemptsMade);
        return result;
      }
      case "finalize": {
        const p = parsePayload("finalize", job.data);
        where = "finalize";
        await rt.checkFitActive(p.fitId);
        const result = await runFinalizeJob(p, rt);
        await injectFaults(rt.settings.faults, "finalize", null, job.attemptsMade);
        return result;
      }
      default:
        throw new Error(`unknown job name ${JSON.stringify(job.name)}`);
    }
  } catch (err) {
    throw toJobError(err, where);
  }
}
