/**
 * The submitting side of the cluster (what `fit`, `status` and `cancel`
 * need): Redis connections, the run records and BullMQ's `Queue` class
 * alone, without the worker side (workers, flows, sandboxes), so that a CLI
 * that submits a run starts quickly. `@featurewise/queue` exports all of
 * this and the worker.
 */
export { ClusterClient } from "./cluster-client.js";
export * from "./settings.js";
export { connectClient, createRedis, type RedisRole } from "./redis-connection.js";
export {
  FINAL_STATES,
  runKind,
  RUN_EVENTS_CAP,
  RunStateStore,
  type RunEvent,
  type RunFailure,
  type RunState,
} from "./run-state.js";
export {
  wakeOnRunChange,
  watchRun,
  type RunChangeWaiter,
  type RunWatchOptions,
  type RunWatchProgress,
  type WatchedRun,
  type WatchedStatus,
} from "./run-watch.js";
export { childJobOptions, jobOptions, newRunId } from "./job-options.js";
export { removeRunJobs, type JobRef } from "./remove-run-jobs.js";
export { runFailedError } from "./run-failed-error.js";
