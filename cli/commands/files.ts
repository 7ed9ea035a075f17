/**
 * `-f` for create and delete: manifests are all read and resolved to kinds
 * before anything is written, so bad input leaves the store untouched.
 *
 * @module
 */
import { ApiError, type Kind, type KubeObject } from "@k1s/k1s";
import { CliError, formatError } from "../errors.ts";
import type { CommandContext } from "../kit.ts";
import { kindLabel } from "../resources.ts";
import { deleteTargets } from "./delete.ts";
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

/** Runs `each` on every manifest, printing server errors as kubectl does; returns the exit code. */
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
      const line = await each(m);
      bar.clear();
      ctx.io.stdout(line + "\n");
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      bar.clear();
      const line = formatError(err);
      // kubectl: Error from server (AlreadyExists): error when creating "x.yaml": ...
      const at = line.indexOf("): ");
      ctx.io.stderr(
        verb === "create" && at > 0
          ? `${line.slice(0, at + 3)}error when creating "${m.source}": ${line.slice(at + 3)}\n`
          : line + "\n",
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
  const { applyObject } = await import("../apply.ts");
  return await forEachManifest(ctx, "apply", async (m) => {
    const label = `${kindLabel(m.kind)}/${m.object.metadata.name}`;
    if (dry === "client") return `${label} configured (dry run)`;
    const r = await applyObject(rt.client, m.kind, { object: m.object }, {
      namespace: m.namespace,
      dryRun: dry === "server",
    });
    if (r.warning) ctx.io.stderr(`Warning: ${r.warning}\n`);
    return `${label} ${r.operation}${dry === "server" ? " (server dry run)" : ""}`;
  });
}

/** The `-f` handlers of create and delete. */
export const fromFiles = {
  async create(ctx: CommandContext): Promise<number> {
    const rt = await ctx.runtime();
    const dry = ctx.flags["dry-run"] as string | undefined;
    return await forEachManifest(ctx, "create", async (m) => {
      if (dry !== "client") {
        await rt.client.create(m.kind, m.object, {
          namespace: m.namespace,
          dryRun: dry === "server",
        });
      }
      const suffix = dry === "client" ? " (dry run)" : dry === "server" ? " (server dry run)" : "";
      return `${kindLabel(m.kind)}/${m.object.metadata.name} created${suffix}`;
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
      })),
    );
  },
};
