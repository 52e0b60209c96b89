/**
 * The cluster's plumbing, for any kind of job: BullMQ queues on Redis, the
 * job-kind registry (`defineJob`), worker processes and their sandbox
 * threads, run records, job errors. Nothing here knows what a fit is: the
 * fit's job kinds (`@featurewise/fit/cluster`) register here like any other.
 */
export * from "./client.js";
export { Queue } from "./bullmq-queue.js";
export {
  startWorkerProcess,
  type ClusterWorker,
  type WorkerProcessOptions,
} from "./cluster-worker.js";
export {
  defineJob,
  runIdIn,
  type AnyJobKind,
  type JobEnvironment,
  type JobInfo,
  type JobKind,
  type RunHooks,
  type WorkerSettings,
} from "./job-kind.js";
export { JobRegistry, loadJobRegistry } from "./job-registry.js";
export { isPermanentError, toJobError, unknownJobName, type JobError } from "./job-errors.js";
export { injectFaults, parseFaultPlan, type FaultPlan } from "./faults.js";
export { RunGuard, runEndedError } from "./run-guard.js";
export { PlanningContext } from "./planning-context.js";
