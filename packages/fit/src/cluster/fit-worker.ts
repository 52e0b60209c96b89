import { shortenOpenBlasSpin } from "@featurewise/linalg";
import {
  startWorkerProcess,
  type ClusterWorker,
  type WorkerProcessOptions,
} from "@featurewise/queue";
import { FIT_JOB_MODULE } from "./fit-job-kinds.js";

/** How a featurewise worker process serves the cluster. */
export interface ClusterWorkerOptions extends Omit<WorkerProcessOptions, "jobModules"> {
  /** Job modules to register beside the fit's (each exports `jobKinds`). @defaultValue none */
  readonly jobModules?: readonly string[];
}

/** Starts a worker process that serves the fit's job kinds, and any more that `jobModules` add. */
export function startClusterWorker(o: ClusterWorkerOptions): Promise<ClusterWorker> {
  shortenOpenBlasSpin(); // before the sandbox threads (and their copies of the environment) start
  return startWorkerProcess({ ...o, jobModules: [FIT_JOB_MODULE, ...(o.jobModules ?? [])] });
}
