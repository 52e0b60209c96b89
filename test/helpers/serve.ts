import { spawn, type ChildProcess } from "node:child_process";
import { BIN } from "./cli.js";

/** A `featurewise serve` child process. */
export interface ServeProcess {
  readonly child: ChildProcess;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Everything it wrote (stdout and stderr). */
  output(): string;
  /** SIGTERM, then wait for the exit. */
  stop(): Promise<void>;
}

/**
 * Starts `featurewise serve --port 0 ...` (a real process, the built CLI)
 * and resolves once it logs the address it listens on.
 */
export function startServe(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<ServeProcess> {
  const child = spawn(BIN, ["serve", "--port", "0", ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`featurewise serve did not start in 60 s:\n${log}`));
    }, 60_000);
    let started = false;
    const onData = (d: Buffer): void => {
      log += d.toString();
      const m = started ? null : /listening on (http:\/\/[^\s"]+)/.exec(log);
      if (m === null) return;
      started = true;
      clearTimeout(timer);
      const exited = new Promise<void>((r) => child.once("exit", () => r()));
      resolve({
        child,
        url: m[1]!,
        output: () => log,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
          const kill = setTimeout(() => child.kill("SIGKILL"), 10_000);
          await exited;
          clearTimeout(kill);
        },
      });
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`featurewise serve exited ${code}:\n${log}`));
    });
  });
}

/** One parsed Server-Sent Event. */
export interface SseEvent {
  readonly id: string | null;
  readonly event: string;
  readonly data: Record<string, unknown>;
}

/**
 * Reads a run's event stream until it ends (or `stopAfter` says stop),
 * sending `Last-Event-ID` when given.
 */
export async function readEvents(
  url: string,
  headers: Record<string, string>,
  stopAfter: (e: SseEvent, all: SseEvent[]) => boolean = () => false,
): Promise<SseEvent[]> {
  const controller = new AbortController();
  const res = await fetch(url, { headers, signal: controller.signal });
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  const events: SseEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const fields: Record<string, string> = {};
        for (const line of block.split("\n")) {
          const colon = line.indexOf(":");
          if (colon <= 0) continue;
          fields[line.slice(0, colon)] = line.slice(colon + 1).trimStart();
        }
        if (fields["event"] === undefined) continue;
        const e: SseEvent = {
          id: fields["id"] ?? null,
          event: fields["event"],
          data: JSON.parse(fields["data"] ?? "{}") as Record<string, unknown>,
        };
        events.push(e);
        if (stopAfter(e, events)) {
          controller.abort();
          return events;
        }
      }
    }
  } catch (err) {
    if (!controller.signal.aborted) throw err;
  }
  return events;
}
