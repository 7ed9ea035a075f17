// Plugins, as kubectl 1.32 runs and lists them: `k1s foo ARGS` runs `k1s-foo` from PATH, and
// `k1s plugin list` lists them with kubectl's warnings. Each case runs kubectl.1.32 on the same
// layout (with kubectl-* executables) when it is installed, and compares.
import assert from "node:assert/strict";
import { type Run, run } from "./_harness.ts";
import { kubectlPath } from "../_kubectl.ts";

const KUBECTL = kubectlPath(32);

/** Two PATH directories with the same plugins for k1s and for kubectl. */
async function layout(): Promise<
  { a: string; b: string; empty: string; cleanup(): Promise<void> }
> {
  const dir = await Deno.makeTempDir({ prefix: "k1s-plugins-" });
  const a = `${dir}/a`;
  const b = `${dir}/b`;
  const empty = `${dir}/empty`;
  for (const d of [a, b, empty]) await Deno.mkdir(d);
  for (const cli of ["k1s", "kubectl"]) {
    const script = (body: string) => `#!/bin/sh\n${body}\n`;
    const put = async (path: string, body: string, mode = 0o755) => {
      await Deno.writeTextFile(path, script(body));
      await Deno.chmod(path, mode);
    };
    await put(`${a}/${cli}-foo`, 'echo "foo: $*"\necho "to stderr" >&2\nexit 3');
    await put(`${b}/${cli}-foo`, 'echo "the other foo"');
    await put(`${a}/${cli}-bar-baz`, 'echo "bar-baz: $*"');
    await put(`${a}/${cli}-get`, "echo mine");
    await put(`${a}/${cli}-noexec`, "echo never", 0o644);
  }
  return { a, b, empty, cleanup: () => Deno.remove(dir, { recursive: true }) };
}

const SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin";

async function kubectl(args: string[], path: string): Promise<Run> {
  const out = await new Deno.Command(KUBECTL!, {
    args,
    env: { PATH: path, KUBECONFIG: "/dev/null" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, out: dec.decode(out.stdout), err: dec.decode(out.stderr) };
}

/** Runs k1s and (when installed) kubectl with the same arguments and PATH; compares. */
async function both(args: string[], path: string): Promise<Run> {
  const mine = await run(args, { env: { PATH: path } });
  if (KUBECTL) {
    const theirs = await kubectl(args, path);
    const asK1s = (t: string) => t.replaceAll("kubectl", "k1s");
    assert.deepEqual(
      { ...mine, err: mine.err },
      { code: theirs.code, out: asK1s(theirs.out), err: asK1s(theirs.err) },
      `k1s ${args.join(" ")} differs from kubectl`,
    );
  }
  return mine;
}

Deno.test("a plugin runs with the rest of the arguments, its streams and exit code", async () => {
  const l = await layout();
  try {
    const r = await both(["foo", "x", "-y", "--z=1"], `${l.a}:${l.b}:${SYSTEM_PATH}`);
    assert.deepEqual(r, { code: 3, out: "foo: x -y --z=1\n", err: "to stderr\n" });
    // The longest name wins; a dash in an argument is not a separator.
    assert.equal((await both(["bar", "baz", "q"], `${l.a}:${SYSTEM_PATH}`)).out, "bar-baz: q\n");
    const dashed = await both(["bar-baz", "q"], `${l.a}:${SYSTEM_PATH}`);
    assert.equal(dashed.code, 1);
    assert.match(dashed.err, /^error: unknown command "bar-baz" for "k1s"/);
    // The first on PATH runs.
    assert.equal((await both(["foo"], `${l.b}:${l.a}:${SYSTEM_PATH}`)).out, "the other foo\n");
    // A verb is never a plugin.
    assert.doesNotMatch((await run(["get", "--help"], { env: { PATH: l.a } })).out, /mine/);
  } finally {
    await l.cleanup();
  }
});

Deno.test("flags before a plugin's name are refused, as kubectl refuses them", async () => {
  const l = await layout();
  try {
    const r = await both(["-n", "x", "foo"], `${l.a}:${SYSTEM_PATH}`);
    assert.deepEqual(r, {
      code: 1,
      out: "",
      err: "Error: flags cannot be placed before plugin name: -n\n",
    });
  } finally {
    await l.cleanup();
  }
});

Deno.test("plugin list: the plugins on PATH, with kubectl's warnings", async () => {
  const l = await layout();
  try {
    const path = `${l.a}:${l.b}:${SYSTEM_PATH}`;
    const r = await both(["plugin", "list"], path);
    assert.equal(r.code, 1);
    assert.equal(
      r.out,
      "The following compatible plugins are available:\n\n" +
        [`${l.a}/k1s-bar-baz`, `${l.a}/k1s-foo`, `${l.a}/k1s-get`, `${l.a}/k1s-noexec`]
          .concat([`${l.b}/k1s-foo`]).map((p) => `${p}\n`).join(""),
    );
    assert.equal(
      r.err,
      `  - warning: k1s-get overwrites existing command: "k1s get"\n` +
        `  - warning: ${l.a}/k1s-noexec identified as a k1s plugin, but it is not executable\n` +
        `  - warning: ${l.b}/k1s-foo is overshadowed by a similarly named plugin: ${l.a}/k1s-foo\n` +
        "error: 3 plugin warnings were found\n",
    );
    const names = await both(["plugin", "list", "--name-only"], `${l.b}:${SYSTEM_PATH}`);
    assert.deepEqual(names, {
      code: 0,
      out: "The following compatible plugins are available:\n\nk1s-foo\n",
      err: "",
    });
    assert.deepEqual(await both(["plugin", "list"], `${l.empty}:${SYSTEM_PATH}`), {
      code: 1,
      out: "",
      err: "error: unable to find any k1s plugins in your PATH\n",
    });
  } finally {
    await l.cleanup();
  }
});
