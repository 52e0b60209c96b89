/**
 * Independent-reader test: numpy reads what our encoders write, and we read
 * what numpy writes (np.save, np.savez, np.savez_compressed). Runs against
 * every Python with numpy that is found; skips with a warning when none is.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isFeaturewiseError } from "../errors.js";
import { decodeNpy, encodeNpy } from "./npy.js";
import { decodeNpz, encodeNpz } from "./npz.js";

/** Each candidate interpreter that can import numpy, keyed by its numpy version and path. */
function findNumpyPythons(): { python: string; version: string }[] {
  const found = new Map<string, { python: string; version: string }>();
  for (const python of ["python3", "/usr/bin/python3"]) {
    try {
      const out = execFileSync(
        python,
        ["-c", "import numpy, sys; print(numpy.__version__, sys.executable)"],
        {
          encoding: "utf8",
          stdio: ["ignore", "pipe", "ignore"],
        },
      ).trim();
      const [version = "?", executable = python] = out.split(" ");
      if (!found.has(executable)) found.set(executable, { python, version });
    } catch {
      // not installed, or no numpy
    }
  }
  return [...found.values()];
}

const pythons = findNumpyPythons();
if (pythons.length === 0) {
  console.warn(
    "numpy-interop: skipped — neither `python3` nor `/usr/bin/python3` can `import numpy`",
  );
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const dataBytes = (d: Float64Array | Float32Array | Uint8Array) =>
  new Uint8Array(d.buffer, d.byteOffset, d.byteLength);

/** Arrays we write, by file stem. */
const OURS: Record<string, [Float64Array | Float32Array | Uint8Array, number[]]> = {
  f8_3: [new Float64Array([1.5, -2.25, 1e-300]), [3]],
  f8_311: [new Float64Array([0.1, 0.2, 0.3]), [3, 1, 1]],
  f8_special: [
    new Float64Array([NaN, Infinity, -Infinity, -0, Number.MIN_VALUE, Number.MAX_VALUE]),
    [2, 3],
  ],
  f4_23: [new Float32Array([1, 2, 3, 4, 5, 6.5]), [2, 3]],
  u1_4: [new Uint8Array([0, 1, 128, 255]), [4]],
  f8_0d: [new Float64Array([42]), []],
  f8_empty: [new Float64Array(0), [0, 5]],
  u1_ones15: [new Uint8Array(1), new Array<number>(15).fill(1)],
  f8_big: [new Float64Array(12345).map((_, i) => Math.sin(i)), [12345]],
  f8_wide: [new Float64Array(32 * 32 * 3).map((_, i) => i / 7), [32, 32, 3]],
};

/** Loads our files with numpy and re-saves them: prints per file dtype, shape, data hex, np.save bytes hex. */
const READ_OURS = `
import sys, json, io, numpy as np
d = sys.argv[1]
names = json.loads(sys.argv[2])
out = {}
for name in names:
    a = np.load(f"{d}/{name}.npy")
    b = io.BytesIO(); np.save(b, a)
    out[name] = dict(dtype=a.dtype.str, shape=list(a.shape), data=a.tobytes().hex(), saved=b.getvalue().hex())
z = np.load(f"{d}/ours.npz")
out["npz"] = {k: dict(dtype=z[k].dtype.str, shape=list(z[k].shape), data=z[k].tobytes().hex()) for k in z.files}
print(json.dumps(out))
`;

/** numpy writes files; prints the expected dtype, shape and data hex of each array. */
const WRITE_NUMPY = `
import sys, json, numpy as np
d = sys.argv[1]
rng = np.random.default_rng(0)
arrs = {
    "f8": np.arange(24, dtype=np.float64).reshape(2, 3, 4) / 3,
    "f4": rng.standard_normal((5, 7)).astype(np.float32),
    "u1": rng.integers(0, 256, size=(4, 4, 3), dtype=np.uint8),
    "scalar": np.array(2.5),
    "empty": np.zeros((0, 3)),
    "big": rng.standard_normal(50000),
}
for k, a in arrs.items():
    np.save(f"{d}/np_{k}.npy", a)
np.save(f"{d}/np_fortran.npy", np.asfortranarray(np.ones((3, 2))))
np.save(f"{d}/np_bigendian.npy", np.ones(3, dtype=">f8"))
np.save(f"{d}/np_int64.npy", np.arange(3))
np.savez(f"{d}/np_plain.npz", **arrs)
np.savez_compressed(f"{d}/np_compressed.npz", **arrs)
print(json.dumps({k: dict(dtype=a.dtype.str, shape=list(a.shape), data=a.tobytes().hex()) for k, a in arrs.items()}))
`;

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface Described {
  dtype: string;
  shape: number[];
  data: string;
  saved?: string;
}

describe.skipIf(pythons.length === 0)("numpy interop", () => {
  describe.each(pythons)("with $python (numpy $version)", ({ python }) => {
    const dir = mkdtempSync(join(tmpdir(), "featurewise-npy-"));
    dirs.push(dir);
    const run = (script: string, ...args: string[]) =>
      execFileSync(python, ["-c", script, dir, ...args], { encoding: "utf8", maxBuffer: 64 << 20 });

    it("numpy loads our .npy and .npz exactly, and np.save writes the same bytes", () => {
      const files = Object.entries(OURS).map(
        ([name, [data, shape]]) => [name, encodeNpy(data, shape)] as const,
      );
      for (const [name, bytes] of files) writeFileSync(join(dir, `${name}.npy`), bytes);
      writeFileSync(
        join(dir, "ours.npz"),
        encodeNpz(files.map(([name, bytes]) => [`${name}.npy`, bytes])),
      );
      const result = JSON.parse(run(READ_OURS, JSON.stringify(Object.keys(OURS)))) as Record<
        string,
        Described
      > & {
        npz: Record<string, Described>;
      };
      const npy = { float64: "<f8", float32: "<f4", uint8: "|u1" } as const;
      for (const [name, bytes] of files) {
        const [data, shape] = OURS[name]!;
        const dtype = npy[decodeNpy(bytes).dtype];
        expect(result[name], name).toEqual({
          dtype,
          shape,
          data: hex(dataBytes(data)),
          saved: hex(bytes),
        });
        expect(result.npz[name], `npz ${name}`).toEqual({
          dtype,
          shape,
          data: hex(dataBytes(data)),
        });
      }
    });

    it("we decode np.save, np.savez and np.savez_compressed output exactly", async () => {
      const expected = JSON.parse(run(WRITE_NUMPY)) as Record<string, Described>;
      const dtypes = { "<f8": "float64", "<f4": "float32", "|u1": "uint8" } as const;
      const check = (label: string, npyBytes: Uint8Array, want: Described) => {
        const got = decodeNpy(npyBytes);
        expect(got.dtype, label).toBe(dtypes[want.dtype as keyof typeof dtypes]);
        expect(got.shape, label).toEqual(want.shape);
        expect(hex(dataBytes(got.data)), label).toBe(want.data);
      };
      for (const [name, want] of Object.entries(expected)) {
        check(`np_${name}.npy`, new Uint8Array(readFileSync(join(dir, `np_${name}.npy`))), want);
      }
      for (const archive of ["np_plain.npz", "np_compressed.npz"]) {
        const entries = await decodeNpz(new Uint8Array(readFileSync(join(dir, archive))));
        expect([...entries.keys()].sort(), archive).toEqual(
          Object.keys(expected)
            .map((k) => `${k}.npy`)
            .sort(),
        );
        for (const [name, want] of Object.entries(expected))
          check(`${archive}:${name}`, entries.get(`${name}.npy`)!, want);
      }
      for (const [file, what] of [
        ["np_fortran.npy", /fortran_order True/],
        ["np_bigendian.npy", /descr '>f8'/],
        ["np_int64.npy", /descr '<i8'/],
      ] as const) {
        let err: unknown;
        try {
          decodeNpy(new Uint8Array(readFileSync(join(dir, file))));
        } catch (e) {
          err = e;
        }
        expect(isFeaturewiseError(err, "CORRUPT_ARTIFACT"), file).toBe(true);
        expect((err as Error).message).toMatch(what);
      }
    });
  });
});
