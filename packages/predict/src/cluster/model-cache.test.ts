import { describe, expect, it } from "vitest";
import type { LoadedModel } from "../runtime.js";
import { ModelCache, type CachedModel } from "./model-cache.js";

/** A model that records its disposal (the cache's logic only; real models in test/predict-cluster*). */
function fakeModel(name: string, bytes: number, disposed: string[]): CachedModel {
  const model = { dispose: async () => void disposed.push(name) } as unknown as LoadedModel;
  return { model, sha256: name, files: {}, bytes, reason: "test" };
}

describe("ModelCache", () => {
  it("loads a model once, keeps the most recently used within the bound, disposes the rest", async () => {
    const disposed: string[] = [];
    const cache = new ModelCache(100);
    const load = (name: string, bytes: number) => () =>
      Promise.resolve(fakeModel(name, bytes, disposed));
    await cache.get("a", load("a", 40));
    await cache.get("b", load("b", 40));
    expect((await cache.get("a", load("a", 40))).sha256).toBe("a"); // a hit: a is now newest
    expect(cache.loads).toBe(2);
    await cache.get("c", load("c", 40)); // 120 > 100: b, the least recently used, goes
    expect(disposed).toEqual(["b"]);
    expect(cache.keys()).toEqual(["a", "c"]);
    await cache.get("big", load("big", 500)); // larger than the bound: kept alone
    expect(cache.keys()).toEqual(["big"]);
    expect(disposed).toEqual(["b", "a", "c"]);
  });

  it("keeps no failed load: the next job loads again", async () => {
    const cache = new ModelCache(100);
    await expect(cache.get("x", () => Promise.reject(new Error("corrupt")))).rejects.toThrow(
      "corrupt",
    );
    expect(cache.keys()).toEqual([]);
    const disposed: string[] = [];
    await cache.get("x", () => Promise.resolve(fakeModel("x", 1, disposed)));
    expect(cache.loads).toBe(2);
  });
});
