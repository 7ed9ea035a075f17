/**
 * The kit's standard verbs.
 *
 * @module
 */
import { type Command, lazyCommand } from "../kit.ts";

/** `command` with kubectl's help texts where its module has none (./help_texts.ts). */
async function documented(command: Command | Promise<Command>): Promise<Command> {
  const { withHelpTexts } = await import("./help_texts.ts");
  return withHelpTexts(await command);
}

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
      return documented(createCommand(fromFiles.create));
    }, BEGINNER),
    lazyCommand("explain", async () => (await import("./explain.ts")).explainCommand, INTERMEDIATE),
    lazyCommand("get", async () => (await import("./get.ts")).getCommand, INTERMEDIATE),
    lazyCommand(
      "edit",
      async () => documented((await import("./edit.ts")).editCommand),
      INTERMEDIATE,
    ),
    lazyCommand("delete", async () => {
      const [{ deleteCommand }, { fromFiles }] = await Promise.all([
        import("./delete.ts"),
        import("./files.ts"),
      ]);
      return documented(deleteCommand(fromFiles.delete));
    }, INTERMEDIATE),
    lazyCommand(
      "describe",
      async () => (await import("./describe.ts")).describeCommand,
      TROUBLESHOOTING,
    ),
    lazyCommand("events", async () => (await import("./events.ts")).eventsCommand, TROUBLESHOOTING),
    lazyCommand("diff", async () => (await import("./diff.ts")).diffCommand, ADVANCED),
    lazyCommand("apply", async () => {
      const [{ applyCommand }, lastApplied] = await Promise.all([
        import("./apply.ts"),
        import("./apply_last_applied.ts"),
      ]);
      return {
        ...applyCommand,
        // `apply view-last-applied` and `apply set-last-applied`.
        run(ctx) {
          const [sub, ...rest] = ctx.args;
          if (sub === "view-last-applied") return lastApplied.viewLastApplied(ctx, rest);
          if (sub === "set-last-applied") return lastApplied.setLastApplied(ctx);
          return applyCommand.run(ctx);
        },
      };
    }, ADVANCED),
    lazyCommand(
      "patch",
      async () => documented((await import("./patch.ts")).patchCommand),
      ADVANCED,
    ),
    lazyCommand(
      "replace",
      async () => (await import("./replace.ts")).replaceCommand,
      ADVANCED,
    ),
    lazyCommand("wait", async () => documented((await import("./wait.ts")).waitCommand), ADVANCED),
    lazyCommand(
      "label",
      async () => documented((await import("./label.ts")).labelCommand),
      SETTINGS,
    ),
    lazyCommand(
      "annotate",
      async () => documented((await import("./label.ts")).annotateCommand),
      SETTINGS,
    ),
    lazyCommand(
      "completion",
      async () => documented((await import("./completion.ts")).completionCommand),
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
    lazyCommand("config", async () => documented((await import("./config.ts")).configCommand)),
    lazyCommand("crd", async () => documented((await import("./crd.ts")).crdCommand)),
    lazyCommand("plugin", async () => documented((await import("../plugins.ts")).pluginCommand)),
    lazyCommand("serve", async () => documented((await import("./serve.ts")).serveCommand)),
    lazyCommand("version", async () => (await import("./version.ts")).versionCommand),
  ];
}
