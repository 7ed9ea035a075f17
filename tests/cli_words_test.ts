// What kubectl 1.32 says offline about flags without a verb, `--dry-run=true|false`, `-o YAML`,
// `create` without a generator or with one it does not have, and empty names: k1s's runs are
// checked against kept texts, and against kubectl 1.32 itself when it is installed.
import assert from "node:assert/strict";
import { captureIO } from "../cli/io.ts";
import { k1s } from "../cli/cli_under_test.ts";
import { KUBECTL_132, kubectlOffline } from "./_kubectl.ts";

interface Run {
  code: number;
  out: string;
  err: string;
}

/** klog's timestamp and pid vary from run to run. */
const stable = (r: Run): Run => ({
  ...r,
  err: r.err.replace(/^W\d{4} [\d:.]+ +\d+ /gm, "W0000 00:00:00.000000 PID "),
});

const k1sRun = async (args: string[]): Promise<Run> => {
  const io = captureIO();
  const code = await k1s.run(["--store=memory:", ...args], io);
  return stable({ code, out: io.out, err: io.err });
};

const kubectlRun = async (args: string[], dir: string): Promise<Run> => {
  const r = await kubectlOffline(args, dir);
  return stable({ ...r, err: r.err.replaceAll("kubectl", "k1s") });
};

const SEE_CREATE = "See 'k1s create -h' for help and examples\n";
const CASES: [string[], Run][] = [
  [["--bogus"], {
    code: 1,
    out: "",
    err: "error: unknown flag: --bogus\nSee 'k1s --help' for usage.\n",
  }],
  [["-n"], {
    code: 1,
    out: "",
    err: "error: flag needs an argument: 'n' in -n\nSee 'k1s --help' for usage.\n",
  }],
  [["--namespace"], {
    code: 1,
    out: "",
    err: "error: flag needs an argument: --namespace\nSee 'k1s --help' for usage.\n",
  }],
  [["---o"], {
    code: 1,
    out: "",
    err: "error: bad flag syntax: ---o\nSee 'k1s --help' for usage.\n",
  }],
  [["get", "--=x"], {
    code: 1,
    out: "",
    err: "error: bad flag syntax: --=x\nSee 'k1s get --help' for usage.\n",
  }],
  [["create", "configmap", "x", "--dry-run=true", "-o", "NAME"], {
    code: 0,
    out: "configmap/x\n",
    err: "W0000 00:00:00.000000 PID helpers.go:716] --dry-run=true is deprecated (boolean " +
      "value) and can be replaced with --dry-run=client.\n",
  }],
  [["create", "configmap", "x", "--dry-run=client", "-o", "YAML"], {
    code: 0,
    out: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  creationTimestamp: null\n  name: x\n",
    err: "",
  }],
  [["create", "configmap", "x", "--dry-run=client", "-o", "Json=x"], {
    code: 1,
    out: "",
    err: 'error: unable to match a printer suitable for the output format "Json=x", allowed ' +
      "formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file," +
      "name,template,templatefile,yaml\n",
  }],
  [["create"], { code: 1, out: "", err: "error: must specify one of -f and -k\n" }],
  [["apply"], { code: 1, out: "", err: "error: must specify one of -f and -k\n" }],
  [["apply", "x"], {
    code: 1,
    out: "",
    err: "error: Unexpected args: [x]\nSee 'k1s apply -h' for help and examples\n",
  }],
  [["create", "bogus", "x"], {
    code: 1,
    out: "",
    err: `error: Unexpected args: [bogus x]\n${SEE_CREATE}`,
  }],
  [["create", "secrets", "generic", "s"], {
    code: 1,
    out: "",
    err: `error: Unexpected args: [secrets generic s]\n${SEE_CREATE}`,
  }],
  [["create", "secret", "bogus", "s1"], {
    code: 1,
    out: "",
    err: 'error: unknown command "bogus s1"\n' +
      "See 'k1s create secret -h' for help and examples\n",
  }],
  ...["configmap", "namespace", "serviceaccount"].map((g): [string[], Run] => [
    ["create", g, "", "--dry-run=client"],
    { code: 1, out: "", err: "error: name must be specified\n" },
  ]),
  [["create", "secret", "generic", "", "--from-literal=a=b", "--dry-run=client"], {
    code: 1,
    out: "",
    err: "error: name must be specified\n",
  }],
  [[
    "create",
    "secret",
    "docker-registry",
    "",
    "--docker-username=u",
    "--docker-password=p",
    "--dry-run=client",
  ], { code: 1, out: "", err: "error: name must be specified\n" }],
];

Deno.test("flag and create errors, --dry-run=BOOL and -o in capitals, as kubectl 1.32", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "k1s-words-" });
  try {
    for (const [args, expected] of CASES) {
      await t.step(args.join(" ") || "(none)", async () => {
        const mine = await k1sRun(args);
        assert.deepEqual(mine, expected);
        if (KUBECTL_132) assert.deepEqual(mine, await kubectlRun(args, dir), "kubectl 1.32");
      });
    }
    await t.step("create secret alone prints its help on standard error", async () => {
      const mine = await k1sRun(["create", "secret"]);
      assert.equal(mine.code, 1);
      assert.equal(mine.out, "");
      assert.match(mine.err, /^Create a secret with specified type\.\n/);
      const help = await k1sRun(["create", "secret", "--help"]);
      assert.equal(mine.err, help.out);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
