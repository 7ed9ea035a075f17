// Black-box: where the CLI keeps its data (--store, K1S_STORE, the XDG data directory) and that
// the built-in controllers have finished when a mutating command returns.
import assert from "node:assert/strict";
import { assertFails, assertOk, launcher, REMOTE, sandbox } from "./_harness.ts";

// About the local store itself: not run against a server.
Deno.test({
  name: "the store comes from --store, else K1S_STORE, else the XDG data directory",
  ignore: REMOTE !== undefined,
}, async () => {
  await using s = await sandbox((dir) => `sqlite:${dir}/data/store.db`);
  assertOk(await s.k1s(["create", "ns", "from-env"]), "namespace/from-env created\n");
  assert.ok((await Deno.stat(`${s.dir}/data/store.db`)).isFile, "K1S_STORE's file");
  const flag = `sqlite:${s.dir}/flag/other.db`;
  assertOk(
    await s.k1s(["--store", flag, "create", "ns", "from-flag"]),
    "namespace/from-flag created\n",
  );
  assertOk(
    await s.k1s(["get", "ns", "from-flag", "-o", "name", `--store=${flag}`]),
    "namespace/from-flag\n",
  );
  assertFails(
    await s.k1s(["get", "ns", "from-flag"]),
    'Error from server (NotFound): namespaces "from-flag" not found\n',
  );
  // Without K1S_STORE: $XDG_DATA_HOME/k1s/store.db, else ~/.local/share/k1s/store.db.
  assertOk(
    await s.k1s(["create", "ns", "xdg"], { env: { K1S_STORE: "" } }),
    "namespace/xdg created\n",
  );
  assert.ok((await Deno.stat(`${s.dir}/xdg/k1s/store.db`)).isFile, "XDG_DATA_HOME's file");
  const home = await s.k1s(["create", "ns", "home"], { env: { K1S_STORE: "", XDG_DATA_HOME: "" } });
  assertOk(home, "namespace/home created\n");
  assert.ok((await Deno.stat(`${s.dir}/home/.local/share/k1s/store.db`)).isFile, "HOME's file");
  // A Deno KV store works the same way.
  const kv = `kv:${s.dir}/kv/store.kv`;
  assertOk(
    await s.k1s(["--store", kv, "create", "cm", "a", "--from-literal=k=v"]),
    "configmap/a created\n",
  );
  assertOk(await s.k1s(["--store", kv, "get", "cm", "a", "-o", "jsonpath={.data.k}"]), "v");
});

Deno.test("deleting a namespace returns after its contents and the namespace are gone", async () => {
  await using s = await sandbox();
  assertOk(await s.k1s(["create", "namespace", "team"]), "namespace/team created\n");
  const applied = await s.k1s(["apply", "-n", "team", "-f", "-"], {
    stdin: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"b"}}',
  });
  assertOk(applied, "configmap/c created\n");
  assertOk(await s.k1s(["delete", "namespace", "team"]), 'namespace "team" deleted\n');
  assertFails(
    await s.k1s(["delete", "namespace", "team"]),
    'Error from server (NotFound): namespaces "team" not found\n',
  );
  assertOk(await s.k1s(["get", "cm", "-A", "-o", "name"]), "");
});

// About the local store itself: not run against a server.
Deno.test({
  name: "a command that only reads never creates a store: it names the missing path",
  ignore: REMOTE !== undefined,
}, async () => {
  await using s = await sandbox();
  const noStore = (path: string) =>
    `error: there is no store at ${path}: nothing has been stored there yet (create objects ` +
    `with 'k1s apply -f FILE' or 'k1s create', or choose another store with --store)\n`;
  assertFails(await s.k1s(["get", "cm"]), noStore(`${s.dir}/store.db`));
  // Relative paths are named absolute, from the directory the command ran in.
  assertFails(
    await s.k1s(["--store", "sqlite:sub/none.db", "get", "cm", "-A"]),
    noStore(`${s.cwd}/sub/none.db`),
  );
  assertFails(await s.k1s(["describe", "cm", "x"]), noStore(`${s.dir}/store.db`));
  assertFails(
    await s.k1s(["--store", `kv:${s.dir}/none.kv`, "get", "cm"]),
    noStore(`${s.dir}/none.kv`),
  );
  // Unknown types are reported as such, store or not; discovery needs no store.
  assertFails(
    await s.k1s(["get", "widgets"]),
    'error: the server doesn\'t have a resource type "widgets"\n',
  );
  assert.match((await s.k1s(["api-resources"])).out, /^configmaps +cm +v1 +true +ConfigMap$/m);
  // `version` does not create the store either.
  const v = await s.k1s(["version"]);
  assert.equal(v.code, 0);
  assert.match(v.out, /^Client Version: v\S+\nServer Version: v\S+\n$/);
  assert.deepEqual([...Deno.readDirSync(s.dir)].map((e) => e.name).sort(), ["cwd"]);
  // Once something is written, the same commands read it.
  assertOk(await s.k1s(["create", "cm", "a"]), "configmap/a created\n");
  assertOk(await s.k1s(["get", "cm", "-o", "name"]), "configmap/a\n");
});

// About the local store itself: not run against a server.
Deno.test({
  name: "a directory, a corrupt file or another program's database is one clear line",
  ignore: REMOTE !== undefined,
}, async () => {
  await using s = await sandbox();
  await Deno.mkdir(`${s.dir}/adir`);
  assertFails(
    await s.k1s(["--store", `sqlite:${s.dir}/adir`, "create", "cm", "a"]),
    `error: cannot open the store at ${s.dir}/adir: it is a directory; give the path of a file, ` +
      `e.g. ${s.dir}/adir/store.db\n`,
  );
  assertFails(
    await s.k1s(["--store", `sqlite:${s.dir}/adir`, "get", "cm"]),
    `error: cannot open the store at ${s.dir}/adir: it is a directory; give the path of a file, ` +
      `e.g. ${s.dir}/adir/store.db\n`,
  );
  const junk = await s.file("junk.db", "this is not a database, it is a text file\n".repeat(200));
  for (const verb of [["get", "cm"], ["create", "cm", "a"]]) {
    assertFails(
      await s.k1s(["--store", `sqlite:${junk}`, ...verb]),
      `error: cannot open the store at ${junk}: the file is not a SQLite database (it is ` +
        `corrupt, or another kind of file); move it away or choose another store path\n`,
    );
  }
  assertFails(
    await s.k1s(["--store", `kv:${junk}`, "create", "cm", "a"]),
    `error: cannot open the store at ${junk}: the file is not a Deno KV database (it is ` +
      `corrupt, or another kind of file); move it away or choose another store path\n`,
  );
  assert.equal(
    await Deno.readTextFile(junk),
    "this is not a database, it is a text file\n".repeat(200),
  );
  // Another program's SQLite file is refused, not extended with k1s tables.
  const { DatabaseSync } = await import("node:sqlite");
  const other = new DatabaseSync(`${s.dir}/app.db`);
  other.exec("CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT)");
  other.close();
  assertFails(
    await s.k1s(["--store", `sqlite:${s.dir}/app.db`, "create", "cm", "a"]),
    `error: cannot use the store at ${s.dir}/app.db: it is a SQLite database of another ` +
      `program (tables: users), not a k1s store; choose another store path\n`,
  );
  const after = new DatabaseSync(`${s.dir}/app.db`);
  const tables = after.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all();
  after.close();
  assert.deepEqual(tables.map((t) => t.name), ["users"]);
});

/** Runs chattr (root ignores permission bits; the immutable flag binds it too). */
async function chattr(flag: string, path: string): Promise<boolean> {
  try {
    const r = await new Deno.Command("chattr", { args: [flag, path], stderr: "null" }).output();
    return r.success;
  } catch {
    return false;
  }
}

// About the local store itself: not run against a server.
Deno.test({
  name: "a read-only store is read; writing to it says it is read-only",
  ignore: REMOTE !== undefined,
}, async () => {
  await using s = await sandbox((dir) => `sqlite:${dir}/ro/store.db`);
  assertOk(await s.k1s(["create", "cm", "kept", "--from-literal=k=v"]), "configmap/kept created\n");
  const dir = `${s.dir}/ro`;
  const readOnly = Deno.uid() === 0
    ? await chattr("+i", dir)
    : (await Deno.chmod(dir, 0o555), true);
  if (!readOnly) {
    // As for missing services: a line saying what is missing, and a failure under CI=true.
    const why = "cannot make a directory read-only here (root, and chattr +i was refused)";
    if (Deno.env.get("CI") === "true") throw new Error(why);
    console.log(`skipped: ${why}`);
    return;
  }
  try {
    assertOk(await s.k1s(["get", "cm", "kept", "-o", "jsonpath={.data.k}"]), "v");
    assertFails(
      await s.k1s(["create", "cm", "new"]),
      `error: cannot use the store at ${dir}/store.db: the file or its directory is read-only; ` +
        `check their permissions\n`,
    );
  } finally {
    if (Deno.uid() === 0) await chattr("-i", dir);
    else await Deno.chmod(dir, 0o755);
  }
  assertOk(await s.k1s(["get", "cm", "-o", "name"]), "configmap/kept\n");
});

Deno.test("deno task k1s resolves --store and -f from the directory it was called in", async () => {
  if (launcher().label !== "source") return; // the task runs the source, not a built binary
  await using s = await sandbox();
  const work = `${s.dir}/work`;
  await Deno.mkdir(work);
  await Deno.writeTextFile(
    `${work}/cm.yaml`,
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-task\n",
  );
  const root = new URL("../..", import.meta.url).pathname;
  const task = (args: string[]) =>
    new Deno.Command(Deno.execPath(), {
      args: ["task", "--config", `${root}deno.json`, "k1s", "--store", "sqlite:here.db", ...args],
      cwd: work,
      // A clean environment: a `deno task` this test runs under has set INIT_CWD already, and
      // deno task (as npm) keeps an INIT_CWD it finds.
      clearEnv: true,
      env: Object.fromEntries(
        ["PATH", "HOME", "DENO_DIR", "XDG_CACHE_HOME"].flatMap((k) => {
          const v = Deno.env.get(k);
          return v === undefined ? [] : [[k, v]];
        }),
      ),
      stdout: "piped",
      stderr: "piped",
    }).output();
  const applied = await task(["apply", "-f", "cm.yaml"]);
  assert.equal(
    new TextDecoder().decode(applied.stdout),
    "configmap/from-task created\n",
    new TextDecoder().decode(applied.stderr),
  );
  assert.ok((await Deno.stat(`${work}/here.db`)).isFile, "the store is in the caller's directory");
  const got = await task(["get", "cm", "-o", "name"]);
  assert.equal(new TextDecoder().decode(got.stdout), "configmap/from-task\n");
});

Deno.test({
  name: "--local reads files and prints: no store is created or written, no server is contacted",
  ignore: REMOTE !== undefined,
}, async () => {
  await using s = await sandbox((dir) => `sqlite:${dir}/data/store.db`);
  await s.file("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n");
  const here = { cwd: s.dir };
  assertOk(
    await s.k1s(["label", "--local", "-f", "cm.yaml", "a=b"], here),
    "configmap/c labeled\n",
  );
  assertOk(
    await s.k1s(["annotate", "--local", "-f", "cm.yaml", "a=b", "-o", "name"], here),
    "configmap/c\n",
  );
  assertOk(
    await s.k1s(["patch", "--local", "-f", "cm.yaml", "-p", '{"data":{"k":"v"}}'], here),
    "configmap/c patched\n",
  );
  // A server named on the command line is not contacted (nothing listens there).
  assertOk(
    await s.k1s(["label", "--local", "-f", "cm.yaml", "a=b", "-s", "http://127.0.0.1:9"], here),
    "configmap/c labeled\n",
  );
  await assert.rejects(Deno.stat(`${s.dir}/data`), Deno.errors.NotFound);
});
