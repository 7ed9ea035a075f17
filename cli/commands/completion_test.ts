// `completion` run in-process: each script is produced, bash parses its script, and every
// script names the verbs, flags and resource types.
import assert from "node:assert/strict";
import { defineKind } from "@k1s/k1s";
import { z } from "zod";
import { defineCli } from "../kit.ts";
import { standardCommands } from "./mod.ts";
import { runCli } from "../_test_helpers.ts";

const Widget = defineKind({
  group: "test.k1s.dev",
  version: "v1",
  kind: "Widget",
  shortNames: ["wdg"],
  spec: z.object({ size: z.number().optional() }),
});

const cli = defineCli({
  name: "k1s",
  version: "0",
  kinds: [Widget],
  // A store that cannot be opened: printing a script must not touch it.
  defaultStore: "sqlite:/nonexistent/dir/store.db",
  commands: standardCommands(),
});

function k(args: string[]) {
  return runCli(cli, args);
}

Deno.test("completion bash: a script bash parses, with verbs, flags and types", async () => {
  const r = await k(["completion", "bash"]);
  assert.equal(r.code, 0);
  assert.equal(r.err, "");
  for (const word of ["get", "patch", "completion", "--output", "-o", "--all-namespaces", "-A"]) {
    assert.ok(r.out.includes(word), word);
  }
  assert.match(r.out, /cm configmaps ev events /);
  assert.match(r.out, /widgets/);
  assert.match(r.out, /\bwdg\b/);
  assert.match(r.out, /complete -o default -F _k1s k1s\n$/);
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/k1s.bash`;
    await Deno.writeTextFile(file, r.out);
    const check = await new Deno.Command("bash", { args: ["-n", file], stderr: "piped" }).output();
    assert.equal(new TextDecoder().decode(check.stderr), "");
    assert.ok(check.success);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("completion bash: completes verbs, flags, types and shells when sourced", async () => {
  const script = (await k(["completion", "bash"])).out;
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/k1s.bash`, script);
    // `k1s` itself is not on PATH here, so name completion yields nothing; the rest is static.
    const probe = (line: string) =>
      `COMP_WORDS=(${line}); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _k1s; ` +
      `echo "\${COMPREPLY[*]}"`;
    const src = [
      `source ${dir}/k1s.bash`,
      probe(`k1s pa`),
      probe(`k1s get --all-n`),
      probe(`k1s -n team get con`),
      probe(`k1s completion f`),
      probe(`k1s get -o ''`),
    ].join("\n");
    const out = await new Deno.Command("bash", { args: ["-c", src], stdout: "piped" }).output();
    const lines = new TextDecoder().decode(out.stdout).split("\n");
    assert.deepEqual(lines.slice(0, 5), ["patch", "--all-namespaces", "configmaps", "fish", ""]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("completion zsh and fish: scripts that name the verbs, flags and types", async () => {
  const zsh = await k(["completion", "zsh"]);
  assert.equal(zsh.code, 0);
  assert.match(zsh.out, /^#compdef k1s\n/);
  assert.match(zsh.out, /'get:Display one or many resources'/);
  assert.match(zsh.out, /compdef _k1s k1s/);
  assert.match(zsh.out, /'--output-patch'|'--output'/);
  const fish = await k(["completion", "fish"]);
  assert.equal(fish.code, 0);
  for (const verb of ["get", "describe", "patch", "completion", "version"]) {
    assert.match(fish.out, new RegExp(`complete -c k1s -n __k1s_needs_verb -a '${verb}'`));
  }
  assert.match(fish.out, /-n '__k1s_verb_is get' -l output -s o -x/);
  assert.match(fish.out, /-a 'cm configmaps ev events /);
});

Deno.test("completion: kubectl's errors for a missing, extra or unknown shell", async () => {
  assert.deepEqual(await k(["completion", "foo"]), {
    code: 1,
    out: "",
    err: 'error: Unsupported shell type "foo".\n' +
      "See 'k1s completion -h' for help and examples\n",
  });
  assert.equal((await k(["completion"])).err.split("\n")[0], "error: Shell not specified.");
  assert.equal(
    (await k(["completion", "bash", "zsh"])).err.split("\n")[0],
    "error: Too many arguments. Expected only the shell type.",
  );
});

Deno.test("completion bash: subcommands where they come, object names only after a type", async () => {
  const script = (await k(["completion", "bash"])).out;
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/k1s.bash`, script);
    // A stand-in `k1s` that answers the name query the script makes.
    await Deno.writeTextFile(`${dir}/k1s`, "#!/bin/sh\necho 'alpha beta'\n");
    await Deno.chmod(`${dir}/k1s`, 0o755);
    const probe = (line: string) =>
      `COMP_WORDS=(${line}); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _k1s; ` +
      `echo "\${COMPREPLY[*]}"`;
    const cases: [string, string][] = [
      ["k1s create ''", "namespace configmap secret serviceaccount"],
      ["k1s create secret ''", "docker-registry generic tls"],
      ["k1s create secret generic ''", ""],
      ["k1s create configmap ''", ""],
      ["k1s create configmap x --from-l", "--from-literal"],
      ["k1s config use", "use-context"],
      ["k1s apply view", "view-last-applied"],
      ["k1s plugin ''", "list"],
      ["k1s get configmaps ''", "alpha beta"],
      ["k1s label configmaps a", "alpha"],
      ["k1s get configmaps/''", ""],
    ];
    const src = [`PATH=${dir}:$PATH`, `source ${dir}/k1s.bash`, ...cases.map(([l]) => probe(l))]
      .join("\n");
    const out = await new Deno.Command("bash", { args: ["-c", src], stdout: "piped" }).output();
    const lines = new TextDecoder().decode(out.stdout).split("\n");
    assert.deepEqual(lines.slice(0, cases.length), cases.map(([, want]) => want));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  const fish = (await k(["completion", "fish"])).out;
  assert.match(fish, /-n '__k1s_at create secret' -a 'docker-registry generic tls'/);
  assert.match(
    fish,
    /__k1s_needs_type\n {4}set -l p .*\n {4}test \(count \$p\) -eq 1; and not contains -- \$p\[1\] .*'create'/,
  );
  const zsh = (await k(["completion", "zsh"])).out;
  assert.match(zsh, /'secret'\) compadd -- 'docker-registry' 'generic' 'tls' ;;/);
});
