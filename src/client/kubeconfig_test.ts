import assert from "node:assert/strict";
import {
  inClusterConfig,
  inClusterFiles,
  type Kubeconfig,
  KubeconfigError,
  mergeKubeconfigs,
  parseKubeconfig,
  resolveKubeconfig,
} from "./kubeconfig.ts";

const b64 = (s: string) => btoa(s);
const CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const CERT = "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n";
const KEY = "-----BEGIN EC PRIVATE KEY-----\nMHcC\n-----END EC PRIVATE KEY-----\n";

const NORMAL = `
apiVersion: v1
kind: Config
preferences: {}
current-context: dev
clusters:
- name: dev-cluster
  cluster:
    server: https://dev.example.com:6443
    certificate-authority: certs/ca.crt
    tls-server-name: api.dev
- name: local
  cluster:
    server: http://127.0.0.1:8080
users:
- name: alice
  user:
    client-certificate: alice.crt
    client-key: ../keys/alice.key
- name: bob
  user:
    token: bob-token
contexts:
- name: dev
  context:
    cluster: dev-cluster
    user: alice
    namespace: team-a
- name: bob-dev
  context:
    cluster: dev-cluster
    user: bob
- name: local
  context:
    cluster: local
    user: bob
`;

/** Asserts that `fn` throws a KubeconfigError whose message equals (string) or matches (RegExp) `expected`. */
function throwsKc(fn: () => unknown, expected: string | RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof KubeconfigError, `not a KubeconfigError: ${e}`);
    if (typeof expected === "string") assert.equal(e.message, expected);
    else assert.match(e.message, expected);
    return true;
  });
}

const one = (text: string, path = "/home/u/.kube/config"): Kubeconfig =>
  mergeKubeconfigs([{ path, text }]);

Deno.test("parses a normal kubeconfig and remembers each entry's origin", () => {
  const config = parseKubeconfig({ path: "/home/u/.kube/config", text: NORMAL });
  assert.equal(config.currentContext, "dev");
  assert.deepEqual(Object.keys(config.clusters), ["dev-cluster", "local"]);
  assert.deepEqual(config.clusters["dev-cluster"], {
    server: "https://dev.example.com:6443",
    "certificate-authority": "certs/ca.crt",
    "tls-server-name": "api.dev",
    origin: "/home/u/.kube/config",
  });
  assert.deepEqual(config.users.bob, { token: "bob-token", origin: "/home/u/.kube/config" });
  assert.deepEqual(config.contexts.dev, {
    cluster: "dev-cluster",
    user: "alice",
    namespace: "team-a",
    origin: "/home/u/.kube/config",
  });
});

Deno.test("resolves the current context with paths relative to the file", () => {
  assert.deepEqual(resolveKubeconfig(one(NORMAL)), {
    contextName: "dev",
    clusterName: "dev-cluster",
    userName: "alice",
    server: "https://dev.example.com:6443",
    namespace: "team-a",
    insecureSkipTlsVerify: false,
    tlsServerName: "api.dev",
    caFile: "/home/u/.kube/certs/ca.crt",
    clientCertFile: "/home/u/.kube/alice.crt",
    clientKeyFile: "/home/u/keys/alice.key",
  });
});

Deno.test("relative paths follow each entry's own file in a merged config", () => {
  const a = `
clusters:
- name: a
  cluster: {server: "https://a:6443", certificate-authority: ./a/ca.crt}
users:
- name: ua
  user: {tokenFile: token}
contexts:
- name: ctx
  context: {cluster: b, user: ub}
current-context: ctx
`;
  const b = `
clusters:
- name: b
  cluster: {server: "https://b:6443", certificate-authority: ca.crt}
- name: a
  cluster: {server: "https://ignored:6443"}
users:
- name: ub
  user: {client-certificate: ../certs/b.crt, client-key: /abs/b.key, tokenFile: tok}
`;
  const config = mergeKubeconfigs([
    { path: "/etc/kube/one.yaml", text: a },
    { path: "/srv/other/dir/two.yaml", text: b },
  ]);
  const r = resolveKubeconfig(config);
  assert.equal(r.caFile, "/srv/other/dir/ca.crt");
  assert.equal(r.clientCertFile, "/srv/other/certs/b.crt");
  assert.equal(r.clientKeyFile, "/abs/b.key");
  assert.equal(r.tokenFile, "/srv/other/dir/tok");
  const cfgA = resolveKubeconfig({
    ...config,
    contexts: { ...config.contexts, x: { cluster: "a", user: "ua", origin: "" } },
  }, { context: "x" });
  assert.equal(cfgA.server, "https://a:6443");
  assert.equal(cfgA.caFile, "/etc/kube/a/ca.crt");
  assert.equal(cfgA.tokenFile, "/etc/kube/token");
});

Deno.test("Windows drive-letter paths count as absolute and anchor relative ones", () => {
  const text = `
clusters:
- name: c
  cluster: {server: "https://c", certificate-authority: 'certs\\ca.crt'}
users:
- name: u
  user: {client-certificate: 'D:\\pki\\u.crt', client-key: ../u.key}
contexts:
- name: c
  context: {cluster: c, user: u}
current-context: c
`;
  const r = resolveKubeconfig(one(text, "C:\\Users\\me\\.kube\\config"));
  assert.equal(r.caFile, "C:\\Users\\me\\.kube\\certs\\ca.crt");
  assert.equal(r.clientCertFile, "D:\\pki\\u.crt");
  assert.equal(r.clientKeyFile, "C:\\Users\\me\\u.key");
});

Deno.test("base64 data fields are decoded to PEM text", () => {
  const text = `
clusters:
- name: c
  cluster:
    server: https://c:6443
    certificate-authority-data: ${b64(CA)}
users:
- name: u
  user:
    client-certificate-data: ${b64(CERT)}
    client-key-data: ${b64(KEY)}
contexts:
- name: c
  context: {cluster: c, user: u}
current-context: c
`;
  const r = resolveKubeconfig(one(text));
  assert.equal(r.caData, CA);
  assert.equal(r.clientCertData, CERT);
  assert.equal(r.clientKeyData, KEY);
  assert.equal(r.caFile, undefined);
  assert.equal(r.clientCertFile, undefined);
});

Deno.test("merge: first file wins per name, whole entries, and for current-context", () => {
  const first = `
clusters:
- name: shared
  cluster: {server: "https://first"}
users:
- name: shared
  user: {token: first-token}
contexts:
- name: shared
  context: {cluster: shared, user: shared, namespace: first-ns}
`;
  const second = `
current-context: shared
clusters:
- name: shared
  cluster: {server: "https://second", tls-server-name: second-only}
- name: extra
  cluster: {server: "https://extra"}
users:
- name: shared
  user: {username: second, password: pw}
contexts:
- name: shared
  context: {cluster: extra, user: shared}
`;
  const third = `current-context: third\n`;
  const config = mergeKubeconfigs([
    { path: "/a/1", text: first },
    { path: "/a/2", text: second },
    { path: "/a/3", text: third },
  ]);
  assert.equal(config.currentContext, "shared");
  assert.deepEqual(config.clusters.shared, { server: "https://first", origin: "/a/1" });
  assert.deepEqual(config.clusters.extra, { server: "https://extra", origin: "/a/2" });
  assert.deepEqual(config.users.shared, { token: "first-token", origin: "/a/1" });
  const r = resolveKubeconfig(config);
  assert.equal(r.server, "https://first");
  assert.equal(r.namespace, "first-ns");
  assert.equal(r.token, "first-token");
  assert.equal(r.username, undefined);
  assert.equal(r.tlsServerName, undefined);

  const swapped = mergeKubeconfigs([
    { path: "/a/3", text: third },
    { path: "/a/2", text: second },
    { path: "/a/1", text: first },
  ]);
  assert.equal(swapped.currentContext, "third");
  assert.equal(swapped.clusters.shared.server, "https://second");
});

Deno.test("an empty first file does not hide current-context from a later one", () => {
  const config = mergeKubeconfigs([
    { path: "/empty", text: "" },
    { path: "/blank", text: "  \n# just a comment\n" },
    { path: "/main", text: NORMAL },
  ]);
  assert.equal(config.currentContext, "dev");
  assert.deepEqual(parseKubeconfig({ path: "/empty", text: "" }), {
    currentContext: "",
    clusters: {},
    users: {},
    contexts: {},
  });
  assert.deepEqual(
    parseKubeconfig({ path: "/nulls", text: "clusters:\nusers: ~\ncontexts: null\n" }),
    {
      currentContext: "",
      clusters: {},
      users: {},
      contexts: {},
    },
  );
});

Deno.test("context override picks another context; unknown one is client-go's error", () => {
  const config = one(NORMAL);
  const r = resolveKubeconfig(config, { context: "bob-dev" });
  assert.equal(r.contextName, "bob-dev");
  assert.equal(r.token, "bob-token");
  assert.equal(r.namespace, "default");
  assert.equal(r.clientCertFile, undefined);
  throwsKc(
    () => resolveKubeconfig(config, { context: "nope" }),
    "invalid configuration: context was not found for specified context: nope",
  );
});

Deno.test("server, namespace and token overrides", () => {
  const config = one(NORMAL);
  const r = resolveKubeconfig(config, {
    server: "https://override:443",
    namespace: "other",
    token: "flag-token",
  });
  assert.equal(r.server, "https://override:443");
  assert.equal(r.namespace, "other");
  assert.equal(r.token, "flag-token");
  // --server drops the kubeconfig's tls-server-name, as client-go does.
  assert.equal(r.tlsServerName, undefined);
  assert.equal(r.caFile, "/home/u/.kube/certs/ca.crt");

  // --token replaces the user's token and tokenFile, and an exec plugin steps aside.
  const withFile = `
clusters: [{name: c, cluster: {server: "https://c"}}]
users:
- name: u
  user:
    tokenFile: /var/tok
    exec: {apiVersion: client.authentication.k8s.io/v1, command: get-token, interactiveMode: Never}
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
`;
  const plain = resolveKubeconfig(one(withFile));
  assert.equal(plain.tokenFile, "/var/tok");
  assert.equal(plain.exec, undefined, "a token file makes client-go skip the exec plugin");
  const flagged = resolveKubeconfig(one(withFile), { token: "t" });
  assert.equal(flagged.token, "t");
  assert.equal(flagged.tokenFile, undefined);
  assert.equal(flagged.exec, undefined);

  // A token for a basic-auth user is client-go's validation error.
  const basic = `
clusters: [{name: c, cluster: {server: "https://c"}}]
users: [{name: u, user: {username: admin, password: pw}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
`;
  throwsKc(
    () => resolveKubeconfig(one(basic), { token: "t" }),
    "invalid configuration: more than one authentication method found for u; found [token basicAuth], only one is allowed",
  );
  assert.deepEqual(
    [resolveKubeconfig(one(basic)).username, resolveKubeconfig(one(basic)).password],
    ["admin", "pw"],
  );
});

Deno.test("a server override works without any kubeconfig", () => {
  const r = resolveKubeconfig(mergeKubeconfigs([]), {
    server: "https://10.0.0.1:6443",
    token: "t",
  });
  assert.deepEqual(r, {
    contextName: undefined,
    server: "https://10.0.0.1:6443",
    namespace: "default",
    insecureSkipTlsVerify: false,
    token: "t",
  });
});

Deno.test("credentials and TLS settings are only used over https, as client-go does", () => {
  const r = resolveKubeconfig(one(NORMAL), { context: "local" });
  assert.deepEqual(r, {
    contextName: "local",
    clusterName: "local",
    userName: "bob",
    server: "http://127.0.0.1:8080",
    namespace: "default",
    insecureSkipTlsVerify: false,
  });
  const bare = resolveKubeconfig(one(NORMAL), { server: "localhost:8080" });
  assert.equal(bare.server, "http://localhost:8080");
  assert.equal(bare.clientCertFile, undefined);
});

Deno.test("missing context, cluster and user are reported with client-go's texts", () => {
  const config = one(`
current-context: gone
clusters: [{name: c, cluster: {server: "https://c"}}]
users: [{name: u, user: {token: t}}]
contexts:
- {name: no-cluster, context: {cluster: missing, user: u}}
- {name: no-user, context: {cluster: c, user: nobody}}
- {name: anonymous, context: {cluster: c}}
- {name: bad-ns, context: {cluster: c, namespace: Not_A_Label}}
`);
  throwsKc(
    () => resolveKubeconfig(config),
    "invalid configuration: context was not found for specified context: gone",
  );
  throwsKc(
    () => resolveKubeconfig(config, { context: "no-cluster" }),
    'invalid configuration: cluster "missing" was not found for context "no-cluster"',
  );
  throwsKc(
    () => resolveKubeconfig(config, { context: "no-user" }),
    'invalid configuration: user "nobody" was not found for context "no-user"',
  );
  throwsKc(
    () => resolveKubeconfig(config, { context: "bad-ns" }),
    /namespace "Not_A_Label" for context "bad-ns" does not conform to the kubernetes DNS_LABEL rules/,
  );
  const anon = resolveKubeconfig(config, { context: "anonymous" });
  assert.equal(anon.userName, undefined);
  assert.equal(anon.token, undefined);
});

Deno.test("no server and no configuration errors", () => {
  throwsKc(
    () => resolveKubeconfig(mergeKubeconfigs([{ path: "/empty", text: "" }])),
    "invalid configuration: no configuration has been provided, try setting KUBERNETES_MASTER environment variable",
  );
  const noServer = one(`
clusters: [{name: c, cluster: {insecure-skip-tls-verify: true}}]
contexts: [{name: c, context: {cluster: c}}]
current-context: c
`);
  throwsKc(
    () => resolveKubeconfig(noServer),
    'invalid configuration: no server found for cluster "c"',
  );
  assert.equal(resolveKubeconfig(noServer, { server: "https://s" }).insecureSkipTlsVerify, true);
  // A context without a cluster and no --server: client-go's "no configuration" error.
  throwsKc(
    () =>
      resolveKubeconfig(
        one(`contexts: [{name: c, context: {namespace: x}}]\ncurrent-context: c\n`),
      ),
    /^invalid configuration: no configuration has been provided/,
  );
});

Deno.test("client-go's validation of cluster and user entries", () => {
  const config = one(`
clusters:
- name: both-ca
  cluster: {server: "https://c", certificate-authority: /ca, certificate-authority-data: ${b64(CA)}}
- name: proxy
  cluster: {server: "https://c", proxy-url: "ftp://proxy:21"}
- name: insecure-ca
  cluster: {server: "https://c", certificate-authority: /ca, insecure-skip-tls-verify: true}
- name: ok
  cluster: {server: "https://c", proxy-url: "socks5://127.0.0.1:1080", disable-compression: true}
users:
- name: cert-no-key
  user: {client-certificate: /c.crt}
- name: both-cert
  user: {client-certificate: /c.crt, client-certificate-data: ${b64(CERT)}, client-key: /k}
- name: uid-only
  user: {token: t, as-uid: "42"}
contexts:
- {name: both-ca, context: {cluster: both-ca}}
- {name: proxy, context: {cluster: proxy}}
- {name: insecure-ca, context: {cluster: insecure-ca}}
- {name: cert-no-key, context: {cluster: ok, user: cert-no-key}}
- {name: both-cert, context: {cluster: ok, user: both-cert}}
- {name: uid-only, context: {cluster: ok, user: uid-only}}
- {name: ok, context: {cluster: ok}}
`);
  const fails = (context: string, expected: string) =>
    throwsKc(() => resolveKubeconfig(config, { context }), expected);
  fails(
    "both-ca",
    "invalid configuration: certificate-authority-data and certificate-authority are both specified for both-ca. certificate-authority-data will override.",
  );
  fails(
    "proxy",
    `invalid configuration: invalid 'proxy-url' "ftp://proxy:21" for cluster "proxy": unsupported scheme "ftp", must be http, https, or socks5`,
  );
  fails("insecure-ca", "specifying a root certificates file with the insecure flag is not allowed");
  fails(
    "cert-no-key",
    "invalid configuration: client-key-data or client-key must be specified for cert-no-key to use the clientCert authentication method.",
  );
  fails(
    "both-cert",
    "invalid configuration: client-cert-data and client-cert are both specified for both-cert. client-cert-data will override.",
  );
  fails(
    "uid-only",
    "invalid configuration: requesting uid, groups or user-extra for uid-only without impersonating a user",
  );
  const ok = resolveKubeconfig(config, { context: "ok" });
  assert.equal(ok.proxyUrl, "socks5://127.0.0.1:1080");
  assert.equal(ok.disableCompression, true);
});

Deno.test("token together with username/password is an error", () => {
  const config = one(`
clusters: [{name: c, cluster: {server: "https://c"}}]
users: [{name: u, user: {token: t, username: a, password: b}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
`);
  throwsKc(
    () => resolveKubeconfig(config),
    "invalid configuration: more than one authentication method found for u; found [token basicAuth], only one is allowed",
  );
});

Deno.test("impersonation is carried through", () => {
  const config = one(`
clusters: [{name: c, cluster: {server: "https://c"}}]
users:
- name: u
  user: {token: t, as: jane, as-groups: [dev, ops], as-user-extra: {scopes: [a, b]}}
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
`);
  assert.deepEqual(resolveKubeconfig(config).impersonate, {
    user: "jane",
    groups: ["dev", "ops"],
    extra: { scopes: ["a", "b"] },
  });
});

Deno.test("malformed YAML is an error naming the file", () => {
  throwsKc(
    () => parseKubeconfig({ path: "/bad/config", text: "clusters: [\n  - name: x\nusers: {" }),
    /^error loading config file "\/bad\/config": yaml: /,
  );
  throwsKc(
    () => mergeKubeconfigs([{ path: "/ok", text: NORMAL }, { path: "/bad", text: "a: b: c" }]),
    /^error loading config file "\/bad": yaml: /,
  );
  throwsKc(
    () => parseKubeconfig({ path: "/alias", text: "current-context: *nope" }),
    /^error loading config file "\/alias": yaml: Unresolved alias/,
  );
  // Errors of several files come back together, like utilerrors.NewAggregate.
  throwsKc(
    () => mergeKubeconfigs([{ path: "/x", text: "clusters: 1" }, { path: "/y", text: "users: 1" }]),
    '[error loading config file "/x": clusters: expected a list, got number, error loading config file "/y": users: expected a list, got number]',
  );
});

Deno.test("wrong types are errors naming the file and field", () => {
  const cases: [string, string][] = [
    ["clusters: {a: 1}", "clusters: expected a list, got mapping"],
    ["- a\n- b", "top level: expected a mapping, got list"],
    ["current-context: [x]", "current-context: expected a string, got list"],
    [
      "clusters: [{name: a, cluster: {server: 8080}}]",
      "clusters[0].cluster.server: expected a string, got number",
    ],
    [
      "clusters: [{name: a, cluster: {insecure-skip-tls-verify: 'true'}}]",
      "clusters[0].cluster.insecure-skip-tls-verify: expected a boolean, got string",
    ],
    [
      "clusters: [{name: a, cluster: {certificate-authority-data: 'not base64!'}}]",
      "clusters[0].cluster.certificate-authority-data: illegal base64 data",
    ],
    [
      "users: [{name: u, user: {token: yes}}]",
      "users[0].user.token: expected a string, got boolean",
    ],
    [
      "users: [{name: u, user: {exec: {command: x, args: [1]}}}]",
      "users[0].user.exec.args[0]: expected a string, got number",
    ],
    [
      "users: [{name: u, user: {exec: {command: x, env: {A: b}}}}]",
      "users[0].user.exec.env: expected a list, got mapping",
    ],
    ["contexts: [{name: c, context: [x]}]", "contexts[0].context: expected a mapping, got list"],
    ["contexts: [{name: 1, context: {}}]", "contexts[0].name: expected a string, got number"],
    ["contexts: [{name: c}, {name: c}]", 'contexts: duplicate name "c" in list'],
    ["apiVersion: v2", 'apiVersion: unsupported version "v2", want "v1"'],
    ["kind: Pod", 'kind: unexpected kind "Pod", want "Config"'],
  ];
  for (const [text, why] of cases) {
    throwsKc(() => parseKubeconfig({ path: "/k", text }), `error loading config file "/k": ${why}`);
  }
  // Timestamps stay strings, as with go-yaml v2; unknown fields are ignored.
  const ok = parseKubeconfig({
    path: "/k",
    text: "contexts: [{name: c, context: {cluster: 2024-01-01, extensions: [], foo: 1}}]",
  });
  assert.equal(ok.contexts.c.cluster, "2024-01-01");
});

Deno.test("JSON kubeconfigs and odd names", () => {
  const config = parseKubeconfig({
    path: "/j",
    text: JSON.stringify({
      clusters: [{ name: "__proto__", cluster: { server: "https://p" } }],
      contexts: [{ name: "c", context: { cluster: "__proto__" } }, {
        name: "t",
        context: { cluster: "toString" },
      }],
      "current-context": "c",
    }),
  });
  assert.equal(Object.getPrototypeOf(config.clusters), Object.prototype);
  assert.equal(resolveKubeconfig(config).server, "https://p");
  throwsKc(
    () => resolveKubeconfig(config, { context: "t" }),
    'invalid configuration: cluster "toString" was not found for context "t"',
  );
});

Deno.test("auth-provider users are refused naming the provider", () => {
  const config = one(`
clusters: [{name: c, cluster: {server: "https://c"}}]
users:
- name: gke
  user:
    auth-provider:
      name: gcp
      config: {access-token: x, expiry: "2020-01-01T00:00:00Z"}
contexts: [{name: c, context: {cluster: c, user: gke}}]
current-context: c
`);
  assert.deepEqual(config.users.gke["auth-provider"], {
    name: "gcp",
    config: { "access-token": "x", expiry: "2020-01-01T00:00:00Z" },
  });
  throwsKc(() => resolveKubeconfig(config), /auth-provider "gcp" of user "gke" is not supported/);
});

Deno.test("exec config is carried through with command paths resolved", () => {
  const config = one(
    `
clusters: [{name: c, cluster: {server: "https://c"}}]
users:
- name: local-plugin
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: ./plugin.sh
      args: [--flag, value]
      env: [{name: FOO, value: bar}]
      installHint: "\\e[1mInstall\\e[0m it"
      provideClusterInfo: true
- name: path-plugin
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: kubectl
      interactiveMode: Never
- name: abs-plugin
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1, command: /usr/bin/plug, interactiveMode: Always}
- name: v1-no-mode
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1, command: x}
- name: bad-version
  user:
    exec: {apiVersion: client.authentication.k8s.io/v2, command: x, interactiveMode: Never}
contexts:
- {name: local-plugin, context: {cluster: c, user: local-plugin}}
- {name: path-plugin, context: {cluster: c, user: path-plugin}}
- {name: abs-plugin, context: {cluster: c, user: abs-plugin}}
- {name: v1-no-mode, context: {cluster: c, user: v1-no-mode}}
- {name: bad-version, context: {cluster: c, user: bad-version}}
`,
    "/home/u/.kube/config",
  );
  assert.deepEqual(resolveKubeconfig(config, { context: "local-plugin" }).exec, {
    apiVersion: "client.authentication.k8s.io/v1beta1",
    command: "/home/u/.kube/plugin.sh",
    args: ["--flag", "value"],
    env: [{ name: "FOO", value: "bar" }],
    installHint: "U+001B[1mInstallU+001B[0m it",
    provideClusterInfo: true,
    interactiveMode: "IfAvailable",
  });
  assert.equal(resolveKubeconfig(config, { context: "path-plugin" }).exec?.command, "kubectl");
  assert.equal(resolveKubeconfig(config, { context: "abs-plugin" }).exec?.command, "/usr/bin/plug");
  // The raw config keeps what the file says.
  assert.equal(config.users["local-plugin"].exec?.command, "./plugin.sh");
  throwsKc(
    () => resolveKubeconfig(config, { context: "v1-no-mode" }),
    "invalid configuration: interactiveMode must be specified for v1-no-mode to use exec authentication plugin",
  );
  throwsKc(
    () => resolveKubeconfig(config, { context: "bad-version" }),
    'invalid configuration: exec plugin: invalid apiVersion "client.authentication.k8s.io/v2"',
  );
});

Deno.test("in-cluster config over IPv4", () => {
  assert.deepEqual(
    inClusterConfig(
      { host: "10.96.0.1", port: "443" },
      { token: "sa-token\n", caCrt: CA, namespace: "kube-system\n" },
    ),
    {
      contextName: undefined,
      server: "https://10.96.0.1:443",
      namespace: "kube-system",
      insecureSkipTlsVerify: false,
      token: "sa-token",
      tokenFile: inClusterFiles.token,
      caData: CA,
      caFile: inClusterFiles.caCrt,
    },
  );
});

Deno.test("in-cluster config over IPv6, POD_NAMESPACE and an unusable CA", () => {
  const r = inClusterConfig(
    { host: "fd00::1", port: "6443", podNamespace: "from-env" },
    { token: "t", caCrt: "garbage", namespace: "from-file" },
  );
  assert.equal(r.server, "https://[fd00::1]:6443");
  assert.equal(r.namespace, "from-env");
  assert.equal(r.caData, undefined);
  assert.equal(r.caFile, undefined);
  assert.equal(inClusterConfig({ host: "h", port: "1" }, { token: "t" }).namespace, "default");
});

Deno.test("in-cluster config without the service env or token", () => {
  const notInCluster =
    "unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined";
  throwsKc(() => inClusterConfig({}, { token: "t" }), notInCluster);
  throwsKc(() => inClusterConfig({ host: "10.0.0.1" }, { token: "t" }), notInCluster);
  throwsKc(() => inClusterConfig({ host: "", port: "443" }, { token: "t" }), notInCluster);
  throwsKc(
    () => inClusterConfig({ host: "10.0.0.1", port: "443" }, {}),
    /serviceaccount\/token/,
  );
});
