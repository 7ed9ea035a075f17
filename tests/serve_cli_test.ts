// `serve` as a user starts it: a CLI process (the inventory example's, built with the kit) serving
// HTTPS with a generated CA and token, its controllers running as a manager in the process, the
// real kubectl changing objects through the kubeconfig it wrote, and a clean stop on SIGTERM.
import assert from "node:assert/strict";
import { haveKubectl, Kubectl } from "./_kubectl.ts";

const CONFIG = new URL("../deno.json", import.meta.url).pathname;
const INVENTORY = new URL("../examples/inventory/cli.ts", import.meta.url).pathname;
const K1S = new URL("../cli/main.ts", import.meta.url).pathname;
const SAMPLE = new URL("../examples/inventory/sample/", import.meta.url).pathname;

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Starts `inventory serve` and resolves with the process and what it printed on start. */
async function startServe(dir: string, extra: string[] = []) {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--config",
      CONFIG,
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-run",
      "--allow-net",
      INVENTORY,
      "serve",
      "--store",
      `sqlite:${dir}/inventory.db`,
      "--listen",
      `127.0.0.1:${port}`,
      ...extra,
    ],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let err = "";
  while (!err.includes("export KUBECONFIG=")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`serve exited: ${err}`);
    err += value;
  }
  const rest = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return err;
      err += value;
    }
  })();
  return { child, port, started: err, output: rest };
}

Deno.test({
  name: "inventory serve: HTTPS and a token, its controller reconciles what kubectl applies",
  ignore: !haveKubectl(32),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "k1s-serve-cli-" });
    const { child, port, started, output } = await startServe(dir);
    try {
      assert.match(
        started,
        new RegExp(
          `^inventory serve: serving sqlite:${dir}/inventory.db at https://127\\.0\\.0\\.1:${port}\\n`,
        ),
      );
      const kubeconfig = `${dir}/serve/kubeconfig`;
      assert.match(started, new RegExp(`export KUBECONFIG=${kubeconfig}`));
      for (const f of ["ca.crt", "serving.crt", "serving.key", "token", "kubeconfig"]) {
        const mode = (await Deno.stat(`${dir}/serve/${f}`)).mode! & 0o777;
        if (f.endsWith(".key") || f === "token" || f === "kubeconfig") assert.equal(mode, 0o600, f);
      }
      // Without the token: 401, and kubectl says so.
      const anon = await fetch(`https://127.0.0.1:${port}/api/v1/namespaces`, {
        client: Deno.createHttpClient({
          caCerts: [await Deno.readTextFile(`${dir}/serve/ca.crt`)],
        }),
      });
      assert.equal(anon.status, 401);
      await anon.body?.cancel();

      await Deno.mkdir(`${dir}/cache`);
      const k = new Kubectl(32, kubeconfig, `${dir}/cache`);
      const applied = await k.run([
        "apply",
        "-f",
        `${SAMPLE}categories.yaml`,
        "-f",
        `${SAMPLE}items.yaml`,
      ]);
      assert.equal(applied.code, 0, applied.err);
      assert.match(applied.out, /category\.inventory\.k1s\.dev\/office created/);
      // The controller, running in the server process, counts items per category.
      const want = "kitchen=1/0 office=1/1 writing=1/0";
      let got = "";
      for (let i = 0; i < 100 && got !== want; i++) {
        const r = await k.run([
          "get",
          "categories",
          "-o",
          "jsonpath={range .items[*]}{.metadata.name}={.status.items}/{.status.subcategories} {end}",
        ]);
        got = r.out.trim();
        if (got !== want) await new Promise((res) => setTimeout(res, 100));
      }
      assert.equal(got, want);
      // The table shows the kind's printer columns.
      const table = await k.run(["get", "categories"]);
      assert.match(table.out, /^NAME\s+DISPLAY NAME\s+PARENT\s+ITEMS\s+SUBCATEGORIES\s+AGE\n/);
      assert.match(table.out, /\nwriting\s+Writing\s+office\s+1\s+0\s+\d+s\n/);
      // The namespace controller, also in the server process, empties and removes a namespace
      // while kubectl waits for it.
      assert.equal((await k.run(["create", "namespace", "tmp"])).code, 0);
      assert.equal((await k.run(["-n", "tmp", "create", "configmap", "c"])).code, 0);
      const gone = await k.run(["delete", "namespace", "tmp", "--timeout=20s"]);
      assert.equal(gone.out, 'namespace "tmp" deleted\n', gone.err);
      const names = await k.run(["get", "namespaces", "-o", "name"]);
      assert.equal(names.out, "namespace/default\n");
      // The plain k1s CLI, which has no inventory kinds, learns them from the server's
      // discovery through the same kubeconfig (HTTPS, the CA and the token).
      const k1s = async (args: string[]) => {
        const out = await new Deno.Command(Deno.execPath(), {
          args: ["run", "--config", CONFIG, "-A", K1S, "--kubeconfig", kubeconfig, ...args],
          env: { NO_COLOR: "1" },
        }).output();
        const dec = new TextDecoder();
        return { code: out.code, out: dec.decode(out.stdout), err: dec.decode(out.stderr) };
      };
      const items = await k1s(["get", "itm"]);
      assert.equal(items.code, 0, items.err);
      assert.match(items.out, /^NAME\s+AGE\n(\S+\s+\d+[sm]\n){3}$/);
      const one = await k1s(["get", "category", "office", "-o", "jsonpath={.status.items}"]);
      assert.deepEqual(one, { code: 0, out: "1", err: "" });
      const unknown = await k1s(["get", "gadgets"]);
      assert.deepEqual(unknown, {
        code: 1,
        out: "",
        err: 'error: the server doesn\'t have a resource type "gadgets"\n',
      });
    } finally {
      child.kill("SIGTERM");
      const status = await child.status;
      const text = await output;
      await child.stdout.cancel();
      assert.equal(status.code, 0, text);
      assert.match(text, /inventory serve: stopped\n$/);
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("k1s serve: bad flags and a busy address are one clear line and exit 1", async () => {
  const main = new URL("../cli/main.ts", import.meta.url).pathname;
  const run = async (args: string[]) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--config", CONFIG, "-A", main, "serve", "--store", "memory:", ...args],
      stdout: "piped",
      stderr: "piped",
    }).output();
    return { code: out.code, err: new TextDecoder().decode(out.stderr) };
  };
  assert.deepEqual(await run(["--listen", "nonsense"]), {
    code: 1,
    err: 'error: invalid --listen "nonsense": want HOST:PORT, e.g. 127.0.0.1:6443\n',
  });
  assert.deepEqual(await run(["--tls-cert", "/nowhere.crt"]), {
    code: 1,
    err: "error: --tls-cert and --tls-key go together\n",
  });
  const busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = (busy.addr as Deno.NetAddr).port;
    assert.deepEqual(await run(["--listen", `127.0.0.1:${port}`, "--insecure-http"]), {
      code: 1,
      err: `error: cannot listen on 127.0.0.1:${port}: address already in use ` +
        "(choose another address with --listen)\n",
    });
  } finally {
    busy.close();
  }
});
