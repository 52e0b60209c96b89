/**
 * Taking a cancelled run's jobs out of the queues: its first job (the one
 * that plans it) once it is not running, and its root with every child.
 * A flow with a running (locked) job cannot be removed; its jobs then end
 * unrecoverably as workers take them (they check the run's state first).
 */
import type { ClusterClient } from "./cluster-client.js";

/** A job by queue and id. */
export interface JobRef {
  readonly queue: string;
  readonly id: string;
}

/** Removes the run's planning job and its flow; true when both are gone (tries for ~1 s). */
export async function removeRunJobs(
  client: ClusterClient,
  planner: JobRef,
  root: JobRef,
): Promise<boolean> {
  for (let attempt = 0; attempt < 5; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 200));
    const plannerQueue = client.queue(planner.queue);
    const rootQueue = client.queue(root.queue);
    const job = await plannerQueue.getJob(planner.id);
    if (job !== undefined && (await job.getState()) === "active") continue;
    await plannerQueue.remove(planner.id);
    const rootJob = await rootQueue.getJob(root.id);
    if (rootJob === undefined || (await rootQueue.remove(root.id, { removeChildren: true })) === 1)
      return true;
  }
  return false;
}
