// The black-box CLI suite again, against `k1s serve`: each sandbox serves its store in a
// process of its own and every CLI run talks to it, once with `--server URL` and once with
// `--kubeconfig FILE --context k1s` (see tests/blackbox/_harness.ts). Outputs must be the
// suite's, which are those of the local store.
import assert from "node:assert/strict";

const DIR = new URL("./blackbox/", import.meta.url).pathname;
const CONFIG = new URL("../deno.json", import.meta.url).pathname;

for (const mode of ["server", "context"]) {
  Deno.test(`the black-box CLI suite through --${mode === "server" ? "server" : "context"}`, async () => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "test",
        "-A",
        "--config",
        CONFIG,
        // This file starts servers of its own for its three ways.
        `--ignore=${DIR}remote_test.ts`,
        DIR,
      ],
      env: { K1S_BLACKBOX_REMOTE: mode, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    const summary = text.match(/(ok|FAILED) \| \d+ passed.*$/m)?.[0] ?? "no summary";
    assert.ok(out.success, `K1S_BLACKBOX_REMOTE=${mode}: ${summary}\n${text.slice(-6000)}`);
    assert.match(summary, /ok \| \d+ passed/);
  });
}
