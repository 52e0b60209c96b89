/**
 * SHA-256 of a file given as pieces, as lowercase hex.
 *
 * Node's `crypto.createHash` where the runtime has `process.getBuiltinModule`
 * (Node ≥ 20.16): it hashes the pieces in turn, without joining them (W is
 * 75 MB at D=3072). Elsewhere WebCrypto's `subtle.digest` on the joined
 * bytes. Looked up without an import, so the core stays free of Node modules.
 */
import { concatBytes } from "../codecs/concat-bytes.js";
export async function sha256Hex(parts: readonly Uint8Array[]): Promise<string> {
  if (nodeCreateHash !== null) {
    const hash = nodeCreateHash("sha256");
    for (const p of parts) hash.update(p);
    return hash.digest("hex");
  }
  const subtle = (globalThis as { crypto?: { subtle?: SubtleLike } }).crypto?.subtle;
  if (subtle === undefined)
    throw new Error("sha256: neither node:crypto nor WebCrypto is available");
  const joined = concatBytes(parts);
  const digest = new Uint8Array(await subtle.digest("SHA-256", joined));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

interface HashLike {
  update(data: Uint8Array): HashLike;
  digest(encoding: "hex"): string;
}
interface SubtleLike {
  digest(algorithm: string, data: Uint8Array): Promise<ArrayBuffer>;
}

const nodeCreateHash = (() => {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const crypto = proc?.getBuiltinModule?.("node:crypto") as
    { createHash?: (algorithm: string) => HashLike } | undefined;
  return typeof crypto?.createHash === "function" ? crypto.createHash : null;
})();
