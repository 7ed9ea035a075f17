/**
 * `create`: from files (`-f`), or with the generators `namespace`,
 * `configmap`, `secret generic` and `serviceaccount`, as kubectl's.
 *
 * @module
 */
import { VALIDATE_OPTIONS, validateOptions } from "../validate.ts";
import { ApiError } from "../../src/apimachinery/errors.ts";
import { type KubeObject, OBJECT_META_FIELDS } from "../../src/apimachinery/meta.ts";
import { ConfigMap, Namespace, Secret, ServiceAccount } from "../../src/resources/core_v1.ts";
import type { Kind } from "../../src/scheme/kind.ts";
import { CliError } from "../errors.ts";
import type { Command, CommandContext } from "../kit.ts";
import { goJson, GoStruct } from "../jsonpath.ts";
import { OUTPUT_FORMATS, PrintError, printObjects } from "../printers/mod.ts";
import { kindLabel } from "../resources.ts";
import { DRY_RUN_FLAG } from "../kit.ts";

/** The `-o` formats kubectl's create, apply and other writers accept: no tables or columns. */
const WRITE_OUTPUT_FORMATS = OUTPUT_FORMATS.filter((f) =>
  f !== "wide" && !f.startsWith("custom-columns")
);

/**
 * Prints what a writing command did, as kubectl's printer for `-o` does:
 * the `kind/name created` line by default, `kind/name` for `-o name`, else
 * the object (`-o yaml` separates objects with `---`). The format is
 * checked when the printer is made, before anything is written. `typed`:
 * the objects are the generators' (Go types in kubectl), so `-o json` prints
 * their fields in struct order rather than sorted.
 */
export function resultPrinter(
  ctx: CommandContext,
  options: { typed?: boolean } = {},
): (obj: KubeObject, kind: Kind, line: string) => Promise<string> {
  const output = (ctx.flags.output as string | undefined) ?? "";
  const eq = output.indexOf("=");
  const format = eq < 0 ? output : output.slice(0, eq);
  if (output !== "" && !WRITE_OUTPUT_FORMATS.includes(format)) {
    throw new CliError(
      `unable to match a printer suitable for the output format "${output}", allowed formats are: ${
        WRITE_OUTPUT_FORMATS.join(",")
      }`,
    );
  }
  let printed = 0;
  return async (obj, kind, line) => {
    if (output === "") return line + "\n";
    if (format === "name") return `${kindLabel(kind)}/${obj.metadata.name}\n`;
    if (format === "json" && options.typed) return goJson(asGoStruct(obj), "    ") + "\n";
    try {
      const text = await printObjects([obj], {
        output,
        kindOf: () => kind,
        singleItemImplied: true,
      });
      return (format === "yaml" && printed++ > 0 ? "---\n" : "") + text;
    } catch (err) {
      if (err instanceof PrintError) throw new CliError(err.message);
      throw err;
    }
  };
}

/** Field orders of the Go types (k8s.io/api/core/v1) the generators build. */
const STRUCT_FIELDS: Record<string, string[]> = {
  ConfigMap: ["immutable", "data", "binaryData"],
  Secret: ["immutable", "data", "stringData", "type"],
  Namespace: ["spec", "status"],
  ServiceAccount: ["secrets", "imagePullSecrets", "automountServiceAccountToken"],
};

/** `fields` of `o` in `order` (unknown ones last), as a struct for goJson. */
function struct(o: Record<string, unknown>, order: readonly string[]): GoStruct {
  const keys = [
    ...order.filter((k) => k in o),
    ...Object.keys(o).filter((k) => !order.includes(k)),
  ];
  return new GoStruct(Object.fromEntries(keys.map((k) => [k, o[k]])));
}

/** A generated object as encoding/json prints its Go type: TypeMeta, ObjectMeta, then fields. */
function asGoStruct(obj: KubeObject): GoStruct {
  const { kind, apiVersion, metadata, ...rest } = obj as KubeObject & Record<string, unknown>;
  return struct(
    {
      kind,
      apiVersion,
      metadata: struct(metadata as Record<string, unknown>, OBJECT_META_FIELDS),
      ...rest,
    },
    ["kind", "apiVersion", "metadata", ...(STRUCT_FIELDS[obj.kind ?? ""] ?? [])],
  );
}

function dryRunOf(ctx: CommandContext): "none" | "client" | "server" {
  const v = ctx.flags["dry-run"] as string | undefined;
  if (v === undefined || v === "none") return "none";
  if (v === "client" || v === "server") return v;
  throw new CliError(
    `Invalid dry-run value (${v}). Must be "none", "server", or "client".`,
  );
}

function b64(bytes: Uint8Array): string {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin);
}

interface Sources {
  text: Record<string, string>;
  binary: Record<string, Uint8Array>;
}

/** `owner` (e.g. `Data for ConfigMap "a"`) ends kubectl's duplicate-key message; none for Secrets. */
async function readSources(ctx: CommandContext, owner?: string): Promise<Sources> {
  const out: Sources = { text: {}, binary: {} };
  const add = (key: string, value: string | Uint8Array) => {
    if (key in out.text || key in out.binary) {
      throw new CliError(
        // kubectl quotes the key for ConfigMaps (%q) but not for Secrets (%s).
        owner
          ? `cannot add key ${
            JSON.stringify(key)
          }, another key by that name already exists in ${owner}`
          : `cannot add key ${key}, another key by that name already exists`,
      );
    }
    if (typeof value === "string") out.text[key] = value;
    else out.binary[key] = value;
  };
  for (const lit of (ctx.flags["from-literal"] as string[] | undefined) ?? []) {
    const eq = lit.indexOf("=");
    if (eq <= 0) throw new CliError(`invalid literal source ${lit}, expected key=value`);
    add(lit.slice(0, eq), lit.slice(eq + 1));
  }
  for (const src of (ctx.flags["from-file"] as string[] | undefined) ?? []) {
    const eq = src.indexOf("=");
    const path = eq > 0 ? src.slice(eq + 1) : src;
    let key = eq > 0 ? src.slice(0, eq) : path.slice(path.lastIndexOf("/") + 1);
    let bytes: Uint8Array;
    try {
      const st = await Deno.stat(path);
      if (st.isDirectory) {
        if (eq > 0) throw new CliError(`cannot give a key name for a directory path`);
        for await (const e of Deno.readDir(path)) {
          if (!e.isFile) continue;
          const b = await Deno.readFile(`${path}/${e.name}`);
          add(e.name, decodeUtf8(b) ?? b);
        }
        continue;
      }
      bytes = await Deno.readFile(path);
    } catch (err) {
      if (err instanceof CliError) throw err;
      if (err instanceof Deno.errors.NotFound) {
        throw new CliError(`error reading ${path}: no such file or directory`);
      }
      throw err;
    }
    key ||= path;
    add(key, decodeUtf8(bytes) ?? bytes);
  }
  return out;
}

function decodeUtf8(b: Uint8Array): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(b);
  } catch {
    return undefined;
  }
}

/**
 * What kubectl prints for a generated object it did not send (client dry
 * run): the typed object as Go serializes it, with `creationTimestamp: null`
 * (and a Namespace's empty `spec` and `status`).
 */
function asGenerated(kind: Kind, obj: KubeObject): KubeObject {
  const out = {
    ...obj,
    metadata: { ...obj.metadata, creationTimestamp: null },
  } as unknown as KubeObject;
  if (kind === (Namespace as unknown as Kind)) Object.assign(out, { spec: {}, status: {} });
  return out;
}

async function createOne(
  ctx: CommandContext,
  kind: typeof ConfigMap | typeof Namespace | typeof Secret | typeof ServiceAccount,
  obj: KubeObject,
  failure?: string,
): Promise<void> {
  const dry = dryRunOf(ctx);
  const validation = validateOptions(ctx.flags, ctx.io);
  const print = resultPrinter(ctx, { typed: true });
  // kubectl's generators name the namespace in the object only when -n was given.
  if (kind.scope === "Namespaced" && ctx.namespaceGiven) obj.metadata.namespace = ctx.namespace;
  const rt = await ctx.runtime();
  let shown = asGenerated(kind as unknown as Kind, obj);
  if (dry !== "client") {
    try {
      shown = await rt.client.create(kind as never, obj as never, {
        namespace: kind.scope === "Namespaced" ? ctx.namespace : undefined,
        dryRun: dry === "server",
        ...validation,
      });
    } catch (err) {
      // kubectl wraps the server's error for these generators: "failed to create configmap: ...".
      if (failure !== undefined && err instanceof ApiError) {
        throw new CliError(`${failure}${err.message}`);
      }
      throw err;
    }
  }
  const suffix = dry === "client" ? " (dry run)" : dry === "server" ? " (server dry run)" : "";
  ctx.io.stdout(
    await print(
      shown,
      kind as unknown as Kind,
      `${kindLabel(kind)}/${obj.metadata.name} created${suffix}`,
    ),
  );
}

const GENERATOR_OPTIONS = {
  "from-literal": { type: "string" as const, multiple: true },
  "from-file": { type: "string" as const, multiple: true },
  type: { type: "string" as const },
  "dry-run": DRY_RUN_FLAG,
  ...VALIDATE_OPTIONS,
  filename: { type: "string" as const, short: "f", multiple: true },
  recursive: { type: "boolean" as const, short: "R" },
  output: { type: "string" as const, short: "o" },
};

/**
 * The `create` command. `createFromFiles` handles `-f` (it is given by the
 * caller so the manifest loader stays out of start-up for the generators).
 */
export function createCommand(
  createFromFiles: (ctx: CommandContext) => Promise<number | void>,
): Command {
  return {
    name: "create",
    summary: "Create a resource from a file or from stdin, or with a generator",
    usage:
      "  create -f FILENAME [-R] [-o json|yaml|name|jsonpath=...] [--validate=strict|warn|ignore]\n" +
      "  create namespace NAME\n" +
      "  create configmap NAME [--from-literal=key=value] [--from-file=[key=]source]\n" +
      "  create secret generic NAME [--type=string] [--from-literal=key=value] [--from-file=[key=]source]\n" +
      "  create serviceaccount NAME",
    options: GENERATOR_OPTIONS,
    mutates: true,
    async run(ctx) {
      if (ctx.flags.filename) return await createFromFiles(ctx);
      const [what, ...rest] = ctx.args;
      const needName = (args: string[], usage: string) => {
        if (args.length !== 1) {
          throw new CliError(`exactly one NAME is required, got ${args.length}`, {
            hint: `See '${ctx.cli.name} create ${usage} -h' for help and examples`,
          });
        }
        return args[0];
      };
      switch (what) {
        case "namespace":
        case "ns": {
          const name = needName(rest, "namespace");
          return void await createOne(ctx, Namespace, {
            apiVersion: "v1",
            kind: "Namespace",
            metadata: { name },
          });
        }
        case "serviceaccount":
        case "sa": {
          const name = needName(rest, "serviceaccount");
          return void await createOne(ctx, ServiceAccount, {
            apiVersion: "v1",
            kind: "ServiceAccount",
            metadata: { name },
          }, "failed to create serviceaccount: ");
        }
        case "configmap":
        case "cm": {
          const name = needName(rest, "configmap");
          const src = await readSources(ctx, `Data for ConfigMap "${name}"`);
          const obj: KubeObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name } };
          if (Object.keys(src.text).length) obj.data = src.text;
          if (Object.keys(src.binary).length) {
            obj.binaryData = Object.fromEntries(
              Object.entries(src.binary).map(([k, v]) => [k, b64(v)]),
            );
          }
          return void await createOne(ctx, ConfigMap, obj, "failed to create configmap: ");
        }
        case "secret": {
          if (rest[0] !== "generic") {
            throw new CliError(
              rest[0] === undefined
                ? "you must specify the type of secret to create: generic"
                : `unknown secret type "${rest[0]}": only "generic" is supported`,
            );
          }
          const name = needName(rest.slice(1), "secret generic");
          const src = await readSources(ctx);
          const data: Record<string, string> = {};
          const enc = new TextEncoder();
          for (const [k, v] of Object.entries(src.text)) data[k] = b64(enc.encode(v));
          for (const [k, v] of Object.entries(src.binary)) data[k] = b64(v);
          const obj: KubeObject = { apiVersion: "v1", kind: "Secret", metadata: { name } };
          if (Object.keys(data).length) obj.data = data; // Go's omitempty
          if (ctx.flags.type) obj.type = ctx.flags.type as string;
          return void await createOne(ctx, Secret, obj, "failed to create secret ");
        }
        case undefined:
          throw new CliError("must specify one of -f and -k", {
            hint: `See '${ctx.cli.name} create -h' for help and examples`,
          });
        default:
          throw new CliError(`unknown command "${what}" for "${ctx.cli.name} create"`, {
            hint: `See '${ctx.cli.name} create -h' for help and examples`,
          });
      }
    },
  };
}
