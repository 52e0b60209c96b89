import { describe, expect, it } from "vitest";
import { encodeTar } from "./tar-writer.js";
import { imageRank, readWebDatasetSamples, splitSampleKey } from "./webdataset.js";

const text = (s: string) => new TextEncoder().encode(s);

async function samples(files: { name: string; data: string }[]) {
  const tar = encodeTar(files.map((f) => ({ name: f.name, data: text(f.data) })));
  async function* one() {
    yield tar;
  }
  const out: string[] = [];
  for await (const s of readWebDatasetSamples(one(), "s3://b/t.tar")) {
    out.push(
      "bytes" in s
        ? `${s.key} ${s.member} ${new TextDecoder().decode(s.bytes)}`
        : `${s.key} ! ${s.error.message}`,
    );
  }
  return out;
}

describe("WebDataset samples", () => {
  it("splits keys at the first dot of the last path component", () => {
    expect(splitSampleKey("a.b/000123.seg.png")).toEqual({ key: "a.b/000123", ext: "seg.png" });
    expect(splitSampleKey("noext")).toEqual({ key: "noext", ext: "" });
    expect(imageRank("png")).toBe(0);
    expect(imageRank("JPG")).toBe(1);
    expect(imageRank("seg.png")).toBeGreaterThan(imageRank("tiff"));
    expect(imageRank("json")).toBe(-1);
  });

  it("groups consecutive members by key and picks the image by extension", async () => {
    expect(
      await samples([
        { name: "s/0.cls", data: "3" },
        { name: "s/0.jpg", data: "J0" },
        { name: "s/0.png", data: "P0" },
        { name: "s/1.json", data: "{}" },
        { name: "s/1.seg.png", data: "S1" },
        { name: "s/2.txt", data: "no image" },
      ]),
    ).toEqual([
      "s/0 s/0.png P0",
      "s/1 s/1.seg.png S1",
      "s/2 ! sample has no image member (members: txt; images are png, jpg, jpeg, webp, gif, tif, tiff)",
    ]);
  });

  it("reports a tar without any image once, for the whole tar", async () => {
    const out = await samples([
      { name: "0.json", data: "{}" },
      { name: "1.json", data: "{}" },
    ]);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^ ! s3:\/\/b\/t\.tar: the tar holds no image members \(2 samples/);
  });

  it("an image member over the size limit is a listed skip naming its size; the samples around it stay", async () => {
    const files = [
      { name: "000.png", data: "a" },
      { name: "001.png", data: "x".repeat(3000) },
      { name: "001.json", data: "{}" },
      { name: "002.png", data: "c" },
    ];
    const tar = encodeTar(files.map((f) => ({ name: f.name, data: text(f.data) })));
    const run = async (afterTooLarge: "skip" | "stop") => {
      const out: string[] = [];
      async function* one() {
        yield tar;
      }
      const opts = { maxMemberBytes: 2048, afterTooLarge };
      try {
        for await (const s of readWebDatasetSamples(one(), "s3://b/t.tar.gz", opts)) {
          out.push("bytes" in s ? `${s.key} ok` : `${s.key} ! ${s.error.message}`);
        }
      } catch (err) {
        out.push(`thrown: ${(err as Error).message.replace(/: member .*$/, "")}`);
      }
      return out;
    };
    const tooLarge =
      '001 ! image member "001.png" is 3,000 bytes, over the limit of 2,048 for one image (FEATUREWISE_MAX_IMAGE_BYTES); not read';
    expect(await run("skip")).toEqual(["000 ok", tooLarge, "002 ok"]);
    expect(await run("stop")).toEqual([
      "000 ok",
      tooLarge,
      "thrown: s3://b/t.tar.gz: the rest of the tar is not read",
    ]);
  });
});
