/**
 * A run's Server-Sent Events. Changes of state come from the run's event
 * log in Redis (workers append each change as they make it), each sent with
 * the log's entry id, so a client that reconnects with `Last-Event-ID` gets
 * every change after it, in order. Progress (counters) is sent as `progress`
 * events without an id whenever it changed: it is a snapshot, the latest
 * one is all a client needs. The stream ends after the final state.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { ErrorCodes, FeaturewiseError } from "@featurewise/core";
import type { RunKind } from "./run-kind.js";

const HEARTBEAT_MS = 15_000;

/** Streams run `id`'s events until its final state or until the client goes. */
export async function streamRunEvents<O>(
  request: FastifyRequest,
  reply: FastifyReply,
  kind: RunKind<O>,
  id: string,
  pollMs: number,
): Promise<void> {
  const header = request.headers["last-event-id"];
  let last = (Array.isArray(header) ? header[0] : header)?.trim() || undefined;
  if (last !== undefined && !/^\d{1,20}-\d{1,20}$/.test(last)) {
    throw new FeaturewiseError(
      ErrorCodes.INVALID_ARGUMENT,
      `Last-Event-ID ${JSON.stringify(last.slice(0, 40))}: expected an event id this stream sent (<ms>-<seq>)`,
    );
  }
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache, no-transform",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  res.write("retry: 1000\n\n");
  let closed = false;
  let wake: (() => void) | null = null;
  request.raw.on("close", () => {
    closed = true;
    wake?.();
  });
  let lastProgress = "";
  let lastWrite = Date.now();
  const send = (text: string): void => {
    res.write(text);
    lastWrite = Date.now();
  };
  try {
    while (!closed) {
      let ended = false;
      for (const e of await kind.events(id, last)) {
        send(
          `id: ${e.id}\nevent: state\ndata: ${JSON.stringify({ id, state: e.state, ...eventFields(e.fields) })}\n\n`,
        );
        last = e.id;
        if (["succeeded", "failed", "cancelled"].includes(e.state)) ended = true;
      }
      const view = await kind.read(id);
      if (view !== null) {
        const progress = JSON.stringify({ id, state: view.state, ...view.progress });
        if (progress !== lastProgress) {
          send(`event: progress\ndata: ${progress}\n\n`);
          lastProgress = progress;
        }
      }
      if (ended || view === null) break;
      if (Date.now() - lastWrite > HEARTBEAT_MS) send(": keep-alive\n\n");
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, pollMs);
        function done(): void {
          clearTimeout(timer);
          wake = null;
          resolve();
        }
        wake = done;
      });
    }
  } catch (err) {
    request.log.warn({ err }, "event stream failed");
    if (!closed)
      send(
        `event: error\ndata: ${JSON.stringify({ message: "the server lost the run's events; reconnect" })}\n\n`,
      );
  } finally {
    res.end();
  }
}

/** The fields of a state change as the event shows them (failure parsed, times as ISO). */
function eventFields(fields: Readonly<Record<string, string>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (k === "failure") out[k] = safeJson(v);
    else if (k === "updatedAt" || k === "submittedAt") out[k] = new Date(Number(v)).toISOString();
    else if (/^\d+$/.test(v)) out[k] = Number(v);
    else out[k] = v;
  }
  return out;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
