// Black-box: Go templates as output format — `-o go-template=…`, `-o go-template-file=…`,
// `-o template=…`, `-o templatefile=…` and `get --template`. Every `create --dry-run=client` case
// has a golden result taken from kubectl v1.32; when kubectl 1.32 is installed (`kubectl.1.32` on
// PATH or next to the real `kubectl`, or K1S_KUBECTL), each case is also run with it and compared.
// When a template fails while running, both write what they had rendered and a debugging block
// to stdout, then the error to stderr.
import assert from "node:assert/strict";
import { assertFails, assertOk, type Run, type Sandbox, sandbox } from "./_harness.ts";
import { KUBECTL_132, kubectlOffline } from "../_kubectl.ts";

/** kubectl 1.32, when installed: K1S_KUBECTL, `kubectl.1.32` on PATH, or next to `kubectl`. */
const KUBECTL = KUBECTL_132;

/** Runs kubectl offline in the sandbox directory. */
async function kubectl(s: Sandbox, args: string[]): Promise<Run> {
  return await kubectlOffline(args, s.dir);
}

/** The object every dry-run case renders (`b` is "hello" in base64). */
const CREATE = [
  "create",
  "configmap",
  "cm1",
  "--from-literal=a=1",
  "--from-literal=b=aGVsbG8=",
  "--dry-run=client",
];

/** [template, kubectl v1.32's stdout] or [template, { err: its stderr }] for a failure. */
const CASES: [string, string | { err: string }][] = [
  ["{{.metadata.name}}", "cm1"],
  ['{{.kind}}/{{.metadata.name}}{{"\\n"}}', "ConfigMap/cm1\n"],
  [
    "{{.}}",
    "map[apiVersion:v1 data:map[a:1 b:aGVsbG8=] kind:ConfigMap metadata:map[creationTimestamp:<nil> name:cm1]]",
  ],
  [
    "{{.metadata.missing}}|{{.missing.deeper}}|{{.metadata.creationTimestamp}}",
    "<no value>|<no value>|<no value>",
  ],
  ["{{range $k, $v := .data}}{{$k}}={{$v}};{{end}}", "a=1;b=aGVsbG8=;"],
  [
    "{{range .data}}{{.}} {{else}}none{{end}}{{range .nothing}}x{{else}}none{{end}}",
    "1 aGVsbG8= none",
  ],
  ['{{index .data "b" | base64decode}} {{base64decode .data.b}}', "hello hello"],
  ['{{if eq .kind "Secret"}}s{{else if eq .kind "ConfigMap" "Pod"}}cm{{else}}?{{end}}', "cm"],
  ["{{with .data}}{{.a}}{{end}}{{with .nothing}}x{{else with .kind}}{{.}}{{end}}", "1ConfigMap"],
  ["{{- /* a comment */ -}}\n  {{ .metadata.name -}}  \n  !", "cm1!"],
  [
    '{{$n := .metadata.name}}{{$n = printf "%s-%d" $n 2}}{{$n}} {{len .data}} {{len $n}}',
    "cm1-2 2 5",
  ],
  [
    '{{printf "%-6s|%5.2f|%03d|%q|%v|%x|%t" .kind 3.14159 7 .data.a .data "hi" true}}',
    'ConfigMap| 3.14|007|"1"|map[a:1 b:aGVsbG8=]|6869|true',
  ],
  ['{{printf "%d %s" .data.a}}', "%!d(string=1) %!s(MISSING)"],
  [
    '{{exists . "data" "a"}} {{exists . "data" "zz"}} {{exists . "metadata" "creationTimestamp"}}',
    "true false false",
  ],
  [
    '{{and .data .kind}} {{or .nothing ""}} {{not .nothing}} {{lt 1 2}} {{ge "b" "a"}} {{ne .kind "x"}}',
    "ConfigMap  true true true true",
  ],
  [
    '{{html "<a&b>"}} {{js "it\'s"}} {{urlquery "a b&c"}} {{print 1 2 "x"}} {{println "y"}}',
    "&lt;a&amp;b&gt; it\\'s a+b%26c 1 2x y\n",
  ],
  ["{{slice .kind 0 6}} {{index .kind 0}} {{1e6}} {{1.5}} {{0x10}}", "Config 67 1e+06 1.5 16"],
  [
    '{{define "row"}}[{{.}}]{{end}}{{template "row" .data.a}}{{block "b" .kind}}<{{.}}>{{end}}',
    "[1]<ConfigMap>",
  ],
  ["{{.metadata.name", {
    err: "error: error parsing template {{.metadata.name, template: output:1: unclosed action\n",
  }],
  ["{{.metadata.name, }}", {
    err:
      'error: error parsing template {{.metadata.name, }}, template: output:1: unexpected "," in operand\n',
  }],
  ["{{toJson .}}", {
    err:
      'error: error parsing template {{toJson .}}, template: output:1: function "toJson" not defined\n',
  }],
  ["{{if .a}}", {
    err: "error: error parsing template {{if .a}}, template: output:1: unexpected EOF\n",
  }],
  ["{{end}}", {
    err: "error: error parsing template {{end}}, template: output:1: unexpected {{end}}\n",
  }],
  ["{{$x}}", {
    err: 'error: error parsing template {{$x}}, template: output:1: undefined variable "$x"\n',
  }],
  ["ok{{.kind.x}}", {
    err:
      'error: error executing template "ok{{.kind.x}}": template: output:1:9: executing "output" at <.kind.x>: can\'t evaluate field x in type interface {}\n',
  }],
  ["{{.data.a | base64decode}}", {
    err:
      'error: error executing template "{{.data.a | base64decode}}": template: output:1:12: executing "output" at <base64decode>: error calling base64decode: base64 decode failed: illegal base64 data at input byte 0\n',
  }],
  ["{{eq .data.a 1}}", {
    err:
      'error: error executing template "{{eq .data.a 1}}": template: output:1:2: executing "output" at <eq .data.a 1>: error calling eq: incompatible types for comparison\n',
  }],
  ["{{index .data 0}}", {
    err:
      'error: error executing template "{{index .data 0}}": template: output:1:2: executing "output" at <index .data 0>: error calling index: value has type int; should be string\n',
  }],
  ['{{template "nope"}}', {
    err:
      'error: error executing template "{{template \\"nope\\"}}": template: output:1:11: executing "output" at <{{template "nope"}}>: template "nope" not defined\n',
  }],
];

Deno.test("create --dry-run=client -o go-template: kubectl v1.32's output and errors", async (t) => {
  await using s = await sandbox();
  if (!KUBECTL) console.log("kubectl 1.32 is not installed: comparing with golden output only");
  for (const [template, expected] of CASES) {
    await t.step(template.replace(/\n/g, "\\n"), async () => {
      const args = [...CREATE, "-o", `go-template=${template}`];
      const r = await s.k1s(args);
      if (typeof expected === "string") assertOk(r, expected);
      else {
        assert.deepEqual({ code: r.code, err: r.err }, { code: 1, err: expected.err });
        // A failure while running: the rendered part and the debugging block on stdout.
        if (expected.err.includes("executing")) {
          assert.match(r.out, /Error executing template: .*Printing more information/);
        } else assert.equal(r.out, "");
      }
      if (KUBECTL) assert.deepEqual(r, await kubectl(s, args));
    });
  }
});

Deno.test("get with Go templates: the List idiom, one object, files and --template", async (t) => {
  await using s = await sandbox();
  for (const name of ["beta", "alpha"]) {
    assertOk(
      await s.k1s(["create", "configmap", name, `--from-literal=k=${name}-v`]),
      `configmap/${name} created\n`,
    );
  }
  const names = '{{range .items}}{{.metadata.name}}={{.data.k}}{{"\\n"}}{{end}}';

  await t.step(
    "-o go-template and -o template get the List; a named object gets itself",
    async () => {
      assertOk(
        await s.k1s(["get", "cm", "-o", `go-template=${names}`]),
        "alpha=alpha-v\nbeta=beta-v\n",
      );
      assertOk(
        await s.k1s(["get", "cm", "-o", `template=${names}`]),
        "alpha=alpha-v\nbeta=beta-v\n",
      );
      assertOk(
        await s.k1s(["get", "cm", "-o", "go-template={{.kind}} {{len .items}} {{.metadata}}"]),
        "List 2 map[resourceVersion:]",
      );
      assertOk(
        await s.k1s(["get", "cm", "alpha", "-o", "go-template={{.kind}}/{{.metadata.name}}"]),
        "ConfigMap/alpha",
      );
      assertOk(
        await s.k1s(["get", "cm", "alpha", "beta", "-o", "go-template={{.kind}}"]),
        "List",
      );
      assertOk(
        await s.k1s([
          "get",
          "cm",
          "--sort-by",
          ".metadata.name",
          "-o",
          "go-template={{range $i, $c := .items}}{{$i}}:{{$c.metadata.name}} {{end}}",
        ]),
        "0:alpha 1:beta ",
      );
    },
  );

  await t.step("go-template-file and templatefile read the template from a file", async () => {
    const file = await s.file("names.tmpl", names);
    assertOk(
      await s.k1s(["get", "cm", "-o", `go-template-file=${file}`]),
      "alpha=alpha-v\nbeta=beta-v\n",
    );
    assertOk(
      await s.k1s(["get", "cm", "-o", `templatefile=${file}`]),
      "alpha=alpha-v\nbeta=beta-v\n",
    );
    assertFails(
      await s.k1s(["get", "cm", "-o", `go-template-file=${s.dir}/nope`]),
      `error: error reading --template ${s.dir}/nope, open ${s.dir}/nope: no such file or directory\n`,
    );
  });

  await t.step(
    "--template alone means go-template; it also gives -o formats their template",
    async () => {
      assertOk(await s.k1s(["get", "cm", "--template", names]), "alpha=alpha-v\nbeta=beta-v\n");
      assertOk(
        await s.k1s(["get", "cm", "-o", "go-template", "--template", names]),
        "alpha=alpha-v\nbeta=beta-v\n",
      );
      const file = await s.file("n.tmpl", "{{len .items}}");
      assertOk(await s.k1s(["get", "cm", "-o", "go-template-file", "--template", file]), "2");
      assertOk(
        await s.k1s(["get", "cm", "-o", "jsonpath", "--template", "{.items[0].metadata.name}"]),
        "alpha",
      );
    },
  );

  await t.step("errors", async () => {
    assertFails(
      await s.k1s(["get", "cm", "-o", "go-template"]),
      "error: template format specified but no template given\n",
    );
    assertFails(
      await s.k1s(["get", "cm", "-o", "go-template={{range .items}}"]),
      "error: error parsing template {{range .items}}, template: output:1: unexpected EOF\n",
    );
    const failed = await s.k1s(["get", "cm", "-o", "go-template={{.items.name}}"]);
    assert.equal(failed.code, 1);
    assert.equal(
      failed.err,
      'error: error executing template "{{.items.name}}": template: output:1:8: executing ' +
        '"output" at <.items.name>: can\'t evaluate field name in type interface {}\n',
    );
    // kubectl's debugging block on stdout: the template, the raw data, the object.
    assert.match(
      failed.out,
      /^Error executing template: .*\n\ttemplate was:\n\t\t\{\{\.items\.name\}\}\n/,
    );
  });
});
