import { describe, expect, it } from "vitest";
import { UnrecoverableError } from "bullmq";
import { ErrorCodes, FeaturewiseError, isFeaturewiseError } from "@featurewise/core";
import { parseFaultPlan } from "./faults.js";
import { jobIds, newFitId, reduceKeys, shardKeys } from "./fit-names.js";
import { toJobError } from "./job-errors.js";
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
