/** The cluster executor: BullMQ queues on Redis, worker processes, fit submission and status. */
export * from "./client.js";
export {
  startWorkerProcess,
  type ClusterWorker,
  type WorkerProcessOptions,
} from "./cluster-worker.js";
export { startClusterWorker, type ClusterWorkerOptions } from "./fit-worker.js";
export { defineJob, type AnyJobKind, type JobKind, type RunHooks } from "./job-kind.js";
export { JobRegistry, loadJobRegistry } from "./job-registry.js";
export { RunStateStore, type RunFailure } from "./run-state.js";
export { parseFaultPlan, type FaultPlan } from "./faults.js";
