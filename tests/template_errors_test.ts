// `-o jsonpath=…`, `-o jsonpath-file=…` and `-o go-template-file=…` failures of
// `create configmap --dry-run=client`, as kubectl 1.32 prints them: the jsonpath debugging block
// (template and the object given to the engine, in Go's `%#v`), Go's words for a template file
// that is a directory, and an empty jsonpath file (an empty template, which prints nothing).
// Each case has golden output; when kubectl 1.32 is installed it runs offline on the same
// command and must print the same.
import assert from "node:assert/strict";
import { captureIO } from "../cli/io.ts";
import { k1s } from "../cli/cli_under_test.ts";
import { KUBECTL_132, kubectlOffline } from "./_kubectl.ts";

const CREATE = ["create", "configmap", "x", "--from-literal=a=1", "--dry-run=client"];
const OBJECT =
  'map[string]interface {}{"apiVersion":"v1", "data":map[string]interface {}{"a":"1"}, ' +
  '"kind":"ConfigMap", "metadata":map[string]interface {}{"creationTimestamp":interface {}(nil), ' +
  '"name":"x"}}';

/** kubectl's stderr for a jsonpath template `t` that failed with `reason`. */
function jsonPathFailure(t: string, quoted: string, reason: string): string {
  return `error: error executing jsonpath ${quoted}: Error executing template: ${reason}. ` +
    "Printing more information for debugging the template:\n" +
    `\ttemplate was:\n\t\t${t}\n\tobject given to jsonpath engine was:\n\t\t${OBJECT}\n\n\n`;
}

interface Case {
  name: string;
  /** The `-o` value; `DIR` stands for the test's directory. */
  output: string;
  code: number;
  out: string;
  err: string;
}

const CASES: Case[] = [
  {
    name: "jsonpath index of a string",
    output: "jsonpath={.data.a[0]}",
    code: 1,
    out: "",
    err: jsonPathFailure("{.data.a[0]}", '"{.data.a[0]}"', "string is not array or slice"),
  },
  {
    name: "jsonpath-as-json index of a string",
    output: "jsonpath-as-json={.data.a[0]}",
    code: 1,
    out: "",
    err: jsonPathFailure("{.data.a[0]}", '"{.data.a[0]}"', "string is not array or slice"),
  },
  {
    name: "jsonpath end without range",
    output: "jsonpath={.kind}{end}",
    code: 1,
    out: "",
    err: jsonPathFailure("{.kind}{end}", '"{.kind}{end}"', "not in range, nothing to end"),
  },
  {
    name: "jsonpath filter of a map",
    output: 'jsonpath={.data[?(@=="1")]}',
    code: 1,
    out: "",
    err: jsonPathFailure(
      '{.data[?(@=="1")]}',
      '"{.data[?(@==\\"1\\")]}"',
      "map[a:1] is not array or slice and cannot be filtered",
    ),
  },
  {
    name: "jsonpath-file naming a directory",
    output: "jsonpath-file=DIR/d",
    code: 1,
    out: "",
    err: "error: error reading --template DIR/d, read DIR/d: is a directory\n",
  },
  {
    name: "go-template-file naming a directory",
    output: "go-template-file=DIR/d",
    code: 1,
    out: "",
    err: "error: error reading --template DIR/d, read DIR/d: is a directory\n",
  },
  {
    name: "templatefile naming a directory",
    output: "templatefile=DIR/d",
    code: 1,
    out: "",
    err: "error: error reading --template DIR/d, read DIR/d: is a directory\n",
  },
  { name: "empty jsonpath-file", output: "jsonpath-file=DIR/empty", code: 0, out: "", err: "" },
  {
    name: "empty go-template-file",
    output: "go-template-file=DIR/empty",
    code: 0,
    out: "",
    err: "",
  },
  {
    name: "jsonpath-file without a file",
    output: "jsonpath-file=",
    code: 1,
    out: "",
    err: "error: template format specified but no template given\n",
  },
];

Deno.test("template errors of create --dry-run=client -o …: kubectl v1.32's output", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "k1s-template-errors-" });
  try {
    await Deno.mkdir(`${dir}/d`);
    await Deno.writeTextFile(`${dir}/empty`, "");
    if (!KUBECTL_132) {
      console.log("kubectl 1.32 is not installed: comparing with golden output only");
    }
    for (const c of CASES) {
      await t.step(c.name, async () => {
        const args = [...CREATE, "-o", c.output.replaceAll("DIR", dir)];
        const want = { code: c.code, out: c.out, err: c.err.replaceAll("DIR", dir) };
        const io = captureIO();
        const code = await k1s.run(["--store=memory:", ...args], io);
        assert.deepEqual({ code, out: io.out, err: io.err }, want);
        if (KUBECTL_132) assert.deepEqual(await kubectlOffline(args, dir), want);
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("jsonpath failure of get: the List of stored objects, unstructured", async () => {
  const dir = await Deno.makeTempDir({ prefix: "k1s-template-errors-" });
  try {
    const store = `--store=sqlite:${dir}/s.db`;
    const create = captureIO();
    assert.equal(await k1s.run([store, "create", "cm", "a", "--from-literal=n=1"], create), 0);
    const io = captureIO();
    const code = await k1s.run([store, "get", "cm", "-o", "jsonpath={.items[0].kind[0]}"], io);
    assert.equal(code, 1);
    assert.equal(io.out, "");
    assert.match(
      io.err,
      new RegExp(
        "^" + escapeRe(
          'error: error executing jsonpath "{.items[0].kind[0]}": Error executing template: ' +
            "string is not array or slice. Printing more information for debugging the " +
            "template:\n\ttemplate was:\n\t\t{.items[0].kind[0]}\n" +
            "\tobject given to jsonpath engine was:\n" +
            '\t\tmap[string]interface {}{"apiVersion":"v1", "items":[]interface {}{' +
            'map[string]interface {}{"apiVersion":"v1", "data":map[string]interface {}{"n":"1"}, ' +
            '"kind":"ConfigMap", "metadata":map[string]interface {}{"creationTimestamp":"',
        ) +
          '[-0-9T:]+Z", "name":"a", "namespace":"default", "resourceVersion":"[0-9]+", ' +
          '"uid":"[-0-9a-f]+"\\}\\}\\}, "kind":"List", "metadata":map\\[string\\]interface ' +
          '\\{\\}\\{"resourceVersion":""\\}\\}\n\n\n$',
      ),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
