import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syntheticPixels } from "@featurewise/dataset";
import { runCli } from "./helpers/cli.js";

/** Local sources of every shape: symlinks, odd entries, one file, a missing path. */
describe("local sources through the CLI", () => {
  const work = mkdtempSync(path.join(tmpdir(), "fw-local-sources-"));
  const png = (i: number) =>
    sharp(syntheticPixels(i, { height: 6, width: 5, channels: 3, seed: 9 }), {
      raw: { width: 5, height: 6, channels: 3 },
    })
      .png()
      .toBuffer();

  beforeAll(async () => {
    mkdirSync(`${work}/real`);
    for (let i = 0; i < 4; i++) writeFileSync(`${work}/real/${i}.png`, await png(i));
    // A folder of symlinks to PNGs (relative and absolute targets).
    mkdirSync(`${work}/links`);
    for (let i = 0; i < 4; i++) {
      const target = i % 2 === 0 ? `../real/${i}.png` : `${work}/real/${i}.png`;
      symlinkSync(target, `${work}/links/l${i}.png`);
    }
    // Everything a folder can hold besides files and folders.
    const m = `${work}/mixed`;
    mkdirSync(`${m}/sub`, { recursive: true });
    writeFileSync(`${m}/a.png`, await png(10));
    writeFileSync(`${m}/b.png`, await png(11));
    writeFileSync(`${m}/sub/e.png`, await png(12));
    symlinkSync(`${work}/real`, `${m}/linked`); // a symlinked folder (4 images)
    symlinkSync("../nowhere.png", `${m}/dangling.png`);
    symlinkSync("..", `${m}/sub/up`); // leads back to mixed/: a loop when followed
    execFileSync("mkfifo", [`${m}/pipe`]); // never opened: reading it would block
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  type Stats = {
    n: number;
    skipped: { count: number; items: Array<{ key: string; reason: string }> };
    source: { listed: number };
  };
  const fit = async (source: string, out: string, ...extra: string[]) => {
    // Small folders built to hold unreadable entries: their skips are the point, not a failure.
    const r = await runCli([
      "fit",
      source,
      "--std",
      "--max-skipped",
      "100%",
      "--out",
      `${work}/${out}`,
      ...extra,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const stats = JSON.parse(readFileSync(`${work}/${out}/stats.json`, "utf8")) as Stats;
    const reasons = Object.fromEntries(stats.skipped.items.map((s) => [s.key, s.reason]));
    return { stats, reasons };
  };

  it("reads symlinked files, as Keras' os.walk does: 4 links to PNGs fit 4 images", async () => {
    const { stats } = await fit(`${work}/links`, "out-links");
    expect(stats.n).toBe(4);
    expect(stats.skipped.count).toBe(0);
    const direct = await fit(`${work}/real`, "out-real");
    const mean = (dir: string) => readFileSync(`${work}/${dir}/mean.npy`);
    expect(mean("out-links").equals(mean("out-real"))).toBe(true);
    expect(direct.stats.n).toBe(4);
  });

  it("lists what it does not read, with the reason: symlinked folders (no flag), dangling links, fifos", async () => {
    const { stats, reasons } = await fit(`${work}/mixed`, "out-mixed");
    expect(stats.n).toBe(3); // a.png, b.png, sub/e.png
    expect(stats.source.listed).toBe(7);
    expect(Object.keys(reasons).sort()).toEqual(["dangling.png", "linked", "pipe", "sub/up"]);
    expect(reasons["linked"]).toMatch(/symlinked folder, not followed \(pass --follow-links/);
    expect(reasons["sub/up"]).toMatch(/symlinked folder, not followed/);
    expect(reasons["dangling.png"]).toMatch(/dangling symlink/);
    expect(reasons["pipe"]).toMatch(/not a regular file \(a fifo\)/);
  });

  it("--follow-links enters symlinked folders, never a loop, which it lists", async () => {
    const { stats, reasons } = await fit(`${work}/mixed`, "out-follow", "--follow-links");
    expect(stats.n).toBe(7); // a, b, linked/0..3, sub/e
    expect(Object.keys(reasons).sort()).toEqual(["dangling.png", "pipe", "sub/up"]);
    expect(reasons["sub/up"]).toMatch(/symlink loop: leads back to .*mixed, a folder being listed/);
  });

  it("fails naming an entry it does not read under --on-error fail", async () => {
    const r = await runCli([
      "fit",
      `${work}/mixed`,
      "--std",
      "--on-error",
      "fail",
      "--out",
      `${work}/out-fail`,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/dangling\.png: not read: dangling symlink/);
  });

  it("transform reads the same entries and lists the same skips", async () => {
    const r = await runCli([
      "transform",
      `${work}/mixed`,
      "--out",
      `${work}/mixed.npy`,
      "--follow-links",
      "--json",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { count: number; skipped: Array<{ key: string }> };
    expect(result.count).toBe(7);
    expect(result.skipped.map((s) => s.key).sort()).toEqual(["dangling.png", "pipe", "sub/up"]);
  });

  it("a missing source says it does not exist", async () => {
    const r = await runCli(["fit", `${work}/no-such-folder`, "--std", "--out", `${work}/o`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/NOT_FOUND|source .*no-such-folder does not exist/);
    expect(r.stderr).toMatch(/does not exist/);
    expect(r.stderr).not.toMatch(/is not a folder/);
    const t = await runCli(["transform", `${work}/no-such-folder`, "--out", `${work}/o.npy`]);
    expect(t.code).toBe(1);
    expect(t.stderr).toMatch(/no-such-folder does not exist/);
  });

  it("one image file is a source of one image, for fit and transform alike", async () => {
    const { stats } = await fit(`${work}/real/2.png`, "out-one");
    expect(stats.n).toBe(1);
    const r = await runCli([
      "transform",
      `${work}/real/2.png`,
      "--out",
      `${work}/one.npy`,
      "--json",
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ count: 1, shape: [1, 6, 5, 3] });
    expect(readFileSync(`${work}/one.npy.keys.jsonl`, "utf8")).toBe('"2.png"\n');
  });
});
