import { describe, expect, it } from "vitest";
import type { FitProgress } from "@featurewise/fit";
import { formatFitProgress, ProgressBar } from "./progress-bar.js";

/** A terminal stand-in: records what is written, with a width. */
function fakeTerminal(columns = 120) {
  const writes: string[] = [];
  return { isTTY: true, columns, writes, write: (t: string) => writes.push(t) };
}

const at = (p: Partial<FitProgress>): FitProgress => ({
  phase: "fitting",
  done: 0,
  total: null,
  skipped: 0,
  ...p,
});

describe("progress line of a fit (issue 17, item 10)", () => {
  it("shows images done and images/s from the first image, before the listing ends", () => {
    expect(formatFitProgress(at({ done: 640 }), 2)).toBe("640 images, 320 images/s");
    expect(formatFitProgress(at({ phase: "listing", done: 900, listed: 2000 }), 3)).toBe(
      "900 images, 300 images/s, listing: 2000 files found",
    );
    expect(formatFitProgress(at({ done: 1 }), 1)).toBe("1 image, 1 images/s");
  });

  it("adds the bar, done/total and the ETA once the listing has ended", () => {
    expect(formatFitProgress(at({ done: 500, total: 2000, skipped: 3 }), 5)).toBe(
      "[########----------------------] 500/2000 images 100 images/s ETA 15s (3 skipped)",
    );
  });

  it("says what it is doing before the first image", () => {
    expect(formatFitProgress(at({ phase: "listing", listed: 1000 }), 1)).toBe(
      "listing: 1000 files found",
    );
    expect(formatFitProgress(at({ phase: "finalizing", done: 10, total: 10 }), 1)).toBe(
      "finalizing...",
    );
  });

  it("draws on a terminal, at most every 100 ms, cut to its width; nothing elsewhere", () => {
    let now = 0;
    const term = fakeTerminal(20);
    const bar = new ProgressBar(term, () => now);
    now = 2000;
    bar.update(at({ done: 640 }));
    now = 2050;
    bar.update(at({ done: 700 })); // too soon: not drawn
    now = 2200;
    bar.update(at({ phase: "listing", done: 800, listed: 3000 }));
    expect(term.writes).toEqual(["\r\x1b[2K640 images, 320 ima", "\r\x1b[2K800 images, 364 ima"]);
    bar.clear();
    expect(term.writes.at(-1)).toBe("\r\x1b[2K");

    const pipe = { ...fakeTerminal(), isTTY: false };
    new ProgressBar(pipe, () => 5000, 0).update(at({ done: 5 }));
    expect(pipe.writes).toEqual([]);
  });
});
