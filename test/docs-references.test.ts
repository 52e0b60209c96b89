import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
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

describe("the README front page and docs/", () => {
  const docs = ["README.md", ...readdirSync(path.join(ROOT, "docs")).map((f) => `docs/${f}`)];

  it("every relative link in README.md and docs/*.md leads to a file, and its #anchor to a heading", () => {
    let links = 0;
    for (const file of docs.filter((f) => f.endsWith(".md"))) {
      const text = readFileSync(path.join(ROOT, file), "utf8");
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const [target, anchor] = m[1]!.split("#");
        if (/^[a-z]+:/.test(target!)) continue; // http(s), mailto
        const resolved = target
          ? path.join(path.dirname(path.join(ROOT, file)), target)
          : path.join(ROOT, file);
        expect(existsSync(resolved), `${file} links to ${m[1]}`).toBe(true);
        if (anchor && resolved.endsWith(".md")) {
          const slugs = [...readFileSync(resolved, "utf8").matchAll(/^#+ (.+)$/gm)].map((h) =>
            h[1]!
              .toLowerCase()
              .replace(/[^a-z0-9 _-]/g, "")
              .replace(/ /g, "-"),
          );
          expect(slugs, `${file} links to ${m[1]}`).toContain(anchor);
        }
        links++;
      }
    }
    expect(links).toBeGreaterThan(10);
  });

  it("the README stays a short front page (at most 150 lines)", () => {
    const lines = readFileSync(path.join(ROOT, "README.md"), "utf8").split("\n").length;
    expect(lines).toBeLessThanOrEqual(150);
  });
});
