import { Command } from "commander";
import { parsePositiveInt } from "@featurewise/core";
// The options alone: the report itself (sharp, the pipeline, predict) loads when the command runs.
import { REPORT_DEFAULTS } from "@featurewise/report/options";
import { parentLocation, readStorageConfig, Storage } from "@featurewise/storage";
import { addFitOption } from "./option-help.js";

interface ReportFlags {
  out: string;
  sample?: string;
  rows?: string;
  maxDim?: string;
  backend?: string;
}

/** `featurewise report <artifact|prediction-folder> --out report.html`: one self-contained HTML report. */
export function reportCommand(print: (text: string) => void): Command {
  const d = REPORT_DEFAULTS;
  const cmd = new Command("report")
    .description(
      "write one self-contained HTML report (pictures inline, nothing fetched) of a fit's artifact or a prediction run",
    )
    .argument(
      "<target>",
      "a stats artifact (folder or s3:// prefix with stats.json) or a prediction output folder (with manifest.json)",
    )
    .requiredOption(
      "--out <file.html>",
      "the HTML file to write (path or s3:// URI; replaced if there)",
    )
    .option(
      "--sample <n>",
      `fit: source images in the sample grid and histograms (default ${d.sampleSize})`,
    )
    .option(
      "--rows <n>",
      `prediction: rows in the top-k table, each with a thumbnail (default ${d.maxRows})`,
    )
    .option(
      "--max-dim <D>",
      `fit: largest H·W·C whose mean/std images and whitening spectrum are drawn (default ${d.maxDim})`,
    );
  addFitOption(cmd, "backend");
  return cmd.action(async (target: string, flags: ReportFlags) => {
    const { renderReport } = await import("@featurewise/report");
    const storage = new Storage(readStorageConfig(process.env));
    try {
      const html = await renderReport(target, {
        storage,
        sampleSize:
          flags.sample === undefined ? d.sampleSize : parsePositiveInt("--sample", flags.sample),
        maxRows: flags.rows === undefined ? d.maxRows : parsePositiveInt("--rows", flags.rows),
        maxDim: flags.maxDim === undefined ? d.maxDim : parsePositiveInt("--max-dim", flags.maxDim),
        backend: flags.backend ?? d.backend,
      });
      const { parent, name } = parentLocation(flags.out);
      const dir = storage.open(parent);
      await dir.put(name, new TextEncoder().encode(html));
      print(`report: ${dir.uriOf(name)} (${Math.ceil(html.length / 1024)} KiB)`);
    } finally {
      storage.close();
    }
  });
}
