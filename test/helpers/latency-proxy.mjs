// An HTTP proxy on 127.0.0.1 in front of a local S3 server (s3rver) that
// holds every request a fixed time before forwarding it, as a real object
// store's time to first byte, and records when each request arrived and
// finished. Tests read how many requests a reader keeps in flight and when
// it asked for each listing page; bench/s3-latency.mjs uses the same module.
// Plain JavaScript (typed by latency-proxy.d.mts) so the bench can import it.
// Requests are forwarded unchanged (the Host header is kept, so signatures
// stay valid), and only ever to 127.0.0.1:`targetPort`.
import http from "node:http";

/** What an S3 request is, from its method and URL: a listing, an object GET, or other. */
export function requestKind(method, url) {
  if (method !== "GET") return "other";
  const { pathname, searchParams } = new URL(url, "http://x");
  // Path-style: /bucket is the bucket (a listing), /bucket/key an object.
  const parts = pathname.split("/").filter((p) => p !== "");
  if (parts.length <= 1) return searchParams.get("list-type") === "2" ? "list" : "other";
  return "get";
}

/**
 * Starts the proxy. `delayMs` is added to every request before it is
 * forwarded (so a request takes `delayMs` plus the server's own time).
 * With `cacheGets`, the proxy keeps each object GET's 200 answer and
 * serves later GETs of the same URL itself after the delay, so that a
 * bench measures the reader against latency rather than against s3rver's
 * own CPU (~1 ms per GET on the same cores; a real store's is elsewhere).
 */
export async function startLatencyProxy(targetPort, { delayMs, cacheGets = false }) {
  if (!Number.isFinite(delayMs) || delayMs < 0) {
    throw new RangeError(`delayMs must be a number ≥ 0, got ${delayMs}`);
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });
  const t0 = performance.now();
  /** Every request: kind, arrival and end (ms since the proxy started; end null while open). */
  const requests = [];
  const inFlight = { list: 0, get: 0, other: 0 };
  const maxInFlight = { list: 0, get: 0, other: 0 };
  const timers = new Set();
  /** url -> { status, headers, body } of object GETs answered 200 (with `cacheGets`). */
  const cache = new Map();
  const server = http.createServer((req, res) => {
    const kind = requestKind(req.method ?? "GET", req.url ?? "/");
    const record = { kind, start: performance.now() - t0, end: null };
    requests.push(record);
    inFlight[kind]++;
    maxInFlight[kind] = Math.max(maxInFlight[kind], inFlight[kind]);
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      record.end = performance.now() - t0;
      inFlight[kind]--;
    };
    res.once("finish", end);
    res.once("close", end);
    const forward = () => {
      const cached = kind === "get" ? cache.get(req.url) : undefined;
      if (cached !== undefined) {
        req.resume();
        res.writeHead(cached.status, cached.headers);
        res.end(cached.body);
        return;
      }
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
          up.pipe(res);
          if (cacheGets && kind === "get" && up.statusCode === 200) {
            const chunks = [];
            up.on("data", (c) => chunks.push(c));
            up.on("end", () =>
              cache.set(req.url, {
                status: 200,
                headers: up.headers,
                body: Buffer.concat(chunks),
              }),
            );
          }
        },
      );
      upstream.on("error", () => res.socket?.destroy());
      req.pipe(upstream);
    };
    const t = setTimeout(() => {
      timers.delete(t);
      forward();
    }, delayMs);
    timers.add(t);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    delayMs,
    requests,
    inFlight,
    maxInFlight,
    now: () => performance.now() - t0,
    cached: () => cache.size,
    count: (kind) => requests.filter((r) => r.kind === kind).length,
    meanInFlight(kind) {
      const done = requests.filter((r) => r.kind === kind && r.end !== null);
      if (done.length === 0) return 0;
      const first = Math.min(...done.map((r) => r.start));
      const last = Math.max(...done.map((r) => r.end));
      const busy = done.reduce((sum, r) => sum + (r.end - r.start), 0);
      return last > first ? busy / (last - first) : 0;
    },
    inFlightOverTime(kind, stepMs) {
      const done = requests.filter((r) => r.kind === kind && r.end !== null);
      if (done.length === 0) return [];
      const first = Math.min(...done.map((r) => r.start));
      const last = Math.max(...done.map((r) => r.end));
      const samples = [];
      for (let t = first; t <= last; t += stepMs) {
        samples.push(done.filter((r) => r.start <= t && r.end > t).length);
      }
      return samples;
    },
    reset() {
      requests.length = 0;
      for (const k of Object.keys(maxInFlight)) maxInFlight[k] = inFlight[k];
    },
    async stop() {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
