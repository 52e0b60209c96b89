import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const pkg = (name: string) =>
  fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      "@featurewise/core": pkg("core"),
      "@featurewise/storage": pkg("storage"),
      "@featurewise/dataset": pkg("dataset"),
      "@featurewise/linalg": pkg("linalg"),
      "@featurewise/jobs": pkg("jobs"),
      "@featurewise/predict": pkg("predict"),
    },
  },
  test: {
    include: ["packages/*/src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
