# featurewise, GPU image: workers with the cuda backend (cuBLAS, cuSOLVER)
# and ONNX Runtime's CUDA provider for `predict --device cuda`.
#   docker build -f infra/docker/gpu.Dockerfile -t featurewise:gpu .
# Build context: the repository root. Size: docs/operations.md.
ARG NODE_IMAGE=node:24-bookworm-slim
# CUDA 12 runtime with cuBLAS, cuSOLVER and cuDNN 9 (ONNX Runtime's CUDA
# provider needs cuDNN 9; the cuda backend needs only cuBLAS and cuSOLVER).
ARG CUDA_IMAGE=nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04

# 1. Build the packages' dist/ (same as the CPU image).
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc turbo.json tsconfig.base.json ./
COPY packages/ packages/
RUN npm ci --no-audit --no-fund \
 && npx turbo run build

# 2. Production dependencies, with ONNX Runtime's CUDA 12 provider: the
#    environment variable wins over .npmrc's `onnxruntime-node-install=skip`,
#    and onnxruntime-node's install script downloads the provider libraries
#    (NuGet package Microsoft.ML.OnnxRuntime.Gpu.Linux of the same version)
#    into its bin folder. The build fails if they are not there. The other
#    systems' ONNX Runtime binaries (macOS, Windows: 220 MB) are dropped.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY --from=build /app/packages/ packages/
ENV ONNXRUNTIME_NODE_INSTALL=cuda12
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm rebuild onnxruntime-node \
 && test -f node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so \
 && test -f node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime_providers_shared.so \
 && rm -rf node_modules/onnxruntime-node/bin/napi-v6/darwin node_modules/onnxruntime-node/bin/napi-v6/win32 \
 && npm cache clean --force

# 3. Runtime on the CUDA image: Node's binary from the Node image (glibc
#    2.36 there, 2.39 here), Ubuntu's OpenBLAS and LAPACKE as the CPU
#    fallback, a non-root user, `featurewise` as the entrypoint.
FROM ${NODE_IMAGE} AS node
FROM ${CUDA_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends libopenblas0-pthread liblapacke \
 && rm -rf /var/lib/apt/lists/*
COPY --from=node /usr/local/bin/node /usr/local/bin/node
# The CUDA image's linker cache lists /usr/local/cuda/lib64, where the cuda
# backend and ONNX Runtime's provider find cuBLAS, cuSOLVER and cuDNN.
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
CMD ["worker", "--backend", "cuda"]
