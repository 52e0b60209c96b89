import { describe, expect, it } from "vitest";
import { UnrecoverableError } from "bullmq";
import { ErrorCodes, FeaturewiseError, isFeaturewiseError } from "@featurewise/core";
import { parseFaultPlan } from "@featurewise/queue";
import { jobIds, newFitId, reduceKeys, shardKeys } from "./fit-names.js";
import { toJobError } from "@featurewise/queue";
import { planRangeShards, syntheticKey, type SourceItem } from "@featurewise/dataset";
import { parsePayload } from "./payloads.js";

const reduce = {
  v: 1,
  fitId: "fit-20260101-000000-abcdef",
  out: "s3://b/stats",
  level: 1,
  index: 0,
  inputs: [shardKeys("fit-20260101-000000-abcdef", "shard-000000")],
  output: reduceKeys("fit-20260101-000000-abcdef", 1, 0),
};

describe("job payloads", () => {
  it("accept a well-formed job and reject a malformed one, naming the field", () => {
    expect(parsePayload("reduce", reduce)).toEqual(reduce);
    for (const [bad, field] of [
      [{ ...reduce, level: 0 }, "level"],
      [{ ...reduce, inputs: [] }, "inputs"],
      [{ ...reduce, fitId: "a:b" }, "fitId"],
      [{ ...reduce, v: 2 }, "v"],
    ] as const) {
      let err: unknown;
      try {
        parsePayload("reduce", bad);
      } catch (e) {
        err = e;
      }
      expect(isFeaturewiseError(err, ErrorCodes.INVALID_ARGUMENT)).toBe(true);
      expect((err as Error).message).toMatch(new RegExp(`malformed reduce job: .*${field}`));
    }
  });

  it("carry a shard's items whole (the unreadable ones' reasons too), at ~40 bytes a key", async () => {
    async function* listing(): AsyncIterable<SourceItem> {
      for (let i = 0; i < 1024; i++) {
        yield i === 5
          ? { key: "class-0000/link", size: 0, unreadable: "symlinked folder, not followed" }
          : { key: syntheticKey(41_000 + i, 1000), size: 3000 + i };
      }
    }
    const specs = [];
    for await (const spec of planRangeShards(listing())) specs.push(spec);
    const shard = {
      v: 1,
      fitId: "fit-20260101-000000-abcdef",
      out: "/data/stats",
      source: "/data/images",
      spec: specs[0]!,
      decode: { colorMode: "rgb", targetSize: null, interpolation: "nearest" },
      dataFormat: "channels_last",
      imageShape: { height: 32, width: 32, channels: 3 },
      kind: "diagonal",
      onError: "skip",
      backend: "auto",
      output: shardKeys("fit-20260101-000000-abcdef", "shard-000000"),
    };
    const parsed = parsePayload("shard", JSON.parse(JSON.stringify(shard)));
    expect(parsed).toEqual(shard);
    const items = parsed.spec.kind === "range" ? parsed.spec.items : undefined;
    expect(items?.[5]).toEqual(shard.spec.items![5]);
    // Keys like "class-0041/img-0041000.png" (26 bytes): 1,024 of them in ~45 kB of job data.
    const bytes = JSON.stringify(shard).length;
    expect(bytes).toBeGreaterThan(1024 * 40);
    expect(bytes).toBeLessThan(1024 * 50);
  });

  it("have deterministic names", () => {
    const id = newFitId(new Date("2026-01-02T03:04:05.678Z"));
    expect(id).toMatch(/^fit-20260102-030405-[0-9a-f]{6}$/);
    expect(jobIds.shard(id, 7)).toBe(`${id}-shard-7`);
    expect(jobIds.reduce(id, 2, 3)).toBe(`${id}-reduce-2-3`);
    expect(shardKeys(id, "shard-000007")).toEqual({
      moments: `.featurewise/${id}/partials/shard-000007.fwm`,
      sidecar: `.featurewise/${id}/partials/shard-000007.skipped.json`,
    });
  });
});

describe("job errors", () => {
  it("make bad input unrecoverable and keep the code; I/O stays retryable", () => {
    const decode = toJobError(
      new FeaturewiseError(ErrorCodes.DECODE_FAILED, "file:///x/a.png: truncated"),
      "shard-000003",
    );
    expect(decode).toBeInstanceOf(UnrecoverableError);
    expect(decode.message).toBe("shard-000003: file:///x/a.png: truncated");
    expect(decode.code).toBe("DECODE_FAILED");
    const io = toJobError(new FeaturewiseError(ErrorCodes.IO_ERROR, "reset"), "shard-000003");
    expect(io).not.toBeInstanceOf(UnrecoverableError);
    expect(io.code).toBe("IO_ERROR");
    expect(toJobError(new Error("boom"), "finalize")).not.toBeInstanceOf(UnrecoverableError);
  });

  it("fault plans parse strictly", () => {
    expect(parseFaultPlan('{"holdMs":{"shard":10}}')).toEqual({ holdMs: { shard: 10 } });
    expect(() => parseFaultPlan('{"hold":1}')).toThrow(/--faults/);
  });
});
