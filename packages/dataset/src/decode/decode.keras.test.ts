import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { decodeImage } from "./decode.js";
import type { ColorMode, Interpolation } from "./types.js";

/** What Keras load_img + img_to_array returned under Pillow 9.4 (fixtures/keras-decode). */
const FIXTURES = fileURLToPath(new URL("../../../../fixtures/keras-decode/", import.meta.url));

interface KerasCase {
  file: string;
  color_mode: ColorMode;
  target_size: [number, number] | null;
  interpolation: Interpolation;
  expected: string;
  shape: [number, number, number];
}

/** Minimal .npy reader for uint8 arrays (format 1.0-3.0, C order). */
function readNpyU8(buf: Buffer): { shape: number[]; data: Uint8Array } {
  if (buf.toString("latin1", 0, 6) !== "\x93NUMPY") throw new Error("not an .npy file");
  const major = buf[6]!;
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString("latin1", start, start + headerLen);
  const descr = /'descr':\s*'([^']*)'/.exec(header)?.[1];
  if (descr !== "|u1") throw new Error(`expected uint8 .npy, got descr ${descr}`);
  if (/'fortran_order':\s*True/.test(header)) throw new Error("Fortran-order .npy not supported");
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? "";
  const shape = shapeText
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map(Number);
  const data = new Uint8Array(
    buf.buffer,
    buf.byteOffset + start + headerLen,
    shape.reduce((a, b) => a * b, 1),
  );
  return { shape, data };
}

/** Bilinear/bicubic bound, measured: the Resample.c port is bit-exact on every fixture. */
const RESAMPLE_MAX_DIFF = 0;
type Group = "native" | "nearest" | "grayscale" | "rgba" | "bilinear" | "bicubic";
const EXACT_GROUPS: readonly Group[] = ["native", "nearest", "grayscale", "rgba"];

function groupsOf(c: KerasCase): Group[] {
  const groups: Group[] = [c.target_size === null ? "native" : c.interpolation];
  if (c.color_mode === "grayscale" || c.color_mode === "rgba") groups.push(c.color_mode);
  return groups;
}

const cases = JSON.parse(readFileSync(`${FIXTURES}cases.json`, "utf8")) as KerasCase[];
const stats = new Map<Group, { max: number; sum: number; count: number; cases: number }>();

describe("decodeImage matches Keras load_img + img_to_array (Pillow 9.4)", () => {
  afterAll(() => {
    const rows = [...stats].map(([group, s]) => ({
      group,
      cases: s.cases,
      maxAbsDiff: s.max,
      meanAbsDiff: Number((s.sum / s.count).toFixed(6)),
    }));
    console.table(rows);
  });

  it.each(
    cases.map(
      (c) => [`${c.file} ${c.color_mode} ${String(c.target_size)} ${c.interpolation}`, c] as const,
    ),
  )("%s", async (_name, c) => {
    const bytes = readFileSync(`${FIXTURES}${c.file}`);
    const got = await decodeImage(bytes, {
      colorMode: c.color_mode,
      targetSize: c.target_size,
      interpolation: c.interpolation,
    });
    const expected = readNpyU8(readFileSync(`${FIXTURES}${c.expected}`));
    expect([got.height, got.width, got.channels]).toEqual(expected.shape);
    expect(got.data.length).toBe(expected.data.length);

    let max = 0;
    let sum = 0;
    for (let i = 0; i < expected.data.length; i++) {
      const d = Math.abs(got.data[i]! - expected.data[i]!);
      if (d > max) max = d;
      sum += d;
    }
    const groups = groupsOf(c);
    for (const g of groups) {
      const s = stats.get(g) ?? { max: 0, sum: 0, count: 0, cases: 0 };
      s.max = Math.max(s.max, max);
      s.sum += sum;
      s.count += expected.data.length;
      s.cases += 1;
      stats.set(g, s);
    }
    const bound = groups.some((g) => EXACT_GROUPS.includes(g)) ? 0 : RESAMPLE_MAX_DIFF;
    expect(max).toBeLessThanOrEqual(bound);
  });
});
