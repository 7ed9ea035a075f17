/**
 * `crd`: CustomResourceDefinitions and kinds, both ways. `crd export` prints
 * the CRDs of the CLI's own kinds (what to apply to a cluster so that it
 * serves them); `crd generate` writes a TypeScript module of kinds from a
 * CRD manifest.
 *
 * @module
 */
import { crdsFromKinds } from "../../src/apiextensions/export.ts";
import { generateKindModule } from "../../src/apiextensions/generate.ts";
import type { CustomResourceDefinition } from "../../src/resources/apiextensions_v1.ts";
import type { Kind } from "../../src/scheme/kind.ts";
import { CliError } from "../errors.ts";
import type { Command, CommandContext } from "../kit.ts";
import { parseManifests } from "../manifests.ts";
import { toKubectlYaml } from "../printers/yaml.ts";

/** Groups kube itself serves (CRDs may not take them without approval, and they are not user kinds). */
function isBuiltinGroup(group: string): boolean {
  return !group.includes(".") || group === "k8s.io" || group.endsWith(".k8s.io") ||
    group === "kubernetes.io" || group.endsWith(".kubernetes.io");
}

function resolve(ctx: CommandContext, path: string): string {
  return path.startsWith("/") ? path : `${ctx.io.cwd().replace(/\/+$/, "")}/${path}`;
}

async function exportCRDs(ctx: CommandContext, args: string[]): Promise<number> {
  const output = (ctx.flags.output as string | undefined) ?? "yaml";
  if (output !== "yaml" && output !== "json") {
    throw new CliError("--output must be 'yaml' or 'json'");
  }
  const kinds: Kind[] = (ctx.cli.kinds ?? []).filter((k) => !isBuiltinGroup(k.group));
  let chosen = kinds;
  if (args.length > 0) {
    const wanted = new Set(args.map((a) => a.toLowerCase()));
    const matches = (k: Kind) =>
      [
        k.kind,
        k.plural,
        k.singular,
        ...k.shortNames,
        `${k.plural}.${k.group}`,
        `${k.kind}.${k.group}`,
      ]
        .some((n) => wanted.has(n.toLowerCase()));
    chosen = kinds.filter(matches);
    for (const a of args) {
      const lower = a.toLowerCase();
      if (
        !kinds.some((k) =>
          [
            k.kind,
            k.plural,
            k.singular,
            ...k.shortNames,
            `${k.plural}.${k.group}`,
            `${k.kind}.${k.group}`,
          ]
            .some((n) => n.toLowerCase() === lower)
        )
      ) {
        throw new CliError(`the server doesn't have a resource type "${a}"`);
      }
    }
  }
  if (chosen.length === 0) {
    ctx.io.stderr(`No custom kinds in ${ctx.cli.name}.\n`);
    return 0;
  }
  const crds = await crdsFromKinds(chosen, {
    onWarning: (m) => ctx.io.stderr(`Warning: ${m}\n`),
  });
  if (output === "json") {
    const doc = crds.length === 1
      ? crds[0]
      : { apiVersion: "v1", kind: "List", items: crds, metadata: { resourceVersion: "" } };
    ctx.io.stdout(JSON.stringify(doc, null, 4) + "\n");
  } else {
    ctx.io.stdout(crds.map((c) => toKubectlYaml(c)).join("---\n"));
  }
  return 0;
}

async function generate(ctx: CommandContext, args: string[]): Promise<number> {
  if (args.length > 0) throw new CliError(`unexpected arguments: [${args.join(" ")}]`);
  const file = ctx.flags.filename as string | undefined;
  if (!file) throw new CliError("crd generate needs -f FILE (a CustomResourceDefinition manifest)");
  const text = file === "-"
    ? await ctx.io.readStdin()
    : await Deno.readTextFile(resolve(ctx, file));
  const crds = parseManifests(text, file).filter((o) =>
    o.kind === "CustomResourceDefinition" && o.apiVersion === "apiextensions.k8s.io/v1"
  ) as unknown as CustomResourceDefinition[];
  if (crds.length !== 1) {
    throw new CliError(
      `${file} must hold exactly one apiextensions.k8s.io/v1 CustomResourceDefinition ` +
        `(found ${crds.length})`,
    );
  }
  const source = generateKindModule(crds[0], {
    source: file === "-" ? undefined : file.split("/").pop(),
    importFrom: ctx.flags.import as string | undefined,
  });
  const out = ctx.flags.out as string | undefined;
  if (out && out !== "-") {
    await Deno.writeTextFile(resolve(ctx, out), source);
    ctx.io.stderr(`wrote ${out}\n`);
  } else ctx.io.stdout(source);
  return 0;
}

/** The `crd` command: `crd export` and `crd generate`. */
export const crdCommand: Command = {
  name: "crd",
  summary: "Export the CLI's kinds as CustomResourceDefinitions, or generate kinds from a CRD",
  usage: "  crd export [KIND ...] [-o yaml|json]\n" +
    "  crd generate -f crd.yaml [--out kinds.ts] [--import @k1s/k1s]",
  options: {
    output: { type: "string", short: "o" },
    filename: { type: "string", short: "f" },
    out: { type: "string" },
    import: { type: "string" },
  },
  run(ctx) {
    const [sub, ...rest] = ctx.args;
    switch (sub) {
      case "export":
        return exportCRDs(ctx, rest);
      case "generate":
        if (ctx.flags.output !== undefined && ctx.flags.out === undefined) {
          // `-o out.ts` names the output file for generate.
          ctx.flags.out = ctx.flags.output;
        }
        return generate(ctx, rest);
      case undefined:
        throw new CliError(`crd needs a subcommand: export or generate\n\n${crdCommand.usage}`);
      default:
        throw new CliError(`unknown crd subcommand "${sub}": use export or generate`);
    }
  },
};
