import { describe, expect, it } from "vitest";
import type { FitStatus } from "@featurewise/fit/cluster/client";
import { ClusterProgressLine } from "./cluster-progress.js";

const status = (s: Partial<FitStatus>): FitStatus => ({
  fitId: "fit-1",
  state: "planning",
  source: "s3://b/p",
  out: "s3://b/o",
  submittedAt: 0,
  updatedAt: 0,
  shardsTotal: null,
  shardsDone: 0,
  imagesTotal: null,
  images: 0,
  skipped: 0,
  failure: null,
  artifact: null,
  ...s,
});

describe("cluster progress line (issue 17, item 10)", () => {
  it("shows images and images/s while the coordinator still lists, then shards and the ETA", () => {
    let now = 1000;
    const writes: string[] = [];
    const line = new ClusterProgressLine({ isTTY: true, write: (t) => writes.push(t) }, () => now);
    const update = (s: Partial<FitStatus>) =>
      line.update({ status: status(s), connected: true, noWorkers: false });
    update({ state: "planning" });
    now = 3000;
    update({ state: "planning", shardsDone: 3, images: 500 });
    now = 5000;
    update({ state: "running", shardsTotal: 10, shardsDone: 5, imagesTotal: 2000, images: 1000 });
    expect(writes.map((w) => w.replace("\r\x1b[2K", ""))).toEqual([
      "planning...",
      "3 shards, 500 images, 250/s (still listing)",
      "[############------------] 5/10 shards, 1000/2000 images, 250/s, ETA 4s",
    ]);
  });
});
