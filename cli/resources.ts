/**
 * Resource arguments as kubectl reads them: `cm`, `cm a b`, `cm,secrets`,
 * `cm/a secret/b`, `all`, `kind.group`.
 *
 * @module
 */
import { ApiError } from "../src/apimachinery/errors.ts";
import type { Kind } from "../src/scheme/kind.ts";
import type { Scheme } from "../src/scheme/scheme.ts";
import { CliError } from "./errors.ts";

/** Kinds and, per kind, the names asked for (none: all). */
export interface ResourceSelection {
  /** The kind. */
  kind: Kind;
  /** Names; empty for every object. */
  names: string[];
}

/** Resolves one type name, or fails as kubectl does. */
export function resolveKind(scheme: Scheme, arg: string): Kind {
  const kind = scheme.resolve(arg);
  if (!kind) throw new CliError(`the server doesn't have a resource type "${arg}"`);
  return kind;
}

function expandTypes(scheme: Scheme, arg: string): Kind[] {
  const out: Kind[] = [];
  for (const part of arg.split(",")) {
    if (part === "") continue;
    // A resource name wins; otherwise a category (`all`, or any a kind declares) expands to
    // its kinds, as kubectl's category expander does. An empty category is unknown.
    const named = scheme.resolve(part);
    const category = named ? [] : scheme.category(part);
    // `all` is always a category (kube-apiserver's holds pods, services, ...): here it may hold
    // no kind, and `get all` then finds nothing, as on an empty namespace in Kubernetes.
    if (!named && category.length === 0 && part === "all") continue;
    out.push(...(named ? [named] : category.length ? category : [resolveKind(scheme, part)]));
  }
  return out;
}

/**
 * Parses resource arguments. `requireType` makes an empty list an error
 * (`get` without arguments).
 */
export function parseResourceArgs(scheme: Scheme, args: string[]): ResourceSelection[] {
  if (args.length === 0) return [];
  const slashed = args.filter((a) => a.includes("/"));
  if (slashed.length) {
    if (slashed.length !== args.length) {
      throw new CliError(
        "there is no need to specify a resource type as a separate argument when passing " +
          "arguments in resource/name form (e.g. 'k1s get resource/<resource_name>' instead of " +
          "'k1s get resource resource/<resource_name>'",
      );
    }
    const byKind = new Map<Kind, string[]>();
    for (const a of args) {
      const i = a.indexOf("/");
      const type = a.slice(0, i);
      const name = a.slice(i + 1);
      if (name.includes("/")) {
        throw new CliError("arguments in resource/name form may not have more than one slash");
      }
      if (!type || !name) {
        throw new CliError(`arguments in resource/name form must have a single resource and name`);
      }
      const kind = resolveKind(scheme, type);
      byKind.set(kind, [...(byKind.get(kind) ?? []), name]);
    }
    return [...byKind].map(([kind, names]) => ({ kind, names }));
  }
  const kinds = expandTypes(scheme, args[0]);
  const names = args.slice(1);
  if (names.length && kinds.length > 1) {
    throw new CliError(
      "you may only specify a single resource type when names are given: " + args[0],
    );
  }
  const seen = new Set<Kind>();
  return kinds.filter((k) => !seen.has(k) && seen.add(k)).map((kind) => ({ kind, names }));
}

/** `configmap`, `item.inventory.k1s.dev`: how kubectl names a kind in messages. */
export function kindLabel(kind: Kind): string {
  const k = kind.kind.toLowerCase();
  return kind.group ? `${k}.${kind.group}` : k;
}

/** One named object: what `patch`, `edit` and `delete` act on. */
export interface ObjectTarget {
  /** Its kind. */
  kind: Kind;
  /** Its name. */
  name: string;
  /** Its namespace, for namespaced kinds. */
  namespace?: string;
}

/** kubectl's error when a command that needs objects got no arguments. */
export function noResourcesError(): CliError {
  return new CliError("You must provide one or more resources by argument or filename.", {
    hint:
      "Example resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'",
  });
}

/** The named objects of `TYPE NAME...` or `TYPE/NAME...` arguments; every type needs names. */
export function namedTargets(scheme: Scheme, args: string[], namespace: string): ObjectTarget[] {
  if (args.length === 0) throw noResourcesError();
  const targets: ObjectTarget[] = [];
  for (const { kind, names } of parseResourceArgs(scheme, args)) {
    if (names.length === 0) {
      throw new CliError("resource(s) were provided, but no name was specified");
    }
    const ns = kind.scope === "Namespaced" ? namespace : undefined;
    targets.push(...names.map((name) => ({ kind, name, namespace: ns })));
  }
  return targets;
}

/**
 * kubectl's answer to `get` or `describe` without a type: a hint on stderr,
 * then the error to throw.
 */
export function requireResourceType(
  io: { stderr(text: string): void },
  cliName: string,
  verb: string,
): CliError {
  io.stderr(
    `You must specify the type of resource to ${verb}. Use "${cliName} api-resources" ` +
      "for a complete list of supported resources.\n\n",
  );
  return new CliError("Required resource not specified.", {
    hint: `See '${cliName} ${verb} -h' for help and examples`,
  });
}

/**
 * True when `-f` names the objects (`get -f`, `describe -f`); resource arguments beside it are
 * refused with kubectl's line.
 */
export function usesFiles(
  ctx: { flags: Record<string, unknown>; args: readonly string[] },
): boolean {
  const files = ctx.flags.filename !== undefined;
  if (files && ctx.args.length > 0) {
    throw new CliError(
      "when paths, URLs, or stdin is provided as input, you may not specify resource " +
        "arguments as well",
    );
  }
  return files;
}

/**
 * kubectl's resource builder names the list a BadRequest or NotFound came from:
 * `Unable to list "/v1, Resource=configmaps": …`, or with selectors
 * `Unable to find "…" that match label selector "…", field selector "…": …`.
 */
export function listError(err: unknown, kind: Kind, labels: string, fields: string): unknown {
  if (!(err instanceof ApiError) || (err.code !== 400 && err.code !== 404)) return err;
  const gvr = `${kind.group}/${kind.version}, Resource=${kind.plural}`;
  const message = labels === "" && fields === ""
    ? `Unable to list ${JSON.stringify(gvr)}: ${err.message}`
    : `Unable to find ${JSON.stringify(gvr)} that match label selector ${
      JSON.stringify(labels)
    }, field selector ${JSON.stringify(fields)}: ${err.message}`;
  return ApiError.of(err.code, err.reason, message, err.status.details);
}
