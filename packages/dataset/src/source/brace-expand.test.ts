import { describe, expect, it } from "vitest";
import { isFeaturewiseError } from "@featurewise/core";
import { expandBraces } from "./brace-expand.js";

describe("expandBraces", () => {
  it("expands zero-padded ranges, lists and several groups", () => {
    expect(expandBraces("train-{000..002}.tar")).toEqual([
      "train-000.tar",
      "train-001.tar",
      "train-002.tar",
    ]);
    expect(expandBraces("{a,b}/x-{8..10}.tar")).toEqual([
      "a/x-8.tar",
      "a/x-9.tar",
      "a/x-10.tar",
      "b/x-8.tar",
      "b/x-9.tar",
      "b/x-10.tar",
    ]);
    expect(expandBraces("plain.tar")).toEqual(["plain.tar"]);
  });

  it("rejects malformed patterns with INVALID_ARGUMENT", () => {
    for (const bad of [
      "x-{1..}.tar",
      "x-{3..1}.tar",
      "x-{1..2.tar",
      "x-1}.tar",
      "x-{a}.tar",
      "{0..9999999}",
    ]) {
      let err: unknown = null;
      try {
        expandBraces(bad);
      } catch (e) {
        err = e;
      }
      expect(isFeaturewiseError(err, "INVALID_ARGUMENT"), bad).toBe(true);
    }
  });
});
