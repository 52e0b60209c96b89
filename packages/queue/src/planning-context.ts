/**
 * The main-thread context of a run's planning job (the fit's coordinator,
 * the predict run's plan job): it lists and plans, queues the run's jobs
 * and adds their flow, whose root (finalize, manifest) waits for them all.
 * Both kinds guard the flow alike: a planning job that runs again after its
 * worker died finds the flow in and does nothing; a run that ended while
 * its flow was being added has the flow taken back out, so no root is left
 * waiting for a child that failed for good.
 */
import { FlowProducer, Queue, type FlowJob } from "bullmq";
import type { Redis } from "ioredis";
import { Storage } from "@featurewise/storage";
import type { FaultPlan } from "./faults.js";
import type { JobEnvironment } from "./job-kind.js";
import { runEndedError } from "./run-guard.js";
import { FINAL_STATES, type RunStateStore } from "./run-state.js";

/** See the module comment. S: the kind's run records. */
export class PlanningContext<S extends RunStateStore> {
  readonly storage: Storage;
  readonly flows: FlowProducer;
  /** The queue of the flow's root job. */
  readonly rootQueue: Queue;
  /** Test-only fault injection. */
  readonly faults: FaultPlan | null;
  readonly runs: S;
  private readonly connection: Redis;
  private readonly prefix: string;

  /**
   * @param env the worker process' (a planning job runs on its main thread)
   * @param rootQueue the queue of the flow's root job ("finalize", "predict-manifest")
   * @param openRuns the kind's run records over the worker's connection
   */
  constructor(
    env: JobEnvironment,
    rootQueue: string,
    openRuns: (connection: Redis, prefix: string) => S,
  ) {
    const connection = env.connection;
    if (connection === null)
      throw new Error(`the planning job of a flow rooted on ${rootQueue} runs on the main thread`);
    this.connection = connection;
    this.prefix = env.settings.prefix;
    this.storage = new Storage(env.settings.storage);
    this.flows = new FlowProducer({ connection, prefix: this.prefix });
    this.rootQueue = new Queue(rootQueue, { connection, prefix: this.prefix });
    this.rootQueue.on("error", () => {}); // reported by the calls that hit it
    this.runs = openRuns(connection, this.prefix);
    this.faults = env.settings.faults;
  }

  /**
   * Whether the run still wants planning: false when its flow's root job
   * `rootJobId` exists (the job ran again after adding the flow).
   * @param state the run's state as its record says (undefined: no record)
   * @throws UnrecoverableError ({@link runEndedError}) when the run already ended
   */
  async needsPlanning(
    runId: string,
    state: string | undefined,
    rootJobId: string,
  ): Promise<boolean> {
    if (state === undefined) return true;
    if (FINAL_STATES.includes(state)) throw runEndedError(runId, state);
    const root = `${this.prefix}:${this.rootQueue.name}:${rootJobId}`;
    return (await this.connection.exists(root)) === 0;
  }

  /**
   * Moves the run to "running" with `totals` (its parts and images), then
   * adds `flow` (whose root job is on {@link rootQueue}). A child that failed
   * for good while the flow was being added has ended the run: the flow is
   * taken back out.
   * @throws UnrecoverableError ({@link runEndedError}) when the run ended before or meanwhile
   */
  async addFlow(
    runId: string,
    flow: FlowJob,
    totals: Record<string, string | number>,
  ): Promise<void> {
    const rootJobId = flow.opts?.jobId;
    if (rootJobId === undefined) throw new Error(`run ${runId}: its flow's root has no job id`);
    if (!(await this.runs.setState(runId, "running", totals))) throw runEndedError(runId, "over");
    await this.flows.add(flow);
    const state = (await this.runs.readFields(runId))?.["state"];
    if (state === "failed" || state === "cancelled") {
      await this.rootQueue.remove(rootJobId, { removeChildren: true }).catch(() => 0);
      throw runEndedError(runId, state);
    }
  }

  /** Releases the flow producer, the root queue and the storage when the worker stops. */
  async close(): Promise<void> {
    await this.flows.close();
    await this.rootQueue.close();
    this.storage.close();
  }
}
