/**
 * The kit's standard verbs.
 *
 * @module
 */
import { type Command, lazyCommand } from "../kit.ts";

/**
 * Every standard verb, in help order. Each is loaded when it runs: `get` does
 * not read the code of `edit` or `wait`.
 */
export function standardCommands(): Command[] {
  return [
    lazyCommand("get", async () => (await import("./get.ts")).getCommand),
    lazyCommand("describe", async () => (await import("./describe.ts")).describeCommand),
    lazyCommand("create", async () => {
      const [{ createCommand }, { fromFiles }] = await Promise.all([
        import("./create.ts"),
        import("./files.ts"),
      ]);
      return createCommand(fromFiles.create);
    }),
    lazyCommand("diff", async () => (await import("./diff.ts")).diffCommand),
    lazyCommand("apply", async () => (await import("./apply.ts")).applyCommand),
    lazyCommand("edit", async () => (await import("./edit.ts")).editCommand),
    lazyCommand("delete", async () => {
      const [{ deleteCommand }, { fromFiles }] = await Promise.all([
        import("./delete.ts"),
        import("./files.ts"),
      ]);
      return deleteCommand(fromFiles.delete);
    }),
    lazyCommand("patch", async () => (await import("./patch.ts")).patchCommand),
    lazyCommand("replace", async () => (await import("./replace.ts")).replaceCommand),
    lazyCommand("label", async () => (await import("./label.ts")).labelCommand),
    lazyCommand("annotate", async () => (await import("./label.ts")).annotateCommand),
    lazyCommand("wait", async () => (await import("./wait.ts")).waitCommand),
    lazyCommand(
      "api-resources",
      async () => (await import("./api_resources.ts")).apiResourcesCommand,
    ),
    lazyCommand(
      "api-versions",
      async () => (await import("./api_versions.ts")).apiVersionsCommand,
    ),
    lazyCommand("explain", async () => (await import("./explain.ts")).explainCommand),
    lazyCommand("events", async () => (await import("./events.ts")).eventsCommand),
    lazyCommand("plugin", async () => (await import("../plugins.ts")).pluginCommand),
    lazyCommand("completion", async () => (await import("./completion.ts")).completionCommand),
    lazyCommand("config", async () => (await import("./config.ts")).configCommand),
    lazyCommand("version", async () => (await import("./version.ts")).versionCommand),
    lazyCommand("serve", async () => (await import("./serve.ts")).serveCommand),
    lazyCommand("crd", async () => (await import("./crd.ts")).crdCommand),
  ];
}
