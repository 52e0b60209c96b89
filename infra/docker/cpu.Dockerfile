# featurewise, CPU image: the CLI, the API and the CPU workers.
#   docker build -f infra/docker/cpu.Dockerfile -t featurewise:cpu .
# Build context: the repository root (.dockerignore beside it keeps
# node_modules, dist, tests and data out). Size: docs/operations.md.
ARG NODE_IMAGE=node:24-bookworm-slim

# 1. Build: every dependency (TypeScript, turbo), then the packages' dist/.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc turbo.json tsconfig.base.json ./
COPY packages/ packages/
RUN npm ci --no-audit --no-fund \
 && npx turbo run build

# 2. Production dependencies only (no vitest, eslint, s3rver, duckdb); the
#    other systems' ONNX Runtime binaries (macOS, Windows: 220 MB) are dropped.
#    .npmrc skips onnxruntime-node's CUDA download: the CPU library ships in
#    the npm package.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY --from=build /app/packages/ packages/
RUN npm ci --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/onnxruntime-node/bin/napi-v6/darwin node_modules/onnxruntime-node/bin/napi-v6/win32 \
 && npm cache clean --force

# 3. Runtime: Debian's OpenBLAS and LAPACKE for the openblas backend, a
#    non-root user, `featurewise` as the entrypoint.
FROM ${NODE_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends libopenblas0-pthread liblapacke \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/ ./
# The compose/k8s helper scripts (bucket creation, demo) resolve packages from /app.
COPY infra/compose/*.mjs infra/compose/
RUN ln -s /app/packages/cli/bin/featurewise.js /usr/local/bin/featurewise \
 && groupadd --system --gid 10001 featurewise \
 && useradd --system --uid 10001 --gid featurewise --home-dir /home/featurewise --create-home featurewise \
 && mkdir /data && chown featurewise:featurewise /data
# /data: where compose and k8s mount the shared data volume (owned by the
# user, so a fresh named volume is writable).
USER 10001:10001
WORKDIR /home/featurewise
ENTRYPOINT ["featurewise"]
CMD ["--help"]
