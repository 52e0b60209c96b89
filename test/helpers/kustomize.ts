import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parse, parseAllDocuments } from "yaml";

/** A Kubernetes object as kustomize emits it. */
export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [k: string]: unknown };
  [k: string]: unknown;
};

interface Kustomization {
  resources?: string[];
  namespace?: string;
  images?: { name: string; newName?: string; newTag?: string }[];
  patches?: { target: { kind: string; name: string }; patch: string }[];
}

/** The kustomization fields this renderer implements; any other one is an error, not ignored. */
const SUPPORTED = new Set(["apiVersion", "kind", "resources", "namespace", "images", "patches"]);
const CLUSTER_SCOPED = new Set([
  "Namespace",
  "ClusterRole",
  "ClusterRoleBinding",
  "CustomResourceDefinition",
]);

/**
 * `kustomize build <dir>` for the subset infra/k8s uses (there is no
 * kustomize binary on CI's machines): `resources` (files, or folders with
 * their own kustomization), `namespace`, `images` (newName/newTag by image
 * name) and `patches` whose patch is a JSON 6902 list of add/replace/remove
 * operations on one target (kind and name). test/infra-manifests.test.ts
 * compares its output with `kubectl kustomize` where kubectl is installed.
 */
export function kustomizeBuild(dir: string): K8sObject[] {
  const k = parse(readFileSync(path.join(dir, "kustomization.yaml"), "utf8")) as Kustomization;
  for (const key of Object.keys(k))
    if (!SUPPORTED.has(key))
      throw new Error(`${dir}/kustomization.yaml: ${key} is not supported here`);
  const objects: K8sObject[] = [];
  for (const r of k.resources ?? []) {
    const p = path.resolve(dir, r);
    if (statSync(p).isDirectory()) objects.push(...kustomizeBuild(p));
    else
      for (const doc of parseAllDocuments(readFileSync(p, "utf8"))) {
        if (doc.errors.length > 0) throw new Error(`${p}: ${doc.errors[0]!.message}`);
        const o = doc.toJS() as K8sObject | null;
        if (o !== null) objects.push(o);
      }
  }
  if (k.namespace !== undefined)
    for (const o of objects) if (!CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = k.namespace;
  for (const { target, patch } of k.patches ?? []) {
    const hits = objects.filter((o) => o.kind === target.kind && o.metadata.name === target.name);
    if (hits.length === 0) throw new Error(`${dir}: no ${target.kind} ${target.name} to patch`);
    const ops = parse(patch) as { op: string; path: string; value?: unknown }[];
    for (const o of hits) for (const op of ops) applyOperation(o, op);
  }
  for (const image of k.images ?? [])
    for (const o of objects)
      for (const c of containersOf(o))
        if (imageName(c.image) === image.name)
          c.image = `${image.newName ?? image.name}${image.newTag === undefined ? "" : `:${image.newTag}`}`;
  return objects;
}

/** The containers of a workload's pod template (Deployment, StatefulSet, Job). */
export function containersOf(
  o: K8sObject,
): { name: string; image: string; [k: string]: unknown }[] {
  const spec = (o["spec"] as { template?: { spec?: Record<string, unknown> } } | undefined)
    ?.template?.spec;
  if (spec === undefined) return [];
  return [...((spec["initContainers"] as []) ?? []), ...((spec["containers"] as []) ?? [])];
}

function imageName(image: string): string {
  const at = image.lastIndexOf(":");
  return at > image.lastIndexOf("/") ? image.slice(0, at) : image;
}

/** One RFC 6902 operation (add, replace, remove) on `doc`, in place. */
export function applyOperation(
  doc: unknown,
  op: { op: string; path: string; value?: unknown },
): void {
  const keys = op.path
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  const last = keys.pop();
  if (last === undefined) throw new Error(`patch path ${op.path}: empty`);
  let parent = doc as Record<string, unknown>;
  for (const key of keys) {
    const next = parent[key];
    if (typeof next !== "object" || next === null)
      throw new Error(`patch path ${op.path}: no ${key}`);
    parent = next as Record<string, unknown>;
  }
  if (Array.isArray(parent)) {
    const i = last === "-" ? parent.length : Number(last);
    if (!Number.isInteger(i) || i < 0 || i > parent.length - (op.op === "add" ? 0 : 1))
      throw new Error(`patch path ${op.path}: index ${last} out of range`);
    if (op.op === "add") parent.splice(i, 0, op.value);
    else if (op.op === "replace") parent[i] = op.value;
    else if (op.op === "remove") parent.splice(i, 1);
    else throw new Error(`patch op ${op.op} is not supported here`);
    return;
  }
  if (op.op !== "add" && !(last in parent)) throw new Error(`patch path ${op.path}: no ${last}`);
  if (op.op === "add" || op.op === "replace") parent[last] = op.value;
  else if (op.op === "remove") delete parent[last];
  else throw new Error(`patch op ${op.op} is not supported here`);
}
