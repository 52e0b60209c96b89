import { describe, expect, it } from "vitest";
import { isFeaturewiseError } from "@featurewise/core";
import { readTarMembers, type TarReadOptions } from "./tar-reader.js";
import { encodeTar } from "./tar-writer.js";

async function* chunked(bytes: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function members(
  bytes: Uint8Array,
  chunk = 1000,
  want = (_: string) => true,
  options: TarReadOptions = {},
) {
  const out: { name: string; size: number; data: string | null; tooLarge?: true }[] = [];
  for await (const m of readTarMembers(chunked(bytes, chunk), "file:///x.tar", want, options)) {
    const data = m.data && new TextDecoder().decode(m.data);
    out.push({ name: m.name, size: m.size, data, ...(m.tooLarge ? { tooLarge: true } : {}) });
  }
  return out;
}

const text = (s: string) => new TextEncoder().encode(s);

/** A 512-byte header with a valid checksum (for hand-made pax records and odd types). */
function header(name: string, size: number, type: string): Uint8Array {
  const tar = encodeTar([{ name, data: new Uint8Array(size) }]);
  const h = tar.slice(0, 512);
  h[156] = type.charCodeAt(0);
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.set(text(`${sum.toString(8).padStart(6, "0")}\0 `), 148);
  return h;
}

function pad(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(b.length / 512) * 512);
  out.set(b);
  return out;
}

describe("readTarMembers", () => {
  it("reads ustar members in order, across any chunking, holding only wanted data", async () => {
    const tar = encodeTar([
      { name: "a/000.png", data: text("png-bytes") },
      { name: "a/000.json", data: text("{}") },
      { name: "a/001.png", data: new Uint8Array(0) },
    ]);
    for (const chunk of [1, 7, 512, 100_000]) {
      expect(await members(tar, chunk, (n) => n.endsWith(".png"))).toEqual([
        { name: "a/000.png", size: 9, data: "png-bytes" },
        { name: "a/000.json", size: 2, data: null },
        { name: "a/001.png", size: 0, data: "" },
      ]);
    }
  });

  it("takes names from GNU long-name records and pax path headers", async () => {
    const long = `${"d".repeat(120)}/sample.png`;
    const record = " path=pax/named/sample.png\n";
    const paxBody = text(`${record.length + 2}${record}`);
    const tar = new Uint8Array([
      ...encodeTar([{ name: long, data: text("L") }]).slice(0, -1024),
      ...header("PaxHeader", paxBody.length, "x"),
      ...pad(paxBody),
      ...encodeTar([{ name: "short.png", data: text("P") }]),
    ]);
    expect(await members(tar)).toEqual([
      { name: long, size: 1, data: "L" },
      { name: "pax/named/sample.png", size: 1, data: "P" },
    ]);
  });

  it("passes over directories and links", async () => {
    const tar = new Uint8Array([
      ...header("dir/", 0, "5"),
      ...header("link.png", 0, "2"),
      ...encodeTar([{ name: "dir/x.png", data: text("x") }]),
    ]);
    expect((await members(tar)).map((m) => m.name)).toEqual(["dir/x.png"]);
  });

  it("names the URI when the tar is truncated inside a member or a header", async () => {
    const tar = encodeTar([{ name: "a.png", data: new Uint8Array(2000) }]);
    for (const cut of [700, 512 + 2000 - 1, 100]) {
      const err = await members(tar.subarray(0, cut)).catch((e: unknown) => e);
      expect(isFeaturewiseError(err, "DECODE_FAILED"), `cut ${cut}`).toBe(true);
      expect(String(err)).toMatch(/file:\/\/\/x\.tar: truncated tar/);
    }
    // Ending cleanly after a whole member without the end blocks is accepted (as Python's tarfile does).
    expect(await members(tar.subarray(0, 512 + 2048))).toHaveLength(1);
  });

  it("rejects something that is not a tar by its header checksum", async () => {
    const err = await members(new Uint8Array(1024).fill(65)).catch((e: unknown) => e);
    expect(isFeaturewiseError(err, "DECODE_FAILED")).toBe(true);
    expect(String(err)).toMatch(/corrupt tar: .*checksum/);
  });

  describe("members over the size limit", () => {
    const tar = encodeTar([
      { name: "a.png", data: text("A") },
      { name: "big.png", data: new Uint8Array(5000).fill(1) },
      { name: "big.json", data: new Uint8Array(5000).fill(2) },
      { name: "c.png", data: text("C") },
    ]);
    const want = (n: string) => n.endsWith(".png");

    it("are never read: the member comes without data, and the ones after it still come", async () => {
      expect(await members(tar, 1000, want, { maxMemberBytes: 4096 })).toEqual([
        { name: "a.png", size: 1, data: "A" },
        { name: "big.png", size: 5000, data: null, tooLarge: true },
        { name: "big.json", size: 5000, data: null }, // not wanted: passed over, whatever its size
        { name: "c.png", size: 1, data: "C" },
      ]);
      expect(await members(tar, 1000, want, { maxMemberBytes: 5000 })).toHaveLength(4);
    });

    it("end the archive there when asked (a compressed tar), naming the member, its size and the limit", async () => {
      const seen: string[] = [];
      const err = await (async () => {
        const chunks = chunked(tar, 512);
        const opts = { maxMemberBytes: 4096, afterTooLarge: "stop" } as const;
        for await (const m of readTarMembers(chunks, "file:///x.tar.gz", want, opts))
          seen.push(m.name);
      })().catch((e: unknown) => e);
      expect(seen).toEqual(["a.png", "big.png"]);
      expect(isFeaturewiseError(err, "DECODE_FAILED")).toBe(true);
      expect((err as Error).message).toBe(
        'file:///x.tar.gz: the rest of the tar is not read: member "big.png" at byte 1536 is 5,000 bytes, ' +
          "over the limit of 4,096 for one image, and reading past it means inflating all of it",
      );
    });

    it("a header that declares 8 GiB is refused by its size, before any of it is read", async () => {
      const patched = header("huge.png", 0, "0");
      patched.set(text("77777777777\0"), 124); // the largest octal size: 8,589,934,591 bytes
      patched.fill(0x20, 148, 156);
      let sum = 0;
      for (const b of patched) sum += b;
      patched.set(text(`${sum.toString(8).padStart(6, "0")}\0 `), 148);
      // Only the header exists: reading any of the member would find the stream's end.
      const err = await members(patched, 512, want, { afterTooLarge: "stop" }).catch(
        (e: unknown) => e,
      );
      expect(isFeaturewiseError(err, "DECODE_FAILED")).toBe(true);
      expect((err as Error).message).toMatch(
        /"huge\.png" at byte 512 is 8,589,934,591 bytes, over the limit of 268,435,456 for one image/,
      );
    });

    it("a pax record over 1 MiB is refused as corrupt, not read", async () => {
      const bad = new Uint8Array([...header("PaxHeader", 2 << 20, "x")]);
      const err = await members(bad).catch((e: unknown) => e);
      expect(String(err)).toMatch(/corrupt tar: a x header record of 2097152 bytes at byte 0/);
    });
  });
});
