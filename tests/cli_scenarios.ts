// Scenarios that run the k1s CLI as a real process (from source or from a bundle).
import assert from "node:assert/strict";

const main = new URL("../cli/main.ts", import.meta.url).pathname;
const config = new URL("../deno.json", import.meta.url).pathname;

/** How to start the CLI: from source with the repo's config, or a bundle from another directory. */
export interface Launcher {
  /** deno arguments before the CLI's own. */
  prefix: string[];
  /** Working directory. */
  cwd?: string;
}

const fromSource: Launcher = {
  prefix: ["run", "--allow-read", "--allow-write", "--allow-env", "--config", config, main],
};

let launcher = fromSource;

async function k1s(args: string[], env: Record<string, string> = {}, stdin = "") {
  const p = new Deno.Command(Deno.execPath(), {
    args: [...launcher.prefix, ...args],
    cwd: launcher.cwd,
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

/** Runs the process scenarios with `using` as the way to start the CLI. */
export async function processScenarios(using: Launcher): Promise<void> {
  launcher = using;
  try {
    await storeAndCascade();
    await getAndBadInput();
  } finally {
    launcher = fromSource;
  }
}

export async function getAndBadInput(): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "k1s-proc-" });
  try {
    const env = { K1S_STORE: `sqlite:${dir}/store.db` };
    await Deno.writeTextFile(
      `${dir}/cm.yaml`,
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n",
    );
    assert.equal((await k1s(["apply", "-f", `${dir}/cm.yaml`], env)).out, "configmap/a created\n");
    const got = await k1s(["get", "cm", "a", "-o", "jsonpath={.data.k}"], env);
    assert.deepEqual(got, { code: 0, out: "v", err: "" });
    const table = await k1s(
      ["get", "cm", "--no-headers", "-o", "custom-columns=N:.metadata.name"],
      env,
    );
    assert.equal(table.out, "a\n");
    const bad = await k1s(["apply", "-f", "-"], env, "kind: [\n");
    assert.equal(bad.code, 1);
    assert.match(bad.err, /^error: error parsing STDIN: error converting YAML to JSON/);
    const unknown = await k1s(["get", "frobs"], env);
    assert.deepEqual(unknown, {
      code: 1,
      out: "",
      err: 'error: the server doesn\'t have a resource type "frobs"\n',
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

export async function storeAndCascade(): Promise<void> {
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
}
