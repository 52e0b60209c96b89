import { Queue } from "./bullmq-queue.js";
import type { Redis } from "ioredis";
import type { QueueName } from "./cluster-settings.js";
import { FitStateStore } from "./fit-state.js";
import { connectClient, createRedis } from "./redis-connection.js";

/**
 * The submitting side's view of a cluster (the `fit`, `status` and
 * `cancel` commands): one Redis connection that fails fast when Redis is
 * not there, the queues, and the fit records.
 */
export class ClusterClient {
  readonly fits: FitStateStore;
  private readonly queues = new Map<QueueName, Queue>();

  private constructor(
    private readonly redis: Redis,
    readonly prefix: string,
  ) {
    this.fits = new FitStateStore(redis, prefix);
  }

  /**
   * Connects to the cluster's Redis.
   * @throws FeaturewiseError IO_ERROR when Redis does not answer within 5 s
   */
  static async connect(redisUrl: string, prefix: string): Promise<ClusterClient> {
    const redis = createRedis(redisUrl, "client");
    await connectClient(redis, redisUrl);
    return new ClusterClient(redis, prefix);
  }

  /** The queue `name`, on this client's connection. */
  queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (q === undefined) {
      q = new Queue(name, { connection: this.redis, prefix: this.prefix });
      q.on("error", () => {}); // connection errors surface from the calls that hit them
      this.queues.set(name, q);
    }
    return q;
  }

  /**
   * Calls `onChange` each time the fit's state changes, over a pub/sub
   * connection of its own (it reconnects and resubscribes after a Redis
   * restart). Best effort: a watcher must still poll; this only lets it see
   * the end at once. Returns the function that stops it.
   */
  onFitChange(fitId: string, onChange: () => void): () => void {
    const channel = this.fits.channel(fitId);
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
