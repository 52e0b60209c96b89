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
});
