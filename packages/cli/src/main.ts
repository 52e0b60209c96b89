import { Command, CommanderError } from "commander";
import { errorMeaning, FEATUREWISE_VERSION, FeaturewiseError } from "@featurewise/core";
import { fitCommand } from "./fit-command.js";
import { predictCommand } from "./predict-command.js";
import { reportCommand } from "./report-command.js";
import { transformCommand } from "./transform-command.js";
import { cancelCommand, statusCommand } from "./status-command.js";
import { workerCommand } from "./worker-command.js";

/**
 * Runs the `featurewise` command line and returns the exit code:
 * 0 success, 1 a failed command, 2 a usage error. Errors are one line on stderr.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const print = (text: string): void => {
    process.stdout.write(text + "\n");
  };
  const program = new Command("featurewise")
    .description(
      "Keras-exact featurewise image statistics (mean, std, ZCA) for datasets of any size",
    )
    .version(FEATUREWISE_VERSION)
    .addCommand(fitCommand(print))
    .addCommand(transformCommand(print))
    .addCommand(predictCommand(print))
    .addCommand(reportCommand(print))
    .addCommand(workerCommand())
    .addCommand(statusCommand(print))
    .addCommand(cancelCommand(print));
  const output = {
    writeErr: (s: string) => process.stderr.write(s.startsWith("error:") ? `featurewise: ${s}` : s),
  };
  for (const cmd of [program, ...program.commands]) cmd.exitOverride().configureOutput(output);
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? 0 : 2;
    }
    const msg =
      err instanceof FeaturewiseError
        ? err.message
        : err instanceof Error
          ? err.message
          : String(err);
    process.stderr.write(`featurewise: error: ${msg.split("\n")[0]}\n`);
    if (process.env["FEATUREWISE_DEBUG"] && err instanceof Error)
      process.stderr.write(`${err.stack}\n`);
    return errorMeaning(err).exitStatus;
  }
}
