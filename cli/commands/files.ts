/**
 * `-f` for create and delete: manifests are all read and resolved to kinds
 * before anything is written, so bad input leaves the store untouched.
 *
 * @module
 */
import { validateOptions } from "../validate.ts";
import { ApiError, isNotFound } from "../../src/apimachinery/errors.ts";
import type { KubeObject } from "../../src/apimachinery/meta.ts";
import type { Kind } from "../../src/scheme/kind.ts";
import { CliError, formatError } from "../errors.ts";
import type { CommandContext } from "../kit.ts";
import { kindLabel } from "../resources.ts";
import { deleteTargets, withSource } from "./delete.ts";
import { resultPrinter } from "./create.ts";
import { progress } from "../progress.ts";

/** A manifest resolved to its kind and namespace. */
export interface ResolvedManifest {
  /** The object as written in the file. */
  object: KubeObject;
  /** Its kind. */
  kind: Kind;
  /** The namespace it goes to (undefined for cluster-scoped kinds). */
  namespace?: string;
  /** File it came from. */
  source: string;
}

/** Reads `-f` sources and resolves every object, or fails before any write. */
export async function resolveManifests(ctx: CommandContext): Promise<ResolvedManifest[]> {
  const rt = await ctx.runtime();
  // The YAML parser is loaded only by commands that read files: it is most of start-up time.
  const { loadManifests } = await import("../manifests.ts");
  const manifests = await loadManifests(ctx.flags.filename as string[], {
    recursive: ctx.flags.recursive === true,
    stdin: () => ctx.io.readStdin(),
  });
  return manifests.map(({ object, source }) => {
    const kind = rt.scheme.forObject(object);
    if (!kind) {
      throw new CliError(
        `resource mapping not found for name: "${object.metadata?.name ?? ""}" namespace: "${
          object.metadata?.namespace ?? ""
        }" from "${source}": no matches for kind "${object.kind}" in version "${object.apiVersion}"\n` +
          "ensure CRDs are installed first",
      );
    }
    let namespace: string | undefined;
    if (kind.scope === "Namespaced") {
      const own = object.metadata?.namespace;
      if (own && ctx.namespaceGiven && own !== ctx.namespace) {
        throw new CliError(
          `the namespace from the provided object "${own}" does not match the namespace "${ctx.namespace}". ` +
            `You must pass '--namespace=${own}' to perform this operation.`,
        );
      }
      namespace = own || ctx.namespace;
    }
    return { object, kind, namespace, source };
  });
}

/**
 * Runs `each` on every manifest, printing the text it returns and server
 * errors as kubectl does; returns the exit code.
 */
export async function forEachManifest(
  ctx: CommandContext,
  verb: string,
  each: (m: ResolvedManifest) => Promise<string>,
): Promise<number> {
  const manifests = await resolveManifests(ctx);
  if (manifests.length === 0) throw new CliError(`no objects passed to ${verb}`);
  let code = 0;
  const bar = progress(ctx.io, verb === "create" ? "creating" : "applying", manifests.length);
  for (const m of manifests) {
    try {
      const text = await each(m);
      bar.clear();
      ctx.io.stdout(text);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      bar.clear();
      // kubectl: Error from server (AlreadyExists): error when creating "x.yaml": ...
      ctx.io.stderr(
        formatError(verb === "create" ? withSource(err, "creating", m.source) : err) + "\n",
      );
      code = 1;
    }
    bar.tick();
  }
  bar.done();
  return code;
}

/** `apply -f`: kubectl's client-side apply, object by object. */
export async function applyFromFiles(ctx: CommandContext): Promise<number> {
  const rt = await ctx.runtime();
  const dry = ctx.flags["dry-run"] as string | undefined;
  const validation = validateOptions(ctx.flags, ctx.io);
  const { applyObject, applyFailureOf } = await import("../apply.ts");
  return await forEachManifest(ctx, "apply", async (m) => {
    const name = m.object.metadata.name;
    const label = `${kindLabel(m.kind)}/${name}`;
    if (dry === "client") {
      // kubectl reads the live object: absent, it would be created; present, configured.
      try {
        await rt.client.get(m.kind, name ?? "", { namespace: m.namespace });
        return `${label} configured (dry run)\n`;
      } catch (err) {
        if (!isNotFound(err)) throw err;
        return `${label} created (dry run)\n`;
      }
    }
    let r;
    try {
      r = await applyObject(rt.client, m.kind, { object: m.object }, {
        namespace: m.namespace,
        dryRun: dry === "server",
        ...validation,
      });
    } catch (err) {
      const failure = applyFailureOf(err);
      if (!(err instanceof ApiError) || !failure) throw err;
      if (failure.step === "creating") throw withSource(err, "creating", m.source);
      // kubectl's applyOneObject and Patcher both add the source to a failed patch.
      const { group, version, plural, kind } = m.kind;
      throw withSource(
        withSource(err, "patching", m.source),
        `applying patch:\n${failure.patch}\nto:\n` +
          `Resource: "${group}/${version}, Resource=${plural}", ` +
          `GroupVersionKind: "${group}/${version}, Kind=${kind}"\n` +
          `Name: ${JSON.stringify(name)}, Namespace: ${JSON.stringify(m.namespace ?? "")}\nfor:`,
        m.source,
      );
    }
    if (r.warning) ctx.io.stderr(`Warning: ${r.warning}\n`);
    return `${label} ${r.operation}${dry === "server" ? " (server dry run)" : ""}\n`;
  });
}

/** The `-f` handlers of create and delete. */
export const fromFiles = {
  async create(ctx: CommandContext): Promise<number> {
    const rt = await ctx.runtime();
    const dry = ctx.flags["dry-run"] as string | undefined;
    const validation = validateOptions(ctx.flags, ctx.io);
    const print = resultPrinter(ctx);
    return await forEachManifest(ctx, "create", async (m) => {
      let shown = m.object;
      if (m.namespace !== undefined) {
        shown = { ...m.object, metadata: { ...m.object.metadata, namespace: m.namespace } };
      }
      if (dry !== "client") {
        shown = await rt.client.create(m.kind, m.object, {
          namespace: m.namespace,
          dryRun: dry === "server",
          ...validation,
        });
      }
      const suffix = dry === "client" ? " (dry run)" : dry === "server" ? " (server dry run)" : "";
      return print(
        shown,
        m.kind,
        `${kindLabel(m.kind)}/${m.object.metadata.name} created${suffix}`,
      );
    });
  },
  async delete(ctx: CommandContext): Promise<number> {
    const manifests = await resolveManifests(ctx);
    return await deleteTargets(
      ctx,
      manifests.map((m) => ({
        kind: m.kind,
        name: m.object.metadata.name!,
        namespace: m.namespace,
        source: m.source,
      })),
    );
  },
};
