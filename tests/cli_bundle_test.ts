// The single-file proof: bundle the CLI with `deno bundle` and run the black-box suite
// (tests/blackbox, real CLI processes) against that one file from empty directories, as
// `deno compile` would ship it. When DENORT_BIN names a denort binary, `deno compile` builds the
// real executable too and the suite runs against it.
import assert from "node:assert/strict";

const ROOT = new URL("..", import.meta.url).pathname;

async function deno(args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    env,
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, text: dec.decode(out.stdout) + dec.decode(out.stderr) };
}

/** Bundles `entry` (relative to the repository) into one file in `dir` with `deno bundle`. */
async function bundle(entry: string, dir: string): Promise<string> {
  const out = `${dir}/${entry.replace(/^.*\//, "").replace(/\.ts$/, ".js")}`;
  const r = await deno(["bundle", "--platform=deno", "-o", out, entry]);
  assert.equal(r.code, 0, r.text);
  return out;
}

/** Runs test files with `env` and asserts they all passed (and that there were some). */
async function suite(paths: string[], env: Record<string, string>): Promise<void> {
  const r = await deno(["test", "-A", ...paths], env);
  // deno colours its summary; strip the escape sequences first.
  const plain = r.text.replaceAll(String.fromCharCode(27), "").replace(/\[[0-9;]*m/g, "");
  assert.equal(r.code, 0, plain);
  assert.match(plain, /ok \| [1-9]\d* passed( \(\d+ steps?\))? \| 0 failed/);
}

Deno.test("the black-box CLI suite passes against the CLI bundled into one file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "k1s-bundle-" });
  try {
    const out = await bundle("cli/main.ts", dir);
    await suite(["tests/blackbox/"], { K1S_BIN: out });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the in-process CLI tests pass against the kit bundled into one file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "k1s-bundle-" });
  try {
    const out = await bundle("cli/k1s.ts", dir);
    await suite(["cli/kit_test.ts"], { K1S_CLI_BUNDLE: out });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "deno task compile builds a binary that passes the black-box suite (needs DENORT_BIN)",
  ignore: !Deno.env.get("DENORT_BIN"),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "k1s-compile-" });
    try {
      // The same permissions and flags as `deno task compile`, with the output in `dir`.
      const task = JSON.parse(await Deno.readTextFile(`${ROOT}/deno.json`)).tasks.compile as string;
      const args = task.split(/\s+/).slice(1).map((a, i, all) =>
        all[i - 1] === "--output" ? `${dir}/k1s` : a
      );
      const r = await deno(args);
      assert.equal(r.code, 0, r.text);
      await suite(["tests/blackbox/"], { K1S_BIN: `${dir}/k1s` });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
