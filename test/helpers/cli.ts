import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The `featurewise` bin, run as a user runs it. */
export const BIN = fileURLToPath(new URL("../../packages/cli/bin/featurewise.js", import.meta.url));

/** What one run of the real `featurewise` binary did. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built CLI (`npm run build` first) as a child process. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return spawnCli(args, env, () => {});
}

/**
 * Runs the CLI as {@link runCli} does, and resolves `found` with the first
 * group of `pattern` as soon as its stderr shows it (a run's id once it is
 * submitted, while the command goes on watching).
 */
export function runCliFinding(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  pattern: RegExp,
): { found: Promise<string>; done: Promise<CliRun> } {
  let resolveFound: (text: string) => void = () => {};
  const found = new Promise<string>((resolve) => (resolveFound = resolve));
  const done = spawnCli(args, env, (stderr) => {
    const m = pattern.exec(stderr);
    if (m !== null) resolveFound(m[1]!);
  });
  return { found, done };
}

/** Runs the bin with `env` over this process' environment; `onStderr` sees all of stderr so far at each chunk. */
function spawnCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  onStderr: (stderr: string) => void,
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    // Run as a user does (npx featurewise): the file itself, so its shebang flags apply.
    const child = spawn(BIN, [...args], { env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      onStderr(stderr);
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Runs the CLI and fails with its stderr unless it exits 0. */
export async function runCliOk(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<CliRun> {
  const r = await runCli(args, env);
  if (r.code !== 0)
    throw new Error(`featurewise ${args.join(" ")} exited ${r.code}: ${r.stderr || r.stdout}`);
  return r;
}
