/**
 * Finding a native library at run time: an environment override first, then
 * the dynamic linker's cache, then the usual install folders.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { backendUnavailable } from "./backend-unavailable.js";
import { ldconfigEntries, type LdconfigEntry } from "./ldconfig.js";

/** What to look for, and what to tell the user when it is missing. */
export interface LibrarySpec {
  /** Name used in messages, e.g. "libopenblas". */
  readonly label: string;
  /** Accepted sonames, most preferred first, e.g. ["libopenblas.so.0", "libopenblas.so"]. */
  readonly sonames: readonly string[];
  /** Folders searched after the linker cache; a segment may hold `*` (e.g. `/usr/local/cuda*`). */
  readonly folders: readonly string[];
  /** How to install it, in a few words: "install the Debian package libopenblas0". */
  readonly installHint: string;
}

/** A location forced by an environment variable (see library-paths.ts). */
export interface LibraryOverride {
  /** The variable's name, quoted in messages. */
  readonly variable: string;
  readonly value: string;
  /** "file": the value is the library (path or soname); "folder": the value holds it. */
  readonly kind: "file" | "folder";
}

/**
 * The path (or, for a soname override, the name) to hand to dlopen.
 * @throws FeaturewiseError BACKEND_UNAVAILABLE, one line naming the library,
 *   where it was looked for and what to install
 */
export function locateLibrary(
  spec: LibrarySpec,
  override: LibraryOverride | null,
  cache: readonly LdconfigEntry[] = ldconfigEntries(),
): string {
  if (override !== null) {
    const where = `${override.variable}=${override.value}`;
    if (override.kind === "file") {
      if (!override.value.includes("/") || existsSync(override.value)) return override.value;
      throw backendUnavailable(`${spec.label} not found at ${where}: ${spec.installHint}`);
    }
    const inFolder = spec.sonames.map((s) => join(override.value, s)).find((p) => existsSync(p));
    if (inFolder !== undefined) return inFolder;
    throw backendUnavailable(
      `${spec.label} not found in ${where} (looked for ${spec.sonames.join(", ")}): ${spec.installHint}`,
    );
  }
  for (const soname of spec.sonames) {
    const hit = cache.find((e) => e.soname === soname && existsSync(e.path));
    if (hit !== undefined) return hit.path;
  }
  for (const folder of expandFolders(spec.folders)) {
    for (const soname of spec.sonames) {
      const p = join(folder, soname);
      if (existsSync(p)) return p;
    }
  }
  throw backendUnavailable(`${spec.label} not found: ${spec.installHint}`);
}

/** Expands `*` in path segments (one directory level per segment) to existing folders, in sorted order. */
export function expandFolders(patterns: readonly string[]): string[] {
  const out: string[] = [];
  for (const pattern of patterns) {
    let current = [pattern.startsWith("/") ? "/" : "."];
    for (const segment of pattern.split("/").filter((s) => s !== "")) {
      const next: string[] = [];
      for (const base of current) {
        if (!segment.includes("*")) {
          next.push(join(base, segment));
          continue;
        }
        const re = new RegExp(`^${segment.split("*").map(escapeRegExp).join(".*")}$`);
        let names: string[] = [];
        try {
          names = readdirSync(base).sort();
        } catch {
          // a missing folder matches nothing
        }
        for (const name of names) if (re.test(name)) next.push(join(base, name));
      }
      current = next;
    }
    for (const folder of current) if (existsSync(folder) && !out.includes(folder)) out.push(folder);
  }
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
}

/** The Debian/Ubuntu multiarch folder name of this process's architecture. */
export function multiarchTriplet(): string {
  return process.arch === "arm64" ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
}
