/**
 * `get`: kubectl's printing of one or many kinds, by name, label or field
 * selector, in one namespace or all, in every `-o` format.
 *
 * @module
 */
import { ApiError } from "../../src/apimachinery/errors.ts";
import type { KubeObject } from "../../src/apimachinery/meta.ts";
import { CliError, formatError } from "../errors.ts";
import type { Command } from "../kit.ts";
import { printObjects } from "../printers/mod.ts";
import {
  listError,
  noResourcesError,
  parseResourceArgs,
  requireResourceType,
  usesFiles,
} from "../resources.ts";
import {
  ALL_NAMESPACES_FLAG,
  CHUNK_SIZE_FLAG,
  FIELD_SELECTOR_FLAG,
  filenameFlag,
  PRINT_FLAGS,
  printFlags,
  RECURSIVE_FLAG,
  SELECTOR_FLAG,
} from "./read_flags.ts";

const GET_LONG = `Display one or many resources.

 Prints a table of the most important information about the specified resources. You can \
filter the list using a label selector and the --selector flag. If the desired resource type is \
namespaced you will only see results in the current namespace if you don't specify any namespace.

 By specifying the output as 'template' and providing a Go template as the value of the \
--template flag, you can filter the attributes of the fetched resources.

Use "k1s api-resources" for a complete list of supported resources.`;

const GET_EXAMPLES = `# List all config maps in ps output format
k1s get configmaps

# List all config maps in ps output format with more information
k1s get configmaps -o wide

# List a single config map with specified NAME in ps output format
k1s get configmap web

# List leases in JSON output format, in the "v1" version of the "coordination.k8s.io" API group
k1s get leases.v1.coordination.k8s.io -o json

# List a single config map in JSON output format
k1s get -o json configmap web-config

# List a config map identified by type and name specified in "configmap.yaml" in JSON output format
k1s get -f configmap.yaml -o json

# Return only the creation time of the specified config map
k1s get -o template configmap/web-config --template={{.metadata.creationTimestamp}}

# List resource information in custom columns
k1s get configmap web-config -o custom-columns=NAME:.metadata.name,DATA:.data

# List all config maps and secrets together in ps output format
k1s get configmaps,secrets

# List one or more resources by their type and names
k1s get configmap/web-config secret/web-tls serviceaccount/default

# List all service accounts in namespace 'backend'
k1s get serviceaccounts --namespace backend

# List all config maps existing in all namespaces
k1s get configmaps --all-namespaces`;

/** The `get` command. */
export const getCommand: Command = {
  name: "get",
  summary: "Display one or many resources",
  long: GET_LONG,
  examples: GET_EXAMPLES,
  usage: "get [(-o|--output=)json|yaml|name|go-template|go-template-file|template|templatefile|" +
    "jsonpath|jsonpath-as-json|jsonpath-file|custom-columns|custom-columns-file|wide] " +
    "(TYPE[.VERSION][.GROUP] [NAME | -l label] | TYPE[.VERSION][.GROUP]/NAME ...) [flags]",
  options: {
    output: {
      type: "string",
      short: "o",
      description: "Output format. One of: (json, yaml, name, go-template, go-template-file, " +
        "template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file, custom-columns, " +
        "custom-columns-file, wide). See custom columns " +
        "[https://kubernetes.io/docs/reference/kubectl/#custom-columns], golang template " +
        "[http://golang.org/pkg/text/template/#pkg-overview] and jsonpath template " +
        "[https://kubernetes.io/docs/reference/kubectl/jsonpath/].",
    },
    ...PRINT_FLAGS,
    selector: SELECTOR_FLAG,
    "field-selector": FIELD_SELECTOR_FLAG,
    "all-namespaces": ALL_NAMESPACES_FLAG,
    "show-labels": {
      type: "boolean",
      description: "When printing, show all labels as the last column (default hide labels column)",
    },
    "label-columns": {
      type: "string",
      short: "L",
      multiple: true,
      description: "Accepts a comma separated list of labels that are going to be presented as " +
        "columns. Names are case-sensitive. You can also use multiple flag options like -L " +
        "label1 -L label2...",
    },
    "show-kind": {
      type: "boolean",
      description: "If present, list the resource type for the requested object(s).",
    },
    filename: filenameFlag(
      "Filename, directory, or URL to files identifying the resource to get from a server.",
    ),
    recursive: RECURSIVE_FLAG,
    "sort-by": {
      type: "string",
      description: "If non-empty, sort list types using this field specification.  The field " +
        "specification is expressed as a JSONPath expression (e.g. '{.metadata.name}'). The " +
        "field in the API resource specified by this JSONPath expression must be an integer or " +
        "a string.",
    },
    "no-headers": {
      type: "boolean",
      description: "When using the default or custom-column output format, don't print headers " +
        "(default print headers).",
    },
    "chunk-size": CHUNK_SIZE_FLAG,
    "ignore-not-found": {
      type: "boolean",
      description: "If the requested object does not exist the command will return exit code 0.",
    },
    watch: {
      type: "boolean",
      short: "w",
      description: "After listing/getting the requested object, watch for changes.",
    },
    "watch-only": {
      type: "boolean",
      description: "Watch for changes to the requested object(s), without listing/getting first.",
    },
    "output-watch-events": {
      type: "boolean",
      description: "Output watch event objects when --watch or --watch-only is used. Existing " +
        "objects are output as initial ADDED events.",
    },
    raw: {
      type: "string",
      description: "Raw URI to request from the server.  Uses the transport specified by the " +
        "kubeconfig file.",
    },
  },
  async run(ctx) {
    const raw = ctx.flags.raw as string | undefined;
    if (raw) return void await (await import("./get_raw.ts")).getRaw(ctx, raw);
    const chunk = Math.max(0, (ctx.flags["chunk-size"] as number | undefined) ?? 500);
    const files = usesFiles(ctx);
    const watching = ctx.flags.watch === true || ctx.flags["watch-only"] === true;
    if (ctx.args.length === 0 && !files && !watching) {
      const err = requireResourceType(ctx.io, ctx.cli.name, "get");
      throw new CliError(
        `${err.message}\nUse "${ctx.cli.name} explain <resource>" for a detailed description of ` +
          `that resource (e.g. ${ctx.cli.name} explain pods).`,
        { hint: err.hint, exitCode: err.exitCode },
      );
    }
    if (ctx.flags["sort-by"] && ctx.flags.watch) {
      ctx.io.stderr(
        "warning: --watch requested, --sort-by will be ignored for watch events received\n",
      );
    } else if (ctx.flags["sort-by"] && ctx.flags["watch-only"]) {
      ctx.io.stderr("warning: --watch-only requested, --sort-by will be ignored\n");
    }
    const template = ctx.flags.template as string | undefined;
    // kubectl: --template without -o means -o go-template.
    const output = (ctx.flags.output as string | undefined) ??
      (template ? "go-template" : undefined);
    if (ctx.flags["show-labels"] && output && output !== "wide") {
      throw new CliError(`--show-labels option cannot be used with ${output} printer`);
    }
    const watchEvents = ctx.flags["output-watch-events"] === true;
    if (watchEvents && !watching) {
      throw new CliError(
        "--output-watch-events option can only be used with --watch or --watch-only",
      );
    }
    // A watch skips the check above; kubectl's resource builder then finds nothing to watch.
    if (ctx.args.length === 0 && !files) throw noResourcesError();
    // Types resolve before the store opens: an unknown type is reported as such, store or not.
    const selection = parseResourceArgs(await ctx.scheme(), ctx.args);
    const all = ctx.flags["all-namespaces"] === true;
    if (all && selection.some((s) => s.names.length > 0)) {
      throw new CliError("a resource cannot be retrieved by name across all namespaces");
    }
    const rt = await ctx.core();
    if (watching) {
      if (selection.length !== 1) throw new CliError("you may only specify a single resource type");
      const { kind, names } = selection[0];
      const { watchAndPrint } = await import("./watch.ts");
      return await watchAndPrint(ctx, kind, {
        namespace: kind.scope === "Namespaced" && !all ? ctx.namespace : undefined,
        names,
        labelSelector: ctx.flags.selector as string | undefined,
        fieldSelector: ctx.flags["field-selector"] as string | undefined,
        watchOnly: ctx.flags["watch-only"] === true,
        output: ctx.flags.output as string | undefined,
        noHeaders: ctx.flags["no-headers"] === true,
        showLabels: ctx.flags["show-labels"] === true,
        namespaceColumn: all,
        outputWatchEvents: watchEvents,
      });
    }
    const objects: KubeObject[] = [];
    const errors: string[] = [];
    // The kinds kubectl has results (objects or empty lists) for: names are prefixed with their
    // kind when there is more than one.
    const printedKinds = new Set<string>();
    let named = 0;
    if (files) {
      // get -f: the objects the files name, each in its own namespace.
      const { resolveManifestsLeniently } = await import("./files.ts");
      for (const entry of (await resolveManifestsLeniently(ctx)).entries) {
        // The files' problems are reported among the server's errors, in the order met.
        if ("problem" in entry) {
          errors.push(entry.problem);
          continue;
        }
        const m = entry.manifest;
        named++;
        try {
          objects.push(
            await rt.client.get(m.kind, m.object.metadata.name!, { namespace: m.namespace }),
          );
          printedKinds.add(`${m.kind.group}/${m.kind.kind}`);
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
          if (err.reason === "NotFound" && ctx.flags["ignore-not-found"]) continue;
          errors.push(formatError(err));
        }
      }
    }
    for (const { kind, names } of selection) {
      const namespace = kind.scope === "Namespaced" && !all ? ctx.namespace : undefined;
      if (names.length) {
        if (ctx.flags.selector || ctx.flags["field-selector"]) {
          throw new CliError("name cannot be provided when a selector is specified");
        }
        named += names.length;
        for (const name of names) {
          try {
            objects.push(
              await rt.client.get(kind, name, { namespace: namespace ?? ctx.namespace }),
            );
            printedKinds.add(`${kind.group}/${kind.kind}`);
          } catch (err) {
            if (!(err instanceof ApiError)) throw err;
            if (err.reason === "NotFound" && ctx.flags["ignore-not-found"]) continue;
            errors.push(formatError(err));
          }
        }
        continue;
      }
      printedKinds.add(`${kind.group}/${kind.kind}`);
      let token: string | undefined;
      do {
        const labelSelector = ctx.flags.selector as string | undefined;
        const fieldSelector = ctx.flags["field-selector"] as string | undefined;
        const page = await rt.client.list(kind, {
          namespace,
          labelSelector,
          fieldSelector,
          limit: chunk,
          continue: token,
        }).catch((err) => {
          throw listError(err, kind, labelSelector ?? "", fieldSelector ?? "");
        });
        objects.push(...page.items);
        token = page.metadata.continue;
      } while (token);
    }
    const table = output === undefined || output === "" || output === "wide";
    const singleItemImplied = named === 1 && (selection.length === 1 || files);
    if (!table && objects.length === 0 && (ctx.flags["ignore-not-found"] || singleItemImplied)) {
      // kubectl prints no empty List when nothing was found and it ignores that, or when the
      // one object named is missing (only the error).
    } else if (objects.length === 0 && named === 0 && table && errors.length === 0) {
      if (ctx.flags["ignore-not-found"]) return 0;
      const scoped = selection.every((s) => s.kind.scope === "Namespaced") && !all;
      ctx.io.stderr(
        scoped ? `No resources found in ${ctx.namespace} namespace.\n` : "No resources found\n",
      );
    } else if (objects.length || !table) {
      ctx.io.stdout(
        await printObjects(objects, {
          ...printFlags(ctx.flags),
          output,
          template,
          kindOf: (o) => rt.scheme.forObject(o),
          wide: output === "wide",
          noHeaders: ctx.flags["no-headers"] === true,
          showLabels: ctx.flags["show-labels"] === true,
          namespaceColumn: all,
          sortBy: ctx.flags["sort-by"] as string | undefined,
          now: ctx.io.now(),
          singleItemImplied,
          withKind: printedKinds.size > 1 || ctx.flags["show-kind"] === true,
          // -L a,b or -L a -L b (pflag's string slice).
          labelColumns: ((ctx.flags["label-columns"] as string[] | undefined) ?? [])
            .flatMap((l) => l.split(",")).filter((l) => l !== ""),
        }),
      );
    }
    // (kubectl's get prints each error as it is, a problem of the files too.)
    for (const e of errors) ctx.io.stderr(e + "\n");
    return errors.length ? 1 : 0;
  },
};
