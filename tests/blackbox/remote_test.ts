// Black-box: the CLI against a server. One session of commands runs three ways — on a local
// store, with `--server` against `k1s serve` (a separate process, its controllers running), and
// with `--kubeconfig --context` — and prints the same thing each way.
import assert from "node:assert/strict";
import { freshAges, type Run, sandbox, serveSandbox } from "./_harness.ts";

const APP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: app
  labels: {tier: web}
data:
  mode: fast
---
apiVersion: v1
kind: Namespace
metadata:
  name: team
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: db
  namespace: team
  labels: {tier: db}
data:
  size: "10"
`;

/** What differs by nature between two stores: ids, times, revisions. */
function stable(text: string): string {
  return freshAges(text)
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "UID")
    .replace(/"?\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"?/g, "TIME")
    .replace(/(resourceVersion"?: )"\d+"/g, '$1"RV"')
    .replace(/^(Creation Timestamp:\s+).*$/gm, "$1TIME")
    .replace(/\b\d+s ago\b|\b\d+s\b/g, "AGE");
}

/** The session: each step's args (the file path is filled in). */
function session(file: string): string[][] {
  return [
    ["apply", "-f", file],
    ["get", "configmaps"],
    ["get", "cm", "-A", "--show-labels"],
    ["get", "cm", "app", "-o", "yaml"],
    ["get", "cm", "-n", "team", "-o", "json"],
    ["get", "cm", "-A", "-l", "tier=db", "-o", "name"],
    ["get", "cm", "app", "-o", "jsonpath={.data.mode}"],
    ["get", "cm", "nope"],
    ["get", "namespaces", "team"],
    ["label", "cm", "app", "env=dev"],
    ["annotate", "cm", "app", "note=hi"],
    ["patch", "cm", "app", "--type", "merge", "-p", '{"data":{"mode":"slow"}}'],
    ["patch", "cm", "app", "--type", "merge", "-p", '{"data":{"mode":"slow"}}'],
    ["describe", "cm", "app"],
    ["apply", "-f", file],
    ["create", "configmap", "extra", "--from-literal=a=1"],
    ["create", "configmap", "extra", "--from-literal=a=1"],
    ["wait", "--for=jsonpath={.data.a}=1", "cm/extra", "--timeout=5s"],
    ["delete", "cm", "extra"],
    ["delete", "cm", "extra"],
    ["delete", "namespace", "team"],
    ["wait", "--for=delete", "namespace/team", "--timeout=10s"],
    ["get", "cm", "-A"],
  ];
}

Deno.test("remote CLI: one session on a local store, through --server and through a context", async () => {
  await using local = await sandbox();
  await using remote = await sandbox();
  const file = await local.file("app.yaml", APP);
  await remote.file("app.yaml", APP);

  // k1s serve on the remote sandbox's store, in its own process.
  const server = await serveSandbox(remote);
  try {
    const url = server.url;
    const ways: [string, (args: string[]) => Promise<Run>][] = [
      ["local store", (args) => local.k1s(args)],
      ["--server", (args) => remote.k1s(["--server", url, ...args])],
      [
        "--kubeconfig --context",
        (args) => remote.k1s(["--kubeconfig", server.kubeconfig, "--context", "k1s", ...args]),
      ],
    ];
    const transcripts: string[][] = [];
    for (const [way, k1s] of ways) {
      const lines: string[] = [];
      for (const args of session(file)) {
        const r = await k1s(
          args.map((a) =>
            a === file ? `${(way === "local store" ? local : remote).dir}/app.yaml` : a
          ),
        );
        lines.push(`$ k1s ${args.join(" ")}\n[${r.code}]\n${stable(r.out)}${stable(r.err)}`);
      }
      transcripts.push(lines);
      // The second remote way starts again from an empty server.
      if (way === "--server") {
        for (const name of ["app"]) await remote.k1s(["--server", url, "delete", "cm", name]);
      }
    }
    for (let i = 0; i < transcripts[0].length; i++) {
      assert.equal(transcripts[1][i], transcripts[0][i], "--server");
      assert.equal(transcripts[2][i], transcripts[0][i], "--context");
    }
    const bad = await remote.k1s(["--server", url, "--store", "memory:", "get", "cm"]);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /--store names a local store and --server a server: give one/);
    const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const closedPort = (closed.addr as Deno.NetAddr).port;
    closed.close();
    const down = await remote.k1s(["--server", `http://127.0.0.1:${closedPort}`, "get", "cm"]);
    assert.equal(down.code, 1);
    assert.match(down.err, /connection refused|Connection refused/i);
  } finally {
    await server.stop();
  }
});
