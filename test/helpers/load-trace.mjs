// `node --import ./test/helpers/load-trace.mjs …` appends the URL of every
// ES module the process loads to the file named by LOAD_TRACE_OUT (CommonJS
// modules that CommonJS requires do not pass these hooks: read require.cache).
import { register } from "node:module";

register("./load-trace-hooks.mjs", import.meta.url, {
  data: { out: process.env.LOAD_TRACE_OUT },
});
