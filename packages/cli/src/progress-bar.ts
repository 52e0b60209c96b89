import type { FitProgress } from "@featurewise/fit";

/** What the bar draws: a fit's progress, or a prediction's (same fields, its own phase). */
export type ProgressReport = Omit<FitProgress, "phase"> & {
  readonly phase: FitProgress["phase"] | "predicting";
};

/** The stream a progress line is drawn on: a terminal's, or a test's stand-in. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  /** The terminal's width in characters; lines are cut to it (a wrapped line cannot be redrawn). */
  readonly columns?: number;
  write(text: string): unknown;
}

/**
 * The text of one progress line. From the first image on it shows images
 * done and images/s; once the listing has ended (`total` known), a bar,
 * done/total and the ETA; while it goes on, how many files it has found.
 * @param seconds - time since the fit started
 */
export function formatFitProgress(p: ProgressReport, seconds: number): string {
  if (p.phase === "finalizing" || p.phase === "writing") return `${p.phase}...`;
  const skipped = p.skipped > 0 ? ` (${p.skipped} skipped)` : "";
  if (p.done === 0 && p.total === null) {
    return p.listed === undefined ? `${p.phase}...` : `listing: ${p.listed} files found`;
  }
  const rate = p.done / Math.max(seconds, 1e-3);
  const speed = `${rate.toFixed(0)} images/s`;
  if (p.total === null) {
    const listing = p.listed === undefined ? "" : `, listing: ${p.listed} files found`;
    return `${p.done} ${p.done === 1 ? "image" : "images"}, ${speed}${listing}${skipped}`;
  }
  const frac = p.total === 0 ? 1 : Math.min(1, p.done / p.total);
  const width = 30;
  const filled = Math.round(frac * width);
  const eta = rate > 0 ? Math.max(0, p.total - p.done) / rate : 0;
  return (
    `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${p.done}/${p.total} images ` +
    `${speed} ETA ${eta.toFixed(0)}s${skipped}`
  );
}

/**
 * A one-line progress bar on a terminal (stderr), redrawn at most 10 times
 * a second; silent when stderr is not a terminal.
 */
export class ProgressBar {
  private lastDraw = 0;
  private drawn = false;

  /** @param now - the clock, in ms (for tests). @defaultValue Date.now */
  constructor(
    private readonly stream: ProgressStream = process.stderr,
    private readonly now: () => number = Date.now,
    private readonly started = now(),
  ) {}

  update(p: ProgressReport): void {
    if (this.stream.isTTY !== true) return;
    const now = this.now();
    const final = p.phase === "finalizing" || p.phase === "writing";
    if (now - this.lastDraw < 100 && !final) return;
    this.lastDraw = now;
    let line = formatFitProgress(p, (now - this.started) / 1000);
    const columns = this.stream.columns ?? 0;
    if (columns > 1 && line.length > columns - 1) line = line.slice(0, columns - 1);
    this.stream.write(`\r\x1b[2K${line}`);
    this.drawn = true;
  }

  /** Clears the bar so the summary starts on a clean line. */
  clear(): void {
    if (this.drawn) this.stream.write("\r\x1b[2K");
    this.drawn = false;
  }
}
