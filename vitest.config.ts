import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const pkg = (name: string) =>
  fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      // Before "@featurewise/core", which would otherwise take its subpath.
      "@featurewise/core/options": fileURLToPath(
        new URL("./packages/core/src/options/options-schema.ts", import.meta.url),
      ),
      "@featurewise/core/decode": fileURLToPath(
        new URL("./packages/core/src/decode-entry.ts", import.meta.url),
      ),
      "@featurewise/core": pkg("core"),
      "@featurewise/fit/cluster/client": fileURLToPath(
        new URL("./packages/fit/src/cluster/client.ts", import.meta.url),
      ),
      "@featurewise/fit/cluster": fileURLToPath(
        new URL("./packages/fit/src/cluster/index.ts", import.meta.url),
      ),
      "@featurewise/queue/settings": fileURLToPath(
        new URL("./packages/queue/src/settings.ts", import.meta.url),
      ),
      "@featurewise/queue/client": fileURLToPath(
        new URL("./packages/queue/src/client.ts", import.meta.url),
      ),
      "@featurewise/queue": pkg("queue"),
      "@featurewise/storage": pkg("storage"),
      "@featurewise/dataset": pkg("dataset"),
      "@featurewise/linalg": pkg("linalg"),
      "@featurewise/pipeline": pkg("pipeline"),
      "@featurewise/fit": pkg("fit"),
      "@featurewise/predict/cluster/client": fileURLToPath(
        new URL("./packages/predict/src/cluster/client.ts", import.meta.url),
      ),
      "@featurewise/predict/cluster/settings": fileURLToPath(
        new URL("./packages/predict/src/cluster/predict-names.ts", import.meta.url),
      ),
      "@featurewise/predict/cluster": fileURLToPath(
        new URL("./packages/predict/src/cluster/index.ts", import.meta.url),
      ),
      "@featurewise/predict": pkg("predict"),
      "@featurewise/report/options": fileURLToPath(
        new URL("./packages/report/src/report-options.ts", import.meta.url),
      ),
      "@featurewise/report/rows": fileURLToPath(
        new URL("./packages/report/src/prediction/prediction-rows.ts", import.meta.url),
      ),
      "@featurewise/report": pkg("report"),
      "@featurewise/serve": pkg("serve"),
    },
  },
  test: {
    include: ["packages/*/src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
