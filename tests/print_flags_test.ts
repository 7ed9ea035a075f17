// kubectl's printer flags on the verbs that print what they did: `--template` (alone it means
// -o go-template), `--allow-missing-template-keys=false`, and `--show-managed-fields` (JSON and
// YAML leave metadata.managedFields out without it). Offline runs compared with kubectl 1.32.
import assert from "node:assert/strict";
import { captureIO } from "../cli/io.ts";
import { k1s } from "../cli/cli_under_test.ts";
import { KUBECTL_132, kubectlOffline } from "./_kubectl.ts";

const MANAGED = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm1\n  managedFields:\n" +
  '  - manager: m\n    operation: Update\ndata: {a: "1"}\n';

Deno.test("--template, --allow-missing-template-keys and --show-managed-fields as kubectl 1.32", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "k1s-print-flags-" });
  const file = `${dir}/mf.yaml`;
  await Deno.writeTextFile(file, MANAGED);
  const cases: [string[], { code: number; out: string; err: string }][] = [
    [["create", "configmap", "x", "--dry-run=client", "--template={{.metadata.name}}"], {
      code: 0,
      out: "x",
      err: "",
    }],
    [[
      "create",
      "secret",
      "generic",
      "s",
      "--from-literal=a=b",
      "--dry-run=client",
      "-o",
      "jsonpath={.nope}",
      "--allow-missing-template-keys=false",
    ], {
      code: 1,
      out: "",
      err: 'error: error executing jsonpath "{.nope}": Error executing template: nope is not ' +
        "found. Printing more information for debugging the template:\n\ttemplate was:\n" +
        "\t\t{.nope}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}" +
        '{"apiVersion":"v1", "data":map[string]interface {}{"a":"Yg=="}, "kind":"Secret", ' +
        '"metadata":map[string]interface {}{"creationTimestamp":interface {}(nil), "name":"s"}}\n\n\n',
    }],
    [["label", "--local", "-f", file, "a=b", "-o", "yaml"], {
      code: 0,
      out: 'apiVersion: v1\ndata:\n  a: "1"\nkind: ConfigMap\nmetadata:\n  labels:\n    a: b\n' +
        "  name: cm1\n",
      err: "",
    }],
    [["label", "--local", "-f", file, "a=b", "-o", "yaml", "--show-managed-fields"], {
      code: 0,
      out: 'apiVersion: v1\ndata:\n  a: "1"\nkind: ConfigMap\nmetadata:\n  labels:\n    a: b\n' +
        "  managedFields:\n  - manager: m\n    operation: Update\n  name: cm1\n",
      err: "",
    }],
    [["annotate", "--local", "-f", file, "a=b", "--template={{.metadata.annotations.a}}"], {
      code: 0,
      out: "b",
      err: "",
    }],
    [[
      "patch",
      "--local",
      "-f",
      file,
      "-p",
      "{}",
      "-o",
      "jsonpath={.metadata.managedFields[0].manager}",
    ], {
      code: 0,
      out: "m",
      err: "",
    }],
  ];
  try {
    for (const [args, expected] of cases) {
      await t.step(args.join(" "), async () => {
        const io = captureIO();
        const code = await k1s.run(["--store=memory:", ...args], io);
        const mine = { code, out: io.out, err: io.err };
        assert.deepEqual(mine, expected);
        if (KUBECTL_132) {
          const theirs = await kubectlOffline(args, dir);
          assert.deepEqual(mine, { ...theirs, err: theirs.err.replaceAll("kubectl", "k1s") });
        }
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
