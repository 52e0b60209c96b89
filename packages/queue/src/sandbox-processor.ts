/**
 * The processor BullMQ runs on a sandbox thread, for every job kind
 * registered with `onThread` (the fit's shard, reduce and finalize). The
 * CPU-bound work (decoding, SYRK, merging, an eigendecomposition that takes
 * seconds) happens here, off the worker process' main thread, whose event
 * loop stays free to renew job locks. A thread serves one queue: it makes
 * that kind's context once, warms it, and runs each job through it.
 */
import { workerData } from "node:worker_threads";
import type { SandboxedJob } from "bullmq";
import { injectFaults } from "./faults.js";
import { toJobError, unknownJobName } from "./job-errors.js";
import type { AnyJobKind, WorkerSettings } from "./job-kind.js";
import { loadJobRegistry } from "./job-registry.js";

const settings = workerData as WorkerSettings;

/** This thread's kind and its context, once its modules are loaded. */
const ready: Promise<{ kind: AnyJobKind; context: unknown } | null> = loadJobRegistry(
  settings.jobModules,
).then((registry) => {
  const kind = registry.get(settings.queue);
  if (kind === undefined || !kind.onThread) return null;
  const context: unknown = kind.context({ settings, connection: null });
  kind.warm?.(context);
  return { kind, context };
});
ready.catch(() => {}); // reported by the first job

/** Runs one job; the result is a few counts, stored in Redis. */
export default async function processJob(job: SandboxedJob): Promise<unknown> {
  let where = `job ${job.id}`;
  try {
    const loaded = await ready;
    if (loaded === null || job.name !== loaded.kind.queue)
      throw unknownJobName(job.name, settings.queue);
    const { kind, context } = loaded;
    const p: unknown = kind.parse(job.data);
    where = kind.where(p);
    const result: unknown = await kind.run(p, context, job);
    await injectFaults(settings.faults, kind.queue, where, job.attemptsMade);
    return result;
  } catch (err) {
    throw toJobError(err, where);
  }
}
