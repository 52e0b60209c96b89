import { Queue } from "./bullmq-queue.js";
import type { Redis } from "ioredis";
import { connectClient, createRedis } from "./redis-connection.js";
import { RunStateStore } from "./run-state.js";

/**
 * The submitting side's view of a cluster (the `fit`, `status` and
 * `cancel` commands): one Redis connection that fails fast when Redis is
 * not there, the queues, and the run records. A kind of run adds its own
 * record store by extending it (the fit's `FitClient`).
 */
export class ClusterClient {
  /** The run records (any kind of run). */
  readonly runs: RunStateStore;
  private readonly queues = new Map<string, Queue>();

  /** Use {@link ClusterClient.connect}; public so that a subclass's `connect` can make one. */
  constructor(
    protected readonly redis: Redis,
    readonly prefix: string,
  ) {
    this.runs = new RunStateStore(redis, prefix);
  }

  /**
   * Connects to the cluster's Redis (`FitClient.connect` makes a FitClient).
   * @throws FeaturewiseError IO_ERROR when Redis does not answer within 5 s
   */
  static async connect<T extends ClusterClient>(
    this: new (redis: Redis, prefix: string) => T,
    redisUrl: string,
    prefix: string,
  ): Promise<T> {
    const redis = createRedis(redisUrl, "client");
    await connectClient(redis, redisUrl);
    return new this(redis, prefix);
  }

  /** The queue `name`, on this client's connection. */
  queue(name: string): Queue {
    let q = this.queues.get(name);
    if (q === undefined) {
      q = new Queue(name, { connection: this.redis, prefix: this.prefix });
      q.on("error", () => {}); // connection errors surface from the calls that hit them
      this.queues.set(name, q);
    }
    return q;
  }

  /**
   * Calls `onChange` each time the run's state changes, over a pub/sub
   * connection of its own (it reconnects and resubscribes after a Redis
   * restart). Best effort: a watcher must still poll; this only lets it see
   * the end at once. Returns the function that stops it.
   */
  onRunChange(runId: string, onChange: () => void): () => void {
    const channel = this.runs.channel(runId);
    const sub = this.redis.duplicate({ enableOfflineQueue: true });
    sub.on("error", () => {}); // polling goes on without it
    sub.on("message", (from: string) => {
      if (from === channel) onChange();
    });
    sub.subscribe(channel).catch(() => {});
    return () => sub.disconnect();
  }

  /** Closes the queues and the connection. */
  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.redis.disconnect();
  }
}
