import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ErrorCodes, isFeaturewiseError } from "@featurewise/core";
import { expandFolders, locateLibrary, type LibrarySpec } from "./find-library.js";
import { parseLdconfig } from "./ldconfig.js";

const root = mkdtempSync(join(tmpdir(), "fw-find-library-"));
mkdirSync(join(root, "cuda-12.4/lib64"), { recursive: true });
mkdirSync(join(root, "cuda-13.0/lib64"), { recursive: true });
mkdirSync(join(root, "other"), { recursive: true });
writeFileSync(join(root, "cuda-13.0/lib64/libfoo.so.2"), "");
writeFileSync(join(root, "other/libfoo.so.1"), "");

const spec: LibrarySpec = {
  label: "libfoo",
  sonames: ["libfoo.so.2", "libfoo.so.1"],
  folders: [join(root, "cuda*/lib64"), join(root, "other")],
  installHint: "install the Debian package libfoo2",
};

describe("parseLdconfig", () => {
  it("reads soname, flags and path, skipping the header", () => {
    const out = [
      "1234 libs found in cache `/etc/ld.so.cache'",
      "\tlibopenblas.so.0 (libc6,x86-64) => /lib/x86_64-linux-gnu/libopenblas.so.0",
      "\tlibcudart.so.13 (libc6,x86-64) => /usr/local/cuda-13.0/lib/libcudart.so.13",
      "\tlibc.so.6 (libc6) => /lib/i386-linux-gnu/libc.so.6",
    ].join("\n");
    expect(parseLdconfig(out)).toEqual([
      {
        soname: "libopenblas.so.0",
        flags: "libc6,x86-64",
        path: "/lib/x86_64-linux-gnu/libopenblas.so.0",
      },
      {
        soname: "libcudart.so.13",
        flags: "libc6,x86-64",
        path: "/usr/local/cuda-13.0/lib/libcudart.so.13",
      },
      { soname: "libc.so.6", flags: "libc6", path: "/lib/i386-linux-gnu/libc.so.6" },
    ]);
  });
});

describe("locateLibrary", () => {
  it("expands * in folder patterns, sorted, existing folders only", () => {
    expect(expandFolders([join(root, "cuda*/lib64"), join(root, "missing*/x")])).toEqual([
      join(root, "cuda-12.4/lib64"),
      join(root, "cuda-13.0/lib64"),
    ]);
  });

  it("prefers the linker cache, then the folders in order, sonames in order", () => {
    const cached = join(root, "other/libfoo.so.1");
    expect(locateLibrary(spec, null, [{ soname: "libfoo.so.1", flags: "", path: cached }])).toBe(
      cached,
    );
    expect(locateLibrary(spec, null, [])).toBe(join(root, "cuda-13.0/lib64/libfoo.so.2"));
    // A cache entry whose file is gone is ignored.
    expect(
      locateLibrary(spec, null, [{ soname: "libfoo.so.2", flags: "", path: "/gone/libfoo.so.2" }]),
    ).toBe(join(root, "cuda-13.0/lib64/libfoo.so.2"));
  });

  it("an override wins and is not second-guessed", () => {
    const file = {
      variable: "FOO_LIB",
      value: join(root, "other/libfoo.so.1"),
      kind: "file" as const,
    };
    expect(locateLibrary(spec, file, [])).toBe(file.value);
    expect(locateLibrary(spec, { ...file, value: "libfoo.so.1" }, [])).toBe("libfoo.so.1");
    const folder = { variable: "FOO_DIR", value: join(root, "other"), kind: "folder" as const };
    expect(locateLibrary(spec, folder, [])).toBe(join(root, "other/libfoo.so.1"));
  });

  it("a missing library is one line naming it and what to install", () => {
    const nowhere: LibrarySpec = { ...spec, folders: [join(root, "nowhere")] };
    for (const attempt of [
      () => locateLibrary(nowhere, null, []),
      () => locateLibrary(spec, { variable: "FOO_LIB", value: "/nonexistent", kind: "file" }, []),
      () => locateLibrary(spec, { variable: "FOO_DIR", value: "/nonexistent", kind: "folder" }, []),
    ]) {
      let err: unknown;
      try {
        attempt();
      } catch (e) {
        err = e;
      }
      expect(isFeaturewiseError(err, ErrorCodes.BACKEND_UNAVAILABLE)).toBe(true);
      expect((err as Error).message).toMatch(
        /^libfoo not found.*: install the Debian package libfoo2$/,
      );
    }
  });
});
