// `patch` run in-process on temporary SQLite stores: kubectl's lines, errors and exit codes.
import assert from "node:assert/strict";
import { defineKind } from "@k1s/k1s";
import { z } from "zod";
import { defineCli } from "../kit.ts";
import { standardCommands } from "./mod.ts";
import { runCli, tempStore } from "../_test_helpers.ts";

const Widget = defineKind({
  group: "test.k1s.dev",
  version: "v1",
  kind: "Widget",
  spec: z.object({ size: z.number().optional() }),
});

const cli = defineCli({
  name: "k1s",
  version: "0",
  kinds: [Widget],
  commands: standardCommands(),
});

function k(store: string, args: string[], stdin?: string) {
  return runCli(cli, ["--store", store, ...args], { stdin });
}

async function data(store: string, name: string): Promise<unknown> {
  const r = await k(store, ["get", "cm", name, "-o", "jsonpath={.data}"]);
  return JSON.parse(r.out);
}

Deno.test("patch: strategic by default, merge and json, with kubectl's lines", async () => {
  await using s = await tempStore("k1s-patch-");
  await k(s.store, ["create", "cm", "app", "--from-literal=a=1"]);
  assert.deepEqual(await k(s.store, ["patch", "configmap", "app", "-p", '{"data":{"b":"2"}}']), {
    code: 0,
    out: "configmap/app patched\n",
    err: "",
  });
  assert.deepEqual(await data(s.store, "app"), { a: "1", b: "2" });
  const same = await k(s.store, ["patch", "cm/app", "-p", '{"data":{"b":"2"}}', "--type=merge"]);
  assert.equal(same.out, "configmap/app patched (no change)\n");
  const json = await k(s.store, [
    "patch",
    "cm",
    "app",
    "--type",
    "json",
    "-p",
    '[{"op":"remove","path":"/data/a"}]',
  ]);
  assert.equal(json.out, "configmap/app patched\n");
  assert.deepEqual(await data(s.store, "app"), { b: "2" });
  // YAML patches are converted to JSON, as kubectl does.
  assert.equal((await k(s.store, ["patch", "cm", "app", "-p", "data: {c: '3'}"])).code, 0);
  assert.deepEqual(await data(s.store, "app"), { b: "2", c: "3" });
  const name = await k(s.store, ["patch", "cm", "app", "-p", "{}", "-o", "name"]);
  assert.equal(name.out, "configmap/app\n");
});

Deno.test("patch: -f names the objects, -n the namespace, --patch-file the patch", async () => {
  await using s = await tempStore("k1s-patch-");
  await k(s.store, ["create", "ns", "team"]);
  await k(s.store, ["create", "cm", "app", "-n", "team"]);
  const file = `${s.dir}/app.yaml`;
  await Deno.writeTextFile(file, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n");
  const patchFile = `${s.dir}/patch.json`;
  await Deno.writeTextFile(patchFile, '{"data":{"x":"y"}}');
  const r = await k(s.store, ["patch", "-f", file, "-n", "team", "--patch-file", patchFile]);
  assert.deepEqual(r, { code: 0, out: "configmap/app patched\n", err: "" });
  const got = await k(s.store, ["get", "cm", "app", "-n", "team", "-o", "jsonpath={.data.x}"]);
  assert.equal(got.out, "y");
});

Deno.test("patch: dry runs report the change, without kubectl's dry-run suffix, and store nothing", async () => {
  await using s = await tempStore("k1s-patch-");
  await k(s.store, ["create", "cm", "app", "--from-literal=a=1"]);
  const p = '{"data":{"a":"2"}}';
  const client = await k(s.store, ["patch", "cm", "app", "-p", p, "--dry-run=client"]);
  // kubectl 1.32's patch sets its printer's operation after the dry-run suffix: none is shown.
  assert.deepEqual(client, { code: 0, out: "configmap/app patched\n", err: "" });
  const server = await k(s.store, ["patch", "cm", "app", "-p", p, "--dry-run=server"]);
  assert.equal(server.out, "configmap/app patched\n");
  const noop = await k(s.store, [
    "patch",
    "cm",
    "app",
    "-p",
    '{"data":{"a":"1"}}',
    "--dry-run=server",
  ]);
  assert.equal(noop.out, "configmap/app patched (no change)\n");
  assert.deepEqual(await data(s.store, "app"), { a: "1" });
});

Deno.test("patch: bad input gets kubectl's errors and exit code 1, and writes nothing", async () => {
  await using s = await tempStore("k1s-patch-");
  await k(s.store, ["create", "cm", "app", "--from-literal=a=1"]);
  const cases: [string[], string | RegExp][] = [
    [
      ["patch", "cm", "app"],
      "error: must specify --patch or --patch-file containing the contents of the patch\n",
    ],
    [
      ["patch", "cm", "app", "-p", "{}", "--patch-file", "x.json"],
      "error: cannot specify --patch and --patch-file together\n",
    ],
    [
      ["patch", "cm", "app", "-p", "{}", "--type", "foo"],
      'error: --type must be one of [json merge strategic], not "foo"\n',
    ],
    [
      ["patch", "cm", "app", "-p", "a: [b"],
      "error: unable to parse \"a: [b\": yaml: line 1: did not find expected ',' or ']'\n",
    ],
    [
      ["patch", "cm", "app", "-p", "{bad"],
      "Error from server (BadRequest): invalid character 'b' looking for beginning of object " +
      "key string\n",
    ],
    [
      ["patch", "cm", "app", "--type", "merge", "-p", '{"data":'],
      "Error from server (BadRequest): error decoding patch: unexpected end of JSON input\n",
    ],
    [
      ["patch", "cm", "app", "--type", "json", "-p", '{"a":1}'],
      "Error from server (BadRequest): error decoding patch: json: cannot unmarshal object into " +
      "Go value of type []handlers.jsonPatchOp\n",
    ],
    // kube-apiserver decodes a JSON or merge patch into its own type (kubectl's field validation
    // is strict): a patch of the other type's shape fails there.
    [
      ["patch", "cm", "app", "--type=merge", "-p", '[{"op":"remove","path":"/data/a"}]'],
      "Error from server (BadRequest): error decoding patch: json: cannot unmarshal array into " +
      "Go value of type map[string]interface {}\n",
    ],
    [
      ["patch", "cm", "app", "--type=json", "-p", "data: {a: '2'}"],
      "Error from server (BadRequest): error decoding patch: json: cannot unmarshal object into " +
      "Go value of type []handlers.jsonPatchOp\n",
    ],
    [
      ["patch", "cm", "app", "--type=json", "-p", '"a"'],
      "Error from server (BadRequest): error decoding patch: json: cannot unmarshal string into " +
      "Go value of type []handlers.jsonPatchOp\n",
    ],
    [
      ["patch", "cm", "app", "--type=foo", "-p", '[{"op":"remove","path":"/data/a"}]'],
      'error: --type must be one of [json merge strategic], not "foo"\n',
    ],
    [
      ["patch", "cm", "ghost", "-p", "{}"],
      'Error from server (NotFound): configmaps "ghost" not found\n',
    ],
    [
      ["patch", "cm", "app", "-p", "{}", "--dry-run=maybe"],
      'error: Invalid dry-run value (maybe). Must be "none", "server", or "client".\n',
    ],
    [["patch", "cm", "-p", "{}"], "error: resource(s) were provided, but no name was specified\n"],
    [
      ["patch", "frobs", "x", "-p", "{}"],
      'error: the server doesn\'t have a resource type "frobs"\n',
    ],
    [
      ["patch", "cm", "app", "-p", "{}", "--subresource=status"],
      "Error from server (NotFound): the server could not find the requested resource\n",
    ],
    [
      ["patch", "-p", "{}"],
      /^error: You must provide one or more resources by argument or filename\.\n/,
    ],
  ];
  for (const [args, err] of cases) {
    const r = await k(s.store, args);
    assert.equal(r.code, 1, args.join(" "));
    assert.equal(r.out, "", args.join(" "));
    if (typeof err === "string") assert.equal(r.err, err, args.join(" "));
    else assert.match(r.err, err, args.join(" "));
  }
  assert.deepEqual(await data(s.store, "app"), { a: "1" });
});

Deno.test("patch: a strategic patch on a kind without patch metadata fails as kubectl's", async () => {
  await using s = await tempStore("k1s-patch-");
  const file = `${s.dir}/w.yaml`;
  await Deno.writeTextFile(
    file,
    "apiVersion: test.k1s.dev/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: 1\n",
  );
  assert.equal((await k(s.store, ["create", "-f", file])).code, 0);
  const r = await k(s.store, ["patch", "widget", "w", "-p", '{"spec":{"size":2}}']);
  assert.equal(r.code, 1);
  assert.equal(
    r.err,
    "error: application/strategic-merge-patch+json is not supported by test.k1s.dev/v1, " +
      "Kind=Widget: the body of the request was in an unknown format - accepted media types " +
      "include: application/json-patch+json, application/merge-patch+json\n",
  );
  const merge = await k(s.store, [
    "patch",
    "widget",
    "w",
    "--type=merge",
    "-p",
    '{"spec":{"size":2}}',
  ]);
  assert.equal(merge.out, "widget.test.k1s.dev/w patched\n");
});
