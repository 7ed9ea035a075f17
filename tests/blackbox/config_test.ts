// Black-box: `k1s config` — kubeconfig-style contexts naming a store and a default namespace,
// in $K1S_CONFIG or $XDG_CONFIG_HOME/k1s/config, and the precedence of flag, environment,
// context and default.
import assert from "node:assert/strict";
import {
  assertFails,
  assertOk,
  REMOTE,
  type Run,
  type Sandbox,
  sandbox,
  serveSandbox,
} from "./_harness.ts";

/** Runs `k1s` with the configuration in the sandbox and without K1S_STORE. */
function k(s: Sandbox, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return s.k1s(args, { env: { XDG_CONFIG_HOME: `${s.dir}/config`, K1S_STORE: "", ...env } });
}

Deno.test("config: set-context, use-context, get-contexts, current-context, view", async () => {
  await using s = await sandbox();
  const file = `${s.dir}/config/k1s/config`;
  assertFails(await k(s, ["config", "current-context"]), "error: current-context is not set\n");
  assertOk(await k(s, ["config", "get-contexts"]), "CURRENT   NAME   STORE   NAMESPACE\n");
  assertOk(
    await k(s, ["config", "view"]),
    'apiVersion: k1s.dev/v1\ncontexts: null\ncurrent-context: ""\nkind: Config\n',
  );
  assertFails(
    await k(s, ["config", "set-context", "--current", "--namespace=x"]),
    "error: no current context is set\n",
  );
  assertFails(
    await k(s, ["config", "use-context", "nope"]),
    'error: no context exists with the name: "nope"\n',
  );
  assertOk(
    await k(s, ["config", "set-context", "work", "--store=sqlite:/w.db", "--namespace=team"]),
    'Context "work" created.\n',
  );
  assertOk(
    await k(s, ["config", "set-context", "other", "--store", "memory:"]),
    'Context "other" created.\n',
  );
  assertOk(await k(s, ["config", "use-context", "work"]), 'Switched to context "work".\n');
  assertOk(await k(s, ["config", "current-context"]), "work\n");
  assertOk(
    await k(s, ["config", "set-context", "--current", "--namespace=team2"]),
    'Context "work" modified.\n',
  );
  assertOk(
    await k(s, ["config", "get-contexts"]),
    "CURRENT   NAME    STORE          NAMESPACE\n" +
      "          other   memory:        \n" +
      "*         work    sqlite:/w.db   team2\n",
  );
  assertOk(await k(s, ["config", "get-contexts", "-o", "name"]), "other\nwork\n");
  const missing = await k(s, ["config", "get-contexts", "nope"]);
  assert.deepEqual(missing, {
    code: 1,
    out: "CURRENT   NAME   STORE   NAMESPACE\n",
    err: "error: context nope not found\n",
  });
  assertOk(
    await k(s, ["config", "view"]),
    "apiVersion: k1s.dev/v1\ncontexts:\n" +
      "- context:\n    namespace: team2\n    store: sqlite:/w.db\n  name: work\n" +
      "- context:\n    store: 'memory:'\n  name: other\ncurrent-context: work\nkind: Config\n",
  );
  const json = JSON.parse((await k(s, ["config", "view", "-o", "json"])).out);
  assert.equal(json["current-context"], "work");
  assert.deepEqual(json.contexts[1], { name: "other", context: { store: "memory:" } });
  // The file holds credentials-like settings: only its owner reads it.
  assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
  assertOk(
    await k(s, ["config", "rename-context", "work", "w"]),
    'Context "work" renamed to "w".\n',
  );
  assertOk(await k(s, ["config", "current-context"]), "w\n");
  assertFails(
    await k(s, ["config", "rename-context", "nope", "x"]),
    `error: cannot rename the context "nope", it's not in ${file}\n`,
  );
  assertOk(
    await k(s, ["config", "delete-context", "other"]),
    `deleted context other from ${file}\n`,
  );
  assertFails(
    await k(s, ["config", "delete-context", "other"]),
    `error: cannot delete context other, not in ${file}\n`,
  );
  // $K1S_CONFIG names another file.
  const other = `${s.dir}/elsewhere/k1s.yaml`;
  assertOk(
    await k(s, ["config", "set-context", "x"], { K1S_CONFIG: other }),
    'Context "x" created.\n',
  );
  assertOk(await k(s, ["config", "get-contexts", "-o", "name"], { K1S_CONFIG: other }), "x\n");
  assertOk(await k(s, ["config", "get-contexts", "-o", "name"]), "w\n");
  // A file written by hand (comments, any key order) is read as YAML.
  const hand = await s.file(
    "hand.yaml",
    "# mine\nkind: Config\ncurrent-context: b\ncontexts:\n" +
      "- name: b\n  context: {namespace: n, store: 'memory:'}\n- {name: a}\n",
  );
  assertOk(
    await k(s, ["config", "get-contexts"], { K1S_CONFIG: hand }),
    "CURRENT   NAME   STORE     NAMESPACE\n" +
      "          a                \n" +
      "*         b      memory:   n\n",
  );
  assertFails(
    await k(s, ["config", "get-contexts"], { K1S_CONFIG: await s.file("bad.yaml", "[1") }),
    /^error: error loading config file ".*bad\.yaml": /,
  );
  // A relative store file is made absolute: the context names it from any directory.
  assertOk(
    await k(s, ["config", "set-context", "rel", "--store=sqlite:rel.db"]),
    'Context "rel" created.\n',
  );
  assertOk(
    await k(s, ["config", "get-contexts", "rel"]),
    `CURRENT   NAME   ${"STORE".padEnd(`sqlite:${s.cwd}/rel.db`.length)}   NAMESPACE\n` +
      `          rel    sqlite:${s.cwd}/rel.db   \n`,
  );
  // Unset with an empty value, as kubectl.
  assertOk(
    await k(s, ["config", "set-context", "rel", "--store="]),
    'Context "rel" modified.\n',
  );
  assertOk(
    await k(s, ["config", "get-contexts", "rel"]),
    "CURRENT   NAME   STORE   NAMESPACE\n          rel            \n",
  );
});

// About the local store: not run against a server.
Deno.test({
  name: "config: the context's store and namespace, under the flags and the environment",
  ignore: REMOTE !== undefined,
}, async () => {
  await using s = await sandbox();
  const work = `sqlite:${s.dir}/work.db`;
  const other = `sqlite:${s.dir}/other.db`;
  assertOk(
    await k(s, ["config", "set-context", "work", `--store=${work}`]),
    'Context "work" created.\n',
  );
  assertOk(
    await k(s, ["config", "set-context", "other", `--store=${other}`]),
    'Context "other" created.\n',
  );
  assertOk(await k(s, ["config", "use-context", "work"]), 'Switched to context "work".\n');
  assertOk(await k(s, ["create", "ns", "team"]), "namespace/team created\n");
  assert.ok((await Deno.stat(`${s.dir}/work.db`)).isFile, "the context's store");
  assertOk(await k(s, ["get", "ns", "team", "-o", "name"]), "namespace/team\n");
  // The default namespace follows the context.
  assertOk(
    await k(s, ["config", "set-context", "--current", "--namespace=team"]),
    'Context "work" modified.\n',
  );
  assertOk(await k(s, ["create", "cm", "x"]), "configmap/x created\n");
  assertOk(
    await k(s, ["get", "cm", "-A", "-o", "custom-columns=NS:.metadata.namespace,N:.metadata.name"]),
    "NS     N\nteam   x\n",
  );
  // -n wins over the context's namespace.
  assertOk(await k(s, ["-n", "default", "create", "cm", "y"]), "configmap/y created\n");
  assertOk(await k(s, ["get", "cm", "-n", "default", "-o", "name"]), "configmap/y\n");
  assertOk(await k(s, ["get", "cm", "-o", "name"]), "configmap/x\n");
  // --context picks another context for one command.
  assertOk(await k(s, ["--context", "other", "create", "ns", "o"]), "namespace/o created\n");
  assertOk(await k(s, ["--context", "other", "get", "ns", "o", "-o", "name"]), "namespace/o\n");
  assertFails(
    await k(s, ["get", "ns", "o"]),
    'Error from server (NotFound): namespaces "o" not found\n',
  );
  // $K1S_STORE and --store win over the context's store.
  assertOk(await k(s, ["create", "ns", "env"], { K1S_STORE: s.store }), "namespace/env created\n");
  assertOk(await s.k1s(["get", "ns", "env", "-o", "name"]), "namespace/env\n");
  assertOk(
    await k(s, ["--store", s.store, "get", "ns", "env", "-o", "name"]),
    "namespace/env\n",
  );
  assertFails(
    await k(s, ["get", "ns", "env"]),
    'Error from server (NotFound): namespaces "env" not found\n',
  );
  // A context in neither the configuration nor a kubeconfig.
  assertFails(
    await k(s, ["--context", "nope", "get", "ns"]),
    "Error in configuration: context was not found for specified context: nope\n",
  );
  // A current context the file does not hold.
  assert.deepEqual(await k(s, ["config", "delete-context", "work"]), {
    code: 0,
    out: `deleted context work from ${s.dir}/config/k1s/config\n`,
    err: 'warning: this removed your active context, use "k1s config use-context" to select ' +
      "a different one\n",
  });
  assertFails(
    await k(s, ["get", "ns"]),
    "Error in configuration: context was not found for specified context: work\n",
  );
});

Deno.test({
  name: "config: a --context the configuration lacks is a kubeconfig's (a server's)",
  ignore: REMOTE !== undefined,
}, async () => {
  await using s = await sandbox();
  const server = await serveSandbox(s);
  try {
    const local = `sqlite:${s.dir}/local.db`;
    assertOk(
      await k(s, ["config", "set-context", "mine", `--store=${local}`, "--namespace=x"]),
      'Context "mine" created.\n',
    );
    assertOk(await k(s, ["config", "use-context", "mine"]), 'Switched to context "mine".\n');
    // The served store (the sandbox's), through $KUBECONFIG's context `k1s`.
    const env = { KUBECONFIG: server.kubeconfig };
    assertOk(
      await k(s, ["--context", "k1s", "create", "cm", "remote"], env),
      "configmap/remote created\n",
    );
    assertOk(await s.k1s(["get", "cm", "-o", "name"]), "configmap/remote\n");
    // --kubeconfig always means a kubeconfig's context.
    assertOk(
      await k(s, [
        "--kubeconfig",
        server.kubeconfig,
        "--context",
        "k1s",
        "get",
        "cm",
        "-o",
        "name",
      ]),
      "configmap/remote\n",
    );
    // The configuration's own context is local even with a kubeconfig about.
    assertOk(await k(s, ["--context", "mine", "create", "ns", "x"], env), "namespace/x created\n");
    assertOk(await k(s, ["get", "ns", "x", "-o", "name"]), "namespace/x\n");
    // A name in neither: kubectl's words for a context its kubeconfig lacks.
    assertFails(
      await k(s, ["--context", "nope", "get", "cm"], env),
      "Error in configuration: context was not found for specified context: nope\n",
    );
  } finally {
    await server.stop();
  }
});
