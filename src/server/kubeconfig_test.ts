import assert from "node:assert/strict";
import { parse } from "yaml";
import { haveKubectl, kubectlPath } from "../../tests/_kubectl.ts";
import { buildKubeconfig, mergeKubeconfig, writeKubeconfig } from "./kubeconfig.ts";
import { generateCertificateAuthority } from "./tls.ts";

async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "k1s-kubeconfig-" });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

/** `kubectl config view --raw -o json` of `path`: how client-go reads the file. */
async function kubectlView(path: string): Promise<any> {
  const out = await new Deno.Command(kubectlPath(32)!, {
    args: ["config", "view", "--raw", "-o", "json", `--kubeconfig=${path}`],
    env: { HOME: "/nonexistent" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  assert.equal(out.code, 0, dec.decode(out.stderr));
  return JSON.parse(dec.decode(out.stdout));
}

const EXISTING = `# my clusters
apiVersion: v1
kind: Config
preferences:
  colors: true
clusters:
  - name: prod # keep me
    cluster:
      server: https://prod.example:6443
  - name: k1s
    cluster:
      server: https://127.0.0.1:1
      insecure-skip-tls-verify: true
users:
  - name: prod
    user:
      token: prod-token
  - name: k1s
    user:
      token: old
  - name: k1s
    user:
      token: duplicate
contexts:
  - name: prod
    context:
      cluster: prod
      user: prod
current-context: prod
`;

Deno.test("buildKubeconfig: CA data is the base64 of the PEM; names and namespace default to k1s/default", async () => {
  const ca = await generateCertificateAuthority();
  const config = buildKubeconfig({
    server: "https://127.0.0.1:6443",
    caPem: ca.certPem,
    token: "t",
  });
  assert.deepEqual(config, {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{
      name: "k1s",
      cluster: { server: "https://127.0.0.1:6443", "certificate-authority-data": btoa(ca.certPem) },
    }],
    users: [{ name: "k1s", user: { token: "t" } }],
    contexts: [{ name: "k1s", context: { cluster: "k1s", user: "k1s", namespace: "default" } }],
    "current-context": "k1s",
  });
  const named = buildKubeconfig({
    server: "http://127.0.0.1:8080",
    name: "dev",
    user: "me",
    namespace: "team",
  });
  assert.deepEqual(named.clusters[0], {
    name: "dev",
    cluster: { server: "http://127.0.0.1:8080" },
  });
  assert.deepEqual(named.users[0], { name: "me", user: {} });
  assert.deepEqual(named.contexts[0], {
    name: "dev",
    context: { cluster: "dev", user: "me", namespace: "team" },
  });
});

Deno.test("buildKubeconfig refuses what kubectl could not use", () => {
  const refuse = (options: Parameters<typeof buildKubeconfig>[0], fragment: string) =>
    assert.throws(() => buildKubeconfig(options), (e: Error) => {
      assert.ok(e.message.includes(fragment), e.message);
      assert.ok(
        e.message.startsWith(`Cannot build a kubeconfig for "${options.server}"`),
        e.message,
      );
      return true;
    });
  refuse({ server: "localhost:6443" }, "must start with https:// or http://");
  refuse({ server: "not a url" }, "not a URL");
  refuse(
    { server: "https://h", caPem: "-----BEGIN CERTIFICATE-----", insecureSkipTlsVerify: true },
    "cannot both be set",
  );
  refuse({ server: "https://h", caPem: "hello" }, "not a PEM certificate");
  refuse({ server: "https://h", token: "" }, "token must be non-empty");
  refuse({ server: "https://h", token: "a b" }, "without whitespace");
  refuse({ server: "https://h", name: "" }, "cluster name is empty");
  refuse({ server: "https://h", namespace: "" }, "namespace name is empty");
});

Deno.test("mergeKubeconfig replaces same-named entries, keeps the rest and comments, sets current-context", () => {
  const text = mergeKubeconfig(EXISTING, {
    server: "https://127.0.0.1:6443",
    insecureSkipTlsVerify: true,
    token: "new",
  });
  const config = parse(text);
  assert.deepEqual(config.clusters, [
    { name: "prod", cluster: { server: "https://prod.example:6443" } },
    {
      name: "k1s",
      cluster: { server: "https://127.0.0.1:6443", "insecure-skip-tls-verify": true },
    },
  ]);
  assert.deepEqual(config.users, [
    { name: "prod", user: { token: "prod-token" } },
    { name: "k1s", user: { token: "new" } },
  ]);
  assert.deepEqual(config.contexts, [
    { name: "prod", context: { cluster: "prod", user: "prod" } },
    { name: "k1s", context: { cluster: "k1s", user: "k1s", namespace: "default" } },
  ]);
  assert.equal(config["current-context"], "k1s");
  assert.deepEqual(config.preferences, { colors: true });
  assert.match(text, /^# my clusters/);
  assert.match(text, /# keep me/);
  // Merging the same again changes nothing.
  assert.equal(
    mergeKubeconfig(text, {
      server: "https://127.0.0.1:6443",
      insecureSkipTlsVerify: true,
      token: "new",
    }),
    text,
  );
});

Deno.test("mergeKubeconfig starts a kubeconfig from empty text or one without lists", () => {
  const options = { server: "https://127.0.0.1:6443", token: "t" };
  assert.deepEqual(parse(mergeKubeconfig("", options)), buildKubeconfig(options));
  assert.deepEqual(parse(mergeKubeconfig("# nothing yet\n", options)), buildKubeconfig(options));
  const nulls = parse(
    mergeKubeconfig("apiVersion: v1\nkind: Config\nclusters: null\nusers:\n", options),
  );
  assert.deepEqual(nulls.clusters, buildKubeconfig(options).clusters);
});

Deno.test("mergeKubeconfig refuses text that is not a kubeconfig, naming it", () => {
  const options = { server: "https://127.0.0.1:6443" };
  const refuse = (text: string, fragment: string) =>
    assert.throws(() => mergeKubeconfig(text, options, 'kubeconfig "/x/config"'), (e: Error) => {
      assert.ok(e.message.startsWith('Cannot merge into kubeconfig "/x/config": '), e.message);
      assert.ok(e.message.includes(fragment), e.message);
      return true;
    });
  refuse("clusters: [\n", "not valid YAML");
  refuse("- a\n- b\n", "not a YAML mapping");
  refuse("apiVersion: v1\nkind: Pod\n", 'its kind is "Pod"');
  refuse("clusters: {a: 1}\n", '"clusters" is not a list');
});

Deno.test("writeKubeconfig writes 0600 and merges into the existing file", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/.kube/config`;
  await writeKubeconfig(path, { server: "https://127.0.0.1:1", token: "a", name: "one" });
  if (Deno.build.os !== "windows") {
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    assert.equal((await Deno.stat(`${dir.path}/.kube`)).mode! & 0o077, 0);
  }
  await Deno.chmod(path, 0o644);
  await writeKubeconfig(path, { server: "https://127.0.0.1:2", token: "b", name: "two" });
  const config = parse(await Deno.readTextFile(path));
  assert.deepEqual(config.clusters.map((c: { name: string }) => c.name), ["one", "two"]);
  assert.equal(config["current-context"], "two");
  if (Deno.build.os !== "windows") assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  assert.deepEqual([...Deno.readDirSync(`${dir.path}/.kube`)].map((e) => e.name), ["config"]);
});

Deno.test("writeKubeconfig follows a symbolic link and leaves it in place", async () => {
  if (Deno.build.os === "windows") return;
  await using dir = await tempDir();
  await Deno.writeTextFile(`${dir.path}/real`, EXISTING);
  await Deno.symlink(`${dir.path}/real`, `${dir.path}/link`);
  await writeKubeconfig(`${dir.path}/link`, { server: "https://127.0.0.1:3" });
  assert.ok((await Deno.lstat(`${dir.path}/link`)).isSymlink);
  assert.equal(parse(await Deno.readTextFile(`${dir.path}/real`))["current-context"], "k1s");
});

Deno.test("writeKubeconfig reports a bad file or a held lock with the path, leaving the file alone", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/config`;
  await Deno.writeTextFile(path, "kind: [\n");
  await assert.rejects(
    writeKubeconfig(path, { server: "https://127.0.0.1:1" }),
    (e: Error) =>
      e.message.startsWith(`Cannot merge into kubeconfig "${path}": it is not valid YAML`),
  );
  assert.equal(await Deno.readTextFile(path), "kind: [\n");
  await assert.rejects(
    writeKubeconfig(path, { server: "ftp://x" }),
    /must start with https:\/\/ or http:\/\//,
  );

  await Deno.writeTextFile(path, "");
  await Deno.writeTextFile(`${path}.lock`, ""); // kubectl's own lock file name
  await assert.rejects(
    writeKubeconfig(path, { server: "https://127.0.0.1:1" }),
    (e: Error) => e.message.includes(`"${path}.lock" is held by another writer`),
  );
  assert.equal(await Deno.readTextFile(path), "");
});

Deno.test("concurrent writeKubeconfig calls lose no entry", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/config`;
  await Promise.all(
    Array.from(
      { length: 8 },
      (_, i) => writeKubeconfig(path, { server: `https://127.0.0.1:${i + 1}`, name: `c${i}` }),
    ),
  );
  const names = parse(await Deno.readTextFile(path)).clusters.map((c: { name: string }) => c.name);
  assert.deepEqual(names.sort(), Array.from({ length: 8 }, (_, i) => `c${i}`));
});

Deno.test("kubectl reads the merged kubeconfig as written", async () => {
  if (!haveKubectl(32)) return;
  await using dir = await tempDir();
  const path = `${dir.path}/config`;
  await Deno.writeTextFile(path, EXISTING);
  const ca = await generateCertificateAuthority();
  await writeKubeconfig(path, {
    server: "https://127.0.0.1:6443",
    caPem: ca.certPem,
    token: "s3cret",
    namespace: "team",
  });
  const view = await kubectlView(path);
  assert.equal(view["current-context"], "k1s");
  const cluster = view.clusters.find((c: { name: string }) => c.name === "k1s").cluster;
  assert.equal(cluster.server, "https://127.0.0.1:6443");
  assert.equal(atob(cluster["certificate-authority-data"]), ca.certPem);
  assert.deepEqual(view.users.find((u: { name: string }) => u.name === "k1s").user, {
    token: "s3cret",
  });
  assert.equal(
    view.contexts.find((c: { name: string }) => c.name === "k1s").context.namespace,
    "team",
  );
  assert.deepEqual(view.clusters.map((c: { name: string }) => c.name).sort(), ["k1s", "prod"]);
});
