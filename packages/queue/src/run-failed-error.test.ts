import { describe, expect, it } from "vitest";
import { ErrorCodes } from "@featurewise/core";
import { runFailedError } from "./run-failed-error.js";

describe("runFailedError", () => {
  it("names the run by its kind and id, with the first failure's code, message and job", () => {
    const err = runFailedError("fit-20261127-160000-abcdef", {
      state: "failed",
      failure: { code: ErrorCodes.DECODE_FAILED, message: "bad.png: truncated", job: "shard-3" },
    });
    expect(err.code).toBe(ErrorCodes.DECODE_FAILED);
    expect(err.message).toBe(
      "fit fit-20261127-160000-abcdef failed: bad.png: truncated (job shard-3)",
    );
  });

  it("says CANCELLED for a cancelled run, JOB_FAILED for a failure without a code or a record", () => {
    const cancelled = runFailedError("predict-1", { state: "cancelled", failure: null });
    expect(cancelled.code).toBe(ErrorCodes.CANCELLED);
    expect(cancelled.message).toBe("predict predict-1 was cancelled");
    const crashed = runFailedError("predict-1", {
      state: "failed",
      failure: { code: null, message: "worker stalled", job: "" },
    });
    expect(crashed.code).toBe(ErrorCodes.JOB_FAILED);
    expect(crashed.message).toBe("predict predict-1 failed: worker stalled");
    expect(runFailedError("fit-2", { state: "failed", failure: null }).message).toBe(
      "fit fit-2 failed: unknown reason",
    );
  });
});
