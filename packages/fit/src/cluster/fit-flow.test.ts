import { describe, expect, it } from "vitest";
import type { FlowJob, FlowJobNode } from "bullmq";
import {
  createMoments,
  encodeMoments,
  FIT_DEFAULTS,
  mergeAll,
  reduceTreeLevels,
  TreeMerger,
  type Moments,
} from "@featurewise/core";
import { buildFitFlow, finalizeWraps, validateFlow } from "./fit-flow.js";
import { shardKeys } from "./fit-names.js";
import type { FinalizePayload, ReducePayload, ShardPayload } from "./payloads.js";
import type { FitOptions } from "../fit-options.js";

const DIM = 3;

const OPTIONS: FitOptions = {
  ...FIT_DEFAULTS,
  source: "/tmp/src",
  out: "/tmp/out",
  flags: { ...FIT_DEFAULTS.flags, zcaWhitening: true },
  backend: "js",
  maxZcaBytes: 2 ** 31,
  imagesPerShard: 1,
};

/** Partial moments with awkward values: signed zeros, tiny and large numbers. */
function partial(i: number): Moments {
  const m = createMoments("full", DIM);
  m.n = (i % 3) + 1;
  for (let j = 0; j < DIM; j++) m.mean[j] = i % 4 === 0 ? -0 : Math.sin(i * 7 + j) * 1e3;
  for (let r = 0; r < DIM; r++)
    for (let c = 0; c <= r; c++)
      m.comoment[r * DIM + c] = (i + r) % 5 === 0 ? -0 : Math.cos(i + r * c) / 3;
  return m;
}

function finalizePayload(fitId: string, shards: number): Omit<FinalizePayload, "inputs" | "wrap"> {
  return {
    v: 1,
    fitId,
    submittedAt: 0,
    options: OPTIONS,
    imageShape: { height: 1, width: 1, channels: 3 },
    shards,
    listed: shards,
    fingerprint: "sha256:x",
  };
}

function shardPayload(fitId: string, index: number): ShardPayload {
  const id = `shard-${String(index).padStart(6, "0")}`;
  return {
    v: 1,
    fitId,
    out: "/tmp/out",
    source: "/tmp/src",
    spec: { kind: "range", index, id, startAfter: null, lastKey: "k", count: 1, bytes: 1 },
    decode: { colorMode: "rgb", targetSize: null, interpolation: "nearest" },
    dataFormat: "channels_last",
    imageShape: { height: 1, width: 1, channels: 3 },
    kind: "full",
    onError: "skip",
    backend: "js",
    output: shardKeys(fitId, id),
  };
}

/**
 * Runs a flow the way the cluster does: children first; reduce and finalize
 * merge their inputs in order into fresh moments, then finalize wraps.
 */
function evaluate(flow: FlowJob, parts: readonly Moments[]): Moments {
  const byKey = new Map<string, Moments>();
  const run = (job: FlowJob | FlowJobNode): void => {
    for (const child of job.children ?? []) run(child);
    if (job.name === "shard") {
      const p = job.data as ShardPayload;
      byKey.set(p.output.moments, parts[p.spec.index]!);
    } else if (job.name === "reduce") {
      const p = job.data as ReducePayload;
      byKey.set(p.output.moments, mergeAll(p.inputs.map((k) => byKey.get(k.moments)!)));
    }
  };
  run(flow);
  const f = flow.data as FinalizePayload;
  const top = mergeAll(f.inputs.map((k) => byKey.get(k.moments)!));
  return f.wrap ? mergeAll([top]) : top;
}

describe("the cluster's flow", () => {
  it("merges bit-identically to the embedded TreeMerger for every shard count", () => {
    for (const fanIn of [2, 3, 4, 32]) {
      const counts = [1, 2, 3, 4, 5, 8, 9, 10, 16, 17, 27, 31, 32, 33, 64, 65, 100];
      for (const count of counts) {
        const fitId = "fit-test";
        const parts = Array.from({ length: count }, (_, i) => partial(i));
        const merger = new TreeMerger(fanIn);
        for (const p of parts) merger.push(p);
        const embedded = merger.finish()!;
        const flow = buildFitFlow({
          fitId,
          out: "/tmp/out",
          shards: parts.map((_, i) => shardPayload(fitId, i)),
          finalize: finalizePayload(fitId, count),
          retry: { attempts: 5, backoffMs: 10 },
          fanIn,
        });
        const cluster = evaluate(flow, parts);
        const same = Buffer.from(encodeMoments(cluster)).equals(encodeMoments(embedded));
        expect(same, `fanIn ${fanIn}, ${count} shards`).toBe(true);
      }
    }
  });

  it("has one reduce job per node of reduceTreeLevels, with deterministic ids", () => {
    const fitId = "fit-ids";
    const flow = buildFitFlow({
      fitId,
      out: "/tmp/out",
      shards: Array.from({ length: 50 }, (_, i) => shardPayload(fitId, i)),
      finalize: finalizePayload(fitId, 50),
      retry: { attempts: 5, backoffMs: 10 },
    });
    const ids: string[] = [];
    const walk = (job: FlowJob | FlowJobNode): void => {
      ids.push(job.opts?.jobId ?? "");
      if (job !== flow) expect(job.opts?.failParentOnFailure).toBe(true);
      for (const c of job.children ?? []) walk(c);
    };
    walk(flow);
    expect(reduceTreeLevels(50)).toEqual([[32, 18], [2]]);
    // The top node (2-0) is merged by finalize itself.
    expect(ids.filter((id) => id.includes("-reduce-")).sort()).toEqual([
      "fit-ids-reduce-1-0",
      "fit-ids-reduce-1-1",
    ]);
    expect(ids.filter((id) => id.includes("-shard-"))).toHaveLength(50);
    expect(ids[0]).toBe("fit-ids-finalize");
    expect((flow.data as FinalizePayload).inputs.map((k) => k.moments)).toEqual([
      ".featurewise/fit-ids/reduce/1-000000.fwm",
      ".featurewise/fit-ids/reduce/1-000001.fwm",
    ]);
    expect(finalizeWraps(50)).toBe(false);
    expect(finalizeWraps(32)).toBe(true);
    expect(finalizeWraps(20)).toBe(false);
    expect(finalizeWraps(1)).toBe(false);
    expect(() => validateFlow(flow)).not.toThrow();
    const bad = { ...flow, data: { ...(flow.data as object), shards: -1 } };
    expect(() => validateFlow(bad)).toThrow(/malformed finalize job: .*shards/);
  });
});
