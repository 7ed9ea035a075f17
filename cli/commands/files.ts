/**
 * `-f` for create, apply and delete. `create -f` and `apply -f` go on past
 * a file that does not parse or an object of an unknown kind, as kubectl's
 * builder does: the good objects are written and the bad ones reported at
 * the end (exit 1). Other commands resolve every object before writing.
 *
 * @module
 */
import { clientValidates, validateOptions } from "../validate.ts";
import { ApiError } from "../../src/apimachinery/errors.ts";
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

/** How `-f` files are read. */
export interface ReadOptions {
  /**
   * Validate the objects as kubectl's create, apply and replace do (`error validating …`);
   * otherwise they are decoded as its other verbs decode them (`unable to decode …`).
   */
  validate?: boolean;
}

/** Reads `-f` sources and resolves every object, or fails before any write. */
export async function resolveManifests(
  ctx: CommandContext,
  options: ReadOptions = {},
): Promise<ResolvedManifest[]> {
  const { resolved, problems } = await resolveManifestsLeniently(ctx, options);
  if (problems.length > 0) {
    const { ManifestError } = await import("../manifests.ts");
    throw new ManifestError(problems);
  }
  return resolved;
}

/**
 * Reads `-f` sources and resolves the objects it can; what cannot be parsed
 * or mapped to a kind is in `problems` (kubectl's messages, without
 * `error: `), in source order.
 */
export async function resolveManifestsLeniently(
  ctx: CommandContext,
  options: ReadOptions = {},
): Promise<{
  resolved: ResolvedManifest[];
  problems: string[];
  /** The objects and the problems of mapping them, in the files' order (parse problems last). */
  entries: ({ manifest: ResolvedManifest } | { problem: string })[];
}> {
  // The kinds are enough: `label --local -f` and `diff` resolve files without writing.
  const scheme = await ctx.scheme();
  // The YAML parser is loaded only by commands that read files: it is most of start-up time.
  const { loadManifestsLeniently } = await import("../manifests.ts");
  const { manifests, problems } = await loadManifestsLeniently(ctx.flags.filename as string[], {
    validate: options.validate === true,
    recursive: ctx.flags.recursive === true,
    stdin: () => ctx.io.readStdin(),
  });
  const resolved: ResolvedManifest[] = [];
  const entries: ({ manifest: ResolvedManifest } | { problem: string })[] = [];
  const parseProblems = [...problems];
  for (const m of manifests) {
    try {
      const manifest = resolveOne(ctx, scheme, m);
      resolved.push(manifest);
      entries.push({ manifest });
    } catch (err) {
      if (!(err instanceof CliError)) throw err;
      problems.push(err.message);
      entries.push({ problem: err.message });
    }
  }
  for (const problem of parseProblems) entries.push({ problem });
  return { resolved, problems, entries };
}

function resolveOne(
  ctx: CommandContext,
  scheme: { forObject(o: KubeObject): Kind | undefined },
  { object, source }: { object: KubeObject; source: string },
): ResolvedManifest {
  // An object without metadata (or with `metadata: null`) is one with no name, as kubectl's
  // unstructured objects read it: the server refuses it, not a crash here.
  if (typeof object.metadata !== "object" || object.metadata === null) {
    object = { ...object, metadata: {} };
  }
  {
    const kind = scheme.forObject(object);
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
  }
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
  // create and apply validate the files unless --validate=false (or ignore).
  const { resolved: manifests, problems } = await resolveManifestsLeniently(ctx, {
    validate: clientValidates(ctx.flags),
  });
  if (manifests.length === 0 && problems.length === 0) {
    throw new CliError(`no objects passed to ${verb}`);
  }
  const failures: string[] = [];
  const bar = progress(ctx.io, verb === "create" ? "creating" : "applying", manifests.length);
  for (const m of manifests) {
    try {
      const text = await each(m);
      bar.clear();
      ctx.io.stdout(text);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      // kubectl: Error from server (AlreadyExists): error when creating "x.yaml": ...
      failures.push(formatError(verb === "create" ? withSource(err, "creating", m.source) : err));
    }
    bar.tick();
  }
  bar.done();
  // kubectl reports every error at the end, as one aggregate: apply those it met reading the
  // files first, create in the order it met them (the writes of a file before its bad document).
  // One error gets kubectl's `error: ` prefix (unless it is a server's), several are bare lines.
  const errors = verb === "create" ? [...failures, ...problems] : [...problems, ...failures];
  if (errors.length === 1 && problems.length === 1) ctx.io.stderr(`error: ${errors[0]}\n`);
  else for (const e of errors) ctx.io.stderr(`${e}\n`);
  return errors.length > 0 ? 1 : 0;
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
    // As kubectl: the objects it could map are deleted; the others are reported after them.
    const { resolved, problems } = await resolveManifestsLeniently(ctx);
    const code = await deleteTargets(
      ctx,
      resolved.map((m) => ({
        kind: m.kind,
        name: m.object.metadata.name!,
        namespace: m.namespace,
        source: m.source,
      })),
    );
    if (problems.length === 0) return code;
    // After a server's error the problems are lines of an aggregate; alone, one is an error.
    if (code === 0 && problems.length === 1) ctx.io.stderr(`error: ${problems[0]}\n`);
    else for (const p of problems) ctx.io.stderr(`${p}\n`);
    return 1;
  },
};
