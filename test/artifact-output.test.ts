import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syntheticPixels } from "@featurewise/dataset";
import { runCli } from "./helpers/cli.js";
import { findNumpyPython } from "./helpers/python.js";

/**
 * What a fit or transform does with its outputs (issue 17, items 4–7 and 9):
 * an artifact replaced as a whole, one writer at a time, tampered files
 * refused, outputs checked before any image is read, keys that round-trip.
 */
describe("artifact and output locations through the CLI", () => {
  const work = mkdtempSync(path.join(tmpdir(), "fw-artifact-out-"));
  const images = `${work}/images`;
  const png = (i: number) =>
    sharp(syntheticPixels(i, { height: 8, width: 8, channels: 3, seed: 17 }), {
      raw: { width: 8, height: 8, channels: 3 },
    })
      .png()
      .toBuffer();
  const png16 = (i: number) =>
    sharp(syntheticPixels(i, { height: 16, width: 16, channels: 3, seed: 18 }), {
      raw: { width: 16, height: 16, channels: 3 },
    })
      .png()
      .toBuffer();

  beforeAll(async () => {
    mkdirSync(images, { recursive: true });
    for (let i = 0; i < 6; i++)
      writeFileSync(`${images}/${String(i).padStart(2, "0")}.png`, await png(i));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  beforeAll(async () => {
    const r = await runCli(["fit", images, "--std", "--out", `${work}/std-artifact`]);
    expect(r.code, r.stderr).toBe(0);
  });

  it("a --std fit into the --out of a --zca fit leaves no whitening matrix of the first behind", async () => {
    const out = `${work}/reused`;
    expect((await runCli(["fit", images, "--zca", "--out", out])).code).toBe(0);
    expect(existsSync(`${out}/zca_whitening_matrix.npy`)).toBe(true);
    const r = await runCli(["fit", images, "--std", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(`${out}/zca_whitening_matrix.npy`)).toBe(false);
    const stats = JSON.parse(readFileSync(`${out}/stats.json`, "utf8")) as {
      files: { whitening: string | null };
      checksums: Record<string, string>;
    };
    expect(stats.files.whitening).toBeNull();
    expect(Object.keys(stats.checksums).sort()).toEqual(
      ["mean.npy", "moments.fwm", "stats.npz", "std.npy"].sort(),
    );
    expect(existsSync(`${out}/.featurewise/lock.json`)).toBe(false); // released
  });

  it("refuses a fit into an --out that another live fit is writing (its lock is fresh)", async () => {
    const out = `${work}/locked`;
    mkdirSync(`${out}/.featurewise`, { recursive: true });
    const now = new Date().toISOString();
    // The lock a running fit holds: this test's own process stands in for it.
    const lock = {
      token: "t",
      pid: process.pid,
      host: hostname(),
      holder: "fit",
      startedAt: now,
      heartbeatAt: now,
    };
    writeFileSync(`${out}/.featurewise/lock.json`, JSON.stringify(lock));
    const r = await runCli(["fit", images, "--std", "--out", out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /is being written by another fit \(pid \d+ on .*\), last seen \d+ s ago/,
    );
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(existsSync(`${out}/stats.json`)).toBe(false);
    expect(JSON.parse(readFileSync(`${out}/.featurewise/lock.json`, "utf8"))).toEqual(lock);
  });

  it("of two fits into one --out at once, the second is refused while the first runs", async () => {
    const src = `${work}/slow`;
    mkdirSync(src, { recursive: true });
    for (let i = 0; i < 24; i++) writeFileSync(`${src}/${i}.png`, await png16(i));
    const out = `${work}/contended`;
    // The js backend's eigensolver at D=768 keeps the first fit busy for seconds.
    const first = runCli(["fit", src, "--zca", "--backend", "js", "--out", out]);
    const deadline = Date.now() + 60_000;
    while (!existsSync(`${out}/.featurewise/lock.json`) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    const second = await runCli(["fit", src, "--std", "--out", out]);
    const a = await first;
    expect(a.code, a.stderr).toBe(0);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/is being written by another fit \(pid \d+/);
    const stats = JSON.parse(readFileSync(`${out}/stats.json`, "utf8")) as {
      flags: { zcaWhitening: boolean };
    };
    expect(stats.flags.zcaWhitening).toBe(true); // the first fit's artifact, whole
  });

  it.each([
    [
      "a process that has exited, on this host",
      () => ({ pid: deadPid(), host: hostname(), at: new Date() }),
    ],
    [
      "a heartbeat older than a minute, on another host",
      () => ({ pid: 1, host: "elsewhere", at: new Date(Date.now() - 120_000) }),
    ],
  ])("a lock left by a crashed fit (%s) does not block the next fit", async (_, left) => {
    const out = `${work}/stale-${Math.random().toString(36).slice(2)}`;
    mkdirSync(`${out}/.featurewise`, { recursive: true });
    const { pid, host, at } = left();
    const iso = at.toISOString();
    writeFileSync(
      `${out}/.featurewise/lock.json`,
      JSON.stringify({ token: "old", pid, host, holder: "fit", startedAt: iso, heartbeatAt: iso }),
    );
    const r = await runCli(["fit", images, "--std", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(`${out}/stats.json`)).toBe(true);
    expect(existsSync(`${out}/.featurewise/lock.json`)).toBe(false);
  });

  it("transform refuses an artifact whose whitening matrix has one flipped bit, naming the file", async () => {
    const out = `${work}/tampered`;
    expect((await runCli(["fit", images, "--zca", "--out", out])).code).toBe(0);
    const file = `${out}/zca_whitening_matrix.npy`;
    const bytes = readFileSync(file);
    bytes[bytes.length - 8]! ^= 1;
    writeFileSync(file, bytes);
    const r = await runCli(["transform", images, "--stats", out, "--out", `${work}/t.npy`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/zca_whitening_matrix\.npy fails its checksum/);
    expect(existsSync(`${work}/t.npy`)).toBe(false);
  });

  it.each<[string, (doc: Record<string, unknown>, dir: string) => void, RegExp]>([
    [
      '"rescale": "abc" (was an all-NaN array, exit 0)',
      (d) => (d["rescale"] = "abc"),
      /rescale: .*expected number/,
    ],
    ['"rescale": 0', (d) => (d["rescale"] = 0), /rescale: a non-zero number/],
    [
      '"schemaVersion": -5',
      (d) => (d["schemaVersion"] = -5),
      /schemaVersion -5 is not one this featurewise reads/,
    ],
    [
      "imageShape [100000, 100000, 3] (was a raw 'Invalid typed array length')",
      (d) => (d["imageShape"] = [100000, 100000, 3]),
      /imageShape: holds 30000000000 values an image, over the limit/,
    ],
    [
      "mean.npy + 10 with its checksum updated to match",
      (d, dir) => {
        const file = `${dir}/mean.npy`;
        const bytes = readFileSync(file);
        const values = new Float64Array(bytes.buffer, bytes.byteOffset + bytes.length - 24, 3);
        for (let c = 0; c < 3; c++) values[c]! += 10;
        writeFileSync(file, bytes);
        const checksums = (d["checksums"] ?? {}) as Record<string, string>;
        checksums["mean.npy"] = createHash("sha256").update(bytes).digest("hex");
      },
      /mean\.npy: channel 0 is .*, but stats\.json's channelMean says/,
    ],
  ])("transform refuses an artifact whose stats.json has %s", async (_, edit, pattern) => {
    const dir = `${work}/edited-${Math.random().toString(36).slice(2)}`;
    cpSync(`${work}/std-artifact`, dir, { recursive: true });
    const doc = JSON.parse(readFileSync(`${dir}/stats.json`, "utf8")) as Record<string, unknown>;
    edit(doc, dir);
    writeFileSync(`${dir}/stats.json`, JSON.stringify(doc));
    const r = await runCli(["transform", images, "--stats", dir, "--out", `${dir}.npy`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(pattern);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(existsSync(`${dir}.npy`)).toBe(false);
  });

  it("refuses an --out that is a file before reading any image (checked ahead of a broken first image)", async () => {
    const src = `${work}/broken-first`;
    mkdirSync(src, { recursive: true });
    writeFileSync(`${src}/00-broken.png`, "not a png");
    writeFileSync(`${src}/01.png`, await png(1));
    writeFileSync(`${work}/a-file`, "x");
    const r = await runCli(["fit", src, "--out", `${work}/a-file`, "--on-error", "fail"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out .*a-file is a file; expected a folder/);
    expect(r.stderr).not.toMatch(/ENOTDIR|broken/);
    const t = await runCli([
      "transform",
      src,
      "--out",
      `${work}/a-file/x.npy`,
      "--on-error",
      "fail",
    ]);
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/lies under .*a-file, which is a file/);
    const dir = await runCli(["transform", images, "--out", `${work}`]);
    expect(dir.code).toBe(2);
    expect(dir.stderr).toMatch(/is a folder; expected a file name like x\.npy/);
  });

  it("refuses an --out inside the source, for fit and transform", async () => {
    const src = `${work}/with-out-inside`;
    mkdirSync(src, { recursive: true });
    writeFileSync(`${src}/a.png`, await png(3));
    const fit = await runCli(["fit", src, "--std", "--out", `${src}/stats`]);
    expect(fit.code).toBe(2);
    expect(fit.stderr).toMatch(/--out .*with-out-inside\/stats is inside the source/);
    expect(existsSync(`${src}/stats`)).toBe(false);
    const same = await runCli(["fit", src, "--out", src]);
    expect(same.code).toBe(2);
    const t = await runCli(["transform", src, "--out", `${src}/x.npy`]);
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/is inside the source/);
    expect(existsSync(`${src}/x.npy`)).toBe(false);
  });

  it("writes keys as JSON lines that round-trip a file name with a newline", async () => {
    const src = `${work}/odd-names`;
    mkdirSync(src, { recursive: true });
    const names = ["a.png", "new\nline.png", "z.png"];
    for (const [i, name] of names.entries()) writeFileSync(path.join(src, name), await png(i));
    const r = await runCli(["transform", src, "--out", `${work}/odd.npy`]);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(`${work}/odd.npy.keys.jsonl`, "utf8");
    const keys = text
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as string);
    expect(keys).toEqual(names);
  });

  const python = findNumpyPython();
  it.skipIf(python === null)("Python reads the keys back, one per row", () => {
    const script =
      "import json, numpy as np, sys; x = np.load(sys.argv[1]); " +
      "k = [json.loads(l) for l in open(sys.argv[1] + '.keys.jsonl', encoding='utf-8')]; " +
      "assert len(k) == x.shape[0], (len(k), x.shape); print(json.dumps(k))";
    const r = spawnSync(python!, ["-c", script, `${work}/odd.npy`], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(["a.png", "new\nline.png", "z.png"]);
  });
});

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
    encoding: "utf8",
  });
  return Number(r.stdout);
}
