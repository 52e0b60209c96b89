import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isFeaturewiseError } from "@featurewise/core";
import {
  compareKeys,
  readStorageConfig,
  Storage,
  type ObjectInfo,
  type ObjectStore,
} from "@featurewise/storage";
import { startFaultProxy } from "./helpers/fault-proxy.js";
import { useS3Server } from "./helpers/s3-server.js";

/** Deterministic pseudo-random bytes. */
function bytesOf(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let block = createHash("sha256").update(String(seed)).digest();
  for (let i = 0; i < size; i += 32) {
    out.set(block.subarray(0, Math.min(32, size - i)), i);
    block = createHash("sha256").update(block).digest();
  }
  return out;
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function streamBytes(store: ObjectStore, key: string): Promise<Uint8Array> {
  return new Uint8Array(Buffer.concat(await collect(store.getStream(key))));
}

const s3 = useS3Server(["data", "empty"]);

describe("S3Store against s3rver", () => {
  it("round-trips objects from 0 bytes to past the multipart threshold byte for byte", async () => {
    const store = s3.storage.open("s3://data/roundtrip");
    const sizes = [
      0,
      1,
      1000,
      64 * 1024 + 3,
      8 * 1024 * 1024 - 1,
      8 * 1024 * 1024,
      17 * 1024 * 1024 + 5,
    ];
    for (const [i, size] of sizes.entries()) {
      const bytes = bytesOf(size, i);
      await store.put(`obj-${size}.bin`, bytes);
      const back = await store.get(`obj-${size}.bin`);
      expect(back.length, `size ${size}`).toBe(size);
      expect(Buffer.compare(back, bytes), `size ${size}`).toBe(0);
      expect(Buffer.compare(await streamBytes(store, `obj-${size}.bin`), bytes)).toBe(0);
      const info = await store.head(`obj-${size}.bin`);
      expect(info?.size).toBe(size);
    }
  });

  it("uploads a stream of chunks (multipart) without corrupting it", async () => {
    const store = s3.storage.open("s3://data/streamed/");
    const bytes = bytesOf(19 * 1024 * 1024 + 17, 99);
    async function* chunks() {
      for (let i = 0; i < bytes.length; i += 700_001) yield bytes.subarray(i, i + 700_001);
    }
    await store.put("big.bin", chunks());
    expect(Buffer.compare(await store.get("big.bin"), bytes)).toBe(0);
    async function* small() {
      yield bytesOf(10, 1);
      yield new Uint8Array(0);
      yield bytesOf(5, 2);
    }
    await store.put("small.bin", small());
    expect(Buffer.from(await store.get("small.bin"))).toEqual(
      Buffer.concat([bytesOf(10, 1), bytesOf(5, 2)]),
    );
  });

  it("lists more than 1,000 keys across pages, nested, with spaces and unicode, in byte order", async () => {
    const store = s3.storage.open("s3://data/many");
    const keys: string[] = [];
    for (let i = 0; i < 1234; i++) keys.push(`flat/k-${String(i).padStart(5, "0")}.bin`);
    keys.push(
      "nested/a/b/c/deep.bin",
      "nested/a/top.bin",
      "nested/z.bin",
      "odd/with space.bin",
      "odd/ünïcødé-ß.bin",
      "odd/日本語.png",
      "odd/emoji-😀.bin",
    );
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < keys.length) {
          const k = keys[next++]!;
          await store.put(k, new TextEncoder().encode(k));
        }
      }),
    );
    const listed = await collect(store.list());
    const expected = [...keys].sort(compareKeys);
    expect(listed.map((o) => o.key)).toEqual(expected);
    for (const o of listed) {
      expect(o.size).toBe(Buffer.byteLength(o.key));
      expect(o.etag).toMatch(/^[0-9a-f]{32}$/);
    }
    const nested = await collect(store.list("nested"));
    expect(nested.map((o) => o.key)).toEqual(expected.filter((k) => k.startsWith("nested/")));
    const after = await collect(store.list("", { startAfter: "flat/k-01200.bin" }));
    expect(after.map((o) => o.key)).toEqual(
      expected.filter((k) => compareKeys(k, "flat/k-01200.bin") > 0),
    );
    const limited = await collect(store.list("", { startAfter: "flat/k-00010.bin", limit: 1100 }));
    expect(limited.map((o) => o.key)).toEqual(expected.slice(11, 11 + 1100));
    for (const k of [
      "odd/with space.bin",
      "odd/ünïcødé-ß.bin",
      "odd/日本語.png",
      "odd/emoji-😀.bin",
    ]) {
      expect(new TextDecoder().decode(await store.get(k))).toBe(k);
    }
  });

  it("reads whole objects with plain signed GETs on the same paths the SDK requests", async () => {
    const store = s3.storage.open("s3://data/paths");
    const keys = ["a b/c+d=e&f.bin", "ünï/日本語 😀.png", "x/!'()*~.bin", "plain.png"];
    for (const k of keys) await store.put(k, new TextEncoder().encode(k));
    const gets: Array<{ path: string; sdk: boolean }> = [];
    const proxy = await startFaultProxy(s3.server.port, (_n, req) => {
      if (req.method === "GET") {
        gets.push({ path: req.path, sdk: req.headers["amz-sdk-invocation-id"] !== undefined });
      }
      return null;
    });
    const through = new Storage(
      readStorageConfig({ ...s3.server.env, AWS_ENDPOINT_URL: proxy.endpoint }),
    );
    try {
      const via = through.open("s3://data/paths");
      for (const k of keys) {
        expect(new TextDecoder().decode(await via.get(k))).toBe(k);
        expect(new TextDecoder().decode(await streamBytes(via, k))).toBe(k);
      }
    } finally {
      through.close();
      await proxy.stop();
    }
    // get() is the direct path, getStream() the SDK's (which adds ?x-id=GetObject);
    // each key's two paths are the same.
    expect(gets.map((g) => g.sdk)).toEqual(keys.flatMap(() => [false, true]));
    for (let i = 0; i < gets.length; i += 2) {
      expect(gets[i]!.path).toBe(gets[i + 1]!.path.replace(/\?x-id=GetObject$/, ""));
    }
  });

  it("heads, deletes, and reports missing objects and buckets as NOT_FOUND naming the URI", async () => {
    const store = s3.storage.open("s3://data/misc");
    await store.put("x.bin", bytesOf(3, 3));
    expect(await store.head("x.bin")).toMatchObject({ key: "x.bin", size: 3 } satisfies ObjectInfo);
    await store.delete("x.bin");
    await store.delete("x.bin");
    expect(await store.head("x.bin")).toBeNull();
    const missing = await store.get("x.bin").catch((e: unknown) => e);
    expect(isFeaturewiseError(missing, "NOT_FOUND")).toBe(true);
    expect(String(missing)).toContain("s3://data/misc/x.bin");

    const noBucket = s3.storage.open("s3://no-such-bucket/images");
    const listErr = await collect(noBucket.list()).catch((e: unknown) => e);
    expect(isFeaturewiseError(listErr, "NOT_FOUND")).toBe(true);
    expect(String(listErr)).toMatch(/bucket "no-such-bucket" does not exist/);
    const getErr = await noBucket.get("a.png").catch((e: unknown) => e);
    expect(isFeaturewiseError(getErr, "NOT_FOUND")).toBe(true);
    expect(await collect(s3.storage.open("s3://empty/").list())).toEqual([]);
  });

  it("resumes a body that breaks off with a Range request, and retries dropped and throttled requests", async () => {
    const bytes = bytesOf(3 * 1024 * 1024 + 11, 7);
    await s3.storage.open("s3://data/resume").put("big.bin", bytes);
    const ranges: string[] = [];
    let faults = 0;
    const proxy = await startFaultProxy(s3.server.port, (_n, req) => {
      if (req.headers.range !== undefined) ranges.push(String(req.headers.range));
      if (req.method !== "GET" || faults >= 3) return null;
      return [
        { kind: "truncate" } as const,
        { kind: "drop" } as const,
        { kind: "status", status: 503, code: "SlowDown" } as const,
      ][faults++]!;
    });
    const through = new Storage(
      readStorageConfig({ ...s3.server.env, AWS_ENDPOINT_URL: proxy.endpoint }),
    );
    try {
      const back = await through.open("s3://data/resume").get("big.bin");
      expect(Buffer.compare(back, bytes)).toBe(0);
      // One resume from where the cut-off body stopped; the SDK retried it after the drop and the 503.
      expect(new Set(ranges).size).toBe(1);
      expect(ranges[0]).toMatch(/^bytes=\d+-$/);
      expect(Number(/\d+/.exec(ranges[0]!)![0])).toBeGreaterThan(0);
      expect(proxy.counts.faults).toMatchObject({ truncate: 1, drop: 1, status: 1 });
    } finally {
      through.close();
      await proxy.stop();
    }
  });

  it("says clearly when the endpoint refuses connections", async () => {
    const proxy = await startFaultProxy(s3.server.port, () => null);
    const endpoint = proxy.endpoint;
    await proxy.stop();
    const dead = new Storage(
      readStorageConfig({ ...s3.server.env, AWS_ENDPOINT_URL: endpoint, AWS_MAX_ATTEMPTS: "2" }),
    );
    try {
      const err = await dead
        .open("s3://data/x")
        .get("a.png")
        .catch((e: unknown) => e);
      expect(isFeaturewiseError(err, "IO_ERROR")).toBe(true);
      expect(String(err)).toContain(
        `cannot read s3://data/x/a.png: the S3 endpoint ${endpoint} refused the connection`,
      );
    } finally {
      dead.close();
    }
  });
});
