import { spawnSync } from "node:child_process";

/** A python3 that has numpy, or null (tests that need one skip with this reason). */
export function findNumpyPython(): string | null {
  for (const exe of ["python3", "/usr/bin/python3"]) {
    const r = spawnSync(exe, ["-c", "import numpy"], { encoding: "utf8" });
    if (r.status === 0) return exe;
  }
  return null;
}

export const NO_NUMPY_REASON =
  "skipped: no python3 with numpy (Debian: apt-get install python3-numpy)";
