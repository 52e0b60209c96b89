import type { FitProgress } from "@featurewise/jobs";

/**
 * A one-line progress bar on a terminal (stderr), redrawn at most 10 times
 * a second; silent when stderr is not a terminal.
 */
export class ProgressBar {
  private lastDraw = 0;
  private readonly started = Date.now();
  private drawn = false;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  update(p: FitProgress): void {
    if (!this.stream.isTTY) return;
    const now = Date.now();
    if (now - this.lastDraw < 100 && p.phase === "fitting") return;
    this.lastDraw = now;
    const seconds = (now - this.started) / 1000;
    const rate = p.done / Math.max(seconds, 1e-3);
    let line: string;
    if (p.phase === "fitting" && p.total !== null) {
      const frac = p.total === 0 ? 1 : p.done / p.total;
      const width = 30;
      const filled = Math.round(frac * width);
      const eta = rate > 0 ? (p.total - p.done) / rate : 0;
      line =
        `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${p.done}/${p.total} images ` +
        `${rate.toFixed(0)}/s ETA ${eta.toFixed(0)}s` +
        (p.skipped > 0 ? ` (${p.skipped} skipped)` : "");
    } else {
      line = `${p.phase}...`;
    }
    this.stream.write(`\r\x1b[2K${line}`);
    this.drawn = true;
  }

  /** Clears the bar so the summary starts on a clean line. */
  clear(): void {
    if (this.drawn) this.stream.write("\r\x1b[2K");
    this.drawn = false;
  }
}
