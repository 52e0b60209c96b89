import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = new URL("..", import.meta.url).pathname;

/** Source files under `dir` (no dist, no node_modules). */
function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist" || name === "data") continue;
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (/\.(ts|mjs|js)$/.test(name)) out.push(p);
  }
  return out;
}

describe("design notes the code cites", () => {
  it("every `DESIGN.md §N` citation resolves to a section of docs/DESIGN.md", () => {
    const design = readFileSync(path.join(ROOT, "docs/DESIGN.md"), "utf8");
    const sections = new Set(
      [...design.matchAll(/^#{2,3} (\d+(?:\.\d+)?)[. ]/gm)].map((m) => m[1]),
    );
    const cited: string[] = [];
    for (const file of ["packages", "test", "bench"].flatMap((d) => sources(path.join(ROOT, d)))) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/(\S*)DESIGN\.md §(\d+(?:\.\d+)?)/g)) {
        const where = path.relative(ROOT, file);
        expect(m[1], `${where} cites ${m[0]}`).toMatch(/^\(?docs\/$/);
        expect(sections.has(m[2]!), `${where} cites §${m[2]}`).toBe(true);
        cited.push(m[2]!);
      }
    }
    expect(cited.length).toBeGreaterThan(0);
  });
});
