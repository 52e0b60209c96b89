import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import { QueueKeys } from "bullmq";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { QUEUE_NAMES } from "@featurewise/fit";
import { PREDICT_QUEUE_NAMES } from "@featurewise/predict/cluster";
import { ScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject";
import { Deployment, StatefulSet } from "kubernetes-models/apps/v1";
import { Job } from "kubernetes-models/batch/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ConfigMap, Namespace, Secret, Service } from "kubernetes-models/v1";
import { readCompose } from "./helpers/compose-local.js";
import { containersOf, kustomizeBuild, type K8sObject } from "./helpers/kustomize.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const OVERLAYS = ["dev", "gpu"];
/** The queues a worker may serve: the fit's and the prediction's. */
const QUEUES = [...QUEUE_NAMES, ...PREDICT_QUEUE_NAMES];

/**
 * Validators for the kinds infra/k8s uses: kubernetes-models (the
 * Kubernetes 1.27 OpenAPI schema) and @kubernetes-models/keda (KEDA 2.10's
 * CRDs), both compiled with ajv. A kind not listed here fails the test.
 */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  "v1/ConfigMap": ConfigMap,
  "v1/Namespace": Namespace,
  "v1/Secret": Secret,
  "v1/Service": Service,
  "apps/v1/Deployment": Deployment,
  "apps/v1/StatefulSet": StatefulSet,
  "batch/v1/Job": Job,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "keda.sh/v1alpha1/ScaledObject": ScaledObject,
};

const canonical = (objects: K8sObject[]): string[] =>
  objects.map((o) => JSON.stringify(sortKeys(o))).sort();

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (typeof v !== "object" || v === null) return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
  );
}

const byKind = (objects: K8sObject[], kind: string): K8sObject[] =>
  objects.filter((o) => o.kind === kind);
const named = (objects: K8sObject[], kind: string, name: string): K8sObject => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (o === undefined) throw new Error(`no ${kind} ${name}`);
  return o;
};
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- manifests are untyped YAML
type Yaml = any;
const spec = (o: K8sObject): Yaml => o["spec"];

/** The queues a worker container serves (`--queues`, else all). */
function servedQueues(args: readonly string[]): string[] {
  const at = args.indexOf("--queues");
  return at < 0 ? QUEUES : args[at + 1]!.split(",");
}

describe("docker-compose.yml", () => {
  it("validates against the Compose Specification's JSON schema", () => {
    const schema = JSON.parse(
      readFileSync(path.join(ROOT, "infra/schemas/compose-spec.json"), "utf8"),
    ) as object;
    // The schema names its meta-schema by https://; ajv knows draft-07 by its http:// id.
    const ajv = new Ajv({
      allErrors: true,
      strict: false,
      validateFormats: false,
      validateSchema: false,
    });
    const validate = ajv.compile(schema);
    const compose = readCompose(path.join(ROOT, "docker-compose.yml"));
    expect(validate(compose) ? [] : validate.errors).toEqual([]);
    // The schema catches a misspelt key (its services forbid unknown properties).
    const bad = structuredClone(compose) as { services: Record<string, Record<string, unknown>> };
    bad.services["worker"]!["stop_grace_periode"] = "120s";
    expect(validate(bad)).toBe(false);
  });

  it("its secrets agree: the S3 credentials file holds MinIO's root user, the API key hashes the token", () => {
    const file = (name: string): string =>
      readFileSync(
        path.join(ROOT, readCompose(path.join(ROOT, "docker-compose.yml")).secrets![name]!.file),
        "utf8",
      );
    const ini = Object.fromEntries(
      [...file("s3-credentials").matchAll(/^(\w+)\s*=\s*(\S+)$/gm)].map((m) => [m[1], m[2]]),
    );
    expect(ini["aws_access_key_id"]).toBe(file("s3-access-key").trim());
    expect(ini["aws_secret_access_key"]).toBe(file("s3-secret-key").trim());
    const [name, scopes, hash] = file("api-keys").trim().split(/\s+/);
    expect({ name, scopes }).toEqual({ name: "demo", scopes: "read,submit" });
    expect(hash).toBe(createHash("sha256").update(file("api-token").trim()).digest("hex"));
  });

  it("gives workers the same drain time as Kubernetes does", () => {
    const compose = readCompose(path.join(ROOT, "docker-compose.yml"));
    const gpu = kustomizeBuild(path.join(ROOT, "infra/k8s/overlays/gpu"));
    const grace = (name: string): number =>
      spec(named(gpu, "Deployment", name)).template.spec.terminationGracePeriodSeconds as number;
    expect(compose.services["worker"]!.stop_grace_period).toBe(`${grace("worker-cpu")}s`);
    expect(compose.services["gpu-worker"]!.stop_grace_period).toBe(`${grace("worker-gpu")}s`);
  });
});

describe.each(OVERLAYS)("infra/k8s/overlays/%s", (overlay) => {
  const dir = path.join(ROOT, "infra/k8s/overlays", overlay);
  const objects = kustomizeBuild(dir);
  const namespace = named(objects, "Namespace", byKind(objects, "Namespace")[0]!.metadata.name)
    .metadata.name;

  it("renders as `kubectl kustomize` does", (ctx) => {
    const kubectl = spawnSync("kubectl", ["kustomize", dir], { encoding: "utf8" });
    if (kubectl.error !== undefined) {
      console.log(
        `infra-manifests: kubectl is not installed; the renderer is checked only by the tests below`,
      );
      ctx.skip();
    }
    expect(kubectl.status, kubectl.stderr).toBe(0);
    const theirs = parseAllDocuments(kubectl.stdout).map((d) => d.toJS() as K8sObject);
    expect(canonical(objects)).toEqual(canonical(theirs));
  });

  it("every object validates against the Kubernetes or KEDA schema", () => {
    expect(objects.length).toBeGreaterThan(10);
    for (const o of objects) {
      const Model = MODELS[`${o.apiVersion}/${o.kind}`];
      expect(Model, `${o.apiVersion} ${o.kind} has a validator`).toBeDefined();
      expect(() => new Model!(o as never).validate(), `${o.kind} ${o.metadata.name}`).not.toThrow();
      if (o.kind !== "Namespace") expect(o.metadata.namespace).toBe(namespace);
    }
    // The validators reject what the API server would.
    const broken = structuredClone(named(objects, "Deployment", "worker-cpu"));
    spec(broken).template.spec.terminationGracePeriodSeconds = "120";
    expect(() => new Deployment(broken as never).validate()).toThrow(
      /terminationGracePeriodSeconds/,
    );
  });

  it("KEDA scales each worker pool on the BullMQ wait list of every queue it serves", () => {
    const config = named(objects, "ConfigMap", "featurewise")["data"] as Record<string, string>;
    const keys = new QueueKeys(config["FEATUREWISE_QUEUE_PREFIX"]);
    // KEDA's operator runs in its own namespace: the address names the service fully.
    expect(config["REDIS_ADDRESS"]).toBe(`redis.${namespace}.svc.cluster.local:6379`);
    expect(spec(named(objects, "Service", "redis")).ports[0].port).toBe(6379);
    const scaled = byKind(objects, "ScaledObject");
    expect(scaled.length).toBeGreaterThan(0);
    const served = new Set<string>();
    for (const so of scaled) {
      const target = named(objects, "Deployment", spec(so).scaleTargetRef.name as string);
      const queues = servedQueues(containersOf(target)[0]!["args"] as string[]);
      const lists = (spec(so).triggers as { type: string; metadata: Record<string, string> }[]).map(
        (t) => {
          expect(t.type).toBe("redis");
          expect(t.metadata["addressFromEnv"]).toBe("REDIS_ADDRESS");
          return t.metadata["listName"];
        },
      );
      expect(lists.sort()).toEqual(queues.map((q) => keys.toKey(q, "wait")).sort());
      for (const q of queues) {
        expect(served.has(q), `${q} is served by one pool only`).toBe(false);
        served.add(q);
      }
    }
    expect([...served].sort()).toEqual([...QUEUES].sort());
  });

  it("workers drain on SIGTERM within their grace period; every pool has a disruption budget", () => {
    const pdbs = byKind(objects, "PodDisruptionBudget");
    for (const d of byKind(objects, "Deployment")) {
      const pod = spec(d).template.spec;
      const container = containersOf(d)[0]!;
      if ((container["args"] as string[] | undefined)?.[0] === "worker") {
        expect(pod.terminationGracePeriodSeconds, d.metadata.name).toBeGreaterThanOrEqual(120);
      }
      if (["api", "worker-cpu", "worker-gpu"].includes(d.metadata.name)) {
        const labels = spec(d).selector.matchLabels as Record<string, string>;
        expect(
          pdbs.some((p) => JSON.stringify(spec(p).selector.matchLabels) === JSON.stringify(labels)),
          `${d.metadata.name} has a PodDisruptionBudget`,
        ).toBe(true);
      }
    }
  });

  it("every container has a tagged image and requests, and its config, secrets and mounted files exist", () => {
    for (const o of [
      ...byKind(objects, "Deployment"),
      ...byKind(objects, "StatefulSet"),
      ...byKind(objects, "Job"),
    ]) {
      const pod = spec(o).template.spec;
      for (const c of containersOf(o) as Yaml[]) {
        if (o.kind !== "Job") {
          expect(c.resources?.requests?.cpu, `${o.metadata.name} cpu request`).toBeDefined();
          expect(c.resources?.requests?.memory, `${o.metadata.name} memory request`).toBeDefined();
        }
        expect(c.image, `${o.metadata.name}: a tagged image`).toMatch(/^[\w./-]+:[\w.-]+$/);
        for (const from of c.envFrom ?? []) {
          if (from.configMapRef) named(objects, "ConfigMap", from.configMapRef.name);
          if (from.secretRef) named(objects, "Secret", from.secretRef.name);
        }
        const usesConfig = (c.envFrom ?? []).some(
          (f: Yaml) => f.configMapRef?.name === "featurewise",
        );
        if (!usesConfig) continue;
        // AWS_SHARED_CREDENTIALS_FILE is a key of a secret mounted where it points.
        const config = named(objects, "ConfigMap", "featurewise")["data"] as Record<string, string>;
        const file = config["AWS_SHARED_CREDENTIALS_FILE"]!;
        const mount = (c.volumeMounts ?? []).find((m: Yaml) => file.startsWith(`${m.mountPath}/`));
        expect(mount, `${o.metadata.name} mounts ${file}`).toBeDefined();
        const volume = pod.volumes.find((v: Yaml) => v.name === mount.name);
        const secret = named(objects, "Secret", volume.secret.secretName);
        expect(Object.keys(secret["stringData"] as object)).toContain(path.basename(file));
      }
    }
  });

  it("the API is probed on /v1/health and /v1/ready", () => {
    const c = containersOf(named(objects, "Deployment", "api"))[0] as Yaml;
    expect(c.livenessProbe.httpGet.path).toBe("/v1/health");
    expect(c.readinessProbe.httpGet.path).toBe("/v1/ready");
    expect(c.args[0]).toBe("serve");
  });
});

describe("infra/k8s/overlays/gpu", () => {
  it("puts the GPU pool on GPU nodes with one GPU each", () => {
    const objects = kustomizeBuild(path.join(ROOT, "infra/k8s/overlays/gpu"));
    const d = named(objects, "Deployment", "worker-gpu");
    const c = containersOf(d)[0] as Yaml;
    expect(c.resources.limits["nvidia.com/gpu"]).toBe("1");
    expect(c.args).toEqual([
      "worker",
      "--queues",
      "finalize,predict",
      "--backend",
      "cuda",
      "--device",
      "cuda",
    ]);
    expect(spec(d).template.spec.tolerations[0].key).toBe("nvidia.com/gpu");
    expect(c.image).toMatch(/:gpu-/);
  });
});
