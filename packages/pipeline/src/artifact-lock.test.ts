import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isFeaturewiseError } from "@featurewise/core";
import { LocalStore } from "@featurewise/storage";
import { ARTIFACT_LOCK_KEY, ArtifactLock } from "./artifact-lock.js";

const work = mkdtempSync(path.join(tmpdir(), "fw-lock-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function refusal(p: Promise<unknown>): Promise<Error> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isFeaturewiseError(err, "OUTPUT_IN_USE"), String(err)).toBe(true);
  return err as Error;
}

describe("ArtifactLock on a local folder (issue 17, item 4)", () => {
  it("lets one writer in at a time, even when both ask at once", async () => {
    const store = new LocalStore(`${work}/race`);
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => ArtifactLock.acquire(store, `fit ${i}`)),
    );
    const held = results.filter((r) => r.status === "fulfilled");
    expect(held).toHaveLength(1);
    for (const r of results.filter((r) => r.status === "rejected"))
      expect(isFeaturewiseError(r.reason, "OUTPUT_IN_USE"), String(r.reason)).toBe(true);
    await held[0]!.value.release();
    expect(await store.head(ARTIFACT_LOCK_KEY)).toBeNull();
    const again = await ArtifactLock.acquire(store, "fit");
    await again.release();
  });

  it("names the holder and where its lock is in the refusal", async () => {
    const store = new LocalStore(`${work}/named`);
    const first = await ArtifactLock.acquire(store, "finalize fit-1");
    const err = await refusal(ArtifactLock.acquire(store, "fit"));
    expect(err.message).toMatch(/is being written by another finalize fit-1 \(pid \d+ on /);
    expect(err.message).toContain(store.uriOf(ARTIFACT_LOCK_KEY));
    await first.release();
  });

  it("renews its heartbeat, and replaces a lock whose heartbeat stopped", async () => {
    const store = new LocalStore(`${work}/stale`);
    const first = await ArtifactLock.acquire(store, "fit", { heartbeatMs: 20, staleMs: 150 });
    const before = JSON.parse(new TextDecoder().decode(await store.get(ARTIFACT_LOCK_KEY))) as {
      heartbeatAt: string;
    };
    await new Promise((r) => setTimeout(r, 100));
    const after = JSON.parse(new TextDecoder().decode(await store.get(ARTIFACT_LOCK_KEY))) as {
      heartbeatAt: string;
    };
    expect(Date.parse(after.heartbeatAt)).toBeGreaterThan(Date.parse(before.heartbeatAt));
    // A live holder keeps its lock past staleMs: the heartbeat keeps it fresh.
    await new Promise((r) => setTimeout(r, 200));
    await refusal(ArtifactLock.acquire(store, "fit", { staleMs: 150 }));
    // A holder that stops beating (as a crashed one does) loses it once stale.
    (first as unknown as { timer: NodeJS.Timeout }).timer.close();
    await new Promise((r) => setTimeout(r, 250));
    const second = await ArtifactLock.acquire(store, "fit", { staleMs: 150 });
    // The first finds out before it writes anything, and its release leaves the new lock alone.
    await (first as unknown as { beat(): Promise<void> }).beat();
    expect(() => first.check()).toThrow(/lost its lock to fit/);
    await first.release();
    expect(await store.head(ARTIFACT_LOCK_KEY)).not.toBeNull();
    await second.release();
  });

  it("reclaimOwn replaces a fresh lock of the same holder (an earlier attempt of one job), not another's", async () => {
    const store = new LocalStore(`${work}/reclaim`);
    const crashed = await ArtifactLock.acquire(store, "finalize fit-7");
    (crashed as unknown as { timer: NodeJS.Timeout }).timer.close(); // as if its process died elsewhere
    await refusal(ArtifactLock.acquire(store, "finalize fit-8", { reclaimOwn: true }));
    const retry = await ArtifactLock.acquire(store, "finalize fit-7", { reclaimOwn: true });
    await retry.release();
    expect(await store.head(ARTIFACT_LOCK_KEY)).toBeNull();
  });

  it("fails with the store's error when the location cannot be written", async () => {
    writeFileSync(`${work}/a-file`, "x");
    const store = new LocalStore(`${work}/a-file/out`);
    await expect(ArtifactLock.acquire(store, "fit")).rejects.toThrow(
      /cannot (stat|write) .*a-file\/out/,
    );
  });
});
