/** The cluster executor: BullMQ queues on Redis, worker processes, fit submission and status. */
export * from "./client.js";
export {
  startClusterWorker,
  type ClusterWorker,
  type ClusterWorkerOptions,
} from "./cluster-worker.js";
export { parseFaultPlan, type FaultPlan } from "./faults.js";
