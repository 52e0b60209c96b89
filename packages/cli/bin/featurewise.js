#!/usr/bin/env -S node --max-semi-space-size=2
// A small young generation: the fit allocates many short-lived buffers and
// V8 would otherwise grow it to 3x16 MiB over a long run (RSS that creeps up
// with the number of images). Run this file directly (the linked `featurewise`,
// or `npx featurewise` inside the repo) to get it.
import { main } from "../dist/index.js";

process.exitCode = await main(process.argv.slice(2));
