// The benches' image folders: made once under bench/data/ and reused by every bench that asks for the same ones.
import { existsSync } from "node:fs";
import { writeSyntheticImages } from "@featurewise/dataset";

/**
 * `bench/data/png-<count>-<size>`: `count` deterministic `size`x`size` RGB
 * PNGs, written the first time a bench asks for them.
 */
export async function syntheticPngs(count, size) {
  const dir = `bench/data/png-${count}-${size}`;
  if (!existsSync(dir)) {
    console.error(`writing ${count} deterministic ${size}x${size} RGB PNGs to ${dir}/ ...`);
    await writeSyntheticImages(dir, { count, height: size, width: size });
  }
  return dir;
}
