// `label` and `annotate` run in-process on temporary SQLite stores: kubectl's lines,
// errors and exit codes.
import assert from "node:assert/strict";
import { ConfigMap, createRuntime } from "@k1s/k1s";
import { captureIO } from "../io.ts";
import { defineCli } from "../kit.ts";
import { labelCommand } from "./label.ts";
import { standardCommands } from "./mod.ts";
import { runCli, tempStore } from "../_test_helpers.ts";

const cli = defineCli({
  name: "k1s",
  version: "0",
  commands: standardCommands(),
});

function k(store: string, args: string[], stdin?: string) {
  return runCli(cli, ["--store", store, ...args], { stdin });
}

async function meta(store: string, name: string, field: "labels" | "annotations") {
  const r = await k(store, ["get", "cm", name, "-o", `jsonpath={.metadata.${field}}`]);
  return r.out === "" ? {} : JSON.parse(r.out);
}

Deno.test("label: add, keep, overwrite and remove, with kubectl's lines", async () => {
  await using s = await tempStore("k1s-label-");
  await k(s.store, ["create", "cm", "app"]);
  assert.deepEqual(await k(s.store, ["label", "cm", "app", "tier=web"]), {
    code: 0,
    out: "configmap/app labeled\n",
    err: "",
  });
  assert.equal(
    (await k(s.store, ["label", "cm/app", "tier=web"])).out,
    "configmap/app not labeled\n",
  );
  const again = await k(s.store, ["label", "cm", "app", "tier=db"]);
  assert.deepEqual(again, {
    code: 1,
    out: "",
    err: "error: 'tier' already has a value (web), and --overwrite is false\n",
  });
  const over = await k(s.store, ["label", "cm", "app", "tier=db", "--overwrite"]);
  assert.equal(over.out, "configmap/app labeled\n");
  assert.deepEqual(await meta(s.store, "app", "labels"), { tier: "db" });
  assert.equal(
    (await k(s.store, ["label", "cm", "app", "tier-"])).out,
    "configmap/app unlabeled\n",
  );
  assert.deepEqual(await meta(s.store, "app", "labels"), {});
  const missing = await k(s.store, ["label", "cm", "app", "nope-"]);
  assert.deepEqual(missing, {
    code: 0,
    out: 'label "nope" not found.\nconfigmap/app labeled\n',
    err: "",
  });
  await k(s.store, ["label", "cm", "app", "a=1", "b=2"]);
  assert.equal((await k(s.store, ["label", "cm", "app", "--list"])).out, "a=1\nb=2\n");
  assert.equal(
    (await k(s.store, ["label", "cm", "app", "c=3", "-o", "name"])).out,
    "configmap/app\n",
  );
});

Deno.test("label: --all, -l and several names", async () => {
  await using s = await tempStore("k1s-label-");
  for (const n of ["a", "b", "c"]) await k(s.store, ["create", "cm", n]);
  assert.equal(
    (await k(s.store, ["label", "cm", "a", "b", "x=1"])).out,
    "configmap/a labeled\nconfigmap/b labeled\n",
  );
  assert.equal(
    (await k(s.store, ["label", "cm", "-l", "x=1", "y=2"])).out,
    "configmap/a labeled\nconfigmap/b labeled\n",
  );
  const all = await k(s.store, ["label", "cm", "--all", "z=3"]);
  assert.match(all.out, /^configmap\/a labeled\nconfigmap\/b labeled\nconfigmap\/c labeled\n/);
  assert.deepEqual(await meta(s.store, "c", "labels"), { z: "3" });
  const list = await k(s.store, ["label", "cm", "a", "b", "--list"]);
  // kubectl writes each header before its object's labels, on standard output.
  assert.equal(
    list.out,
    "Listing labels for ConfigMap./a:\n x=1\n y=2\n z=3\n" +
      "Listing labels for ConfigMap./b:\n x=1\n y=2\n z=3\n",
  );
  assert.equal(list.err, "");
});

Deno.test("label and annotate: dry runs print kubectl's suffix and store nothing", async () => {
  await using s = await tempStore("k1s-label-");
  await k(s.store, ["create", "cm", "app"]);
  const client = await k(s.store, ["label", "cm", "app", "a=1", "--dry-run=client"]);
  assert.equal(client.out, "configmap/app labeled (dry run)\n");
  const server = await k(s.store, ["label", "cm", "app", "a=1", "--dry-run=server"]);
  assert.equal(server.out, "configmap/app labeled (server dry run)\n");
  const ann = await k(s.store, ["annotate", "cm", "app", "n=1", "--dry-run=server"]);
  assert.equal(ann.out, "configmap/app annotated (server dry run)\n");
  assert.deepEqual(await meta(s.store, "app", "labels"), {});
  assert.deepEqual(await meta(s.store, "app", "annotations"), {});
});

Deno.test("annotate: kubectl's lines and overwrite rule", async () => {
  await using s = await tempStore("k1s-label-");
  await k(s.store, ["create", "cm", "app"]);
  assert.deepEqual(await k(s.store, ["annotate", "cm", "app", "note=a=b c", "owner=me"]), {
    code: 0,
    out: "configmap/app annotated\n",
    err: "",
  });
  assert.deepEqual(await meta(s.store, "app", "annotations"), { note: "a=b c", owner: "me" });
  const refused = await k(s.store, ["annotate", "cm", "app", "note=x", "owner=you"]);
  assert.deepEqual(refused, {
    code: 1,
    out: "",
    err: "error: --overwrite is false but found the following declared annotation(s): " +
      "'note' already has a value (a=b c); 'owner' already has a value (me)\n",
  });
  assert.equal(
    (await k(s.store, ["annotate", "cm", "app", "note-", "gone-"])).out,
    "configmap/app annotated\n",
  );
  assert.equal(
    (await k(s.store, ["annotate", "cm", "app", "owner=you", "--overwrite"])).code,
    0,
  );
  assert.equal((await k(s.store, ["annotate", "cm", "app", "--list"])).out, "owner=you\n");
});

Deno.test("label and annotate: bad input gets kubectl's errors and exit code 1", async () => {
  await using s = await tempStore("k1s-label-");
  await k(s.store, ["create", "cm", "app"]);
  const cases: [string[], string | RegExp][] = [
    [["label", "cm", "app"], "error: at least one label update is required\n"],
    [["annotate", "cm", "app"], "error: at least one annotation update is required\n"],
    [
      ["label", "a=b"],
      "error: one or more resources must be specified as <resource> <name> or <resource>/<name>\n",
    ],
    [["label", "cm", "app", "a=b,c=d"], "error: invalid label spec: a=b,c=d\n"],
    [
      ["label", "cm", "app", "a=bad_"],
      'error: invalid label value: "a=bad_": a valid label must be an empty string or consist ' +
      "of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric " +
      "character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is " +
      "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')\n",
    ],
    [
      ["label", "cm", "app", "a=b", "a-"],
      "error: can not both modify and remove a label in the same command\n",
    ],
    [
      ["annotate", "cm", "app", "a=b", "a-"],
      "error: can not both modify and remove the following annotation(s) in the same command: a\n",
    ],
    [
      ["label", "cm", "app", "a=b", "other"],
      "error: all resources must be specified before label changes: other\n",
    ],
    [
      ["label", "cm", "--all", "-l", "x=y", "a=b"],
      "error: cannot set --all and --selector at the same time\n",
    ],
    [["label", "cm", "a=b"], "error: resource(s) were provided, but no name was specified\n"],
    [
      ["label", "cm", "app", "a=b", "--dry-run=x"],
      'error: Invalid dry-run value (x). Must be "none", "server", or "client".\n',
    ],
    [
      ["label", "cm", "ghost", "a=b"],
      'Error from server (NotFound): configmaps "ghost" not found\n',
    ],
    // The key is validated by the server, as with kubectl.
    [["label", "cm", "app", "Bad_=x"], /^The ConfigMap "app" is invalid: metadata.labels: /],
    [
      ["label", "cm", "app", "a=b", "--resource-version=1"],
      /^Error from server \(Conflict\): Operation cannot be fulfilled on configmaps "app": /,
    ],
  ];
  for (const [args, err] of cases) {
    const r = await k(s.store, args);
    assert.equal(r.code, 1, args.join(" "));
    assert.equal(r.out, "", args.join(" "));
    if (typeof err === "string") assert.equal(r.err, err, args.join(" "));
    else assert.match(r.err, err, args.join(" "));
  }
  assert.deepEqual(await meta(s.store, "app", "labels"), {});
});

Deno.test("label: a concurrent change is retried on fresh state, not clobbered", async () => {
  await using s = await tempStore("k1s-label-");
  await k(s.store, ["create", "cm", "app"]);
  // Change the object between the CLI's read and its write, once.
  await using rt = await createRuntime({ store: s.store });
  let raced = false;
  const racing = defineCli({
    name: "k1s",
    version: "0",
    commands: [{
      ...labelCommand,
      run: (ctx) =>
        labelCommand.run({
          ...ctx,
          runtime: async () => {
            const inner = await ctx.runtime();
            const get = inner.client.get.bind(inner.client);
            inner.client.get = (async (kind: any, name: string, o: any) => {
              const obj = await get(kind, name, o);
              if (!raced) {
                raced = true;
                await rt.client.patch(ConfigMap, "app", { data: { by: "other" } }, {
                  namespace: "default",
                });
              }
              return obj;
            }) as typeof inner.client.get;
            return inner;
          },
        }),
    }],
  });
  const io = captureIO();
  assert.equal(await racing.run(["--store", s.store, "label", "cm", "app", "a=1"], io), 0);
  assert.equal(io.out, "configmap/app labeled\n");
  assert.ok(raced);
  const got = await rt.client.get(ConfigMap, "app", { namespace: "default" });
  assert.deepEqual(got.metadata.labels, { a: "1" });
  assert.deepEqual(got.data, { by: "other" });
});
