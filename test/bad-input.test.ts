import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syntheticPixels } from "@featurewise/dataset";
import { runCli } from "./helpers/cli.js";

/** Bad input never stops a `skip` fit silently, and stops a `fail` fit naming the file. */
describe("bad input through the CLI", () => {
  const work = mkdtempSync(path.join(tmpdir(), "fw-bad-input-"));
  const images = `${work}/images`;
  const png = (i: number, size: number) =>
    sharp(syntheticPixels(i, { height: size, width: size, channels: 3, seed: 5 }), {
      raw: { width: size, height: size, channels: 3 },
    })
      .png()
      .toBuffer();

  beforeAll(async () => {
    mkdirSync(`${images}/sub`, { recursive: true });
    for (let i = 0; i < 12; i++)
      writeFileSync(`${images}/a-${String(i).padStart(2, "0")}.png`, await png(i, 8));
    const whole = await png(99, 8);
    writeFileSync(`${images}/b-truncated.png`, whole.subarray(0, whole.length >> 1));
    writeFileSync(`${images}/c-empty.png`, new Uint8Array(0));
    writeFileSync(
      `${images}/d-random.png`,
      Uint8Array.from({ length: 300 }, (_, i) => (i * 7919) & 255),
    );
    writeFileSync(`${images}/sub/notes.txt`, "not an image\n");
    writeFileSync(`${images}/sub/wrong-size.png`, await png(7, 16));
    mkdirSync(`${work}/empty`);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("skips and lists every unusable file with its reason under --on-error skip", async () => {
    const r = await runCli([
      "fit",
      images,
      "--std",
      "--out",
      `${work}/out`,
      "--json",
      "--max-skipped",
      "5",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { n: number; skipped: number };
    expect(summary).toMatchObject({ n: 12, skipped: 5 });
    const stats = JSON.parse(readFileSync(`${work}/out/stats.json`, "utf8")) as {
      skipped: { count: number; items: Array<{ key: string; reason: string }> };
      source: { listed: number };
    };
    expect(stats.source.listed).toBe(17);
    const reasons = Object.fromEntries(stats.skipped.items.map((s) => [s.key, s.reason]));
    expect(Object.keys(reasons).sort()).toEqual([
      "b-truncated.png",
      "c-empty.png",
      "d-random.png",
      "sub/notes.txt",
      "sub/wrong-size.png",
    ]);
    expect(reasons["b-truncated.png"]).toMatch(/truncated|corrupt/i);
    expect(reasons["c-empty.png"]).toMatch(/empty/i);
    expect(reasons["d-random.png"]).toMatch(/not an image/i);
    expect(reasons["sub/notes.txt"]).toMatch(/not an image/i);
    expect(reasons["sub/wrong-size.png"]).toMatch(/16x16x3, expected 8x8x3/);
  });

  it("stops at the first unusable file under --on-error fail, naming it", async () => {
    const r = await runCli(["fit", images, "--out", `${work}/out-fail`, "--on-error", "fail"]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/b-truncated\.png/);
  });

  it("with --size, differently sized images are resized instead of skipped", async () => {
    const r = await runCli([
      "fit",
      images,
      "--size",
      "8x8",
      "--out",
      `${work}/out-size`,
      "--json",
      "--max-skipped",
      "4",
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ n: 13, skipped: 4 });
  });

  const oneLineErrors: Array<[string, string[], RegExp]> = [
    ["an empty source", ["fit", "EMPTY", "--out", "OUT"], /holds no files/],
    ["a missing source", ["fit", "MISSING", "--out", "OUT"], /source \S*\/nope does not exist/],
    [
      "an unknown flag",
      ["fit", "IMAGES", "--out", "OUT", "--frobnicate"],
      /unknown option '--frobnicate'/,
    ],
    [
      "a non-numeric --rescale",
      ["fit", "IMAGES", "--out", "OUT", "--rescale", "abc"],
      /--rescale "abc": expected/,
    ],
    [
      "a bad --size",
      ["fit", "IMAGES", "--out", "OUT", "--size", "32"],
      /--size "32": expected HEIGHTxWIDTH/,
    ],
    [
      "an unknown --profile",
      ["fit", "IMAGES", "--out", "OUT", "--profile", "keras4"],
      /--profile "keras4"/,
    ],
    [
      "a ZCA matrix over the memory limit",
      ["fit", "IMAGES", "--out", "OUT", "--zca", "--size", "224x224"],
      /needs a 150528x150528 float64 whitening matrix of 168\.8G \(181269430272 bytes\); the limit is 2G \(raise --max-zca-bytes/,
    ],
  ];
  for (const [what, args, message] of oneLineErrors) {
    it(`exits non-zero with a one-line message for ${what}`, async () => {
      const resolved = args.map((a) =>
        a === "EMPTY"
          ? `${work}/empty`
          : a === "MISSING"
            ? `${work}/nope`
            : a === "IMAGES"
              ? images
              : a === "OUT"
                ? `${work}/o`
                : a,
      );
      const r = await runCli(resolved);
      expect(r.code).not.toBe(0);
      const lines = r.stderr.trim().split("\n");
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^featurewise: error: /);
      expect(lines[0]).toMatch(message);
    });
  }
});
