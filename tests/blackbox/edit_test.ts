// Black-box: `edit` as a k1s process, with a shell script as $EDITOR. The script counts its runs,
// keeps a copy of every file it was shown, and applies the change scripted for that run, so a
// test sees what kubectl's edit loop shows the user (header, error comments) and what it does.
// The editor is a child process: `edit` needs Deno's run permission, which `deno task compile`
// (and so the harness's launcher) grants.
import assert from "node:assert/strict";
import { assertFails, assertOk, type Run, type Sandbox, sandbox } from "./_harness.ts";

const HEADER = "# Please edit the object below. Lines beginning with a '#' will be ignored,\n" +
  "# and an empty file will abort the edit. If an error occurs while saving this file will be\n" +
  "# reopened with the relevant failures.\n#\n";

/** An editor script and the sandbox it edits in. */
interface Editing {
  s: Sandbox;
  /** Where `edit` writes its temporary files (TMPDIR of the edit runs). */
  tmp: string;
  /** The editor script's path. */
  script: string;
  /** Runs `k1s edit ARGS` with the script as $EDITOR, run permission added. */
  edit(args: string[]): Promise<Run>;
  /** The file the editor was shown on its n-th run (1-based) in the last `edit`. */
  seen(n: number): Promise<string>;
  /** How many times the editor ran in the last `edit`. */
  runs(): Promise<number>;
  /** Files left in the temporary directory. */
  leftovers(): string[];
}

let editors = 0;

/**
 * An editor whose n-th run (per `edit` invocation) runs `steps[n-1]`, a shell snippet on "$1";
 * runs beyond the steps leave the file as it is.
 */
async function editing(s: Sandbox, steps: string[]): Promise<Editing> {
  const tmp = `${s.dir}/tmp`;
  await Deno.mkdir(tmp, { recursive: true });
  const dir = `${s.dir}/editor${++editors}`;
  const cases = steps.map((step, i) => `${i + 1}) ${step} ;;`).join("\n");
  const script = await s.file(
    `${dir.slice(s.dir.length + 1)}/editor.sh`,
    `#!/bin/sh
n=$(( $(cat "${dir}/count" 2>/dev/null || echo 0) + 1 ))
echo $n > "${dir}/count"
cp "$1" "${dir}/seen$n"
case $n in
${cases}
esac
`,
  );
  await Deno.chmod(script, 0o755);
  return {
    s,
    tmp,
    script,
    async edit(args) {
      await Deno.remove(`${dir}/count`).catch(() => {});
      return await s.k1s(["edit", ...args], {
        env: { TMPDIR: tmp, KUBE_EDITOR: "", EDITOR: script },
      });
    },
    seen: (n) => Deno.readTextFile(`${dir}/seen${n}`),
    async runs() {
      return Number((await Deno.readTextFile(`${dir}/count`)).trim());
    },
    leftovers: () => [...Deno.readDirSync(tmp)].map((e) => e.name),
  };
}

async function data(s: Sandbox, name: string): Promise<unknown> {
  const r = await s.k1s(["get", "cm", name, "-o", "jsonpath={.data}"]);
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out);
}

Deno.test({
  name: "edit saves the edited object; an unchanged file cancels; --output-patch, -o yaml|json",
  async fn() {
    await using s = await sandbox();
    assertOk(
      await s.k1s(["create", "cm", "x", "--from-literal=key=v1value"]),
      "configmap/x created\n",
    );
    const e = await editing(s, [`sed -i 's/v1value/v2value/' "$1"`]);

    assertOk(await e.edit(["cm", "x"]), "configmap/x edited\n");
    const shown = await e.seen(1);
    assert.ok(
      shown.startsWith(
        HEADER + "apiVersion: v1\ndata:\n  key: v1value\nkind: ConfigMap\nmetadata:\n",
      ),
      shown,
    );
    assert.match(shown, /\n {2}name: x\n {2}namespace: default\n {2}resourceVersion: "\d+"\n/);
    assert.deepEqual(e.leftovers(), [], "temporary file removed");

    // The same script finds nothing to change now.
    assert.deepEqual(await e.edit(["configmap/x"]), {
      code: 0,
      out: "",
      err: "Edit cancelled, no changes made.\n",
    });

    const patch = await editing(s, [`sed -i 's/v2value/v3value/' "$1"`]);
    assertOk(
      await patch.edit(["cm", "x", "--output-patch"]),
      'Patch: {"data":{"key":"v3value"}}\nconfigmap/x edited\n',
    );

    const yaml = await editing(s, [`sed -i 's/v3value/v4value/' "$1"`]);
    const y = await yaml.edit(["cm", "x", "-o", "yaml"]);
    assert.equal(y.err, "");
    assert.equal(y.code, 0);
    assert.match(y.out, /^apiVersion: v1\ndata:\n {2}key: v4value\nkind: ConfigMap\nmetadata:\n/);

    // -o json: the object is edited as JSON, with no comment header.
    const json = await editing(s, [`sed -i 's/"v4value"/"v5value"/' "$1"`]);
    const j = await json.edit(["cm", "x", "-o", "json"]);
    assert.equal(j.err, "");
    assert.equal(j.code, 0);
    assert.deepEqual(JSON.parse(j.out).data, { key: "v5value" });
    assert.ok((await json.seen(1)).startsWith('{\n    "apiVersion": "v1",\n'));
  },
});

Deno.test({
  name: "an invalid edit reopens with kubectl's error comment; fixing it saves",
  async fn() {
    await using s = await sandbox();
    assertOk(
      await s.k1s(["create", "cm", "x", "--from-literal=key=v1value"]),
      "configmap/x created\n",
    );
    const e = await editing(s, [
      `sed -i 's/^  key: v1value$/  "bad key": v2value/' "$1"`,
      `sed -i 's/^  "bad key": v2value$/  key: v3value/' "$1"`,
    ]);
    assert.deepEqual(await e.edit(["cm", "x"]), {
      code: 0,
      out: "configmap/x edited\n",
      err: 'error: configmaps "x" is invalid\n',
    });
    assert.equal(await e.runs(), 2);
    // The reopened file: the header, the reasons, then the user's edit without its comments.
    const reopened = await e.seen(2);
    assert.ok(
      reopened.startsWith(
        HEADER +
          '# configmaps "x" was not valid:\n' +
          '# * data[bad key]: Invalid value: "bad key": a valid config key must consist of ' +
          "alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or " +
          "'key-name', regex used for validation is '[-._a-zA-Z0-9]+')\n" +
          "#\n" +
          'apiVersion: v1\ndata:\n  "bad key": v2value\nkind: ConfigMap\n',
      ),
      reopened,
    );
    assert.equal(reopened.split("# Please edit").length, 2, "one header");
    assert.deepEqual(e.leftovers(), []);
    assert.deepEqual(await data(s, "x"), { key: "v3value" });
  },
});

Deno.test({
  name: "giving up on an invalid edit: saving it unchanged fails, emptying it cancels",
  async fn() {
    await using s = await sandbox();
    assertOk(
      await s.k1s(["create", "cm", "x", "--from-literal=key=v1value"]),
      "configmap/x created\n",
    );
    const invalid = `sed -i 's/^  key: v1value$/  "bad key": v2value/' "$1"`;

    // Saved again without a change: kubectl keeps the user's copy and exits 1.
    const same = await editing(s, [invalid, "true"]);
    const r = await same.edit(["cm", "x"]);
    assert.equal(r.code, 1);
    assert.equal(r.out, "");
    const m = r.err.match(
      /^error: configmaps "x" is invalid\nA copy of your changes has been stored to "([^"]+)"\nerror: Edit cancelled, no valid changes were saved\.\n$/,
    );
    assert.ok(m, r.err);
    assert.match(m[1], new RegExp(`^${same.tmp}/k1s-edit-[^/]+\\.yaml$`));
    assert.equal(await Deno.readTextFile(m[1]), await same.seen(2));
    assert.deepEqual(same.leftovers(), [m[1].slice(same.tmp.length + 1)]);
    await Deno.remove(m[1]);

    // Emptied on the second round: kubectl 1.32's client-side check finds no kind in it, so it
    // is invalid too, and the copy is kept.
    const empty = await editing(s, [invalid, `: > "$1"`]);
    const gone = await empty.edit(["cm", "x"]);
    assert.equal(gone.code, 1);
    assert.equal(gone.out, "");
    const kept = gone.err.match(
      /^error: configmaps "x" is invalid\nerror: configmaps "x" is invalid\nA copy of your changes has been stored to "([^"]+)"\nerror: Edit cancelled, no valid changes were saved\.\n$/,
    );
    assert.ok(kept, gone.err);
    assert.deepEqual(empty.leftovers(), [kept[1].slice(empty.tmp.length + 1)]);
    await Deno.remove(kept[1]);
    assert.deepEqual(await data(s, "x"), { key: "v1value" });
  },
});

Deno.test({
  name: "edit fails as kubectl: renamed object, failing editor",
  async fn() {
    await using s = await sandbox();
    assertOk(await s.k1s(["create", "cm", "x"]), "configmap/x created\n");
    const e = await editing(s, [`sed -i 's/^  name: x$/  name: y/' "$1"`]);
    const r = await e.edit(["cm", "x"]);
    assert.equal(r.code, 1);
    assert.equal(r.out, "");
    const m = r.err.match(
      /^A copy of your changes has been stored to "([^"]+)"\nerror: At least one of apiVersion, kind and name was changed\n$/,
    );
    assert.ok(m, r.err);
    assert.match(await Deno.readTextFile(m[1]), /\n {2}name: y\n/);
    await Deno.remove(m[1]);

    const failing = await editing(s, [`sed -i 's/^  name: x$/  name: y/' "$1"; exit 3`]);
    assertFails(
      await failing.edit(["cm", "x"]),
      `error: there was a problem with the editor ${JSON.stringify(failing.script)}\n`,
    );
    assert.deepEqual(failing.leftovers(), []);
  },
});

Deno.test("edit of a missing object, an output format it cannot print, a missing editor", async () => {
  await using s = await sandbox();
  assertFails(
    await s.k1s(["edit", "cm", "nope"], { env: { EDITOR: "false", KUBE_EDITOR: "" } }),
    'Error from server (NotFound): configmaps "nope" not found\n',
  );
  assertOk(await s.k1s(["create", "cm", "x"]), "configmap/x created\n");
  assertFails(
    await s.k1s(["edit", "cm/x", "-o", "name"], { env: { EDITOR: "false", KUBE_EDITOR: "" } }),
    'error: unable to match a printer suitable for the output format "name", ' +
      "allowed formats are: json,yaml\n",
  );
  // An editor that is not on PATH cannot be launched at all.
  assertFails(
    await s.k1s(["edit", "cm/x"], { env: { EDITOR: "k1s-no-such-editor -w", KUBE_EDITOR: "" } }),
    'error: unable to launch the editor "k1s-no-such-editor -w"\n',
  );
});
