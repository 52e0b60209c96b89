/** The dynamic linker's cache as `ldconfig -p` prints it. */
import { execFileSync } from "node:child_process";

/** One library of the cache: `libopenblas.so.0 (libc6,x86-64) => /lib/x86_64-linux-gnu/libopenblas.so.0`. */
export interface LdconfigEntry {
  readonly soname: string;
  /** The flags in parentheses, e.g. "libc6,x86-64". */
  readonly flags: string;
  readonly path: string;
}

const LINE = /^\s*(\S+)\s+\(([^)]*)\)\s+=>\s+(\S.*?)\s*$/;

/** Parses the output of `ldconfig -p` (the header line and unknown lines are skipped). */
export function parseLdconfig(output: string): LdconfigEntry[] {
  const entries: LdconfigEntry[] = [];
  for (const line of output.split("\n")) {
    const m = LINE.exec(line);
    if (m) entries.push({ soname: m[1]!, flags: m[2]!, path: m[3]! });
  }
  return entries;
}

let cached: readonly LdconfigEntry[] | null = null;

/**
 * The cache of this machine's dynamic linker (empty when ldconfig cannot be
 * run), read once per process. Entries for another word size or ABI than
 * Node's are dropped (an x64 Node cannot load an i386 library).
 */
export function ldconfigEntries(): readonly LdconfigEntry[] {
  if (cached !== null) return cached;
  let output = "";
  for (const exe of ["/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig"]) {
    try {
      output = execFileSync(exe, ["-p"], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
        maxBuffer: 16 << 20,
      });
      break;
    } catch {
      // try the next location
    }
  }
  const wanted = process.arch === "x64" ? "x86-64" : process.arch === "arm64" ? "AArch64" : null;
  cached = parseLdconfig(output).filter((e) => wanted === null || e.flags.includes(wanted));
  return cached;
}
