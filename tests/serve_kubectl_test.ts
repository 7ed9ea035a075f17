// The real kubectl against `serve`: the commands users run, with default (strict) validation,
// checked by what kubectl prints and what the store then holds.
import assert from "node:assert/strict";
import { ConfigMap } from "../mod.ts";
import { haveKubectl, kubectlFixture } from "./_kubectl.ts";

const fixture = kubectlFixture;

function ok(r: { code: number; out: string; err: string }, what: string): string {
  assert.equal(r.code, 0, `${what}: exit ${r.code}\n${r.out}${r.err}`);
  return r.out;
}

const CM_YAML = `apiVersion: v1
kind: ConfigMap
metadata:
  name: app
  labels: {tier: web}
data:
  a: "1"
`;

for (const minor of [32, 28, 33]) {
  Deno.test({
    name: `kubectl 1.${minor}: create, get, apply, patch, label, annotate, delete`,
    ignore: !haveKubectl(minor),
    async fn() {
      await using f = await fixture(minor);
      const k = f.kubectl;
      // kubectl before 1.29 validates from protobuf OpenAPI v2, which k1s does not serve.
      const validate = minor < 29 ? ["--validate=false"] : [];
      const file = `${f.dir}/cm.yaml`;
      await Deno.writeTextFile(file, CM_YAML);

      assert.equal(
        ok(await k.run(["create", ...validate, "-f", file]), "create"),
        "configmap/app created\n",
      );
      const made = await f.rt.client.get(ConfigMap, "app", { namespace: "default" });
      assert.deepEqual(made.data, { a: "1" });

      const dup = await k.run(["create", ...validate, "-f", file]);
      assert.equal(dup.code, 1);
      assert.match(
        dup.err,
        /Error from server \(AlreadyExists\): error when creating ".*cm\.yaml": configmaps "app" already exists/,
      );

      const table = ok(await k.run(["get", "configmaps"]), "get");
      assert.match(table, /^NAME\s+DATA\s+AGE\napp\s+1\s+\d+s\n$/);
      const wide = ok(await k.run(["get", "cm", "-A", "--show-labels"]), "get -A");
      assert.match(
        wide,
        /^NAMESPACE\s+NAME\s+DATA\s+AGE\s+LABELS\ndefault\s+app\s+1\s+\d+s\s+tier=web\n$/,
      );
      const yaml = ok(await k.run(["get", "cm", "app", "-o", "yaml"]), "get -o yaml");
      assert.match(yaml, /^apiVersion: v1\ndata:\n {2}a: "1"\nkind: ConfigMap\n/);
      assert.match(yaml, new RegExp(`resourceVersion: "${made.metadata.resourceVersion}"`));
      assert.equal(ok(await k.run(["get", "cm", "-o", "name"]), "get -o name"), "configmap/app\n");
      assert.equal(
        ok(
          await k.run(["get", "cm", "-l", "tier=web", "-o", "jsonpath={.items[*].data.a}"]),
          "jsonpath",
        ),
        "1",
      );
      const none = await k.run(["get", "cm", "nope"]);
      assert.equal(none.code, 1);
      assert.equal(none.err, 'Error from server (NotFound): configmaps "nope" not found\n');

      // apply: create-or-patch, with the last-applied annotation
      await Deno.writeTextFile(file, CM_YAML.replace('a: "1"', 'a: "2"\n  b: "3"'));
      assert.equal(
        ok(await k.run(["apply", ...validate, "-f", file]), "apply"),
        "configmap/app configured\n",
      );
      assert.equal(
        ok(await k.run(["apply", ...validate, "-f", file]), "apply again"),
        "configmap/app unchanged\n",
      );
      assert.deepEqual(
        (await f.rt.client.get(ConfigMap, "app", { namespace: "default" })).data,
        { a: "2", b: "3" },
      );

      assert.equal(
        ok(
          await k.run(["patch", "cm", "app", "--type", "merge", "-p", '{"data":{"c":"4"}}']),
          "patch",
        ),
        "configmap/app patched\n",
      );
      assert.equal(
        ok(
          await k.run(["patch", "cm", "app", "--type", "merge", "-p", '{"data":{"c":"4"}}']),
          "no-op",
        ),
        "configmap/app patched (no change)\n",
      );
      assert.equal(
        ok(
          await k.run([
            "patch",
            "cm",
            "app",
            "--type",
            "json",
            "-p",
            '[{"op":"remove","path":"/data/c"}]',
          ]),
          "json patch",
        ),
        "configmap/app patched\n",
      );
      assert.equal(
        ok(await k.run(["label", "cm", "app", "env=dev"]), "label"),
        "configmap/app labeled\n",
      );
      assert.equal(
        ok(await k.run(["annotate", "cm", "app", "note=hi"]), "annotate"),
        "configmap/app annotated\n",
      );
      const cm = await f.rt.client.get(ConfigMap, "app", { namespace: "default" });
      assert.equal(cm.metadata.labels?.env, "dev");
      assert.equal(cm.metadata.annotations?.note, "hi");
      assert.deepEqual(cm.data, { a: "2", b: "3" });

      assert.equal(ok(await k.run(["delete", "cm", "app"]), "delete"), 'configmap "app" deleted\n');
      assert.equal((await f.rt.client.list(ConfigMap, { namespace: "default" })).items.length, 0);
      const gone = await k.run(["delete", "cm", "app"]);
      assert.equal(gone.code, 1);
      assert.equal(gone.err, 'Error from server (NotFound): configmaps "app" not found\n');
    },
  });
}

Deno.test({
  name: "kubectl: discovery, explain, strict validation, wait and watch",
  ignore: !haveKubectl(32),
  async fn() {
    await using f = await fixture();
    const k = f.kubectl;
    const res = ok(await k.run(["api-resources"]), "api-resources");
    assert.match(res, /^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND\n/);
    assert.match(res, /\nconfigmaps\s+cm\s+v1\s+true\s+ConfigMap\n/);
    assert.match(res, /\nnamespaces\s+ns\s+v1\s+false\s+Namespace\n/);
    assert.match(
      ok(await k.run(["explain", "configmaps.data"]), "explain"),
      /FIELD: data <map\[string\]string>/,
    );

    // Strict validation refuses an unknown field and stores nothing.
    const file = `${f.dir}/bad.yaml`;
    await Deno.writeTextFile(file, CM_YAML.replace("\ndata:", "\ndta: {x: y}\ndata:"));
    const bad = await k.run(["create", "-f", file]);
    assert.equal(bad.code, 1);
    assert.equal(
      bad.err,
      `Error from server (BadRequest): error when creating "${file}": ConfigMap in version "v1" ` +
        'cannot be handled as a ConfigMap: strict decoding error: unknown field "dta"\n',
    );
    assert.equal((await f.rt.client.list(ConfigMap, { namespace: "default" })).items.length, 0);

    // wait for a condition on a change made meanwhile.
    await f.rt.client.create(ConfigMap, { metadata: { name: "w" }, data: { ready: "no" } }, {
      namespace: "default",
    });
    const waiting = k.run(["wait", "cm/w", "--for=jsonpath={.data.ready}=yes", "--timeout=20s"]);
    await new Promise((r) => setTimeout(r, 300));
    await f.rt.client.patch(ConfigMap, "w", { data: { ready: "yes" } }, {
      namespace: "default",
      type: "merge",
    });
    assert.equal(ok(await waiting, "wait"), "configmap/w condition met\n");

    // get -w prints the current rows, then changes.
    const watch = k.spawn(["get", "cm", "-w", "--output-watch-events"]);
    const lines = watch.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let seen = "";
    const until = async (re: RegExp) => {
      while (!re.test(seen)) {
        const { value, done } = await lines.read();
        if (done) throw new Error(`watch ended: ${seen}`);
        seen += value;
      }
    };
    await until(/ADDED\s+w\s+1/);
    await f.rt.client.create(ConfigMap, { metadata: { name: "w2" } }, { namespace: "default" });
    await until(/ADDED\s+w2\s+0/);
    await f.rt.client.delete(ConfigMap, "w2", { namespace: "default" });
    await until(/DELETED\s+w2\s+0/);
    watch.kill();
    await lines.cancel();
    await watch.status;
    await watch.stderr.cancel();
  },
});

for (const minor of [32, 33]) {
  Deno.test({
    name: `kubectl 1.${minor}: protobuf bodies: imperative creates and auth can-i / whoami`,
    ignore: !haveKubectl(minor),
    async fn() {
      await using f = await fixture(minor);
      const k = f.kubectl;
      assert.equal(
        ok(await k.run(["create", "configmap", "imp", "--from-literal=a=b"]), "create configmap"),
        "configmap/imp created\n",
      );
      assert.deepEqual(
        (await f.rt.client.get(ConfigMap, "imp", { namespace: "default" })).data,
        { a: "b" },
      );
      assert.equal(
        ok(await k.run(["create", "secret", "generic", "s", "--from-literal=k=v"]), "secret"),
        "secret/s created\n",
      );
      assert.equal(
        ok(await k.run(["create", "namespace", "team"]), "namespace"),
        "namespace/team created\n",
      );
      assert.equal(
        ok(await k.run(["create", "serviceaccount", "bot", "-n", "team"]), "serviceaccount"),
        "serviceaccount/bot created\n",
      );
      const dup = await k.run(["create", "configmap", "imp"]);
      assert.equal(dup.code, 1);
      assert.equal(dup.err, 'error: failed to create configmap: configmaps "imp" already exists\n');
      assert.equal(ok(await k.run(["auth", "can-i", "get", "configmaps"]), "can-i"), "yes\n");
      assert.match(
        ok(await k.run(["auth", "can-i", "--list"]), "can-i --list"),
        /\*\.\*\s+\[\]\s+\[\]\s+\[\*\]/,
      );
      assert.match(ok(await k.run(["auth", "whoami"]), "whoami"), /Username\s+k1s-admin/);
    },
  });
}

Deno.test({
  name: "kubectl: edit, describe, diff and replace against serve",
  ignore: !haveKubectl(32),
  async fn() {
    await using f = await fixture();
    const k = f.kubectl;
    await f.rt.client.create(ConfigMap, { metadata: { name: "e" }, data: { a: "1" } }, {
      namespace: "default",
    });
    // An editor that changes a value in place.
    const editor = `${f.dir}/editor.sh`;
    await Deno.writeTextFile(editor, '#!/bin/sh\nsed -i \'s/a: "1"/a: "2"/\' "$1"\n');
    await Deno.chmod(editor, 0o755);
    assert.equal(
      ok(await k.run(["edit", "cm", "e"], { env: { KUBE_EDITOR: editor } }), "edit"),
      "configmap/e edited\n",
    );
    assert.deepEqual((await f.rt.client.get(ConfigMap, "e", { namespace: "default" })).data, {
      a: "2",
    });
    const described = ok(await k.run(["describe", "cm", "e"]), "describe");
    assert.match(described, /^Name:\s+e\nNamespace:\s+default\n/);
    assert.match(described, /\nData\n====\na:\n----\n2\n/);
    // replace with a stale resourceVersion is a conflict; with the current one it lands.
    const current = await f.rt.client.get(ConfigMap, "e", { namespace: "default" });
    const file = `${f.dir}/e.json`;
    await Deno.writeTextFile(file, JSON.stringify({ ...current, data: { a: "3" } }));
    assert.equal(ok(await k.run(["replace", "-f", file]), "replace"), "configmap/e replaced\n");
    // diff: server-side dry-run of the merge, exit 1 when there are differences, 0 when none.
    await Deno.writeTextFile(file, JSON.stringify({ ...current, data: { a: "4" } }));
    const diff = await k.run(["diff", "-f", file]);
    assert.equal(diff.code, 1, diff.err);
    assert.ok(diff.out.includes('\n-  a: "3"\n+  a: "4"\n'), diff.out);
    assert.deepEqual((await f.rt.client.get(ConfigMap, "e", { namespace: "default" })).data, {
      a: "3",
    });
    await Deno.writeTextFile(file, JSON.stringify({ ...current, data: { a: "3" } }));
    const stale = await k.run(["replace", "-f", file]);
    assert.equal(stale.code, 1);
    assert.match(
      stale.err,
      /Error from server \(Conflict\): error when replacing .*: Operation cannot be fulfilled on configmaps "e": the object has been modified; please apply your changes to the latest version and try again/,
    );
  },
});

Deno.test({
  name: "kubectl: delete --cascade=orphan|foreground|background with the garbage collector running",
  ignore: !haveKubectl(32),
  async fn() {
    await using f = await fixture();
    const stop = new AbortController();
    const running = f.rt.manager().start(stop.signal);
    try {
      const ns = { namespace: "default" };
      const family = async (p: string) => {
        const parent = await f.rt.client.create(ConfigMap, { metadata: { name: p } }, ns);
        await f.rt.client.create(ConfigMap, {
          metadata: {
            name: `${p}-child`,
            ownerReferences: [{
              apiVersion: "v1",
              kind: "ConfigMap",
              name: p,
              uid: parent.metadata.uid!,
            }],
          },
        }, ns);
      };
      const exists = async (name: string) =>
        (await f.rt.client.list(ConfigMap, ns)).items.some((o) => o.metadata.name === name);
      const until = async (what: string, test: () => Promise<boolean>) => {
        const end = Date.now() + 10_000;
        while (!(await test())) {
          if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
          await new Promise((r) => setTimeout(r, 20));
        }
      };

      // orphan: kubectl waits while the garbage collector removes the orphan finalizer;
      // the child stays, without its owner reference.
      await family("o");
      assert.equal(
        ok(await f.kubectl.run(["delete", "cm", "o", "--cascade=orphan"]), "orphan"),
        'configmap "o" deleted\n',
      );
      assert.equal(await exists("o"), false);
      await until("the orphan's owner reference to go", async () => {
        const child = await f.rt.client.get(ConfigMap, "o-child", ns);
        return (child.metadata.ownerReferences ?? []).length === 0;
      });

      // foreground: the parent goes after its child.
      await family("f");
      assert.equal(
        ok(await f.kubectl.run(["delete", "cm", "f", "--cascade=foreground"]), "foreground"),
        'configmap "f" deleted\n',
      );
      assert.equal(await exists("f"), false);
      assert.equal(await exists("f-child"), false);

      // background (the default): the parent goes at once, the child after it.
      await family("b");
      assert.equal(
        ok(await f.kubectl.run(["delete", "cm", "b", "--cascade=background"]), "background"),
        'configmap "b" deleted\n',
      );
      await until("the background child to go", async () => !(await exists("b-child")));

      const bad = await f.kubectl.run(["delete", "cm", "x", "--cascade=sideways"]);
      assert.equal(bad.code, 1);
      assert.match(bad.err, /invalid cascade value \(sideways\)/);
    } finally {
      stop.abort();
      await running;
    }
  },
});
