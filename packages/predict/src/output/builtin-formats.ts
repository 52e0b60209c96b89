/** Registers the output formats featurewise ships. */
import { jsonlFormat } from "./jsonl-format.js";
import { npyFormat } from "./npy-format.js";
import { registerPartFormat } from "./part-format.js";
import { parquetFormat } from "./parquet-format.js";

registerPartFormat(parquetFormat);
registerPartFormat(npyFormat);
registerPartFormat(jsonlFormat);
