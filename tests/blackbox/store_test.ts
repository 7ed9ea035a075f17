// Black-box: where the CLI keeps its data (--store, K1S_STORE, the XDG data directory) and that
// the built-in controllers have finished when a mutating command returns.
import assert from "node:assert/strict";
import { assertFails, assertOk, sandbox } from "./_harness.ts";

Deno.test("the store comes from --store, else K1S_STORE, else the XDG data directory", async () => {
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
