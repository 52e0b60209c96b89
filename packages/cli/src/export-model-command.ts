import { Command } from "commander";
import {
  ErrorCodes,
  FeaturewiseError,
  PREDICT_INPUT_LAYOUTS,
  parseChoice,
} from "@featurewise/core";
import { readStorageConfig, Storage } from "@featurewise/storage";

interface ExportModelFlags {
  model: string;
  stats: string;
  out: string;
  inputLayout?: string;
  overwrite?: boolean;
  json?: boolean;
}

/** `featurewise export-model --model … --stats … --out …`: the model with the artifact's standardization inside. */
export function exportModelCommand(print: (text: string) => void): Command {
  return new Command("export-model")
    .description(
      "write a copy of a model that takes raw decoded pixels (float32 0-255) and applies a fitted " +
        "artifact's standardization first, exactly as Keras' standardize does: ONNX nodes or " +
        "TensorFlow.js layers prepended (docs/export-model.md)",
    )
    .requiredOption(
      "--model <file|folder|s3://…>",
      "an ONNX model (.onnx) or a TensorFlow.js model.json (LayersModel or GraphModel), or a folder holding one",
    )
    .requiredOption("--stats <artifact>", "the artifact (folder or s3:// prefix) to prepend")
    .requiredOption(
      "--out <file|folder|s3://…>",
      "a .onnx / .json file, or a folder (model.onnx, or model.json with its weight files)",
    )
    .option(
      "--input-layout <layout>",
      `${PREDICT_INPUT_LAYOUTS.join("|")} (default auto: from the model's input)`,
    )
    .option("--overwrite", "replace a model already at --out")
    .option("--json", "print the result as JSON")
    .action(async (flags: ExportModelFlags) => {
      const inputLayout =
        flags.inputLayout === undefined
          ? "auto"
          : parseChoice("--input-layout", flags.inputLayout, PREDICT_INPUT_LAYOUTS);
      if (flags.out === flags.model) {
        throw new FeaturewiseError(
          ErrorCodes.INVALID_ARGUMENT,
          `--out ${flags.out} is the model itself; export to another file or folder`,
        );
      }
      const storage = new Storage(readStorageConfig(process.env));
      // Loaded here: ONNX Runtime and TensorFlow.js cost the other commands nothing.
      const { exportModel, formatShape } = await import("@featurewise/predict");
      try {
        const r = await exportModel(
          {
            model: flags.model,
            stats: flags.stats,
            out: flags.out,
            inputLayout,
            overwrite: flags.overwrite === true,
          },
          storage,
        );
        print(
          flags.json === true
            ? JSON.stringify(r, null, 2)
            : [
                `exported ${r.out} (${r.format})`,
                `input "${r.input.name}" ${formatShape(r.input.shape)} ${r.layout}: raw decoded pixels, float32 0-255`,
                `prepended: ${r.steps.length === 0 ? "nothing (the artifact's flags are off)" : r.steps.join(" -> ")}, from ${r.stats}`,
              ].join("\n"),
        );
      } finally {
        storage.close();
      }
    });
}
