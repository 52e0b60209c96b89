import { afterEach, describe, expect, it, vi } from "vitest";
import { ErrorCodes, isFeaturewiseError } from "@featurewise/core";
import { LIBRARY_PATH_VARIABLES, readLibraryPathOverrides } from "./library-paths.js";
import { BACKEND_NAMES, selectBackend } from "./select-backend.js";
import { nativeBackends } from "./test-support.js";

const available = new Map(nativeBackends().map((b) => [b.name, b]));
const openblas = available.get("openblas")!;
const tfjs = available.get("tfjs")!;

describe("selectBackend", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("knows the five names, auto first", () => {
    expect([...BACKEND_NAMES]).toEqual(["auto", "cuda", "openblas", "tfjs", "js"]);
  });

  it("rejects an unknown name with INVALID_ARGUMENT", () => {
    let err: unknown;
    try {
      selectBackend("mkl");
    } catch (e) {
      err = e;
    }
    expect(isFeaturewiseError(err, ErrorCodes.INVALID_ARGUMENT)).toBe(true);
    expect((err as Error).message).toContain("auto, cuda, openblas, tfjs, js");
  });

  it("js always loads", async () => {
    const { la, reason } = selectBackend("js");
    expect(la.name).toBe("js");
    expect(reason).toContain("js (requested)");
    const c = new Float64Array(1);
    await la.syrk(new Float64Array([3]), 1, 1, c, 1, 0);
    expect(c[0]).toBe(9);
  });

  it("auto falls back to js when libopenblas is missing, and says why in one line", () => {
    vi.stubEnv(LIBRARY_PATH_VARIABLES.openblas, "/nonexistent");
    const { la, reason } = selectBackend("auto");
    // cuda may load on a GPU machine; everywhere else auto ends at js.
    if (la.name !== "cuda") {
      expect(la.name).toBe("js");
      expect(reason).toMatch(
        /^auto: cuda unavailable \(.+\), openblas unavailable \(.+\), tfjs unavailable \(.+\), js /,
      );
    }
    expect(reason).not.toContain("\n");
    if (la.name === "js") {
      expect(reason).toContain(
        "openblas unavailable (libopenblas not found at FEATUREWISE_OPENBLAS_LIB=/nonexistent: install the Debian package libopenblas0)",
      );
    }
  });

  it("an explicitly requested backend that cannot load throws BACKEND_UNAVAILABLE naming the library", () => {
    vi.stubEnv(LIBRARY_PATH_VARIABLES.openblas, "/nonexistent/libopenblas.so.0");
    let err: unknown;
    try {
      selectBackend("openblas");
    } catch (e) {
      err = e;
    }
    expect(isFeaturewiseError(err, ErrorCodes.BACKEND_UNAVAILABLE)).toBe(true);
    expect((err as Error).message).toBe(
      "libopenblas not found at FEATUREWISE_OPENBLAS_LIB=/nonexistent/libopenblas.so.0: install the Debian package libopenblas0",
    );
  });

  it("a missing liblapacke is named with its Debian package", () => {
    vi.stubEnv(LIBRARY_PATH_VARIABLES.lapacke, "/nonexistent/liblapacke.so.3");
    let err: unknown;
    try {
      selectBackend("openblas");
    } catch (e) {
      err = e;
    }
    // Where libopenblas bundles LAPACKE the override still wins, so this always fails.
    expect(isFeaturewiseError(err, ErrorCodes.BACKEND_UNAVAILABLE)).toBe(true);
    expect((err as Error).message).toContain("install the Debian package liblapacke");
  });

  it("a missing CUDA folder fails cleanly with a one-line reason", () => {
    vi.stubEnv(LIBRARY_PATH_VARIABLES.cudaLibDir, "/nonexistent");
    let err: unknown;
    try {
      selectBackend("cuda");
    } catch (e) {
      err = e;
    }
    expect(isFeaturewiseError(err, ErrorCodes.BACKEND_UNAVAILABLE)).toBe(true);
    expect((err as Error).message).toMatch(
      /^libcudart not found in FEATUREWISE_CUDA_LIB_DIR=\/nonexistent .*install the CUDA runtime/,
    );
  });

  it("cuda either loads or explains why in one line", () => {
    try {
      const { la, reason, dispose } = selectBackend("cuda");
      expect(la.name).toBe("cuda");
      expect(reason).toContain("cuda (requested): loaded from");
      dispose();
    } catch (err) {
      expect(isFeaturewiseError(err, ErrorCodes.BACKEND_UNAVAILABLE)).toBe(true);
      expect((err as Error).message).not.toContain("\n");
      console.warn(`cuda unavailable here: ${(err as Error).message}`);
    }
  });

  it.skipIf(openblas.la === null)(
    "openblas: auto picks it when there is no GPU, naming the library paths",
    () => {
      const { la, reason } = selectBackend("auto");
      if (la.name === "cuda") return;
      expect(la.name).toBe("openblas");
      expect(reason).toMatch(
        /^auto: cuda unavailable \(.+\), openblas loaded from \/\S+libopenblas\S*/,
      );
    },
  );

  it("tfjs loads only when @tensorflow/tfjs-node(-gpu) is installed", () => {
    if (tfjs.la === null) {
      console.warn(tfjs.skipReason);
      expect(tfjs.skipReason).toContain("npm install @tensorflow/tfjs-node");
      expect(() => selectBackend("tfjs")).toThrow(/tfjs-node/);
    } else {
      expect(selectBackend("tfjs").la.name).toBe("tfjs");
    }
  });

  it("reads the overrides from the environment, empty meaning unset", () => {
    expect(
      readLibraryPathOverrides({
        FEATUREWISE_OPENBLAS_LIB: "/x.so",
        FEATUREWISE_CUDA_LIB_DIR: " ",
      }),
    ).toEqual({
      openblas: "/x.so",
      lapacke: null,
      cudaLibDir: null,
    });
  });
});
