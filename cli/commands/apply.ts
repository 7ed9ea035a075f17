/**
 * `apply -f FILE|DIR|-` (`-R`): kubectl's client-side apply with the
 * last-applied-configuration annotation and a three-way merge, `--prune`,
 * `--force`; and the help of its subcommands `edit-last-applied`,
 * `set-last-applied` and `view-last-applied`, with their own flags.
 *
 * @module
 */
import { CASCADE_FLAG } from "./delete.ts";
import { PRINT_FLAGS } from "./read_flags.ts";
import { CliError } from "../errors.ts";
import type { FlagSpec } from "../flags.ts";
import { type Command, type CommandDoc, DRY_RUN_FLAG } from "../kit.ts";
import { VALIDATE_OPTIONS } from "../validate.ts";

const VALIDATE_TEXT =
  'Must be one of: strict (or true), warn, ignore (or false). "true" or "strict" will use a schema to validate the input and fail the request if invalid. It will perform server side validation if ServerSideFieldValidation is enabled on the api-server, but will fall back to less reliable client-side validation if not. "warn" will warn about unknown or duplicate fields without blocking the request if server-side field validation is enabled on the API server, and behave as "ignore" otherwise. "false" or "ignore" will not perform any schema validation, silently dropping any unknown or duplicate fields.';

/** kubectl's `--validate` flag (alone: `strict`) and its help text. */
export const VALIDATE: FlagSpec = {
  ...VALIDATE_OPTIONS.validate,
  description: VALIDATE_TEXT,
  defaultText: "'strict'",
};

/** kubectl's `--dry-run` flag and its help text. */
export const DRY_RUN: FlagSpec = {
  ...DRY_RUN_FLAG,
  description:
    'Must be "none", "server", or "client". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.',
  defaultText: "'none'",
};

/** kubectl's `--output` flag and its help text. */
export const OUTPUT: FlagSpec = {
  type: "string",
  short: "o",
  description:
    "Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).",
};

/** kubectl's `--recursive` flag and its help text. */
export const RECURSIVE: FlagSpec = {
  type: "boolean",
  short: "R",
  description:
    "Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.",
};

/** kubectl's `--selector` flag and its help text. */
export const SELECTOR: FlagSpec = {
  type: "string",
  short: "l",
  description:
    "Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints.",
};

/** `--force` of the verbs that delete and re-create (apply, replace), kubectl's words. */
export const FORCE: FlagSpec = {
  type: "boolean",
  description: "If true, immediately remove resources from API and bypass graceful deletion. " +
    "Note that immediate deletion of some resources may result in inconsistency or data loss " +
    "and requires confirmation.",
};

/** `--grace-period` of the verbs that delete (-1: the object's own default). */
export const GRACE_PERIOD: FlagSpec = {
  type: "int",
  description: "Period of time in seconds given to the resource to terminate gracefully. " +
    "Ignored if negative. Set to 1 for immediate shutdown. Can only be set to 0 when --force " +
    "is true (force deletion).",
  defaultText: "-1",
};

/** `--timeout` of the verbs that delete and wait for it (apply --force, replace --force). */
export const DELETE_TIMEOUT: FlagSpec = {
  type: "string",
  description: "The length of time to wait before giving up on a delete, zero means determine " +
    "a timeout from the size of the object",
  defaultText: "0s",
};

/** `--wait` of apply and replace: wait for what they delete to be gone. */
export const WAIT_FOR_DELETION: FlagSpec = {
  type: "boolean",
  description:
    "If true, wait for resources to be gone before returning. This waits for finalizers.",
};

/** `--prune-allowlist` of apply and diff. */
export const PRUNE_ALLOWLIST: FlagSpec = {
  type: "string",
  multiple: true,
  description: "Overwrite the default allowlist with <group/version/kind> for --prune",
};

const FIELD_MANAGER: FlagSpec = {
  type: "string",
  description: "Name of the manager used to track field ownership.",
  defaultText: "'kubectl-client-side-apply'",
};

const LAST_APPLIED_FILES =
  "Filename, directory, or URL to files that contains the last-applied-configuration annotations";

/** `apply edit-last-applied`: the annotation in the editor, set to what is saved. */
export const editLastAppliedDoc: CommandDoc = {
  name: "edit-last-applied",
  summary: "Edit latest last-applied-configuration annotations of a resource/object",
  long:
    "Edit the latest last-applied-configuration annotations of resources from the default editor.\n\n" +
    " The edit-last-applied command allows you to directly edit any API resource you can retrieve via the command-line tools. It will open the editor defined by your KUBE_EDITOR, or EDITOR environment variables, or fall back to 'vi' for Linux or 'notepad' for Windows. You can edit multiple objects, although changes are applied one at a time. The command accepts file names as well as command-line arguments, although the files you point to must be previously saved versions of resources.\n\n" +
    ' The default format is YAML. To edit in JSON, specify "-o json".\n\n' +
    " The flag --windows-line-endings can be used to force Windows line endings, otherwise the default for your operating system will be used.\n\n" +
    " In the event an error occurs while updating, a temporary file will be created on disk that contains your unapplied changes. The most common error when updating a resource is another editor changing the resource on the server. When this occurs, you will have to apply your changes to the newer version of the resource, or update your temporary saved copy to include the latest resource version.",
  examples: "# Edit the last-applied-configuration annotations by type/name in YAML\n" +
    "k1s apply edit-last-applied configmap/settings\n\n" +
    "# Edit the last-applied-configuration annotations by file in JSON\n" +
    "k1s apply edit-last-applied -f cm.yaml -o json",
  usage: "apply edit-last-applied (RESOURCE/NAME | -f FILENAME)",
  options: {
    "field-manager": FIELD_MANAGER,
    filename: {
      type: "string",
      short: "f",
      multiple: true,
      description: "Filename, directory, or URL to files to use to edit the resource",
    },
    output: OUTPUT,
    recursive: RECURSIVE,
    validate: VALIDATE,
    "windows-line-endings": {
      type: "boolean",
      description: "Defaults to the line ending native to your platform.",
    },
  },
  mutates: true,
};

/** `apply set-last-applied`. */
export const setLastAppliedDoc: CommandDoc = {
  name: "set-last-applied",
  summary:
    "Set the last-applied-configuration annotation on a live object to match the contents of a file",
  long:
    "Set the latest last-applied-configuration annotations by setting it to match the contents of a file. This results in the last-applied-configuration being updated as though 'k1s apply -f<file> ' was run, without updating any other parts of the object.",
  examples: "# Set the last-applied-configuration of a resource to match the contents of a file\n" +
    "k1s apply set-last-applied -f cm.yaml\n\n" +
    "# Execute set-last-applied against each configuration file in a directory\n" +
    "k1s apply set-last-applied -f path/\n\n" +
    "# Set the last-applied-configuration of a resource to match the contents of a file; will create the annotation if it does not already exist\n" +
    "k1s apply set-last-applied -f cm.yaml --create-annotation=true",
  usage: "apply set-last-applied -f FILENAME",
  options: {
    "create-annotation": {
      type: "boolean",
      description:
        "Will create 'last-applied-configuration' annotations if current objects doesn't have one",
    },
    "dry-run": DRY_RUN,
    filename: { type: "string", short: "f", multiple: true, description: LAST_APPLIED_FILES },
    output: OUTPUT,
  },
  mutates: true,
};

/** `apply view-last-applied`. */
export const viewLastAppliedDoc: CommandDoc = {
  name: "view-last-applied",
  summary: "View the latest last-applied-configuration annotations of a resource/object",
  long: "View the latest last-applied-configuration annotations by type/name or file.\n\n" +
    " The default output will be printed to stdout in YAML format. You can use the -o option to change the output format.",
  examples: "# View the last-applied-configuration annotations by type/name in YAML\n" +
    "k1s apply view-last-applied configmap/settings\n\n" +
    "# View the last-applied-configuration annotations by file in JSON\n" +
    "k1s apply view-last-applied -f cm.yaml -o json",
  usage: "apply view-last-applied (TYPE [NAME | -l label] | TYPE/NAME | -f FILENAME)",
  options: {
    all: {
      type: "boolean",
      description: "Select all resources in the namespace of the specified resource types",
    },
    filename: { type: "string", short: "f", multiple: true, description: LAST_APPLIED_FILES },
    output: {
      type: "string",
      short: "o",
      description: "Output format. Must be one of (yaml, json)",
      defaultText: "'yaml'",
    },
    recursive: RECURSIVE,
    selector: SELECTOR,
  },
  mutates: false,
};

/** The `apply` command. */
export const applyCommand: Command = {
  name: "apply",
  summary: "Apply a configuration to a resource by file name or stdin",
  long:
    "Apply a configuration to a resource by file name or stdin. The resource name must be specified. This resource will be created if it doesn't exist yet. To use 'apply', always create the resource initially with either 'apply' or 'create --save-config'.\n\n" +
    " JSON and YAML formats are accepted.\n\n" +
    " Alpha Disclaimer: the --prune functionality is not yet complete. Do not use unless you are aware of what the current state is. See https://issues.k8s.io/34274.",
  examples: "# Apply the configuration in configmap.json to a config map\n" +
    "k1s apply -f ./configmap.json\n\n" +
    "# Apply the JSON passed into stdin to a config map\n" +
    "cat configmap.json | k1s apply -f -\n\n" +
    "# Apply the configuration from all files in a directory and its subdirectories\n" +
    "k1s apply -R -f dir/\n\n" +
    "# Note: --prune is still in Alpha\n" +
    "# Apply the configuration in manifest.yaml that matches label app=web and delete all other resources that are not in the file and match label app=web\n" +
    "k1s apply --prune -f manifest.yaml -l app=web\n\n" +
    "# Apply the configuration in manifest.yaml and delete all the other config maps that are not in the file\n" +
    "k1s apply --prune -f manifest.yaml --all --prune-allowlist=core/v1/ConfigMap",
  usage: "apply -f FILENAME",
  options: {
    all: {
      type: "boolean",
      description: "Select all resources in the namespace of the specified resource types.",
    },
    cascade: CASCADE_FLAG,
    "dry-run": DRY_RUN,
    "field-manager": FIELD_MANAGER,
    filename: {
      type: "string",
      short: "f",
      multiple: true,
      description: "The files that contain the configurations to apply.",
    },
    force: FORCE,
    "grace-period": GRACE_PERIOD,
    output: OUTPUT,
    ...PRINT_FLAGS,
    prune: {
      type: "boolean",
      description:
        "Automatically delete resource objects, that do not appear in the configs and are created by either apply or create --save-config. Should be used with either -l or --all.",
    },
    "prune-allowlist": PRUNE_ALLOWLIST,
    recursive: RECURSIVE,
    selector: SELECTOR,
    timeout: DELETE_TIMEOUT,
    validate: VALIDATE,
    wait: WAIT_FOR_DELETION,
  },
  subcommands: [editLastAppliedDoc, setLastAppliedDoc, viewLastAppliedDoc],
  mutates: true,
  async run(ctx) {
    if (ctx.args[0] === "edit-last-applied") {
      const { editLastApplied } = await import("./apply_edit_last_applied.ts");
      return await editLastApplied(ctx, ctx.args.slice(1));
    }
    // kubectl's order: arguments first, then the missing -f (a plain error).
    if (ctx.args.length) {
      throw new CliError(`Unexpected args: [${ctx.args.join(" ")}]`, {
        hint: `See '${ctx.cli.name} apply -h' for help and examples`,
      });
    }
    if (!ctx.flags.filename) throw new CliError("must specify one of -f and -k");
    const { applyFromFiles } = await import("./apply_files.ts");
    return await applyFromFiles(ctx);
  },
};
