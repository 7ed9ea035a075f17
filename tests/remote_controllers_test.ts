// The same controllers run three ways: embedded, through connect() to a `serve` started here
// (plain HTTP), and through connect() with kubeconfig files this test writes (HTTPS with a token
// and CA data, a token file and a CA file, an exec credential plugin, a client certificate, and
// KUBECONFIG with two files merged). The server's own controllers (garbage collector) run in the
// server's process, as a cluster's do.
import assert from "node:assert/strict";
import {
  type Client,
  ConfigMap,
  connect,
  controllerFor,
  createOrUpdate,
  createRuntime,
  Event,
  isNotFound,
  type Manager,
  Namespace,
  type Runtime,
  setControllerReference,
} from "../mod.ts";
import { serve } from "../src/server/server.ts";
import { ensureServingCertificates } from "../src/server/tls.ts";
import { Category, Item } from "../examples/inventory/kinds.ts";
import { inventoryControllers } from "../examples/inventory/controllers.ts";

const ns = { namespace: "default" };

async function until<T>(what: string, test: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await test().catch((err) => {
      if (isNotFound(err)) return undefined;
      throw err;
    });
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A controller as an operator writes one: each Category owns a ConfigMap of its tags. */
function tagsController(client: Client) {
  return controllerFor(Category).named("category-tags").owns(ConfigMap).complete(
    async (req, ctx) => {
      let cat;
      try {
        cat = await ctx.reader.get(Category, req.name, { namespace: req.namespace });
      } catch (err) {
        if (isNotFound(err)) return;
        throw err;
      }
      await createOrUpdate(client, ConfigMap, {
        name: `${cat.metadata.name}-tags`,
        namespace: req.namespace,
      }, (cm) => {
        cm.data = { tags: cat.spec.tags.join(",") };
        setControllerReference(cat, cm);
      });
    },
  );
}

/** The scenario every way: counts, events, owned objects, and the server's garbage collection. */
async function scenario(client: Client, manager: Manager): Promise<void> {
  for (const c of inventoryControllers({ client: manager.client })) manager.add(c);
  manager.add(tagsController(manager.client));
  const stop = new AbortController();
  const running = manager.start(stop.signal);
  try {
    await client.create(Category, {
      metadata: { name: "tools" },
      spec: { displayName: "Tools", tags: ["hand", "power"] },
    }, ns);
    for (const name of ["saw", "drill"]) {
      await client.create(Item, {
        metadata: { name },
        spec: { displayName: name, priceCents: 100, category: "tools" },
      }, ns);
    }
    await until(
      "two items counted",
      async () => (await client.get(Category, "tools", ns)).status?.items === 2,
    );
    const tags = await until("the owned ConfigMap", () => client.get(ConfigMap, "tools-tags", ns));
    assert.equal(tags.data?.tags, "hand,power");
    assert.equal(tags.metadata.ownerReferences?.[0]?.name, "tools");

    await client.delete(Item, "saw", ns);
    await until(
      "one item counted",
      async () => (await client.get(Category, "tools", ns)).status?.items === 1,
    );
    const events = await until("the Counted events", async () => {
      const list = await client.list(Event, ns);
      const counted = list.items.filter((e) => e.reason === "Counted");
      return counted.length >= 2 ? counted : undefined;
    });
    assert.ok(events.some((e) => e.message === "1 item, 0 subcategories"));

    // Deleting the category: its ConfigMap goes by the garbage collector.
    await client.delete(Item, "drill", ns);
    await client.delete(Category, "tools", ns);
    await until("the owned ConfigMap collected", async () => {
      try {
        await client.get(ConfigMap, "tools-tags", ns);
        return undefined;
      } catch (err) {
        if (isNotFound(err)) return true;
        throw err;
      }
    });
  } finally {
    stop.abort();
    const report = await running;
    assert.deepEqual(report.unfinished, []);
  }
}

/** A runtime served over HTTP(S) with its system controllers running, as `k1s serve` runs them. */
async function served(options: { tls?: boolean; token?: string } = {}) {
  const dir = await Deno.makeTempDir({ prefix: "k1s-remote-" });
  const rt: Runtime = await createRuntime({ store: "memory:", kinds: [Category, Item] });
  const certs = options.tls ? await ensureServingCertificates(`${dir}/pki`) : undefined;
  const server = await serve(rt, {
    port: 0,
    tls: certs && { cert: certs.certPem, key: certs.keyPem },
    token: options.token,
  });
  const stop = new AbortController();
  const system = rt.manager().start(stop.signal);
  return {
    dir,
    rt,
    url: server.url,
    certs,
    async [Symbol.asyncDispose]() {
      stop.abort();
      await system;
      await server.shutdown();
      await rt.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

const b64 = (s: string) => btoa(s);

function kubeconfig(o: {
  server: string;
  cluster: Record<string, unknown>;
  user: Record<string, unknown>;
  namespace?: string;
}): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "c", cluster: { server: o.server, ...o.cluster } }],
    users: [{ name: "u", user: o.user }],
    contexts: [{ name: "ctx", context: { cluster: "c", user: "u", namespace: o.namespace } }],
    "current-context": "ctx",
  });
}

Deno.test("controllers embedded", async () => {
  await using rt = await createRuntime({ store: "memory:", kinds: [Category, Item] });
  await scenario(rt.client, rt.manager());
});

Deno.test("controllers through connect() to serve over plain HTTP", async () => {
  await using s = await served();
  await using remote = await connect({ server: s.url });
  await scenario(remote.client, remote.manager());
});

Deno.test("controllers through connect() with kubeconfigs: token and CA data", async () => {
  await using s = await served({ tls: true, token: "t0ken" });
  const file = `${s.dir}/config`;
  await Deno.writeTextFile(
    file,
    kubeconfig({
      server: s.url,
      cluster: { "certificate-authority-data": b64(s.certs!.caPem) },
      user: { token: "t0ken" },
    }),
  );
  await using remote = await connect({ kubeconfig: file });
  assert.equal(remote.namespace, "default");
  assert.equal(remote.context, "ctx");
  await scenario(remote.client, remote.manager());

  // The wrong token: the server's 401, as a Status.
  await using wrong = await connect({ kubeconfig: file, token: "nope" });
  await assert.rejects(wrong.client.list(ConfigMap), /Unauthorized/);
  // No CA: the server's certificate is not trusted.
  await using untrusted = await connect({ server: s.url, token: "t0ken" });
  await assert.rejects(untrusted.client.list(ConfigMap), /certificate|UnknownIssuer/i);
  // insecure-skip-tls-verify: Deno cannot skip verification per connection, and says how to.
  await Deno.writeTextFile(
    `${s.dir}/insecure`,
    kubeconfig({
      server: s.url,
      cluster: { "insecure-skip-tls-verify": true },
      user: { token: "t0ken" },
    }),
  );
  await using insecure = await connect({ kubeconfig: `${s.dir}/insecure` });
  await assert.rejects(
    insecure.client.list(ConfigMap),
    /UnknownIssuer \(the kubeconfig says insecure-skip-tls-verify, which Deno cannot do per connection: give certificate-authority-data, or run deno with --unsafely-ignore-certificate-errors=127\.0\.0\.1\)$/,
  );
});

Deno.test("controllers through connect() with kubeconfigs: token file and CA file, relative paths", async () => {
  await using s = await served({ tls: true, token: "from-file" });
  await Deno.mkdir(`${s.dir}/kube`);
  await Deno.writeTextFile(`${s.dir}/kube/ca.crt`, s.certs!.caPem);
  await Deno.writeTextFile(`${s.dir}/kube/token`, "from-file\n");
  await Deno.writeTextFile(
    `${s.dir}/kube/config`,
    kubeconfig({
      server: s.url,
      cluster: { "certificate-authority": "ca.crt" },
      user: { tokenFile: "token" },
    }),
  );
  await using remote = await connect({ kubeconfig: `${s.dir}/kube/config` });
  await scenario(remote.client, remote.manager());
});

Deno.test("controllers through connect() with kubeconfigs: an exec credential plugin", async () => {
  await using s = await served({ tls: true, token: "from-exec" });
  const plugin = `${s.dir}/cred.sh`;
  // The plugin checks what client-go hands it (KUBERNETES_EXEC_INFO, args, env) and counts runs.
  await Deno.writeTextFile(
    plugin,
    `#!/bin/sh
case "$KUBERNETES_EXEC_INFO" in *'"kind":"ExecCredential"'*) ;; *) echo "no exec info" >&2; exit 3;; esac
[ "$1" = "--team" ] && [ "$TEAM" = "blue" ] || { echo "bad args or env" >&2; exit 4; }
echo run >> "${s.dir}/runs"
printf '%s' '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"from-exec"}}'
`,
  );
  await Deno.chmod(plugin, 0o755);
  await Deno.writeTextFile(
    `${s.dir}/config`,
    kubeconfig({
      server: s.url,
      cluster: { "certificate-authority-data": b64(s.certs!.caPem) },
      user: {
        exec: {
          apiVersion: "client.authentication.k8s.io/v1",
          command: "./cred.sh",
          args: ["--team"],
          env: [{ name: "TEAM", value: "blue" }],
          interactiveMode: "Never",
        },
      },
    }),
  );
  await using remote = await connect({ kubeconfig: `${s.dir}/config` });
  await scenario(remote.client, remote.manager());
  const runs = async () => (await Deno.readTextFile(`${s.dir}/runs`)).trim().split("\n").length;
  assert.equal(await runs(), 1, "the credential is kept while it works");

  // A plugin that fails: its exit code in the error (its stderr went to ours, as client-go).
  await Deno.writeTextFile(plugin, "#!/bin/sh\necho 'login required' >&2\nexit 1\n");
  await using failing = await connect({ kubeconfig: `${s.dir}/config` });
  await assert.rejects(
    failing.client.list(ConfigMap),
    /^Error: exec: executable \/.*\/cred\.sh failed with exit code 1$/,
  );

  // A credential that has expired is fetched again before the next request; one the server
  // refuses (401) is fetched again once and the request sent again.
  await Deno.writeTextFile(`${s.dir}/runs`, "");
  await Deno.writeTextFile(
    plugin,
    `#!/bin/sh
echo run >> "${s.dir}/runs"
n=$(wc -l < "${s.dir}/runs")
if [ "$MODE" = expired ]; then
  printf '%s' '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"from-exec","expirationTimestamp":"2020-01-01T00:00:00Z"}}'
elif [ "$n" -eq 1 ]; then
  printf '%s' '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"revoked"}}'
else
  printf '%s' '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"from-exec"}}'
fi
`,
  );
  await using renewing = await connect({ kubeconfig: `${s.dir}/config` });
  await renewing.client.list(ConfigMap);
  assert.equal(await runs(), 2, "the refused token was replaced once");
  await renewing.client.list(ConfigMap);
  assert.equal(await runs(), 2, "and then kept");

  await Deno.writeTextFile(`${s.dir}/runs`, "");
  const expiring = JSON.parse(await Deno.readTextFile(`${s.dir}/config`));
  expiring.users[0].user.exec.env.push({ name: "MODE", value: "expired" });
  await Deno.writeTextFile(`${s.dir}/expiring`, JSON.stringify(expiring));
  await using expired = await connect({ kubeconfig: `${s.dir}/expiring` });
  await expired.client.list(ConfigMap);
  await expired.client.list(ConfigMap);
  assert.equal(await runs(), 2, "an expired credential is not used again");
});

Deno.test("controllers through connect() with kubeconfigs: client certificate files, KUBECONFIG merged", async () => {
  await using s = await served({ tls: true, token: "merged" });
  // k1s serve authenticates by token; the client certificate is loaded and offered in the
  // handshake (a cluster would authenticate by it).
  const client = await ensureServingCertificates(`${s.dir}/client-pki`);
  await Deno.writeTextFile(`${s.dir}/client.crt`, client.certPem);
  await Deno.writeTextFile(`${s.dir}/client.key`, client.keyPem);
  // Two files: the first names the context and its user; the second the cluster, and a
  // user of the same name that must lose.
  await Deno.writeTextFile(
    `${s.dir}/a.yaml`,
    `apiVersion: v1
kind: Config
current-context: ctx
contexts:
- name: ctx
  context: {cluster: c, user: u, namespace: team}
users:
- name: u
  user: {token: merged, client-certificate: client.crt, client-key: client.key}
`,
  );
  await Deno.writeTextFile(
    `${s.dir}/b.yaml`,
    `apiVersion: v1
kind: Config
current-context: other
clusters:
- name: c
  cluster: {server: "${s.url}", certificate-authority-data: ${b64(s.certs!.caPem)}}
users:
- name: u
  user: {token: loser}
`,
  );
  const before = Deno.env.get("KUBECONFIG");
  Deno.env.set("KUBECONFIG", `${s.dir}/a.yaml:${s.dir}/missing.yaml:${s.dir}/b.yaml`);
  try {
    await using remote = await connect();
    assert.equal(remote.namespace, "team");
    assert.equal(remote.context, "ctx");
    await s.rt.client.create(Namespace, { metadata: { name: "team" } });
    const made = await remote.client.create(ConfigMap, { metadata: { name: "m" } }, {
      namespace: remote.namespace,
    });
    assert.equal(made.metadata.namespace, "team");
  } finally {
    if (before === undefined) Deno.env.delete("KUBECONFIG");
    else Deno.env.set("KUBECONFIG", before);
  }
});

Deno.test("connect(): configuration errors are clear", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assert.rejects(connect({ kubeconfig: `${dir}/none` }), /no such file or directory/);
    await Deno.writeTextFile(
      `${dir}/config`,
      kubeconfig({ server: "https://x", cluster: {}, user: {} }),
    );
    await assert.rejects(connect({ kubeconfig: `${dir}/config`, context: "nope" }), /nope/);
    await Deno.writeTextFile(`${dir}/bad`, "clusters: {not: a list}\n");
    await assert.rejects(connect({ kubeconfig: `${dir}/bad` }), /bad/);
    // Credentials never go to a plain-http server, as client-go.
    const seen: (string | null)[] = [];
    const server = Deno.serve({ port: 0, onListen() {} }, (req) => {
      seen.push(req.headers.get("authorization"));
      return Response.json({ kind: "ConfigMapList", apiVersion: "v1", metadata: {}, items: [] });
    });
    await using remote = await connect({
      server: `http://127.0.0.1:${server.addr.port}`,
      token: "secret",
    });
    await remote.client.list(ConfigMap);
    await server.shutdown();
    assert.deepEqual(seen, [null]);
    // Triggered runs read a store's change log, which a connection does not have.
    await assert.rejects(remote.manager().runTriggered(), /it needs an embedded runtime/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("connect(): impersonation headers, a rotated token file, and the context's namespace", async () => {
  const dir = await Deno.makeTempDir({ prefix: "k1s-remote-" });
  const certs = await ensureServingCertificates(`${dir}/pki`);
  const seen: { path: string; headers: Headers }[] = [];
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", cert: certs.certPem, key: certs.keyPem, onListen() {} },
    (req) => {
      seen.push({ path: new URL(req.url).pathname, headers: new Headers(req.headers) });
      return Response.json(
        { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x", namespace: "apps" } },
        { status: req.method === "POST" ? 201 : 200 },
      );
    },
  );
  try {
    await Deno.writeTextFile(`${dir}/token`, "first\n");
    await Deno.writeTextFile(
      `${dir}/config`,
      kubeconfig({
        server: `https://127.0.0.1:${server.addr.port}`,
        cluster: { "certificate-authority-data": b64(certs.caPem) },
        user: { tokenFile: "token", as: "jane", "as-groups": ["devs", "ops"] },
        namespace: "apps",
      }),
    );
    await using remote = await connect({ kubeconfig: `${dir}/config`, reloadIntervalMs: 0 });
    await remote.client.create(ConfigMap, { metadata: { name: "x" } });
    const first = seen[0];
    assert.equal(first.path, "/api/v1/namespaces/apps/configmaps", "the context's namespace");
    assert.equal(first.headers.get("authorization"), "Bearer first");
    assert.equal(first.headers.get("impersonate-user"), "jane");
    assert.equal(first.headers.get("impersonate-group"), "devs, ops");
    // A rotated token file is read again; an emptied or vanished one keeps the last good token.
    await Deno.writeTextFile(`${dir}/token`, "second\n");
    await remote.client.get(ConfigMap, "x");
    await Deno.writeTextFile(`${dir}/token`, "");
    await remote.client.get(ConfigMap, "x");
    await Deno.remove(`${dir}/token`);
    await remote.client.get(ConfigMap, "x");
    assert.deepEqual(seen.slice(1).map((r) => r.headers.get("authorization")), [
      "Bearer second",
      "Bearer second",
      "Bearer second",
    ]);
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
