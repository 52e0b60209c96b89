import { describe, expect, it } from "vitest";
import { runIdIn } from "./job-kind.js";

describe("runIdIn", () => {
  it("reads a job's run id from its raw data, null where the field is not a string", () => {
    const fitIdOf = runIdIn("fitId");
    expect(fitIdOf({ fitId: "fit-1", v: 1 })).toBe("fit-1");
    expect(fitIdOf({ predictId: "predict-1" })).toBeNull();
    expect(fitIdOf({ fitId: 7 })).toBeNull();
    expect(fitIdOf(null)).toBeNull();
    expect(fitIdOf(undefined)).toBeNull();
  });
});
