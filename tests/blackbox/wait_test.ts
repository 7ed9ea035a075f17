// Black-box: `wait` as a k1s process: conditions and jsonpath values met at once or after another
// process's write, deletion by another process, time-outs, missing objects and selectors, with
// kubectl's lines, messages and exit codes.
import assert from "node:assert/strict";
import { assertFails, assertOk, type Run, type Sandbox, sandbox, spawn } from "./_harness.ts";

/** A CLI process started in the background on the sandbox's store; killed on dispose if running. */
interface Background extends AsyncDisposable {
  /** Resolves once the process has opened the store (it then reads its targets at once). */
  opened: Promise<void>;
  /** What it printed and returned. */
  result: Promise<Run>;
}

/**
 * Starts `k1s ARGS` as the harness would, without waiting for it. `opened` watches the process's
 * open files (Linux /proc) for the store; where that cannot be seen it waits two seconds.
 */
async function background(s: Sandbox, args: string[]): Promise<Background> {
  const child = await spawn(s, args);
  const result = child.output().then((o) => {
    const dec = new TextDecoder();
    return { code: o.code, out: dec.decode(o.stdout), err: dec.decode(o.stderr) };
  });
  let exited = false;
  result.finally(() => exited = true);
  const storeFile = s.store.replace(/^sqlite:/, "");
  const opened = (async () => {
    const fds = `/proc/${child.pid}/fd`;
    try {
      Deno.statSync(fds);
    } catch {
      await new Promise((r) => setTimeout(r, 2000));
      return;
    }
    const deadline = Date.now() + 60_000;
    while (!exited && Date.now() < deadline) {
      try {
        for (const e of Deno.readDirSync(fds)) {
          if (Deno.readLinkSync(`${fds}/${e.name}`) === storeFile) return;
        }
      } catch {
        // The process is starting or gone; look again.
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    opened,
    result,
    async [Symbol.asyncDispose]() {
      if (!exited) child.kill();
      await result;
    },
  };
}

Deno.test("wait for a Namespace's phase and for a condition another process sets", async () => {
  await using s = await sandbox();
  assertOk(await s.k1s(["create", "ns", "team"]), "namespace/team created\n");

  // A new Namespace is Active.
  assertOk(
    await s.k1s(["wait", "ns", "team", "--for=jsonpath={.status.phase}=Active"]),
    "namespace/team condition met\n",
  );

  // Ready=True is set by another process while (or before) wait watches: met either way.
  await using waiting = await background(s, [
    "wait",
    "--for=condition=Ready",
    "namespace/team",
    "--timeout=60s",
  ]);
  await waiting.opened;
  assertOk(
    await s.k1s([
      "patch",
      "ns",
      "team",
      "--subresource=status",
      "--type=merge",
      "-p",
      '{"status":{"conditions":[{"type":"Ready","status":"True",' +
      '"lastTransitionTime":"2024-01-01T00:00:00Z"}]}}',
    ]),
    "namespace/team patched\n",
  );
  assertOk(await waiting.result, "namespace/team condition met\n");

  // Ready=false is not met: the wait times out, or with --timeout=0 checks once.
  assertFails(
    await s.k1s(["wait", "ns/team", "--for=condition=Ready=false", "--timeout=1s"]),
    "error: timed out waiting for the condition on namespaces/team\n",
  );
  assertFails(
    await s.k1s(["wait", "ns/team", "--for=jsonpath={.status.phase}=Terminating", "--timeout=0"]),
    "error: condition not met for namespaces/team\n",
  );
});

Deno.test("wait --for=delete: an object deleted by another process, time-outs, missing objects", async () => {
  await using s = await sandbox();
  assertOk(await s.k1s(["create", "cm", "x"]), "configmap/x created\n");
  assertOk(await s.k1s(["create", "cm", "y"]), "configmap/y created\n");

  await using waiting = await background(s, [
    "wait",
    "--for=delete",
    "configmap/x",
    "--timeout=60s",
  ]);
  await waiting.opened;
  assertOk(await s.k1s(["delete", "cm", "x"]), 'configmap "x" deleted\n');
  assertOk(await waiting.result, "configmap/x condition met\n");

  // Gone already: nothing to wait for, exit code 0, as kubectl.
  assertOk(await s.k1s(["wait", "--for=delete", "cm/x"]), "");

  assertFails(
    await s.k1s(["wait", "--for=delete", "cm/y", "--timeout=1s"]),
    "error: timed out waiting for the condition on configmaps/y\n",
  );
  assertFails(
    await s.k1s(["wait", "--for=condition=Ready", "cm", "nope", "--timeout=5s"]),
    'Error from server (NotFound): configmaps "nope" not found\n',
  );
});

Deno.test("wait with -l and --all waits on every match", async () => {
  await using s = await sandbox();
  const file = await s.file(
    "cms.yaml",
    [["a", "web"], ["b", "web"], ["c", "db"]].map(([n, app]) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${n}\n  labels: {app: ${app}}\n` +
      `data:\n  k: v\n`
    ).join("---\n"),
  );
  assertOk(
    await s.k1s(["create", "-f", file]),
    "configmap/a created\nconfigmap/b created\nconfigmap/c created\n",
  );
  assertOk(
    await s.k1s(["wait", "cm", "-l", "app=web", "--for=jsonpath={.metadata.labels.app}=web"]),
    "configmap/a condition met\nconfigmap/b condition met\n",
  );
  assertOk(
    await s.k1s(["wait", "configmaps", "--all", "--for=jsonpath={.data.k}=v", "--timeout=5s"]),
    "configmap/a condition met\nconfigmap/b condition met\nconfigmap/c condition met\n",
  );
  assertFails(
    await s.k1s(["wait", "cm", "-l", "app=none", "--for=condition=Ready"]),
    "error: no matching resources found\n",
  );
  assertOk(await s.k1s(["wait", "cm", "-l", "app=none", "--for=delete"]), "");
});

Deno.test("wait --for=create: for an object another process creates, and its time-out", async () => {
  await using s = await sandbox();
  assertFails(
    await s.k1s(["wait", "cm/later", "--for=create", "--timeout=1s"]),
    "error: timed out waiting for the condition\n",
  );
  await using bg = await background(s, ["wait", "cm/later", "--for=create", "--timeout=30s"]);
  await bg.opened;
  assertOk(await s.k1s(["create", "cm", "later"]), "configmap/later created\n");
  assert.deepEqual(await bg.result, { code: 0, out: "configmap/later condition met\n", err: "" });
  // Already there: met at once; with a selector, every match.
  assertOk(await s.k1s(["label", "cm", "later", "app=x"]), "configmap/later labeled\n");
  assertOk(
    await s.k1s(["wait", "cm", "-l", "app=x", "--for=create", "--timeout=1s"]),
    "configmap/later condition met\n",
  );
  assertOk(
    await s.k1s(["wait", "cm/later", "--for=create", "-o", "name"]),
    "configmap/later\n",
  );
});
