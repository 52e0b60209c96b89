import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";

/** The parts of a compose service that running it as a local process needs. */
export interface ComposeService {
  readonly image?: string;
  readonly entrypoint?: readonly string[];
  readonly command?: readonly string[];
  readonly environment?: Readonly<Record<string, string | number | boolean>>;
  readonly volumes?: readonly string[];
  readonly secrets?: readonly string[];
  readonly profiles?: readonly string[];
  readonly deploy?: { readonly replicas?: number };
  readonly stop_grace_period?: string;
}

/** A compose file, YAML anchors and merge keys resolved. */
export interface ComposeFile {
  readonly services: Readonly<Record<string, ComposeService>>;
  readonly volumes?: Readonly<Record<string, unknown>>;
  readonly secrets?: Readonly<Record<string, { readonly file: string }>>;
}

/** Reads `docker-compose.yml` (merge keys `<<:` resolved, as Compose does). */
export function readCompose(file: string): ComposeFile {
  return parse(readFileSync(file, "utf8"), { merge: true }) as ComposeFile;
}

/**
 * Where a group of services' container paths and host names are on this
 * machine: named volumes become folders, bind mounts the repository's
 * paths, `/run/secrets/<name>` the secret's file, `/app` (the image's
 * install) the repository, and `host:port` the local process' address.
 */
export class LocalMapping {
  private readonly paths: [string, string][] = [];

  /**
   * @param services the services that share these mounts (a path mounted
   *   twice must come from the same source, else the file is inconsistent)
   * @param hosts `service:port` → `127.0.0.1:<local port>`
   * @param volumeDir the local folder of a named volume
   */
  constructor(
    private readonly compose: ComposeFile,
    private readonly root: string,
    services: readonly string[],
    private readonly hosts: Readonly<Record<string, string>>,
    volumeDir: (name: string) => string,
  ) {
    const seen = new Map<string, string>([["/app", root]]);
    for (const name of services) {
      const service = compose.services[name];
      if (service === undefined) throw new Error(`docker-compose.yml has no service ${name}`);
      for (const volume of service.volumes ?? []) {
        const [source, target] = volume.split(":") as [string, string];
        const local = source.startsWith(".") ? path.resolve(root, source) : volumeDir(source);
        this.add(seen, target, local, `${name}: ${volume}`);
      }
      for (const secret of service.secrets ?? []) {
        const file = compose.secrets?.[secret]?.file;
        if (file === undefined) throw new Error(`${name} uses secret ${secret}, not declared`);
        this.add(seen, `/run/secrets/${secret}`, path.resolve(root, file), `${name}: ${secret}`);
      }
    }
    this.paths = [...seen].sort((a, b) => b[0].length - a[0].length);
  }

  private add(seen: Map<string, string>, target: string, local: string, what: string): void {
    const before = seen.get(target);
    if (before !== undefined && before !== local)
      throw new Error(`${what}: ${target} is also mounted from ${before}`);
    seen.set(target, local);
  }

  /** A command argument or environment value as a local process needs it. */
  value(v: string): string {
    let out = v;
    for (const [host, local] of Object.entries(this.hosts)) out = out.split(host).join(local);
    for (const [target, local] of this.paths) {
      if (out === target) return local;
      if (out.startsWith(`${target}/`)) return local + out.slice(target.length);
    }
    return out;
  }

  /** The service's environment, mapped. */
  env(service: string): Record<string, string> {
    const env: Record<string, string> = {};
    const given = this.compose.services[service]?.environment ?? {};
    for (const [k, v] of Object.entries(given)) env[k] = this.value(String(v));
    return env;
  }

  /** The service's entrypoint and command, mapped (the image's entrypoint is `featurewise`). */
  argv(service: string): string[] {
    const s = this.compose.services[service]!;
    return [...(s.entrypoint ?? ["featurewise"]), ...(s.command ?? [])].map((a) => this.value(a));
  }
}
