// The k1s CLI as a real process: exit codes and streams as a shell sees them.
import assert from "node:assert/strict";

const main = new URL("../cli/main.ts", import.meta.url).pathname;
const config = new URL("../deno.json", import.meta.url).pathname;

async function k1s(args: string[], env: Record<string, string> = {}, stdin = "") {
  const p = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--config",
      config,
      main,
      ...args,
    ],
    env,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = p.stdin.getWriter();
  await w.write(new TextEncoder().encode(stdin));
  await w.close();
  const out = await p.output();
  const dec = new TextDecoder();
  return { code: out.code, out: dec.decode(out.stdout), err: dec.decode(out.stderr) };
}

Deno.test("k1s runs as a process with the store from K1S_STORE", async () => {
  const dir = await Deno.makeTempDir({ prefix: "k1s-proc-" });
  try {
    const env = { K1S_STORE: `sqlite:${dir}/data/store.db` };
    const made = await k1s(["create", "namespace", "team"], env);
    assert.deepEqual(made, { code: 0, out: "namespace/team created\n", err: "" });
    const applied = await k1s(
      ["apply", "-n", "team", "-f", "-"],
      env,
      '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"b"}}',
    );
    assert.equal(applied.out, "configmap/c created\n");
    const del = await k1s(["delete", "namespace", "team"], env);
    assert.equal(del.out, 'namespace "team" deleted\n');
    // The namespace controller ran before the command returned: the namespace is gone.
    const again = await k1s(["delete", "namespace", "team"], env);
    assert.equal(again.code, 1);
    assert.equal(again.err, 'Error from server (NotFound): namespaces "team" not found\n');
    const home = await k1s(["create", "ns", "x"], { HOME: dir, XDG_DATA_HOME: "", K1S_STORE: "" });
    assert.equal(home.code, 0);
    assert.ok((await Deno.stat(`${dir}/.local/share/k1s/store.db`)).isFile);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
