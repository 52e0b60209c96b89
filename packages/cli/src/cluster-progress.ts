import type { FitStatus, WatchProgress } from "@featurewise/fit/cluster/client";
import type { PredictStatus } from "@featurewise/predict/cluster/client";
import type { ProgressStream } from "./progress-bar.js";

/** What the line shows of a run: a fit's status fields (a predict run maps its parts to shards). */
export type ProgressOf = Omit<WatchProgress, "status"> & {
  readonly status: Pick<
    FitStatus,
    "state" | "shardsTotal" | "shardsDone" | "images" | "imagesTotal" | "skipped"
  >;
};

/** A predict run's status as the line shows it: its parts as shards, "writing" as "finalizing". */
export function predictProgressStatus(s: PredictStatus): ProgressOf["status"] {
  return {
    state: s.state === "writing" ? "finalizing" : s.state,
    shardsTotal: s.partsTotal,
    shardsDone: s.partsDone,
    images: s.images,
    imagesTotal: s.imagesTotal,
    skipped: s.skipped,
  };
}

/**
 * One line of progress for a fit running on the cluster (stderr, redrawn at
 * most 4 times a second; silent when stderr is not a terminal): shards
 * done/total, images, images/s and ETA once shards finish.
 */
export class ClusterProgressLine {
  private lastDraw = 0;
  private drawn = false;
  /** When this watcher first saw the fit running (images/s count from there). */
  private runningSince: number | null = null;

  constructor(
    private readonly stream: ProgressStream = process.stderr,
    private readonly clock: () => number = Date.now,
  ) {}

  /** A fit's progress, or a predict run's (its parts as shards). */
  update({ status: s, connected, noWorkers }: ProgressOf): void {
    if (this.stream.isTTY !== true) return;
    const now = this.clock();
    // Shards run while the coordinator still lists ("planning"): the clock starts there.
    if (s.state === "planning" || s.state === "running") this.runningSince ??= now;
    if (now - this.lastDraw < 250) return;
    this.lastDraw = now;
    let line: string;
    if (s.state === "running" && s.shardsTotal !== null) {
      const seconds = (now - this.runningSince!) / 1000;
      const rate = s.images / Math.max(seconds, 1e-3);
      const frac = s.shardsTotal === 0 ? 1 : s.shardsDone / s.shardsTotal;
      const width = 24;
      const filled = Math.round(frac * width);
      const left =
        s.imagesTotal !== null
          ? (s.imagesTotal - s.images) / Math.max(rate, 1e-9)
          : (seconds / Math.max(s.shardsDone, 1)) * (s.shardsTotal - s.shardsDone);
      line =
        `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${s.shardsDone}/${s.shardsTotal} shards, ` +
        `${s.images}${s.imagesTotal === null ? "" : `/${s.imagesTotal}`} images` +
        (s.images > 0 ? `, ${rate.toFixed(0)}/s, ETA ${left.toFixed(0)}s` : "") +
        (s.skipped > 0 ? ` (${s.skipped} skipped)` : "");
    } else if ((s.state === "planning" || s.state === "running") && s.images > 0) {
      // Still listing: images and their rate from the first shard, total and ETA once planned.
      const rate = s.images / Math.max((now - this.runningSince!) / 1000, 1e-3);
      line =
        `${s.shardsDone} shards, ${s.images} images, ${rate.toFixed(0)}/s (still listing)` +
        (s.skipped > 0 ? ` (${s.skipped} skipped)` : "");
    } else {
      line = `${s.state}...`;
    }
    if (!connected) line += " (Redis not answering; retrying)";
    if (noWorkers) line += " (no worker serves these queues yet)";
    this.stream.write(`\r\x1b[2K${line}`);
    this.drawn = true;
  }

  /** Clears the line so the summary starts on a clean one. */
  clear(): void {
    if (this.drawn) this.stream.write("\r\x1b[2K");
    this.drawn = false;
  }
}
