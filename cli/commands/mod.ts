/**
 * The kit's standard verbs.
 *
 * @module
 */
import { type Command, lazyCommand } from "../kit.ts";

/** The headings of kubectl's top-level help. */
const BEGINNER = "Basic Commands (Beginner)";
const INTERMEDIATE = "Basic Commands (Intermediate)";
const TROUBLESHOOTING = "Troubleshooting and Debugging Commands";
const ADVANCED = "Advanced Commands";
const SETTINGS = "Settings Commands";

/**
 * Every standard verb, in help order. Each is loaded when it runs: `get` does
 * not read the code of `edit` or `wait`.
 */
export function standardCommands(): Command[] {
  return [
    lazyCommand("create", async () => {
      const [{ createCommand }, { fromFiles }] = await Promise.all([
        import("./create.ts"),
        import("./files.ts"),
      ]);
      return createCommand(fromFiles.create);
    }, BEGINNER),
    lazyCommand("explain", async () => (await import("./explain.ts")).explainCommand, INTERMEDIATE),
    lazyCommand("get", async () => (await import("./get.ts")).getCommand, INTERMEDIATE),
    lazyCommand("edit", async () => (await import("./edit.ts")).editCommand, INTERMEDIATE),
    lazyCommand("delete", async () => {
      const [{ deleteCommand }, { fromFiles }] = await Promise.all([
        import("./delete.ts"),
        import("./files.ts"),
      ]);
      return deleteCommand(fromFiles.delete);
    }, INTERMEDIATE),
    lazyCommand(
      "describe",
      async () => (await import("./describe.ts")).describeCommand,
      TROUBLESHOOTING,
    ),
    lazyCommand("events", async () => (await import("./events.ts")).eventsCommand, TROUBLESHOOTING),
    lazyCommand("diff", async () => (await import("./diff.ts")).diffCommand, ADVANCED),
    lazyCommand("apply", async () => (await import("./apply.ts")).applyCommand, ADVANCED),
    lazyCommand("patch", async () => (await import("./patch.ts")).patchCommand, ADVANCED),
    lazyCommand("replace", async () => (await import("./replace.ts")).replaceCommand, ADVANCED),
    lazyCommand("wait", async () => (await import("./wait.ts")).waitCommand, ADVANCED),
    lazyCommand("label", async () => (await import("./label.ts")).labelCommand, SETTINGS),
    lazyCommand("annotate", async () => (await import("./label.ts")).annotateCommand, SETTINGS),
    lazyCommand(
      "completion",
      async () => (await import("./completion.ts")).completionCommand,
      SETTINGS,
    ),
    lazyCommand(
      "api-resources",
      async () => (await import("./api_resources.ts")).apiResourcesCommand,
    ),
    lazyCommand(
      "api-versions",
      async () => (await import("./api_versions.ts")).apiVersionsCommand,
    ),
    lazyCommand("config", async () => (await import("./config.ts")).configCommand),
    lazyCommand("crd", async () => (await import("./crd.ts")).crdCommand),
    lazyCommand("plugin", async () => (await import("../plugins.ts")).pluginCommand),
    lazyCommand("serve", async () => (await import("./serve.ts")).serveCommand),
    lazyCommand("version", async () => (await import("./version.ts")).versionCommand),
  ];
}
