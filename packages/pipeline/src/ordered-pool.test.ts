import { describe, expect, it } from "vitest";
import { runInOrder } from "./ordered-pool.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function collect<R>(it: AsyncIterable<R>): Promise<R[]> {
  const out: R[] = [];
  for await (const r of it) out.push(r);
  return out;
}

describe("runInOrder", () => {
  it("yields results in input order however unevenly the tasks finish", async () => {
    const delays = [30, 1, 20, 2, 10, 0, 5];
    const out = await collect(
      runInOrder(delays.entries(), 3, async ([i, ms]) => {
        await sleep(ms);
        return i;
      }),
    );
    expect(out).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it("never has more than `concurrency` results untaken, and takes inputs as they arrive", async () => {
    let running = 0;
    let most = 0;
    async function* arriving() {
      for (let i = 0; i < 10; i++) {
        await sleep(1);
        yield i;
      }
    }
    const seen: number[] = [];
    for await (const r of runInOrder(arriving(), 2, async (i) => {
      running++;
      most = Math.max(most, running);
      await sleep(i % 3 === 0 ? 8 : 1);
      running--;
      return i * 10;
    })) {
      seen.push(r);
      await sleep(2); // a slow consumer: finished tasks wait to be taken, no new ones start
    }
    expect(seen).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(most).toBeLessThanOrEqual(2);
    expect(most).toBe(2);
  });

  it("treats concurrency below 1 as 1", async () => {
    let running = 0;
    let most = 0;
    const out = await collect(
      runInOrder([1, 2, 3], 0, async (x) => {
        most = Math.max(most, ++running);
        await sleep(1);
        running--;
        return x;
      }),
    );
    expect(out).toEqual([1, 2, 3]);
    expect(most).toBe(1);
  });

  it("throws a task's failure in order, after the results before it, and starts nothing more", async () => {
    const started: number[] = [];
    const seen: number[] = [];
    const run = async () => {
      for await (const r of runInOrder([0, 1, 2, 3, 4, 5, 6, 7], 2, async (i) => {
        started.push(i);
        await sleep(i === 2 ? 5 : 1);
        if (i === 2) throw new Error("task 2 failed");
        return i;
      })) {
        seen.push(r);
      }
    };
    await expect(run()).rejects.toThrow("task 2 failed");
    expect(seen).toEqual([0, 1]);
    expect(Math.max(...started)).toBeLessThanOrEqual(3);
  });

  it("a later task's failure does not go unhandled while an earlier one runs", async () => {
    const out = collect(
      runInOrder([0, 1], 2, async (i) => {
        if (i === 1) throw new Error("second");
        await sleep(10);
        return i;
      }),
    );
    await expect(out).rejects.toThrow("second");
  });
});
