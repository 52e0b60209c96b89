/**
 * Prometheus metrics (`/metrics`, prom-client, a registry of its own):
 * HTTP latency, submissions, and, read from Redis when scraped, the queues'
 * job counts, runs by state, images/s of running runs and the durations of
 * finished ones.
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { RunKind, RunView } from "./run-kind.js";

/** Job counts of a queue by BullMQ state. */
export type QueueCounts = (queue: string) => Promise<Record<string, number>>;

/** How many of the newest runs a scrape reads (by kind). */
const RUNS_SCANNED = 500;

export class ServeMetrics {
  readonly registry = new Registry();
  private readonly http = new Histogram({
    name: "featurewise_http_request_duration_seconds",
    help: "HTTP request latency by route and status",
    labelNames: ["method", "route", "status"],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  private readonly submissions = new Counter({
    name: "featurewise_runs_submitted_total",
    help: "runs submitted through this server",
    labelNames: ["kind"],
    registers: [this.registry],
  });
  private readonly durations = new Histogram({
    name: "featurewise_run_duration_seconds",
    help: "submission to end of finished runs (each counted once by this server)",
    labelNames: ["kind", "state"],
    buckets: [1, 5, 15, 60, 300, 900, 3600, 4 * 3600],
    registers: [this.registry],
  });
  private readonly observed = new Set<string>();

  constructor(
    queues: readonly string[],
    queueCounts: QueueCounts,
    kinds: readonly RunKind<unknown>[],
  ) {
    new Gauge({
      name: "featurewise_queue_jobs",
      help: "jobs in each queue by state",
      labelNames: ["queue", "state"],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const q of queues) {
          for (const [state, n] of Object.entries(await queueCounts(q)))
            this.set({ queue: q, state }, n);
        }
      },
    });
    const latest = async (): Promise<RunView[]> => {
      const views: RunView[] = [];
      for (const kind of kinds) {
        const { ids } = await kind.list(RUNS_SCANNED);
        for (const v of await Promise.all(ids.map((id) => kind.read(id))))
          if (v !== null) views.push(v);
      }
      return views;
    };
    const observeEnd = (v: RunView): void => this.observeEnd(v);
    let snapshot: Promise<RunView[]> | null = null;
    // One read of the runs per scrape, shared by the gauges below.
    const runs = (): Promise<RunView[]> => {
      snapshot ??= latest().finally(() => setTimeout(() => (snapshot = null), 500));
      return snapshot;
    };
    new Gauge({
      name: "featurewise_runs",
      help: `runs by kind and state (the ${RUNS_SCANNED} newest of each kind)`,
      labelNames: ["kind", "state"],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const v of await runs()) {
          this.inc({ kind: v.kind, state: v.state });
          observeEnd(v);
        }
      },
    });
    new Gauge({
      name: "featurewise_images_per_second",
      help: "images per second of the running runs, summed",
      labelNames: ["kind"],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const v of await runs())
          if (!v.final) this.inc({ kind: v.kind }, v.progress.imagesPerSecond ?? 0);
      },
    });
  }

  /** Records one HTTP answer. */
  request(method: string, route: string, status: number, seconds: number): void {
    this.http.observe({ method, route, status: String(status) }, seconds);
  }

  submitted(kind: string): void {
    this.submissions.inc({ kind });
  }

  /** Counts a finished run's duration once. */
  private observeEnd(v: RunView): void {
    if (!v.final || this.observed.has(v.id)) return;
    if (this.observed.size > 10_000) this.observed.clear();
    this.observed.add(v.id);
    const seconds = (Date.parse(v.updatedAt) - Date.parse(v.submittedAt)) / 1000;
    this.durations.observe({ kind: v.kind, state: v.state }, Math.max(0, seconds));
  }
}
