// `edit` run in-process on temporary SQLite stores, with a script as the editor: each run of
// the editor records the file it was given and applies the next scripted change.
import assert from "node:assert/strict";
import { captureIO } from "../io.ts";
import { defineCli } from "../kit.ts";
import { EDIT_HEADER } from "./edit.ts";
import { standardCommands } from "./mod.ts";

const cli = defineCli({
  name: "k1s",
  version: "0",
  commands: standardCommands(),
});

/** A store, and an editor that applies `steps[i]` (a shell snippet on "$1") on its i-th run. */
async function setup(steps: string[]) {
  const dir = await Deno.makeTempDir({ prefix: "k1s-edit-" });
  const store = `sqlite:${dir}/store.db`;
  for (const [i, step] of steps.entries()) {
    await Deno.writeTextFile(`${dir}/step${i + 1}`, step);
  }
  await Deno.writeTextFile(
    `${dir}/editor.sh`,
    `n=$(( $(cat "${dir}/count" 2>/dev/null || echo 0) + 1 ))\n` +
      `echo $n > "${dir}/count"\n` +
      `cp "$1" "${dir}/seen$n"\n` +
      `echo "$1" > "${dir}/path$n"\n` +
      `if [ -f "${dir}/step$n" ]; then . "${dir}/step$n"; fi\n`,
  );
  const k = async (args: string[], editor = `sh ${dir}/editor.sh`) => {
    const io = captureIO({ env: { KUBE_EDITOR: editor, EDITOR: "false" } });
    const code = await cli.run(["--store", store, ...args], io);
    return { code, out: io.out, err: io.err };
  };
  return {
    dir,
    store,
    k,
    seen: (n: number) => Deno.readTextFile(`${dir}/seen${n}`),
    path: async (n: number) => (await Deno.readTextFile(`${dir}/path${n}`)).trim(),
    data: async (name: string) =>
      JSON.parse((await k(["get", "cm", name, "-o", "jsonpath={.data}"])).out),
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

Deno.test("edit: the object as YAML under kubectl's header; a saved change is sent", async () => {
  await using s = await setup([`sed -i 's/^  a: "1"$/  a: "2"/' "$1"`]);
  await s.k(["create", "cm", "app", "--from-literal=a=1"]);
  assert.deepEqual(await s.k(["edit", "cm", "app"]), {
    code: 0,
    out: "configmap/app edited\n",
    err: "",
  });
  const seen = await s.seen(1);
  assert.ok(seen.startsWith(EDIT_HEADER + 'apiVersion: v1\ndata:\n  a: "1"\nkind: ConfigMap\n'));
  assert.match(await s.path(1), /\/k1s-edit-[^/]*\.yaml$/);
  await assert.rejects(() => Deno.stat(Deno.readTextFileSync(`${s.dir}/path1`).trim()));
  assert.deepEqual(await s.data("app"), { a: "2" });
});

Deno.test("edit: no change, an empty file (unvalidated), and a formatting-only change", async () => {
  await using s = await setup([
    "true",
    ': > "$1"',
    `sed -i 's/^  a: "1"$/  a: '"'"'1'"'"'/' "$1"`,
  ]);
  await s.k(["create", "cm", "app", "--from-literal=a=1"]);
  assert.deepEqual(await s.k(["edit", "cm/app"]), {
    code: 0,
    out: "",
    err: "Edit cancelled, no changes made.\n",
  });
  assert.deepEqual(await s.k(["edit", "configmap", "app", "--validate=false"]), {
    code: 0,
    out: "",
    err: "Edit cancelled, saved file was empty.\n",
  });
  assert.deepEqual(await s.k(["edit", "cm", "app"]), {
    code: 0,
    out: "configmap/app skipped\n",
    err: "",
  });
});

Deno.test("edit: an invalid edit reopens with the causes; saving it again gives up", async () => {
  await using s = await setup([`sed -i 's/^  a: "1"$/  "a b": "1"/' "$1"`, "true"]);
  await s.k(["create", "cm", "app", "--from-literal=a=1"]);
  const r = await s.k(["edit", "cm", "app"]);
  assert.equal(r.code, 1);
  assert.equal(r.out, "");
  const copy = await s.path(2);
  assert.equal(
    r.err,
    'error: configmaps "app" is invalid\n' +
      `A copy of your changes has been stored to "${copy}"\n` +
      "error: Edit cancelled, no valid changes were saved.\n",
  );
  const reopened = await s.seen(2);
  assert.match(
    reopened,
    /^# Please edit the object below[^]*#\n# configmaps "app" was not valid:\n# \* data\[a b\]: [^\n]+\n#\napiVersion: v1\ndata:\n {2}"a b": "1"\n/,
  );
  assert.equal(await Deno.readTextFile(copy), reopened);
  await Deno.remove(copy);
  assert.deepEqual(await s.data("app"), { a: "1" });
});

Deno.test("edit: a YAML syntax error reopens; fixing it saves", async () => {
  await using s = await setup([
    `sed -i 's/^  a: "1"$/  a: [b/' "$1"`,
    `sed -i 's/^  a: \\[b$/  a: "3"/' "$1"`,
  ]);
  await s.k(["create", "cm", "app", "--from-literal=a=1"]);
  const r = await s.k(["edit", "cm", "app", "--validate=false"]);
  assert.deepEqual(r, { code: 0, out: "configmap/app edited\n", err: "" });
  assert.match(
    await s.seen(2),
    /#\n# The edited file had a syntax error: error parsing edited-file: error converting YAML to JSON: yaml: line \d+: [^\n]+\n#\napiVersion: v1\n/,
  );
  assert.deepEqual(await s.data("app"), { a: "3" });
});

Deno.test("edit sends a patch: a change made meanwhile by someone else is kept", async () => {
  // The first editor run also changes the object through another CLI process.
  const main = new URL("../main.ts", import.meta.url).pathname;
  await using s = await setup([]);
  await Deno.writeTextFile(
    `${s.dir}/step1`,
    `"${Deno.execPath()}" run -A "${main}" --store "${s.store}" annotate cm app who=other >/dev/null\n` +
      `sed -i 's/^  a: "1"$/  a: "2"/' "$1"\n`,
  );
  await s.k(["create", "cm", "app", "--from-literal=a=1"]);
  assert.deepEqual(await s.k(["edit", "cm", "app"]), {
    code: 0,
    out: "configmap/app edited\n",
    err: "",
  });
  assert.deepEqual(await s.data("app"), { a: "2" });
  const who = await s.k(["get", "cm", "app", "-o", "jsonpath={.metadata.annotations.who}"]);
  assert.equal(who.out, "other");
});

Deno.test("edit: a resourceVersion the user changed is checked: a Conflict keeps the file", async () => {
  await using s = await setup([
    `sed -i -e 's/^  resourceVersion: .*$/  resourceVersion: "1"/' -e 's/^  a: "1"$/  a: "2"/' "$1"`,
  ]);
  await s.k(["create", "cm", "app", "--from-literal=a=1"]);
  const r = await s.k(["edit", "cm", "app"]);
  // kubectl's editResults.addError for an error other than Invalid or NotFound, then its
  // proposal; the editor is not reopened.
  const file = await s.path(1);
  assert.deepEqual(r, {
    code: 1,
    out: "",
    err: 'error: configmaps "app" could not be patched: Operation cannot be fulfilled on ' +
      'configmaps "app": the object has been modified; please apply your changes to the latest ' +
      "version and try again\n" +
      `You can run \`k1s replace -f ${file}\` to try this update again.\n`,
  });
  assert.match(await Deno.readTextFile(file), /\n {2}a: "2"\n/);
  await Deno.remove(file);
  assert.deepEqual(await s.data("app"), { a: "1" });
});

Deno.test("edit: --output-patch, -o json, and an unknown -o", async () => {
  await using s = await setup([
    `sed -i 's/^  a: "1"$/  a: "2"/' "$1"`,
    `sed -i 's/"a": "2"/"a": "5"/' "$1"`,
  ]);
  await s.k(["create", "cm", "app", "--from-literal=a=1"]);
  const p = await s.k(["edit", "cm", "app", "--output-patch"]);
  assert.deepEqual(p, {
    code: 0,
    out: 'Patch: {"data":{"a":"2"}}\nconfigmap/app edited\n',
    err: "",
  });
  const j = await s.k(["edit", "cm", "app", "-o", "json"]);
  assert.equal(j.code, 0);
  assert.equal(JSON.parse(j.out).data.a, "5");
  assert.ok((await s.seen(2)).startsWith("{\n"));
  assert.match(await s.path(2), /\.json$/);
  const bad = await s.k(["edit", "cm", "app", "-o", "wide"]);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /^error: unable to match a printer suitable for the output format "wide"/);
});

Deno.test("edit: editor failure, missing object, renamed object", async () => {
  await using s = await setup([`sed -i 's/^  name: app$/  name: other/' "$1"`]);
  await s.k(["create", "cm", "app", "--from-literal=a=1"]);
  assert.deepEqual(await s.k(["edit", "cm", "app"], "false"), {
    code: 1,
    out: "",
    err: 'error: there was a problem with the editor "false"\n',
  });
  assert.deepEqual(await s.k(["edit", "cm", "nope"]), {
    code: 1,
    out: "",
    err: 'Error from server (NotFound): configmaps "nope" not found\n',
  });
  const renamed = await s.k(["edit", "cm", "app"]);
  assert.equal(renamed.code, 1);
  const copy = await s.path(1);
  assert.equal(
    renamed.err,
    `A copy of your changes has been stored to "${copy}"\n` +
      "error: At least one of apiVersion, kind and name was changed\n",
  );
  await Deno.remove(copy);
  const none = await s.k(["edit", "cm"]);
  assert.equal(none.err, "error: resource(s) were provided, but no name was specified\n");
});

Deno.test("edit: kubectl's client-side check of the file comes first: an empty file is invalid", async () => {
  await using s = await setup([': > "$1"', "true", 'printf "metadata: {}\\n" > "$1"', "true"]);
  await s.k(["create", "cm", "app", "--from-literal=a=1"]);
  const empty = await s.k(["edit", "cm", "app"]);
  const copy = await s.path(2);
  assert.deepEqual(empty, {
    code: 1,
    out: "",
    err: 'error: configmaps "app" is invalid\n' +
      `A copy of your changes has been stored to "${copy}"\n` +
      "error: Edit cancelled, no valid changes were saved.\n",
  });
  assert.equal(
    await s.seen(2),
    EDIT_HEADER + '# configmaps "app" was not valid:\n' +
      '# * <nil>: Invalid value: "The edited file failed validation": invalid object to validate\n#\n',
  );
  await Deno.remove(copy);
  const noKind = await s.k(["edit", "cm", "app"]);
  assert.equal(noKind.code, 1);
  assert.match(
    await s.seen(4),
    /^# \* <nil>: Invalid value: "The edited file failed validation": \[apiVersion not set, kind not set\]$/m,
  );
  await Deno.remove(await s.path(4));
  assert.deepEqual(await s.data("app"), { a: "1" });
});
