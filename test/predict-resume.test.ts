/**
 * A 20,000-image predict killed with SIGKILL (a real process, mid-run) and
 * resumed with `--resume` gives parts and a manifest byte-identical to an
 * uninterrupted run (the manifest's timings aside): parts already written
 * are verified by sha256 and kept, the rest predicted again.
 */
import { spawn } from "node:child_process";
import {
  cpSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, runCliOk } from "./helpers/cli.js";
import { manifestWithoutTimings, MODELS, readManifest } from "./helpers/predict.js";
import { writeBatchAsPngs } from "./helpers/pngs.js";
import { seededRandom } from "./helpers/random.js";

const N = 20_000;
/** Distinct PNGs written; the other names are hard links to them (fast to make, read as files). */
const UNIQUE = 1000;
const PER_SHARD = 500;
const PARTS = Math.ceil((N + 1) / PER_SHARD); // + the corrupt file
let tmp: string;
let images: string;
let stats: string;
const model = path.join(MODELS, "cifar-cnn", "model.onnx");

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), "fw-predict-kill-"));
  const unique = path.join(tmp, "unique");
  const rand = seededRandom(42);
  const px = Uint8Array.from({ length: UNIQUE * 32 * 32 * 3 }, () => Math.floor(rand() * 256));
  await writeBatchAsPngs(px, [32, 32, 3], "channels_last", unique);
  images = path.join(tmp, "images");
  mkdirSync(images);
  for (let i = 0; i < N; i++) {
    const from = path.join(unique, `${String(i % UNIQUE).padStart(5, "0")}.png`);
    linkSync(from, path.join(images, `${String(i).padStart(5, "0")}.png`));
  }
  writeFileSync(path.join(images, "00007b.png"), "not a png"); // a skipped item survives the resume
  stats = path.join(tmp, "art");
  await runCliOk(["fit", unique, "--out", stats, "--center", "--std"]);
}, 300_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const args = (out: string, ...more: string[]) => [
  "predict",
  images,
  "--model",
  model,
  "--stats",
  stats,
  "--out",
  out,
  "--images-per-shard",
  String(PER_SHARD),
  ...more,
];

/** Starts predict and SIGKILLs it once `records` parts are written; resolves with the parts written then. */
function killAfter(out: string, records: number, ...more: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args(out, ...more), { stdio: "ignore" });
    let done = false;
    const poll = setInterval(() => {
      const names = existsSync(out) ? readdirSync(out) : [];
      if (names.filter((n) => n.endsWith(".record.json")).length >= records) {
        child.kill("SIGKILL");
        clearInterval(poll);
        done = true;
        resolve(names);
      }
    }, 5);
    child.on("exit", (code) => {
      clearInterval(poll);
      if (!done) reject(new Error(`predict ended (${code}) before it was killed`));
    });
  });
}

describe("predict killed and resumed", () => {
  it("SIGKILL mid-run, then --resume: parts and manifest byte-identical to an uninterrupted run", async () => {
    const whole = path.join(tmp, "whole");
    await runCliOk(args(whole));
    const expected = readManifest(whole);
    expect(expected.n).toBe(N);
    expect(expected.parts).toHaveLength(PARTS);
    expect(expected.skipped.items.map((s) => s.key)).toEqual(["00007b.png"]);

    const out = path.join(tmp, "killed");
    const records = () => readdirSync(out).filter((n) => n.endsWith(".record.json")).length;
    // Killed with about a quarter of the parts written: mid-run, as the parts present show.
    const atKill = await killAfter(out, 10);
    expect(atKill).not.toContain("manifest.json");
    const first = records();
    expect(first).toBeGreaterThanOrEqual(10);
    expect(first).toBeLessThan(PARTS);
    // Killed again during the resume, past the middle, then resumed to the end.
    const atSecondKill = await killAfter(out, first + 15, "--resume");
    expect(atSecondKill).not.toContain("manifest.json");
    const second = records();
    expect(second).toBeGreaterThanOrEqual(first + 15);
    expect(second).toBeLessThan(PARTS);
    const resumed = await runCliOk([...args(out), "--resume", "--json"]);
    const summary = JSON.parse(resumed.stdout) as { partsReused: number; n: number };
    expect(summary.n).toBe(N);
    expect(summary.partsReused).toBeGreaterThanOrEqual(second);
    expect(summary.partsReused).toBeLessThan(PARTS);

    expect(manifestWithoutTimings(out)).toBe(manifestWithoutTimings(whole));
    expect(readdirSync(out).sort()).toEqual(readdirSync(whole).sort());
    for (const name of readdirSync(whole)) {
      if (name === "manifest.json") continue;
      expect(
        readFileSync(path.join(out, name)).equals(readFileSync(path.join(whole, name))),
        name,
      ).toBe(true);
    }
  }, 300_000);

  it("a part damaged after it was written is found by its sha256 and predicted again", async () => {
    // A copy of the uninterrupted run of the test above (same source, model and artifact).
    const out = path.join(tmp, "damaged");
    cpSync(path.join(tmp, "whole"), out, { recursive: true });
    const part = path.join(out, "part-000003.parquet");
    const good = readFileSync(part);
    writeFileSync(
      part,
      Buffer.concat([good.subarray(0, 100), Buffer.from("x"), good.subarray(101)]),
    );
    const r = await runCliOk([...args(out), "--resume", "--json"]);
    expect(JSON.parse(r.stdout)).toMatchObject({ partsReused: PARTS - 1 });
    expect(readFileSync(part).equals(good)).toBe(true);
  }, 300_000);
});
