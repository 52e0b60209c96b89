import http from "node:http";
import type { AddressInfo } from "node:net";

/** What the proxy does to one request. */
export type Fault =
  /** Close the connection without answering. */
  | { readonly kind: "drop" }
  /** Answer with an S3 error status (503 SlowDown, 500 InternalError, 403 AccessDenied...). */
  | { readonly kind: "status"; readonly status: number; readonly code: string }
  /** Forward after a pause. */
  | { readonly kind: "delay"; readonly ms: number }
  /** Forward the headers and half of the body, then reset the connection. */
  | { readonly kind: "truncate" };

/** Decides the fault of the `n`-th request (from 1), or null to forward it untouched. */
export type FaultPlan = (
  n: number,
  req: { method: string; path: string; headers: http.IncomingHttpHeaders },
) => Fault | null;

/** A running fault-injecting proxy on 127.0.0.1. */
export interface FaultProxy {
  readonly endpoint: string;
  /** Requests seen and faults injected so far, by kind. */
  readonly counts: { requests: number; faults: Record<Fault["kind"], number> };
  stop(): Promise<void>;
}

/**
 * An HTTP proxy on 127.0.0.1 in front of a local S3 server that forwards
 * every request unchanged (signatures stay valid: the Host header is kept)
 * except those `plan` picks to drop, delay, truncate or answer with an
 * error. Only ever connects to 127.0.0.1:`targetPort`.
 */
export async function startFaultProxy(targetPort: number, plan: FaultPlan): Promise<FaultProxy> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const counts = {
    requests: 0,
    faults: { drop: 0, status: 0, delay: 0, truncate: 0 } as Record<Fault["kind"], number>,
  };
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    const n = ++counts.requests;
    const fault = plan(n, {
      method: req.method ?? "GET",
      path: req.url ?? "/",
      headers: req.headers,
    });
    if (fault !== null) counts.faults[fault.kind]++;
    if (fault?.kind === "drop") {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "status") {
      req.resume();
      const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${fault.code}</Code><Message>injected by the test proxy</Message></Error>`;
      res.writeHead(fault.status, {
        "content-type": "application/xml",
        "content-length": Buffer.byteLength(body),
      });
      res.end(body);
      return;
    }
    const forward = (): void => {
      const upstream = http.request(
        {
          host: "127.0.0.1",
          port: targetPort,
          method: req.method,
          path: req.url,
          headers: req.headers,
          agent,
        },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          if (fault?.kind !== "truncate") {
            up.pipe(res);
            return;
          }
          const length = Number(up.headers["content-length"] ?? 0);
          let sent = 0;
          up.on("data", (chunk: Buffer) => {
            const room = Math.floor(length / 2) - sent;
            if (room > 0) res.write(chunk.subarray(0, room));
            sent += Math.min(chunk.length, Math.max(room, 0));
            if (sent >= Math.floor(length / 2)) {
              up.destroy();
              res.socket?.destroy();
            }
          });
          up.on("end", () => res.socket?.destroy());
        },
      );
      upstream.on("error", () => res.socket?.destroy());
      req.pipe(upstream);
    };
    if (fault?.kind === "delay") {
      const t = setTimeout(() => {
        timers.delete(t);
        forward();
      }, fault.ms);
      timers.add(t);
    } else {
      forward();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    counts,
    async stop() {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
