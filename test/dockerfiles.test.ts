import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DockerfileParser, type Copy, type Dockerfile } from "dockerfile-ast";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DOCKERFILES = ["infra/docker/cpu.Dockerfile", "infra/docker/gpu.Dockerfile"];

/**
 * The Dockerfiles' lint. hadolint is in neither Debian's archive nor npm,
 * so these are the hadolint rules that apply to these files, checked on
 * dockerfile-ast's parse (the parser of VS Code's Docker extension):
 * DL3006/DL3007 (tagged base images, never `latest`), DL3002 (the last USER
 * is not root), DL3025 (ENTRYPOINT/CMD in JSON form), DL3020 (COPY, not
 * ADD), DL3003 (WORKDIR, not `cd`), DL3008's companions DL3015/DL3009/DL3014
 * (apt-get install -y --no-install-recommends, lists removed in the same
 * RUN), DL3022 (COPY --from names an earlier stage). Beyond hadolint: every
 * COPY source exists in the build context and .dockerignore keeps it.
 */
function parse(file: string): Dockerfile {
  return DockerfileParser.parse(readFileSync(path.join(ROOT, file), "utf8"));
}

/** `${NAME}` in a FROM resolved with the ARG defaults before the first FROM. */
function resolveArgs(d: Dockerfile, value: string): string {
  const args = new Map<string, string>();
  for (const arg of d.getInitialARGs()) {
    const p = arg.getProperty();
    if (p?.getValue() != null) args.set(p.getName(), p.getValue()!);
  }
  return value.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string, b: string) => args.get(a ?? b) ?? "");
}

/** Docker's .dockerignore: patterns anchored at the context root, `**` any folders, `!` re-includes, last match wins. */
function dockerIgnored(patterns: readonly string[], file: string): boolean {
  let ignored = false;
  const parents = file.split("/").map((_, i, parts) => parts.slice(0, i + 1).join("/"));
  for (const raw of patterns) {
    const negate = raw.startsWith("!");
    const pattern = negate ? raw.slice(1) : raw;
    const re = new RegExp(
      `^${pattern
        .replace(/[.+^$()|[\]\\]/g, "\\$&")
        .replace(/\*\*\//g, "\u0000")
        .replace(/\*/g, "[^/]*")
        .replace(/\?/g, "[^/]")
        .replace(/\u0000/g, "(?:.*/)?")}$`,
    );
    if (parents.some((p) => re.test(p))) ignored = !negate;
  }
  return ignored;
}

const IGNORE = readFileSync(path.join(ROOT, ".dockerignore"), "utf8")
  .split("\n")
  .map((l) => l.trim())
  .filter((l) => l !== "" && !l.startsWith("#"));

/** The files a COPY source names in the context (a folder: its files; a glob: its matches in one folder). */
function contextFiles(source: string): string[] {
  const clean = source.replace(/\/$/, "");
  if (clean.includes("*")) {
    const dir = path.dirname(clean);
    const re = new RegExp(`^${path.basename(clean).replace(/\./g, "\\.").replace(/\*/g, ".*")}$`);
    return readdirSync(path.join(ROOT, dir))
      .filter((f) => re.test(f))
      .map((f) => `${dir}/${f}`);
  }
  return existsSync(path.join(ROOT, clean)) ? [clean] : [];
}

describe.each(DOCKERFILES)("%s", (file) => {
  const d = parse(file);
  const instructions = d.getInstructions();
  const runs = instructions
    .filter((i) => i.getKeyword() === "RUN")
    .map((i) => i.getArgumentsContent() ?? "");

  it("bases every stage on a tagged image, never latest (DL3006, DL3007)", () => {
    const stages: string[] = [];
    for (const from of d.getFROMs()) {
      const image = resolveArgs(d, from.getImage() ?? "");
      if (!stages.includes(image)) {
        const tag = image.split("/").pop()!.split(":")[1];
        expect(tag, `${file}: FROM ${image}`).toBeDefined();
        expect(tag).not.toBe("latest");
      }
      const stage = from.getBuildStage();
      if (stage !== null) {
        expect(stages, `stage ${stage} named twice`).not.toContain(stage);
        stages.push(stage);
      }
    }
    expect(stages.length).toBeGreaterThanOrEqual(2); // multi-stage
  });

  it("runs as a non-root user, with featurewise as the JSON-form entrypoint (DL3002, DL3025)", () => {
    const users = instructions.filter((i) => i.getKeyword() === "USER");
    const last = users.at(-1)?.getArgumentsContent() ?? "root";
    expect(last.split(":")[0]).not.toMatch(/^(root|0)$/);
    const lastFrom = d.getFROMs().at(-1)!.getRange().start.line;
    const entry = d.getENTRYPOINTs().filter((e) => e.getRange().start.line > lastFrom);
    expect(
      entry.map((e) => e.getJSONStrings().map((s) => JSON.parse(s.getValue()) as string)),
    ).toEqual([["featurewise"]]);
    for (const cmd of d.getCMDs())
      expect(cmd.getJSONStrings().length, "CMD in JSON form").toBeGreaterThan(0);
  });

  it("uses COPY, WORKDIR and clean apt-get installs (DL3020, DL3003, DL3009, DL3014, DL3015)", () => {
    expect(instructions.filter((i) => i.getKeyword() === "ADD")).toEqual([]);
    for (const run of runs) {
      expect(run, "cd in RUN").not.toMatch(/(^|&&|;)\s*cd\s/);
      if (/apt-get install/.test(run)) {
        expect(run).toMatch(/apt-get install -y --no-install-recommends/);
        expect(run).toMatch(/rm -rf \/var\/lib\/apt\/lists\/\*/);
      }
    }
    expect(runs.some((r) => r.includes("npm ci --omit=dev"))).toBe(true);
    expect(runs.some((r) => /libopenblas0/.test(r) && /liblapacke/.test(r))).toBe(true);
  });

  it("copies only what the build context holds, and from earlier stages (DL3022)", () => {
    const stages = new Set<string>();
    for (const i of instructions) {
      if (i.getKeyword() === "FROM") {
        const stage = d
          .getFROMs()
          .find((f) => f.getRange().start.line === i.getRange().start.line)
          ?.getBuildStage();
        if (stage) stages.add(stage);
        continue;
      }
      if (i.getKeyword() !== "COPY") continue;
      const copy = i as Copy;
      const from = copy
        .getFlags()
        .find((f) => f.getName() === "from")
        ?.getValue();
      const sources = copy
        .getArguments()
        .slice(0, -1)
        .map((a) => a.getValue());
      if (from != null) {
        expect(stages.has(from) || from.includes(":"), `COPY --from=${from}`).toBe(true);
        continue;
      }
      for (const source of sources) {
        const files = contextFiles(source);
        expect(files, `${file}: COPY ${source} matches nothing`).not.toEqual([]);
        for (const f of files)
          expect(dockerIgnored(IGNORE, f), `${f} is in .dockerignore`).toBe(false);
      }
    }
  });
});

describe(".dockerignore", () => {
  it("keeps dependencies, builds, tests and data out of the context", () => {
    for (const f of [
      "node_modules/x",
      "packages/core/dist/index.js",
      "packages/core/src/a.test.ts",
      "demo/images/a.png",
      "README.md",
      "infra/k8s/base/api.yaml",
      ".git/HEAD",
    ])
      expect(dockerIgnored(IGNORE, f), f).toBe(true);
    for (const f of [
      "packages/core/src/index.ts",
      "package-lock.json",
      ".npmrc",
      "infra/compose/demo.mjs",
    ])
      expect(dockerIgnored(IGNORE, f), f).toBe(false);
  });
});

describe("the GPU image", () => {
  it("installs ONNX Runtime's CUDA 12 provider at build time and fails the build without it", () => {
    const text = readFileSync(path.join(ROOT, "infra/docker/gpu.Dockerfile"), "utf8");
    // onnxruntime-node's install script reads ONNXRUNTIME_NODE_INSTALL (it wins over .npmrc's skip).
    const script = readFileSync(
      path.join(ROOT, "node_modules/onnxruntime-node/script/install.js"),
      "utf8",
    );
    expect(script).toContain("ONNXRUNTIME_NODE_INSTALL");
    expect(text).toMatch(/ENV ONNXRUNTIME_NODE_INSTALL=cuda12/);
    expect(text).toMatch(
      /test -f node_modules\/onnxruntime-node\/bin\/napi-v6\/linux\/x64\/libonnxruntime_providers_cuda\.so/,
    );
    expect(resolveArgs(parse("infra/docker/gpu.Dockerfile"), "${CUDA_IMAGE}")).toMatch(
      /^nvidia\/cuda:12\.[\d.]+-cudnn-runtime-/,
    );
  });
});
