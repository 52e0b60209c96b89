// What one small GET costs s3rver itself: the floor under any S3 client.
//
//   node bench/s3rver-floor.mjs [--gets 5000] [--concurrency 16] [--size 3200]
//
// Starts s3rver 3.7.1 the way the tests and bench/s3-throughput.mjs do
// (test/helpers/s3rver-child.mjs), puts 1,000 objects of `size` bytes, then
// sends `gets` GETs over keep-alive node:http sockets, `concurrency` at a
// time, with the smallest possible client: a precomputed SigV4-shaped
// Authorization header per key (s3rver checks its form, key id and date but
// not the signature). Reports requests/s, s3rver's CPU per request (all its
// threads, and its main thread alone, from /proc) and the client's.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = fileURLToPath(new URL("..", import.meta.url));
const { values: args } = parseArgs({
  options: {
    gets: { type: "string", default: "5000" },
    concurrency: { type: "string", default: "16" },
    size: { type: "string", default: "3200" },
  },
});
const gets = Number(args.gets);
const concurrency = Number(args.concurrency);
const size = Number(args.size);
const keys = 1000;

const work = mkdtempSync(path.join(os.tmpdir(), "featurewise-floor-"));
const child = spawn(
  process.execPath,
  ["--openssl-legacy-provider", path.join(root, "test/helpers/s3rver-child.mjs"), work, "bench"],
  { stdio: ["pipe", "pipe", "inherit"] },
);
const port = await new Promise((resolve) =>
  createInterface({ input: child.stdout }).once("line", (l) => resolve(JSON.parse(l).port)),
);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const request = (method, p, headers, body) =>
  new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, method, path: p, agent, headers },
      (res) => {
        let n = 0;
        res.on("data", (c) => (n += c.length));
        res.on("end", () => resolve({ status: res.statusCode, length: n }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });

const body = Buffer.alloc(size, 7);
const pathOf = (i) => `/bench/k/img-${String(i).padStart(7, "0")}.png`;
for (let i = 0; i < keys; i += 50) {
  await Promise.all(
    Array.from({ length: 50 }, (_, j) =>
      request("PUT", pathOf(i + j), { "content-length": body.length }, body),
    ),
  );
}

const amzDate = new Date().toISOString().replace(/[-:]|\.\d{3}/g, "");
const emptyHash = createHash("sha256").update("").digest("hex");
const signed = {
  "x-amz-date": amzDate,
  "x-amz-content-sha256": emptyHash,
  authorization:
    `AWS4-HMAC-SHA256 Credential=S3RVER/${amzDate.slice(0, 8)}/us-east-1/s3/aws4_request, ` +
    `SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=${"0".repeat(64)}`,
};
/** CPU seconds of a /proc stat file (utime + stime). */
const cpu = (file) => {
  const f = readFileSync(file, "utf8").split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12])) / 100;
};
const run = async (n) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const r = await request("GET", pathOf(next++ % keys), signed);
        if (r.status !== 200 || r.length !== size) throw new Error(`GET answered ${r.status}`);
      }
    }),
  );
};

await run(1000); // warm-up
const s0 = cpu(`/proc/${child.pid}/stat`);
const m0 = cpu(`/proc/${child.pid}/task/${child.pid}/stat`);
const c0 = process.cpuUsage();
const t0 = performance.now();
await run(gets);
const seconds = (performance.now() - t0) / 1000;
const server = cpu(`/proc/${child.pid}/stat`) - s0;
const main = cpu(`/proc/${child.pid}/task/${child.pid}/stat`) - m0;
const c = process.cpuUsage(c0);
const ms = (s) => ((1000 * s) / gets).toFixed(3);
console.log(
  `${gets} GETs of ${size} B, ${concurrency} at a time: ${(gets / seconds).toFixed(0)} requests/s; ` +
    `CPU per request: s3rver ${ms(server)} ms (main thread ${ms(main)} ms), ` +
    `client ${ms((c.user + c.system) / 1e6)} ms`,
);
console.log(
  `cores: ${os.cpus().length}, load average: ${os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(" ")}`,
);
agent.destroy();
child.stdin.end();
await new Promise((resolve) => child.once("exit", resolve));
rmSync(work, { recursive: true, force: true });
