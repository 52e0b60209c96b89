// Where a predict's CPU goes, per thread: runs `runPredict` in this process once per
// configuration (in turns, --rounds times) and samples /proc/self/task/*/stat every
// 100 ms, so threads that end with the run (sessions, decoders) are counted too.
// On a loaded machine CPU seconds move far less than wall time.
// usage: node --max-semi-space-size=2 bench/predict-threads.mjs [--rounds 1] [--source DIR]
//          THREADS:SESSIONS:DECODE_THREADS ...   (default 1:2:2 2:0:2; Linux only)
// Needs `npm run build` and the data of bench/predict.mjs (run it once first).
import { readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import { parseArgs } from "node:util";
import { PREDICT_DEFAULTS } from "@featurewise/core";
import { runPredict } from "@featurewise/predict";

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    rounds: { type: "string", default: "1" },
    source: { type: "string", default: "bench/data/png-20000-32" },
    model: { type: "string", default: "bench/data/models/cifar-cnn-full/model.onnx" },
    stats: { type: "string", default: "bench/data/stats-predict" },
  },
});
const configs = (positionals.length > 0 ? positionals : ["1:2:2", "2:0:2"]).map((s) => {
  const [threads, sessions, decode] = s.split(":").map(Number);
  return { threads, sessions, decode };
});

/** CPU seconds and name of each thread of this process, by thread id. */
function sampleThreads(into) {
  for (const tid of readdirSync("/proc/self/task")) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      into.set(tid, { name, cpu: (Number(fields[11]) + Number(fields[12])) / 100 });
    } catch {
      // the thread ended between the listing and the read
    }
  }
}

const out = "bench/data/predict-threads-out";
for (let round = 0; round < Number(args.rounds); round++) {
  for (const c of configs) {
    rmSync(out, { recursive: true, force: true });
    const before = new Map();
    sampleThreads(before);
    const seen = new Map();
    const timer = setInterval(() => sampleThreads(seen), 100);
    const load = os.loadavg()[0];
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const { manifest } = await runPredict(
      {
        ...PREDICT_DEFAULTS,
        source: args.source,
        model: args.model,
        stats: args.stats,
        out,
        runtime: "onnx",
        device: "cpu",
        threads: c.threads,
        sessions: c.sessions,
      },
      () => {},
      { decodeThreads: c.decode },
    );
    const wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(c0);
    clearInterval(timer);
    sampleThreads(seen);
    const seconds = (cpu.user + cpu.system) / 1e6;
    console.log(
      `threads ${c.threads}, sessions ${c.sessions}, decode threads ${c.decode}: ` +
        `${(manifest.n / wall).toFixed(0)} images/s, ${seconds.toFixed(2)} CPU s ` +
        `(${((seconds / manifest.n) * 1e6).toFixed(0)} µs an image), load ${load.toFixed(1)} → ${os.loadavg()[0].toFixed(1)}`,
    );
    const threads = [...seen]
      .map(([tid, t]) => ({ tid, name: t.name, cpu: t.cpu - (before.get(tid)?.cpu ?? 0) }))
      .filter((t) => t.cpu > 0.05)
      .map((t) => `${t.name}:${t.tid} ${t.cpu.toFixed(2)}`);
    console.log(`  CPU s per thread (main first): ${threads.join(", ")}`);
  }
}
