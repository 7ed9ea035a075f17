/**
 * The kit's standard verbs.
 *
 * @module
 */
import type { Command } from "../kit.ts";
import { apiResourcesCommand } from "./api_resources.ts";
import { applyCommand } from "./apply.ts";
import { completionCommand } from "./completion.ts";
import { createCommand } from "./create.ts";
import { describeCommand } from "./describe.ts";
import { eventsCommand } from "./events.ts";
import { editCommand } from "./edit.ts";
import { explainCommand } from "./explain.ts";
import { deleteCommand } from "./delete.ts";
import { fromFiles } from "./files.ts";
import { getCommand } from "./get.ts";
import { annotateCommand, labelCommand } from "./label.ts";
import { patchCommand } from "./patch.ts";
import { waitCommand } from "./wait.ts";
import { versionCommand } from "./version.ts";

/** Every standard verb, in help order. */
export function standardCommands(): Command[] {
  return [
    getCommand,
    describeCommand,
    createCommand(fromFiles.create),
    applyCommand,
    editCommand,
    deleteCommand(fromFiles.delete),
    patchCommand,
    labelCommand,
    annotateCommand,
    waitCommand,
    apiResourcesCommand,
    explainCommand,
    eventsCommand,
    completionCommand,
    versionCommand,
  ];
}
