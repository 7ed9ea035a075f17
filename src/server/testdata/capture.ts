/**
 * Captures the protobuf request bodies real kubectl sends, as fixtures for
 * `../protobuf_test.ts`. Not part of the package; the tests only read the
 * files this writes, so they need no kubectl.
 *
 * A throwaway API server on 127.0.0.1 answers `/version`, legacy discovery
 * for the kinds below, and every POST with a small JSON reply, recording the
 * POST body. Each case runs against `kubectl.1.32` and `kubectl.1.33` (the
 * gcloud dispatcher keeps them beside `kubectl`) with a temporary kubeconfig
 * and a fresh cache directory. The bodies land in this folder as
 * `<case>.1.<minor>.pb`, with `captures.json` naming the command, the kubectl
 * version, the request path and the Content-Type of each. `kubectl.1.31`
 * runs the same commands and sends JSON (`<case>.1.31.json`): what kube's
 * Go encoder writes for the same object, which the tests hold the decoded
 * protobuf against.
 *
 * Rerun from the repository root:
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 --allow-run --allow-read --allow-write --allow-env \
 *   src/server/testdata/capture.ts
 * ```
 *
 * `KUBECTL_DIR=/path` overrides where the `kubectl.1.<minor>` binaries are
 * looked up.
 *
 * @module
 */

const HERE = new URL(".", import.meta.url);
/** kubectl 1.31 sends JSON for the same commands: the oracle for the JSON form. */
const MINORS = ["31", "32", "33"];

/** One kubectl invocation and the fixture name of the body it POSTs. */
interface Case {
  name: string;
  args: string[];
  /** Files the command reads, written into its working directory first. */
  files?: Record<string, Uint8Array>;
}

const CASES: Case[] = [
  {
    name: "configmap",
    args: ["create", "configmap", "x", "--from-literal=a=1", "--from-literal=b=two"],
  },
  {
    name: "configmap_binary",
    // A file that is not UTF-8 goes to binaryData; --save-config adds an annotation.
    args: [
      "create",
      "configmap",
      "bin",
      "--from-file=blob=blob.bin",
      "--from-literal=t=x",
      "--save-config",
    ],
    files: { "blob.bin": new Uint8Array([0xff, 0x00, 0xfe, 0x80, 0x41]) },
  },
  { name: "secret", args: ["create", "secret", "generic", "s", "--from-literal=k=v"] },
  {
    name: "secret_docker",
    args: [
      "create",
      "secret",
      "docker-registry",
      "reg",
      "--docker-server=r.example",
      "--docker-username=u",
      "--docker-password=p",
      "-n",
      "other",
    ],
  },
  { name: "namespace", args: ["create", "namespace", "n"] },
  { name: "serviceaccount", args: ["create", "serviceaccount", "sa"] },
  { name: "cani", args: ["auth", "can-i", "get", "configmaps"] },
  {
    name: "cani_subresource",
    args: [
      "auth",
      "can-i",
      "update",
      "deployments.apps/web",
      "--subresource=scale",
      "-n",
      "kube-system",
    ],
  },
  { name: "cani_nonresource", args: ["auth", "can-i", "get", "/logs"] },
  { name: "cani_list", args: ["auth", "can-i", "--list"] },
  { name: "whoami", args: ["auth", "whoami"] },
  {
    name: "role",
    args: [
      "create",
      "role",
      "r",
      "--verb=get,list",
      "--resource=configmaps,deployments.apps",
      "--resource-name=a",
    ],
  },
  {
    name: "clusterrole",
    args: ["create", "clusterrole", "c", "--verb=get", "--non-resource-url=/logs/*"],
  },
  {
    name: "clusterrole_aggregated",
    args: ["create", "clusterrole", "agg", "--aggregation-rule=rbac.example/aggregate=true"],
  },
  {
    name: "rolebinding",
    args: [
      "create",
      "rolebinding",
      "rb",
      "--role=r",
      "--user=alice",
      "--group=devs",
      "--serviceaccount=ns:sa",
    ],
  },
  {
    name: "clusterrolebinding",
    args: ["create", "clusterrolebinding", "crb", "--clusterrole=c", "--user=bob"],
  },
  {
    name: "token",
    args: ["create", "token", "sa", "--duration=10m", "--audience=a1", "--audience=a2"],
  },
];

const CORE = [
  ["configmaps", "ConfigMap", true],
  ["secrets", "Secret", true],
  ["namespaces", "Namespace", false],
  ["serviceaccounts", "ServiceAccount", true],
] as const;
const GROUPS: Record<string, [string, string, boolean][]> = {
  "apps": [["deployments", "Deployment", true]],
  "authorization.k8s.io": [
    ["selfsubjectaccessreviews", "SelfSubjectAccessReview", false],
    ["selfsubjectrulesreviews", "SelfSubjectRulesReview", false],
  ],
  "authentication.k8s.io": [["selfsubjectreviews", "SelfSubjectReview", false]],
  "rbac.authorization.k8s.io": [
    ["roles", "Role", true],
    ["rolebindings", "RoleBinding", true],
    ["clusterroles", "ClusterRole", false],
    ["clusterrolebindings", "ClusterRoleBinding", false],
  ],
};

function resourceList(groupVersion: string, rs: readonly (readonly [string, string, boolean])[]) {
  const resources = rs.map(([name, kind, namespaced]) => ({
    name,
    singularName: kind.toLowerCase(),
    namespaced,
    kind,
    verbs: name.startsWith("self")
      ? ["create"]
      : ["create", "delete", "get", "list", "patch", "update", "watch"],
  }));
  if (groupVersion === "v1") {
    resources.push(
      {
        name: "serviceaccounts/token",
        singularName: "",
        namespaced: true,
        kind: "TokenRequest",
        verbs: ["create"],
        group: "authentication.k8s.io",
        version: "v1",
      } as (typeof resources)[number],
    );
  }
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion, resources };
}

interface Post {
  path: string;
  contentType: string | null;
  body: Uint8Array;
}

function reply(url: URL): unknown {
  const p = url.pathname;
  if (p.endsWith("/selfsubjectaccessreviews")) {
    return {
      kind: "SelfSubjectAccessReview",
      apiVersion: "authorization.k8s.io/v1",
      metadata: {},
      spec: {},
      status: { allowed: true },
    };
  }
  if (p.endsWith("/selfsubjectrulesreviews")) {
    return {
      kind: "SelfSubjectRulesReview",
      apiVersion: "authorization.k8s.io/v1",
      metadata: {},
      spec: {},
      status: {
        resourceRules: [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }],
        nonResourceRules: [{ verbs: ["*"], nonResourceURLs: ["*"] }],
        incomplete: false,
      },
    };
  }
  if (p.endsWith("/selfsubjectreviews")) {
    return {
      kind: "SelfSubjectReview",
      apiVersion: "authentication.k8s.io/v1",
      metadata: {},
      status: { userInfo: { username: "capture" } },
    };
  }
  if (p.endsWith("/token")) {
    return {
      kind: "TokenRequest",
      apiVersion: "authentication.k8s.io/v1",
      metadata: {},
      spec: { audiences: [] },
      status: { token: "t", expirationTimestamp: "2030-01-01T00:00:00Z" },
    };
  }
  const resource = p.split("/").at(-1)!;
  const all = [
    ...CORE.map(([r, k]) => [r, k, "v1"]),
    ...Object.entries(GROUPS).flatMap(([g, rs]) => rs.map(([r, k]) => [r, k, `${g}/v1`])),
  ];
  const hit = all.find(([r]) => r === resource);
  return {
    kind: hit?.[1] ?? "Status",
    apiVersion: hit?.[2] ?? "v1",
    metadata: { name: "captured", namespace: "default", uid: "0", resourceVersion: "1" },
  };
}

function serve(posts: Post[]): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const url = new URL(req.url);
    const json = (v: unknown, status = 200) =>
      new Response(JSON.stringify(v), { status, headers: { "content-type": "application/json" } });
    if (req.method === "POST") {
      const body = new Uint8Array(await req.arrayBuffer());
      posts.push({ path: url.pathname, contentType: req.headers.get("content-type"), body });
      return json(reply(url), 201);
    }
    const p = url.pathname.replace(/\/$/, "");
    if (p === "/version") {
      return json({
        major: "1",
        minor: "32",
        gitVersion: "v1.32.5",
        gitCommit: "0000000000000000000000000000000000000000",
        gitTreeState: "clean",
        buildDate: "2025-01-01T00:00:00Z",
        goVersion: "go1.23.0",
        compiler: "gc",
        platform: "linux/amd64",
      });
    }
    if (p === "/api") {
      return json({
        kind: "APIVersions",
        versions: ["v1"],
        serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: url.host }],
      });
    }
    if (p === "/apis") {
      return json({
        kind: "APIGroupList",
        apiVersion: "v1",
        groups: Object.keys(GROUPS).map((name) => ({
          name,
          versions: [{ groupVersion: `${name}/v1`, version: "v1" }],
          preferredVersion: { groupVersion: `${name}/v1`, version: "v1" },
        })),
      });
    }
    if (p === "/api/v1") return json(resourceList("v1", CORE));
    const m = p.match(/^\/apis\/([^/]+)\/v1$/);
    if (m && GROUPS[m[1]]) return json(resourceList(`${m[1]}/v1`, GROUPS[m[1]]));
    return json({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: "the server could not find the requested resource",
      reason: "NotFound",
      code: 404,
    }, 404);
  });
}

async function kubectlDir(): Promise<string> {
  const fromEnv = Deno.env.get("KUBECTL_DIR");
  if (fromEnv) return fromEnv;
  const out = await new Deno.Command("sh", {
    args: ["-c", 'dirname "$(readlink -f "$(command -v kubectl)")"'],
    stdout: "piped",
  }).output();
  return new TextDecoder().decode(out.stdout).trim();
}

async function main(): Promise<void> {
  const dir = await kubectlDir();
  const posts: Post[] = [];
  const server = serve(posts);
  const port = server.addr.port;
  const tmp = await Deno.makeTempDir({ prefix: "k1s-capture-" });
  const manifest: Record<string, unknown>[] = [];
  try {
    const kubeconfig = `${tmp}/kubeconfig`;
    await Deno.writeTextFile(
      kubeconfig,
      `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}"}}]
users: [{name: u, user: {}}]
contexts: [{name: c, context: {cluster: c, user: u, namespace: default}}]
current-context: c
`,
    );
    for (const minor of MINORS) {
      const bin = `${dir}/kubectl.1.${minor}`;
      const version = new TextDecoder().decode(
        (await new Deno.Command(bin, { args: ["version", "--client"], stdout: "piped" }).output())
          .stdout,
      ).split("\n")[0].replace("Client Version: ", "");
      for (const c of CASES) {
        const cwd = await Deno.makeTempDir({ dir: tmp });
        for (const [name, bytes] of Object.entries(c.files ?? {})) {
          await Deno.writeFile(`${cwd}/${name}`, bytes);
        }
        posts.length = 0;
        const out = await new Deno.Command(bin, {
          args: [...c.args, `--kubeconfig=${kubeconfig}`, `--cache-dir=${cwd}/cache`],
          cwd,
          stdout: "piped",
          stderr: "piped",
          env: { KUBECONFIG: kubeconfig },
        }).output();
        const said = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
        if (posts.length !== 1) {
          throw new Error(
            `kubectl ${c.args.join(" ")} (1.${minor}) sent ${posts.length} POSTs, want 1: ${said}`,
          );
        }
        const [post] = posts;
        const json = post.contentType?.startsWith("application/json") ?? false;
        const file = `${c.name}.1.${minor}.${json ? "json" : "pb"}`;
        await Deno.writeFile(new URL(file, HERE), post.body);
        manifest.push({
          file,
          kubectl: version,
          command: `kubectl ${c.args.join(" ")}`,
          path: post.path,
          contentType: post.contentType,
        });
        console.log(`${file}: ${post.body.length} bytes, ${post.contentType}, ${said.trim()}`);
      }
    }
    await Deno.writeTextFile(
      new URL("captures.json", HERE),
      JSON.stringify(manifest, null, 2) + "\n",
    );
  } finally {
    await server.shutdown();
    await Deno.remove(tmp, { recursive: true });
  }
}

if (import.meta.main) await main();
