/**
 * `completion bash|zsh|fish`: a shell completion script for the CLI, as kubectl's
 * `completion` prints one. It completes verbs, subcommands (`create secret generic`, `config
 * use-context`), each verb's flags (long and short, its subcommands' too), resource types (the
 * built-in kinds and the CLI's own), and object names after a type, which it asks the CLI for
 * with `get TYPE -o jsonpath=...` when the user presses tab; after a subcommand such as `create
 * secret` it offers no names. Printing the script opens no store.
 *
 * @module
 */
import { coreV1Kinds } from "../../src/resources/core_v1.ts";
import type { Kind } from "../../src/scheme/kind.ts";
import { CliError } from "../errors.ts";
import { type CliSpec, type Command, type CommandDoc, loadCommands } from "../kit.ts";

/** The shells `completion` writes scripts for. */
export const SHELLS: readonly string[] = ["bash", "zsh", "fish"];

/** Verbs whose first argument is not a resource type. */
const NO_TYPE_VERBS = ["completion", "version", "api-resources", "apply"];

/** What the scripts need to know about the CLI. */
interface Words {
  /** The command name, e.g. `k1s`. */
  name: string;
  /** A shell identifier made from the name. */
  id: string;
  verbs: {
    name: string;
    summary: string;
    flags: string[];
    options: Command["options"];
    /**
     * For a verb with subcommands: the words typed after the verb (joined by
     * spaces, "" for none) → the subcommands that may come next.
     */
    subs: [string, string[]][];
  }[];
  /** Flags that take a value (`-o`, `--output`, ...), across all verbs. */
  valued: string[];
  /** Resource type names: plurals and short names. */
  types: string[];
}

const GLOBAL_FLAGS = ["--store", "--namespace", "-n", "--help", "-h"];

/** The subcommand names under each path of `doc` (`create` → `secret` → `generic`). */
function subcommandTree(doc: CommandDoc, prefix: string[] = []): [string, string[]][] {
  const subs = doc.subcommands ?? [];
  if (subs.length === 0) return [];
  return [
    [prefix.join(" "), subs.map((s) => s.name)],
    ...subs.flatMap((s) => subcommandTree(s, [...prefix, s.name])),
  ];
}

/** The flags of `doc` and of its subcommands. */
function allFlags(doc: CommandDoc): NonNullable<Command["options"]> {
  let options = { ...doc.options };
  for (const sub of doc.subcommands ?? []) options = { ...allFlags(sub), ...options };
  return options;
}

function wordsOf(cli: CliSpec): Words {
  const valued = new Set(["--store", "--namespace", "-n"]);
  const verbs = cli.commands.map((c) => {
    const flags: string[] = [];
    const options = allFlags(c);
    for (const [long, o] of Object.entries(options)) {
      flags.push(`--${long}`);
      if (o.short) flags.push(`-${o.short}`);
      if (o.type === "string") {
        valued.add(`--${long}`);
        if (o.short) valued.add(`-${o.short}`);
      }
    }
    return {
      name: c.name,
      summary: c.summary,
      flags: [...flags, ...GLOBAL_FLAGS],
      options,
      subs: subcommandTree(c),
    };
  });
  const types = new Set<string>();
  for (const k of [...coreV1Kinds, ...(cli.kinds ?? [])] as Kind[]) {
    types.add(k.plural);
    for (const s of k.shortNames) types.add(s);
  }
  return {
    name: cli.name,
    id: cli.name.replace(/[^A-Za-z0-9_]/g, "_"),
    verbs,
    valued: [...valued].sort(),
    types: [...types].sort(),
  };
}

/** Single-quotes a word for sh, bash and zsh. */
function sq(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/** Single-quotes a word for fish. */
function fq(s: string): string {
  return `'${s.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
}

const NAMES_JSONPATH = "jsonpath={.items[*].metadata.name}";

function bashScript(w: Words): string {
  const f = `__${w.id}`;
  const flagCases = w.verbs.map((v) => `    ${sq(v.name)}) echo ${sq(v.flags.join(" "))} ;;`)
    .join("\n");
  return `# bash completion for ${w.name}                                -*- shell-script -*-
#
# Load it in the current shell:   source <(${w.name} completion bash)
# or for every shell:             ${w.name} completion bash > ~/.local/share/bash-completion/completions/${w.name}

${f}_verbs=${sq(w.verbs.map((v) => v.name).join(" "))}
${f}_types=${sq(w.types.join(" "))}
${f}_valued=${sq(` ${w.valued.join(" ")} `)}

${f}_flags() {
  case "$1" in
${flagCases}
  esac
}

# Object names of a type, read with the store and namespace flags given so far.
${f}_names() {
  ${w.name} "\${${f}_scope[@]}" get "$1" -o ${sq(NAMES_JSONPATH)} 2>/dev/null
}

_${w.id}() {
  local cur prev word verb i
  local -a pos=()
  ${f}_scope=()
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  COMPREPLY=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    case "$word" in
      --store | -n | --namespace)
        ${f}_scope+=("$word" "\${COMP_WORDS[i+1]}")
        ((i++))
        ;;
      -*)
        if [[ "\${${f}_valued}" == *" $word "* ]]; then ((i++)); fi
        ;;
      *) pos+=("$word") ;;
    esac
  done
  case "$prev" in
    -n | --namespace)
      COMPREPLY=($(compgen -W "$(${f}_names namespaces)" -- "$cur"))
      return
      ;;
    -f | --filename)
      COMPREPLY=($(compgen -f -- "$cur"))
      return
      ;;
  esac
  if [[ "\${${f}_valued}" == *" $prev "* ]]; then
    return
  fi
  if ((\${#pos[@]} == 0)); then
    if [[ "$cur" == -* ]]; then
      COMPREPLY=($(compgen -W ${sq(GLOBAL_FLAGS.join(" "))} -- "$cur"))
    else
      COMPREPLY=($(compgen -W "\${${f}_verbs}" -- "$cur"))
    fi
    return
  fi
  verb="\${pos[0]}"
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$(${f}_flags "$verb")" -- "$cur"))
    return
  fi
  case "$verb" in
    completion)
      if ((\${#pos[@]} == 1)); then COMPREPLY=($(compgen -W ${sq(SHELLS.join(" "))} -- "$cur")); fi
      return
      ;;
${bashSubcommands(w)}
    ${NO_TYPE_VERBS.filter((v) => v !== "completion").map(sq).join(" | ")})
      return
      ;;
  esac
  if ((\${#pos[@]} == 1)); then
    COMPREPLY=($(compgen -W "\${${f}_types}" -- "$cur"))
  elif [[ "\${pos[1]}" != */* ]]; then
    COMPREPLY=($(compgen -W "$(${f}_names "\${pos[1]}")" -- "$cur"))
  fi
}

complete -o default -F _${w.id} ${w.name}
`;
}

/** The bash cases of verbs with subcommands: the next subcommand's names, else nothing. */
function bashSubcommands(w: Words): string {
  return w.verbs.filter((v) => v.subs.length > 0).map((v) =>
    `    ${sq(v.name)})\n      case "\${pos[*]:1}" in\n${
      v.subs.map(([at, names]) =>
        `        ${sq(at)}) COMPREPLY=($(compgen -W ${sq(names.join(" "))} -- "$cur")) ;;\n`
      ).join("")
    }      esac\n      return\n      ;;\n`
  ).join("");
}

/** The zsh cases of verbs with subcommands. */
function zshSubcommands(w: Words): string {
  return w.verbs.filter((v) => v.subs.length > 0).map((v) =>
    `    ${sq(v.name)})\n      case "\${(j: :)pos[2,-1]}" in\n${
      v.subs.map(([at, names]) => `        ${sq(at)}) compadd -- ${names.map(sq).join(" ")} ;;\n`)
        .join("")
    }      esac\n      return\n      ;;\n`
  ).join("");
}

/** Verbs after which no resource type comes: those of NO_TYPE_VERBS and those with subcommands. */
function noTypeVerbs(w: Words): string[] {
  return [
    ...new Set([...NO_TYPE_VERBS, ...w.verbs.filter((v) => v.subs.length).map((v) => v.name)]),
  ];
}

function zshScript(w: Words): string {
  const f = `__${w.id}`;
  const flagCases = w.verbs.map((v) => `    ${sq(v.name)}) flags=(${v.flags.map(sq).join(" ")}) ;;`)
    .join("\n");
  const verbs = w.verbs.map((v) => sq(`${v.name.replaceAll(":", "\\:")}:${v.summary}`)).join(" ");
  return `#compdef ${w.name}
#
# Load it in the current shell:   source <(${w.name} completion zsh)
# or for every shell, put it in a directory of $fpath as _${w.name}.

${f}_names() {
  local out
  out="$(${w.name} "\${${f}_scope[@]}" get "$1" -o ${sq(NAMES_JSONPATH)} 2>/dev/null)"
  compadd -- \${=out}
}

_${w.id}() {
  local -a verbs types flags pos valued
  local i word verb cur prev
  typeset -ga ${f}_scope
  ${f}_scope=()
  verbs=(${verbs})
  types=(${w.types.map(sq).join(" ")})
  valued=(${w.valued.map(sq).join(" ")})
  cur="\${words[CURRENT]}"
  prev="\${words[CURRENT-1]}"
  for ((i = 2; i < CURRENT; i++)); do
    word="\${words[i]}"
    case "$word" in
      --store|-n|--namespace)
        ${f}_scope+=("$word" "\${words[i+1]}")
        ((i++))
        ;;
      -*)
        if (( \${valued[(Ie)$word]} )); then ((i++)); fi
        ;;
      *) pos+=("$word") ;;
    esac
  done
  case "$prev" in
    -n|--namespace) ${f}_names namespaces; return ;;
    -f|--filename) _files; return ;;
  esac
  if (( \${valued[(Ie)$prev]} )); then return; fi
  if (( \${#pos} == 0 )); then
    if [[ "$cur" == -* ]]; then
      compadd -- ${GLOBAL_FLAGS.map(sq).join(" ")}
    else
      _describe -t commands ${sq(`${w.name} command`)} verbs
    fi
    return
  fi
  verb="\${pos[1]}"
  if [[ "$cur" == -* ]]; then
    case "$verb" in
${flagCases}
    esac
    compadd -- "\${flags[@]}"
    return
  fi
  case "$verb" in
    completion)
      if (( \${#pos} == 1 )); then compadd -- ${SHELLS.join(" ")}; fi
      return
      ;;
${zshSubcommands(w)}
    ${NO_TYPE_VERBS.filter((v) => v !== "completion").map(sq).join("|")})
      return
      ;;
  esac
  if (( \${#pos} == 1 )); then
    compadd -- "\${types[@]}"
  elif [[ "\${pos[2]}" != */* ]]; then
    ${f}_names "\${pos[2]}"
  fi
}

if [ "$funcstack[1]" = "_${w.id}" ]; then
  _${w.id} "$@"
else
  compdef _${w.id} ${w.name}
fi
`;
}

function fishScript(w: Words): string {
  const f = `__${w.id}`;
  const c = `complete -c ${w.name}`;
  const lines: string[] = [];
  for (const v of w.verbs) {
    lines.push(`${c} -n ${f}_needs_verb -a ${fq(v.name)} -d ${fq(v.summary)}`);
  }
  for (const v of w.verbs) {
    for (const [long, o] of Object.entries(v.options ?? {})) {
      const short = o.short ? ` -s ${o.short}` : "";
      const value = long === "filename" ? " -r -F" : o.type === "string" ? " -x" : "";
      lines.push(`${c} -n ${fq(`${f}_verb_is ${v.name}`)} -l ${long}${short}${value}`);
    }
  }
  return `# fish completion for ${w.name}
#
# Load it in the current shell:   ${w.name} completion fish | source
# or for every shell:             ${w.name} completion fish > ~/.config/fish/completions/${w.name}.fish

# The positional words typed so far, without the command and flags (and their values).
function ${f}_pos
    set -l toks (commandline -opc)
    set -e toks[1]
    set -l skip 0
    for t in $toks
        if test $skip = 1
            set skip 0
            continue
        end
        if contains -- $t ${w.valued.map(fq).join(" ")}
            set skip 1
        else if not string match -q -- '-*' $t
            echo $t
        end
    end
end

# The --store and -n flags typed so far, passed on when names are read.
function ${f}_scope
    set -l toks (commandline -opc)
    for i in (seq 2 (count $toks))
        if contains -- $toks[$i] --store -n --namespace
            set -l j (math $i + 1)
            if test $j -le (count $toks)
                echo $toks[$i]
                echo $toks[$j]
            end
        end
    end
end

function ${f}_needs_verb
    test (count (${f}_pos)) -eq 0
end

function ${f}_verb_is
    set -l p (${f}_pos)
    test (count $p) -ge 1; and test $p[1] = $argv[1]
end

function ${f}_needs_type
    set -l p (${f}_pos)
    test (count $p) -eq 1; and not contains -- $p[1] ${noTypeVerbs(w).map(fq).join(" ")}
end

function ${f}_needs_name
    set -l p (${f}_pos)
    test (count $p) -eq 2; and not contains -- $p[1] ${noTypeVerbs(w).map(fq).join(" ")}
    and not string match -q -- '*/*' $p[2]
end

# True when the positional words are exactly the arguments (a verb and subcommands).
function ${f}_at
    test "(${f}_pos)" = "$argv"
end

function ${f}_names
    ${w.name} (${f}_scope) get $argv[1] -o ${fq(NAMES_JSONPATH)} 2>/dev/null | string split ' '
end

${c} -f
${c} -l store -x -d 'store URL (memory:, sqlite:PATH, kv:PATH)'
${c} -s n -l namespace -x -a '(${f}_names namespaces)' -d 'namespace'
${c} -s h -l help -d 'help for a command'
${lines.join("\n")}
${c} -n ${fq(`${f}_verb_is completion; and test (count (${f}_pos)) -eq 1`)} -a ${
    fq(SHELLS.join(" "))
  }
${
    w.verbs.flatMap((v) =>
      v.subs.map(([at, names]) =>
        `${c} -n ${fq(`${f}_at ${[v.name, at].filter(Boolean).join(" ")}`)} -a ${
          fq(names.join(" "))
        }`
      )
    ).join("\n")
  }
${c} -n ${f}_needs_type -a ${fq(w.types.join(" "))}
${c} -n ${f}_needs_name -a ${fq(`(${f}_names (${f}_pos)[2])`)}
`;
}

/**
 * The completion script for a shell, or undefined for a shell it does not know.
 *
 * @example
 * ```ts
 * import { completionScript } from "./completion.ts";
 * import assert from "node:assert/strict";
 * const cli = { name: "inv", version: "0", commands: [] };
 * assert.match(completionScript(cli, "bash")!, /complete -o default -F _inv inv/);
 * assert.equal(completionScript(cli, "tcsh"), undefined);
 * ```
 */
export function completionScript(cli: CliSpec, shell: string): string | undefined {
  const w = wordsOf(cli);
  switch (shell) {
    case "bash":
      return bashScript(w);
    case "zsh":
      return zshScript(w);
    case "fish":
      return fishScript(w);
  }
  return undefined;
}

/** The `completion` command. */
export const completionCommand: Command = {
  name: "completion",
  summary: "Output shell completion code for the specified shell (bash, zsh or fish)",
  usage: "  completion SHELL\n\n" +
    "Examples:\n" +
    "  source <(k1s completion bash)\n" +
    "  source <(k1s completion zsh)\n" +
    "  k1s completion fish | source",
  async run(ctx) {
    const hint = `See '${ctx.cli.name} completion -h' for help and examples`;
    if (ctx.args.length === 0) throw new CliError("Shell not specified.", { hint });
    if (ctx.args.length > 1) {
      throw new CliError("Too many arguments. Expected only the shell type.", { hint });
    }
    const commands = await loadCommands(ctx.cli.commands);
    const script = completionScript({ ...ctx.cli, commands }, ctx.args[0]);
    if (script === undefined) {
      throw new CliError(`Unsupported shell type ${JSON.stringify(ctx.args[0])}.`, { hint });
    }
    ctx.io.stdout(script);
    return 0;
  },
};
