// `label --local -f` and `annotate --local -f`: what k1s prints for each case, and, when kubectl
// 1.32 is installed, that kubectl prints the same (stdout, stderr and exit code) for the same files.
import assert from "node:assert/strict";
import { captureIO } from "../cli/io.ts";
import { k1s } from "../cli/cli_under_test.ts";
import { KUBECTL_132, kubectlOffline } from "./_kubectl.ts";

const FILES: Record<string, string> = {
  "cm.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: cm1
  namespace: default
  labels:
    app: foo
  annotations:
    note: hi
data:
  a: "1"
`,
  "cm2.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: cm2
  labels:
    tier: be
data:
  a: "1"
`,
  "sa.yaml": `apiVersion: v1
kind: ServiceAccount
metadata:
  name: sa1
`,
  "widget.yaml": `apiVersion: example.com/v1
kind: Widget
metadata:
  name: w1
spec:
  size: 3
`,
  "ts.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: ts
  resourceVersion: "12"
  managedFields:
  - manager: x
    operation: Update
data:
  a: "1"
`,
  "bad.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: [oops
`,
};

const CM1_YAML = `apiVersion: v1
data:
  a: "1"
kind: ConfigMap
metadata:
  annotations:
    note: hi
  labels:
    app: foo
  name: cm1
  namespace: default
`;

const PRINTERS = "go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file," +
  "name,template,templatefile,yaml";

interface Case {
  /** The finding of the audit the case is about. */
  finding: number;
  /** The arguments; `@name` is the absolute path of the file `name`. */
  args: string[];
  code: number;
  out: string;
  err: string;
}

const CASES: Case[] = [
  // 1. --list prints the labels (annotations); with -o, label refuses and annotate lists.
  {
    finding: 1,
    args: ["label", "--local", "-f", "@cm.yaml", "--list"],
    code: 0,
    out: "app=foo\n",
    err: "",
  },
  {
    finding: 1,
    args: ["label", "--local", "-f", "@sa.yaml", "--list", "x=y"],
    code: 0,
    out: "x=y\n",
    err: "",
  },
  {
    finding: 1,
    args: ["annotate", "--local", "-f", "@cm.yaml", "--list"],
    code: 0,
    out: "note=hi\n",
    err: "",
  },
  {
    finding: 1,
    args: ["label", "--local", "-f", "@cm.yaml", "--list", "-o", "yaml"],
    code: 1,
    out: "",
    err: "error: --list and --output may not be specified together\n",
  },
  {
    finding: 1,
    args: ["label", "-f", "@cm.yaml", "--list", "-o", "yaml"],
    code: 1,
    out: "",
    err: "error: --list and --output may not be specified together\n",
  },
  {
    finding: 1,
    args: ["annotate", "--local", "-f", "@cm.yaml", "--list", "-o", "yaml"],
    code: 0,
    out: "note=hi\n",
    err: "",
  },
  {
    finding: 1,
    args: ["label", "--local", "-f", "@cm.yaml", "-f", "@cm2.yaml", "--list"],
    code: 0,
    out:
      "Listing labels for ConfigMap./cm1:\n app=foo\nListing labels for ConfigMap./cm2:\n tier=be\n",
    err: "",
  },
  {
    finding: 1,
    args: ["annotate", "--local", "-f", "@cm.yaml", "-f", "@cm2.yaml", "--list"],
    code: 0,
    out:
      "Listing annotations for ConfigMap./cm1:\n note=hi\nListing annotations for ConfigMap./cm2:\n",
    err: "",
  },
  // 3. Kinds nobody registered are changed as they are.
  {
    finding: 3,
    args: ["label", "--local", "-f", "@widget.yaml", "x=y", "-o", "yaml"],
    code: 0,
    out: `apiVersion: example.com/v1
kind: Widget
metadata:
  labels:
    x: "y"
  name: w1
spec:
  size: 3
`,
    err: "",
  },
  {
    finding: 3,
    args: ["annotate", "--local", "-f", "@widget.yaml", "x=y"],
    code: 0,
    out: "widget.example.com/w1 annotated\n",
    err: "",
  },
  // 4. One bad object or file does not stop the others; the errors come at the end.
  {
    finding: 4,
    args: [
      "label",
      "--local",
      "-f",
      "@cm.yaml",
      "-f",
      "@bad.yaml",
      "-f",
      "@cm2.yaml",
      "x=y",
      "-o",
      "name",
    ],
    code: 1,
    out: "configmap/cm1\nconfigmap/cm2\n",
    err: "error: error parsing @bad.yaml: error converting YAML to JSON: yaml: line 4: " +
      "did not find expected ',' or ']'\n",
  },
  {
    finding: 4,
    args: ["label", "--local", "-f", "@cm.yaml", "-f", "@sa.yaml", "-f", "@cm2.yaml", "tier=x"],
    code: 1,
    out: "configmap/cm1 labeled\nserviceaccount/sa1 labeled\n",
    err: "error: 'tier' already has a value (be), and --overwrite is false\n",
  },
  {
    finding: 4,
    args: ["label", "--local", "-f", "@cm.yaml", "-f", "@cm.yaml", "app=x", "-o", "name"],
    code: 1,
    out: "",
    err: "'app' already has a value (foo), and --overwrite is false\n".repeat(2),
  },
  // 7. The dry-run suffix, and kubectl 1.32's words from the JSON before and after.
  {
    finding: 7,
    args: ["label", "--local", "-f", "@cm.yaml", "x=y", "--dry-run=client"],
    code: 0,
    out: "configmap/cm1 labeled (dry run)\n",
    err: "",
  },
  {
    finding: 7,
    args: ["label", "--local", "-f", "@cm.yaml", "app-", "--dry-run=client"],
    code: 0,
    out: "configmap/cm1 unlabeled (dry run)\n",
    err: "",
  },
  {
    finding: 7,
    args: ["annotate", "--local", "-f", "@cm.yaml", "x=y", "--dry-run=client"],
    code: 0,
    out: "configmap/cm1 annotated (dry run)\n",
    err: "",
  },
  {
    finding: 7,
    args: ["label", "--local", "-f", "@cm.yaml", "missing-"],
    code: 0,
    out: "configmap/cm1 not labeled\n",
    err: "",
  },
  // (The object gains an empty label map: its JSON changed.)
  {
    finding: 7,
    args: ["label", "--local", "-f", "@sa.yaml", "missing-"],
    code: 0,
    out: "serviceaccount/sa1 labeled\n",
    err: "",
  },
  {
    finding: 7,
    args: ["label", "--local", "-f", "@cm.yaml", "app-", "x=y"],
    code: 0,
    out: "configmap/cm1 unlabeled\n",
    err: "",
  },
  {
    finding: 7,
    args: ["label", "--local", "-f", "@cm.yaml", "app-", "--overwrite"],
    code: 0,
    out: "configmap/cm1 labeled\n",
    err: "",
  },
  // 9. managedFields are left out of JSON and YAML.
  {
    finding: 9,
    args: ["label", "--local", "-f", "@ts.yaml", "x=y", "-o", "yaml"],
    code: 0,
    out: `apiVersion: v1
data:
  a: "1"
kind: ConfigMap
metadata:
  labels:
    x: "y"
  name: ts
  resourceVersion: "12"
`,
    err: "",
  },
  {
    finding: 9,
    args: ["annotate", "--local", "-f", "@ts.yaml", "x=y", "-o", "json"],
    code: 0,
    out: `{
    "apiVersion": "v1",
    "data": {
        "a": "1"
    },
    "kind": "ConfigMap",
    "metadata": {
        "annotations": {
            "x": "y"
        },
        "name": "ts",
        "resourceVersion": "12"
    }
}
`,
    err: "",
  },
  // 13. An emptied (or untouched missing) map stays, empty.
  {
    finding: 13,
    args: ["label", "--local", "-f", "@cm.yaml", "app-", "-o", "yaml"],
    code: 0,
    out: CM1_YAML.replace("  labels:\n    app: foo\n", "  labels: {}\n"),
    err: "",
  },
  {
    finding: 13,
    args: ["annotate", "--local", "-f", "@sa.yaml", "missing-", "-o", "yaml"],
    code: 0,
    out: "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  annotations: {}\n  name: sa1\n",
    err: "",
  },
  // 14. --resource-version is written into the object, for a single file only.
  {
    finding: 14,
    args: ["label", "--local", "-f", "@cm.yaml", "x=y", "--resource-version=5", "-o", "yaml"],
    code: 0,
    out: CM1_YAML.replace("    app: foo\n", '    app: foo\n    x: "y"\n') +
      '  resourceVersion: "5"\n',
    err: "",
  },
  {
    finding: 14,
    args: [
      "annotate",
      "--local",
      "-f",
      "@cm.yaml",
      "x=y",
      "--resource-version=5",
      "-o",
      "jsonpath={.metadata.resourceVersion}",
    ],
    code: 0,
    out: "5",
    err: "",
  },
  {
    finding: 14,
    args: ["label", "--local", "-f", "@cm.yaml", "-f", "@cm2.yaml", "x=y", "--resource-version=5"],
    code: 1,
    out: "",
    err: "error: --resource-version may only be used with a single resource\n",
  },
  // 28. --local's own errors come before "at least one update".
  ...["x", "-", "=y"].map((pair): Case => ({
    finding: 28,
    args: ["label", "--local", "-f", "@cm.yaml", pair],
    code: 1,
    out: "",
    err:
      "error: can only use local files by -f pod.yaml or --filename=pod.json when --local=true is set\n",
  })),
  {
    finding: 28,
    args: ["annotate", "--local", "-f", "@cm.yaml", "x"],
    code: 1,
    out: "",
    err:
      "error: can only use local files by -f rsrc.yaml or --filename=rsrc.json when --local=true is set\n",
  },
  {
    finding: 28,
    args: ["label", "--local", "x=y"],
    code: 1,
    out: "",
    err: "error: one or more files must be specified as -f pod.yaml or --filename=pod.json\n",
  },
  {
    finding: 28,
    args: ["annotate", "--local", "x=1", "x-"],
    code: 1,
    out: "",
    err: "error: one or more files must be specified as -f rsrc.yaml or --filename=rsrc.json\n",
  },
  // 19. No tables or columns: label refuses for each object, annotate once, before reading.
  {
    finding: 19,
    args: ["label", "--local", "-f", "@cm.yaml", "x=y", "-o", "wide"],
    code: 1,
    out: "",
    err:
      `error: unable to match a printer suitable for the output format "wide", allowed formats are: ${PRINTERS}\n`,
  },
  {
    finding: 19,
    args: [
      "label",
      "--local",
      "-f",
      "@cm.yaml",
      "-f",
      "@cm2.yaml",
      "x=y",
      "-o",
      "custom-columns=N:.metadata.name",
    ],
    code: 1,
    out: "",
    err:
      `unable to match a printer suitable for the output format "custom-columns=N:.metadata.name", allowed formats are: ${PRINTERS}\n`
        .repeat(2),
  },
  {
    finding: 19,
    args: ["annotate", "--local", "-f", "@cm.yaml", "-f", "@cm2.yaml", "--list", "-o", "wide"],
    code: 1,
    out: "",
    err:
      `error: unable to match a printer suitable for the output format "wide", allowed formats are: ${PRINTERS}\n`,
  },
];

async function withFiles(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "k1s-label-local-" });
  try {
    for (const [name, text] of Object.entries(FILES)) {
      await Deno.writeTextFile(`${dir}/${name}`, text);
    }
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function expand(s: string, dir: string): string {
  return s.replace(/@([\w.]+\.yaml)/g, `${dir}/$1`);
}

Deno.test("label and annotate --local -f: kubectl 1.32's output for each case", async (t) => {
  await withFiles(async (dir) => {
    for (const c of CASES) {
      const args = c.args.map((a) => expand(a, dir));
      await t.step(`${c.finding}: ${c.args.join(" ")}`, async () => {
        const io = captureIO();
        const code = await k1s.run(["--store=memory:", ...args], io);
        const want = { code: c.code, out: expand(c.out, dir), err: expand(c.err, dir) };
        assert.deepEqual({ code, out: io.out, err: io.err }, want);
        if (KUBECTL_132) assert.deepEqual(await kubectlOffline(args, dir), want, "kubectl 1.32");
      });
    }
  });
  if (!KUBECTL_132) console.log("kubectl 1.32 is not installed: k1s's output only");
});
