import { describe, expect, it } from "vitest";
import { BatchGate } from "./batch-gate.js";
import { BatchTensors } from "./batch-tensors.js";

/** Which of `entries` have resolved, after pending callbacks ran. */
async function settled(entries: Promise<void>[]): Promise<boolean[]> {
  const done = entries.map(() => false);
  entries.forEach((p, i) => void p.then(() => (done[i] = true)));
  await new Promise((r) => setImmediate(r));
  return done;
}

describe("BatchGate", () => {
  it("lets in as many batches as sessions, then one per batch that leaves, in order", async () => {
    const gate = new BatchGate(2, 1000);
    const entries = [gate.enter(10), gate.enter(10), gate.enter(10), gate.enter(10)];
    expect(await settled(entries)).toEqual([true, true, false, false]);
    gate.leave(10);
    expect(await settled(entries)).toEqual([true, true, true, false]);
    gate.leave(10);
    gate.leave(10);
    expect(await settled(entries)).toEqual([true, true, true, true]);
  });

  it("bounds the bytes in flight, and lets a batch over the whole bound in alone", async () => {
    const gate = new BatchGate(4, 100);
    const entries = [gate.enter(60), gate.enter(60), gate.enter(500), gate.enter(30)];
    // The second would pass 100 bytes; the later ones wait their turn behind it.
    expect(await settled(entries)).toEqual([true, false, false, false]);
    gate.leave(60);
    expect(await settled(entries)).toEqual([true, true, false, false]);
    gate.leave(60);
    // 500 bytes is over the bound: it enters once nothing else is in flight, alone.
    expect(await settled(entries)).toEqual([true, true, true, false]);
    gate.leave(500);
    expect(await settled(entries)).toEqual([true, true, true, true]);
  });
});

describe("BatchTensors", () => {
  it("hands back the buffers given to it, up to `keep`, and only of its length", () => {
    const tensors = new BatchTensors(8, 1);
    const a = tensors.take();
    const b = tensors.take();
    expect(a).not.toBe(b);
    expect(a.length).toBe(8);
    tensors.give(a);
    tensors.give(b); // one too many: dropped
    tensors.give(new Float32Array(4)); // another length: dropped
    expect(tensors.take()).toBe(a);
    const fresh = tensors.take();
    expect(fresh).not.toBe(b);
    expect(fresh.length).toBe(8);
  });
});
