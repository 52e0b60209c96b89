import { Option, type Command } from "commander";
import { fitOptionSpec } from "@featurewise/core";

/** Defaults that help does not spell out: the flag's own description says what happens without it. */
const UNSTATED = new Set(["off", "none", "required"]);

/**
 * Adds the fit option at `path` (see core's FIT_OPTION_SPECS) to a command:
 * its flag, its description and its default, as docs/cli.md shows them.
 * Commander is given no default value: an unset flag stays undefined and
 * the command applies FIT_DEFAULTS, so the default is decided in one place.
 * `defaultText` overrides the stated default (transform's decode flags
 * default to the artifact's).
 */
export function addFitOption(cmd: Command, path: string, defaultText?: string): Command {
  const spec = fitOptionSpec(path);
  const stated = defaultText ?? spec.defaultText;
  const option = new Option(
    spec.flag,
    UNSTATED.has(stated) ? spec.description : `${spec.description} (default ${stated})`,
  );
  if (spec.defaultText === "required") option.makeOptionMandatory();
  return cmd.addOption(option);
}
