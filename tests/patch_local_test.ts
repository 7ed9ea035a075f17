// `patch --local -f FILE` prints what kubectl 1.32 prints: no file given, patches that change
// nothing, kinds k1s does not know (merge and JSON patches apply, strategic ones need a Go type),
// managedFields left out of json/yaml, object-level `$patch`/`$retainKeys` whose result has no
// kind, ValidatingAdmissionPolicy's merge keys and atomic lists, `--type=` and a null patch.
// Each case's expected output is kubectl's; when kubectl 1.32 is installed it is run on the same
// files and must print the same.
import assert from "node:assert/strict";
import { k1s } from "../cli/cli_under_test.ts";
import { captureIO } from "../cli/io.ts";
import { KUBECTL_132, kubectlOffline } from "./_kubectl.ts";

const FILES: Record<string, string> = {
  "cm.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: cm1
  namespace: default
data:
  a: "1"
`,
  "cmmf.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: c2
  managedFields:
  - manager: x
    operation: Update
    apiVersion: v1
data:
  a: "1"
`,
  "sa.yaml": `apiVersion: v1
kind: ServiceAccount
metadata:
  name: sa1
secrets:
- name: s1
- name: s2
`,
  "widget.yaml": `apiVersion: example.com/v1
kind: Widget
metadata:
  name: w1
spec:
  size: 3
`,
  "crd.yaml": `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names:
    kind: Widget
    plural: widgets
  scope: Cluster
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
`,
  "vap.yaml": `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: p1
spec:
  failurePolicy: Fail
  validations:
  - expression: "true"
    message: a
  variables:
  - name: v1
    expression: "1"
`,
  "empty.yaml": "",
};

const NO_RESOURCES = `error: You must provide one or more resources by argument or filename.
Example resource specifications include:
   '-f rsrc.yaml'
   '--filename=rsrc.json'
   '<resource> <name>'
   '<resource>'
`;

const CM_JSON = `{
    "apiVersion": "v1",
    "data": {
        "a": "1"
    },
    "kind": "ConfigMap",
    "metadata": {
        "name": "cm1",
        "namespace": "default"
    }
}
`;

interface Case {
  /** The finding of the audit it fixes. */
  finding: number;
  /** `patch` arguments; `@NAME` is the file NAME in the test directory. */
  args: string[];
  code: number;
  out: string;
  err: string;
}

const CASES: Case[] = [
  { finding: 2, args: ["--local", "-p", "{}"], code: 1, out: "", err: NO_RESOURCES },
  { finding: 2, args: ["--local", "-p", "{bad"], code: 1, out: "", err: NO_RESOURCES },
  {
    finding: 2,
    args: ["--local", "-f", "@empty.yaml", "-p", "{}"],
    code: 1,
    out: "",
    err: "error: no objects passed to patch\n",
  },
  {
    finding: 3,
    args: ["--local", "-f", "@widget.yaml", "--type=merge", "-p", '{"spec":{"size":4}}'],
    code: 0,
    out: "widget.example.com/w1 patched\n",
    err: "",
  },
  {
    finding: 3,
    args: [
      "--local",
      "-f",
      "@widget.yaml",
      "--type=json",
      "-p",
      '[{"op":"replace","path":"/spec/size","value":5}]',
      "-o",
      "yaml",
    ],
    code: 0,
    out: "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w1\nspec:\n  size: 5\n",
    err: "",
  },
  {
    finding: 3,
    args: ["--local", "-f", "@widget.yaml", "-p", '{"spec":{"size":4}}'],
    code: 1,
    out: "",
    err:
      "error: strategic merge patch is not supported for example.com/v1, Kind=Widget locally, try --type merge\n",
  },
  {
    finding: 3,
    args: ["--local", "-f", "@cm.yaml", "-f", "@widget.yaml", "-p", "{}"],
    code: 1,
    out: "configmap/cm1 patched (no change)\n",
    err:
      "error: strategic merge patch is not supported for example.com/v1, Kind=Widget locally, try --type merge\n",
  },
  {
    finding: 3,
    args: ["--local", "-f", "@widget.yaml", "-f", "@cm.yaml", "-p", "{bad"],
    code: 1,
    out: "",
    err:
      "strategic merge patch is not supported for example.com/v1, Kind=Widget locally, try --type merge\n" +
      "invalid JSON document\n",
  },
  {
    finding: 7,
    args: ["--local", "-f", "@cm.yaml", "-p", "{}"],
    code: 0,
    out: "configmap/cm1 patched (no change)\n",
    err: "",
  },
  {
    finding: 7,
    args: ["--local", "-f", "@cm.yaml", "-p", '{"data":{"a":"2"}}'],
    code: 0,
    out: "configmap/cm1 patched\n",
    err: "",
  },
  {
    finding: 9,
    args: ["--local", "-f", "@cmmf.yaml", "-p", '{"data":{"b":"2"}}', "-o", "yaml"],
    code: 0,
    out: 'apiVersion: v1\ndata:\n  a: "1"\n  b: "2"\nkind: ConfigMap\nmetadata:\n  name: c2\n',
    err: "",
  },
  {
    finding: 9,
    args: ["--local", "-f", "@cmmf.yaml", "-p", "{}", "-o", "json"],
    code: 0,
    out: `{
    "apiVersion": "v1",
    "data": {
        "a": "1"
    },
    "kind": "ConfigMap",
    "metadata": {
        "name": "c2"
    }
}
`,
    err: "",
  },
  {
    finding: 9,
    args: [
      "--local",
      "-f",
      "@cmmf.yaml",
      "-p",
      "{}",
      "-o",
      "jsonpath={.metadata.managedFields[0].manager}",
    ],
    code: 0,
    out: "x",
    err: "",
  },
  {
    finding: 16,
    args: [
      "--local",
      "-f",
      "@sa.yaml",
      "-p",
      '{"$patch":"replace","secrets":[{"name":"s9"}]}',
      "-o",
      "yaml",
    ],
    code: 1,
    out: "",
    err: `error: Object 'Kind' is missing in '{"secrets":[{"name":"s9"}]}'\n`,
  },
  {
    finding: 16,
    args: ["--local", "-f", "@sa.yaml", "-p", '{"$patch":"delete"}'],
    code: 1,
    out: "",
    err: "error: Object 'Kind' is missing in '{}'\n",
  },
  {
    finding: 16,
    args: [
      "--local",
      "-f",
      "@sa.yaml",
      "-p",
      '{"$retainKeys":["secrets"],"secrets":[{"name":"s9"}]}',
    ],
    code: 1,
    out: "",
    err:
      `error: Object 'Kind' is missing in '{"secrets":[{"name":"s9"},{"name":"s1"},{"name":"s2"}]}'\n`,
  },
  {
    finding: 16,
    args: [
      "--local",
      "-f",
      "@sa.yaml",
      "-p",
      '{"$patch":"replace","kind":"ServiceAccount","secrets":[{"name":"s9"}]}',
      "-o",
      "yaml",
    ],
    code: 0,
    out: "kind: ServiceAccount\nsecrets:\n- name: s9\n",
    err: "",
  },
  {
    finding: 17,
    args: [
      "--local",
      "-f",
      "@vap.yaml",
      "-p",
      '{"spec":{"variables":[{"name":"v2","expression":"2"}]}}',
      "-o",
      "jsonpath={.spec.variables[*].name}",
    ],
    code: 0,
    out: "v2 v1",
    err: "",
  },
  {
    finding: 17,
    args: [
      "--local",
      "-f",
      "@vap.yaml",
      "-p",
      '{"spec":{"validations":[{"expression":"true","$patch":"delete"}]}}',
      "-o",
      "json",
    ],
    code: 0,
    out: `{
    "apiVersion": "admissionregistration.k8s.io/v1",
    "kind": "ValidatingAdmissionPolicy",
    "metadata": {
        "name": "p1"
    },
    "spec": {
        "failurePolicy": "Fail",
        "validations": [
            {
                "$patch": "delete",
                "expression": "true"
            }
        ],
        "variables": [
            {
                "expression": "1",
                "name": "v1"
            }
        ]
    }
}
`,
    err: "",
  },
  {
    finding: 17,
    args: ["--local", "-f", "@crd.yaml", "-p", '{"spec":{"group":"x.com"}}'],
    code: 1,
    out: "",
    err:
      "error: strategic merge patch is not supported for apiextensions.k8s.io/v1, Kind=CustomResourceDefinition locally, try --type merge\n",
  },
  {
    finding: 17,
    args: ["--local", "-f", "@crd.yaml", "--type=merge", "-p", '{"spec":{"group":"x.com"}}'],
    code: 0,
    out: "customresourcedefinition.apiextensions.k8s.io/widgets.example.com patched\n",
    err: "",
  },
  {
    finding: 23,
    args: ["--local", "-f", "@cm.yaml", "--type=", "-p", "{}"],
    code: 0,
    out: "configmap/cm1 patched (no change)\n",
    err: "",
  },
  {
    finding: 24,
    args: ["--local", "-f", "@cm.yaml", "-p", "null", "-o", "json"],
    code: 0,
    out: CM_JSON,
    err: "",
  },
  {
    finding: 24,
    args: ["--local", "-f", "@cm.yaml", "--type=json", "-p", "null"],
    code: 0,
    out: "configmap/cm1 patched (no change)\n",
    err: "",
  },
  {
    finding: 24,
    args: ["--local", "-f", "@cm.yaml", "--type=merge", "-p", "null"],
    code: 1,
    out: "",
    err: "error: Invalid JSON Patch\n",
  },
];

Deno.test("patch --local: kubectl 1.32's output", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "k1s-patch-local-" });
  try {
    for (const [name, text] of Object.entries(FILES)) {
      await Deno.writeTextFile(`${dir}/${name}`, text);
    }
    if (!KUBECTL_132) {
      console.log("kubectl 1.32 is not installed: comparing with the expected output only");
    }
    for (const c of CASES) {
      const args = ["patch", ...c.args.map((a) => a.startsWith("@") ? `${dir}/${a.slice(1)}` : a)];
      await t.step(`${c.finding}: ${c.args.join(" ")}`, async () => {
        const io = captureIO();
        const code = await k1s.run(["--store=memory:", ...args], io);
        assert.deepEqual({ code, out: io.out, err: io.err }, {
          code: c.code,
          out: c.out,
          err: c.err,
        });
        if (KUBECTL_132) {
          const theirs = await kubectlOffline(args, dir);
          assert.deepEqual(theirs, { code: c.code, out: c.out, err: c.err });
        }
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
