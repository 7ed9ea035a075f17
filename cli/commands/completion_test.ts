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

/** The resource types of the test CLI, as the scripts offer them. */
const TYPES = "cm configmaps ev events namespaces ns sa secrets serviceaccounts wdg widgets";

/**
 * Lines typed (a trailing space: a new word) and what the scripts offer, with a stand-in `k1s`
 * that answers every name query with `alpha beta` (and `default team` for namespaces).
 */
const CASES: [string, string][] = [
  ["k1s create ", "namespace configmap secret serviceaccount"],
  ["k1s create secret ", "docker-registry generic tls"],
  ["k1s create secret generic ", ""],
  ["k1s create configmap ", ""],
  ["k1s config use", "use-context"],
  ["k1s apply view", "view-last-applied"],
  ["k1s plugin ", "list"],
  ["k1s get ", TYPES],
  ["k1s get configmaps ", "alpha beta"],
  ["k1s -n team describe cm ", "alpha beta"],
  ["k1s label configmaps a", "alpha"],
  // Names already on the line are not offered again.
  ["k1s delete configmaps alpha ", "beta"],
  // TYPE/ completes to TYPE/NAME; after a TYPE/NAME comes another TYPE/.
  ["k1s get configmaps/", "configmaps/alpha configmaps/beta"],
  ["k1s wait cm/b", "cm/beta"],
  ["k1s describe configmaps/alpha sec", "secrets/"],
  ["k1s explain ", TYPES],
  ["k1s explain cm ", ""],
  ["k1s replace ", ""],
  ["k1s get -n ", "default team"],
];

/** A directory with the script of `shell` and a stand-in `k1s` on which names are read. */
async function withScript(
  shell: string,
  file: string,
  body: (dir: string) => Promise<void>,
): Promise<void> {
  const script = (await k(["completion", shell])).out;
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/${file}`, script);
    await Deno.writeTextFile(
      `${dir}/k1s`,
      '#!/bin/sh\ncase "$*" in *namespaces*) echo "default team" ;; *) echo "alpha beta" ;; esac\n',
    );
    await Deno.chmod(`${dir}/k1s`, 0o755);
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function shellOutput(shell: string, args: string[]): Promise<string[]> {
  const out = await new Deno.Command(shell, { args, stdout: "piped", stderr: "piped" }).output();
  assert.equal(new TextDecoder().decode(out.stderr), "");
  return new TextDecoder().decode(out.stdout).split("\n");
}

/**
 * The brackets of a PowerShell script that do not pair up, outside its comments and its single-
 * and double-quoted strings (where a backtick escapes the next character).
 */
function unbalanced(script: string): string[] {
  const stack: string[] = [];
  const bad: string[] = [];
  const pairs: Record<string, string> = { ")": "(", "]": "[", "}": "{" };
  for (let i = 0; i < script.length; i++) {
    const c = script[i];
    if (c === "#") {
      while (i < script.length && script[i] !== "\n") i++;
    } else if (c === "'") {
      for (i++; i < script.length; i++) {
        if (script[i] === "'" && script[i + 1] === "'") i++;
        else if (script[i] === "'") break;
      }
    } else if (c === '"') {
      for (i++; i < script.length && script[i] !== '"'; i++) if (script[i] === "`") i++;
    } else if ("([{".includes(c)) {
      stack.push(c);
    } else if (c in pairs) {
      if (stack.pop() !== pairs[c]) bad.push(`${c} at ${i}`);
    }
  }
  return [...bad, ...stack];
}

/** True when `shell` runs here. */
function runs(shell: string): boolean {
  try {
    return new Deno.Command(shell, { args: ["-c", "exit 0"] }).outputSync().success;
  } catch {
    return false;
  }
}

/**
 * True when `shell` runs. Otherwise prints one line naming what is missing (and throws under
 * CI=true, where .ci/run installs it).
 */
function installed(shell: string): boolean {
  if (runs(shell)) return true;
  const why = `skipped: ${shell} is not installed (install ${shell} to run this test)`;
  if (Deno.env.get("CI") === "true") throw new Error(why);
  console.log(why);
  return false;
}

Deno.test("completion bash: subcommands where they come, object names only after a type", async () => {
  await withScript("bash", "k1s.bash", async (dir) => {
    const probe = (line: string) => {
      const words = line.split(" ").map((w) => w === "" ? "''" : w).join(" ");
      return `COMP_WORDS=(${words}); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _k1s; ` +
        `echo "\${COMPREPLY[*]}"`;
    };
    const src = [`PATH=${dir}:$PATH`, `source ${dir}/k1s.bash`, ...CASES.map(([l]) => probe(l))];
    const lines = await shellOutput("bash", ["-c", src.join("\n")]);
    assert.deepEqual(lines.slice(0, CASES.length), CASES.map(([, want]) => want));
  });
});

Deno.test({
  name: "completion zsh: the same candidates as bash",
  ignore: !installed("zsh"),
  async fn() {
    await withScript("zsh", "_k1s", async (dir) => {
      // compadd, _describe and compdef stand in for zsh's completion system: compadd prints
      // its words.
      const src = [
        `PATH=${dir}:$PATH`,
        "compdef() { :; }",
        "_describe() { :; }",
        "compadd() {",
        "  while [[ $1 == -* && $1 != -- ]]; do [[ $1 == -[SpP] ]] && shift; shift; done",
        "  [[ $1 == -- ]] && shift",
        '  local -a w; w=("${(@M)@:#${PREFIX}*}"); print -r -- "${(j: :)w}"',
        "}",
        `source ${dir}/_k1s`,
        ...CASES.map(([line]) =>
          `words=(\${(z)\${:-${line.replaceAll(" ", "\\ ")}}}); ` +
          `[[ ${JSON.stringify(line)} == *" " ]] && words+=(""); CURRENT=\${#words}; ` +
          `PREFIX=\${words[CURRENT]}; ` +
          `print -r -- "$(_k1s)"`
        ),
      ];
      const lines = await shellOutput("zsh", ["-f", "-c", src.join("\n")]);
      assert.deepEqual(lines.slice(0, CASES.length), CASES.map(([, want]) => want));
    });
  },
});

Deno.test({
  name: "completion fish: the same candidates as bash",
  ignore: !installed("fish"),
  async fn() {
    await withScript("fish", "k1s.fish", async (dir) => {
      const src = [
        `set -x PATH ${dir} $PATH`,
        `source ${dir}/k1s.fish`,
        ...CASES.map(([line]) =>
          `echo (complete -C${
            JSON.stringify(line)
          } | string split -f1 \\t | sort | string join ' ')`
        ),
      ];
      const lines = await shellOutput("fish", ["--no-config", "-c", src.join("\n")]);
      const sorted = (s: string) => s.split(" ").sort().join(" ");
      assert.deepEqual(
        lines.slice(0, CASES.length),
        CASES.map(([, want]) => sorted(want)),
      );
    });
  },
});

Deno.test("completion powershell: kubectl's script, with the CLI's words and its name queries", async () => {
  const r = await k(["completion", "powershell"]);
  assert.equal(r.code, 0);
  assert.equal(r.err, "");
  const ps = r.out;
  assert.match(ps, /^# powershell completion for k1s /);
  assert.match(
    ps,
    /\nRegister-ArgumentCompleter -CommandName 'k1s' -ScriptBlock \$\{__k1sCompleterBlock\}\n$/,
  );
  assert.match(ps, /\[scriptblock\]\$\{__k1sCompleterBlock\} = \{\n {4}param\(/);
  // The tables: verbs with summaries (quotes doubled), flags, subcommands, types.
  assert.match(ps, /\n {8}'get' = 'Display one or many resources'\n/);
  assert.match(ps, /'crd' = 'Export the CLI''s kinds/);
  assert.match(ps, /\n {8}'get' = @\([^)]*'--output', '-o'/);
  assert.match(ps, /\n {12}'secret' = @\('docker-registry', 'generic', 'tls'\)\n/);
  assert.match(ps, /\$Types = @\('cm', 'configmaps', .*'wdg', 'widgets'\)/);
  assert.match(
    ps,
    /\$NameVerbs = @\('get', 'describe', 'delete', 'edit', 'label', 'annotate', 'patch', 'wait'\)/,
  );
  assert.match(ps, /\$Shells = @\('bash', 'zsh', 'fish', 'powershell'\)/);
  // Names are read from the CLI the line runs, with the line's --store and -n flags.
  assert.match(
    ps,
    /\$Out = & \$Program @Scope get \$Type -o 'jsonpath=\{\.items\[\*\]\.metadata\.name\}' 2>\$null/,
  );
  // Brackets and braces balance outside strings and comments (a cheap stand-in for a parse
  // where pwsh is not installed).
  assert.deepEqual(unbalanced(ps), []);
  // PowerShell is no Debian package: where it runs, it parses the script too (never required).
  if (runs("pwsh")) {
    await withScript("powershell", "k1s.ps1", async (dir) => {
      const out = await new Deno.Command("pwsh", {
        args: [
          "-NoProfile",
          "-Command",
          `[ScriptBlock]::Create((Get-Content -Raw ${dir}/k1s.ps1)) | Out-Null`,
        ],
        stderr: "piped",
      }).output();
      assert.equal(new TextDecoder().decode(out.stderr), "");
    });
  }
});

Deno.test("completion bash: names are read with the line's --store and -n, colons and all", async () => {
  await withScript("bash", "k1s.bash", async (dir) => {
    // bash splits its own words at : and = (COMP_WORDBREAKS); the script reads COMP_LINE.
    await Deno.writeTextFile(`${dir}/k1s`, `#!/bin/sh\nprintf '%s\\n' "$*" >> ${dir}/calls\n`);
    const line = "k1s --store=sqlite:./dev.db -n team get cm ";
    const src = [
      `PATH=${dir}:$PATH`,
      `source ${dir}/k1s.bash`,
      `COMP_LINE=${JSON.stringify(line)}; COMP_POINT=\${#COMP_LINE}; _k1s`,
      `COMP_LINE="k1s --store memory: get configmaps/"; COMP_POINT=\${#COMP_LINE}; _k1s`,
    ];
    await shellOutput("bash", ["-c", src.join("\n")]);
    assert.equal(
      await Deno.readTextFile(`${dir}/calls`),
      "--store=sqlite:./dev.db -n team get cm -o jsonpath={.items[*].metadata.name}\n" +
        "--store memory: get configmaps -o jsonpath={.items[*].metadata.name}\n",
    );
  });
});
