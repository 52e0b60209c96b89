/**
 * The fit on the cluster: its job kinds, the worker that serves them, fit
 * submission and status. The plumbing (queues, workers, the job-kind
 * registry, run records) is `@featurewise/queue`'s.
 */
export * from "./client.js";
export { startClusterWorker, type ClusterWorkerOptions } from "./fit-worker.js";
