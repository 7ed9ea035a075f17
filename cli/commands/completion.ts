/**
 * `completion bash|zsh|fish|powershell`: a shell completion script for the CLI, as kubectl's
 * `completion` prints one. It completes verbs, subcommands (`create secret generic`, `config
 * use-context`), each verb's flags (long and short, its subcommands' too), resource types (the
 * built-in kinds and the CLI's own), and object names where kubectl completes them: after `get
 * TYPE`, `describe TYPE`, `delete TYPE`, `edit TYPE`, `label TYPE`, `annotate TYPE`, `patch TYPE`
 * and `wait TYPE` the names of that type (not those already on the line), and a `TYPE/` word
 * becomes `TYPE/NAME`. The names are asked of the CLI with `get TYPE -o jsonpath=...` (with the
 * line's `--store` and `-n`) when the user presses tab. After a subcommand such as `create
 * secret` it offers no names. Printing the script opens no store.
 *
 * @module
 */
import { coreV1Kinds } from "../../src/resources/core_v1.ts";
import type { Kind } from "../../src/scheme/kind.ts";
import { CliError } from "../errors.ts";
import { type CliSpec, type Command, type CommandDoc, loadCommands } from "../kit.ts";
import { powershellScript } from "./completion_powershell.ts";

/** The shells `completion` writes scripts for. */
export const SHELLS: readonly string[] = ["bash", "zsh", "fish", "powershell"];

/**
 * Verbs whose arguments are objects, `TYPE NAME...` or `TYPE/NAME...`: kubectl completes
 * their types, then the names of the type (ResourceTypeAndNameCompletionFunc).
 */
export const NAME_VERBS: readonly string[] = [
  "get",
  "describe",
  "delete",
  "edit",
  "label",
  "annotate",
  "patch",
  "wait",
];

/** Verbs whose one argument is a resource type and no name. */
export const TYPE_VERBS: readonly string[] = ["explain"];

/** What the scripts need to know about the CLI. */
export interface Words {
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
  /** The verbs of {@linkcode NAME_VERBS} the CLI has. */
  nameVerbs: string[];
  /** The verbs of {@linkcode TYPE_VERBS} the CLI has. */
  typeVerbs: string[];
}

/** The global flags completed before a verb and after it. */
export const GLOBAL_FLAGS: readonly string[] = ["--store", "--namespace", "-n", "--help", "-h"];

/** The jsonpath with which the scripts read object names: `get TYPE -o NAMES_JSONPATH`. */
export const NAMES_JSONPATH = "jsonpath={.items[*].metadata.name}";

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

/** What the scripts of `cli` complete: its verbs, flags, subcommands and resource types. */
export function wordsOf(cli: CliSpec): Words {
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
    nameVerbs: NAME_VERBS.filter((v) => verbs.some((c) => c.name === v)),
    typeVerbs: TYPE_VERBS.filter((v) => verbs.some((c) => c.name === v)),
  };
}

/** Single-quotes a word for sh, bash and zsh. */
export function sq(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/** Single-quotes a word for fish. */
function fq(s: string): string {
  return `'${s.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
}

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
  local cur prev word verb i cword
  local -a pos=() words=()
  ${f}_scope=()
  if [[ -n "\${COMP_LINE-}" ]]; then
    # The line up to the cursor split at blanks only: bash's own words are also split at = and
    # : (COMP_WORDBREAKS), which would cut --store=sqlite:./dev.db apart.
    read -ra words <<<"\${COMP_LINE:0:COMP_POINT}"
    if [[ "\${COMP_LINE:0:COMP_POINT}" == *[[:blank:]] ]]; then words+=(""); fi
  else
    words=("\${COMP_WORDS[@]:0:COMP_CWORD+1}")
  fi
  cword=$((\${#words[@]} - 1))
  cur="\${words[cword]}"
  prev="\${words[cword-1]}"
  COMPREPLY=()
  for ((i = 1; i < cword; i++)); do
    word="\${words[i]}"
    case "$word" in
      --store | -n | --namespace)
        if ((i + 1 < cword)); then ${f}_scope+=("$word" "\${words[i+1]}"); fi
        ((i++))
        ;;
      --store=* | --namespace=*)
        ${f}_scope+=("$word")
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
${bashSubcommands(w)}${
    w.nameVerbs.length
      ? `    ${w.nameVerbs.map(sq).join(" | ")})\n      ${f}_objects\n      return\n      ;;\n`
      : ""
  }${
    w.typeVerbs.length
      ? `    ${w.typeVerbs.map(sq).join(" | ")})\n` +
        `      if ((\${#pos[@]} == 1)); then COMPREPLY=($(compgen -W "\${${f}_types}" -- "$cur")); fi\n` +
        `      return\n      ;;\n`
      : ""
  }  esac
}

# kubectl's TYPE NAME... and TYPE/NAME... arguments, with pos (the verb and the words after it)
# and cur of the caller: the types, then the names of the type not already given; a TYPE/ word
# completes to TYPE/NAME, and after a TYPE/NAME the next word starts with a type and a slash.
${f}_objects() {
  local -a args=("\${pos[@]:1}")
  local a i type
  if ((\${#args[@]} > 0)) && [[ "\${args[0]}" != */* ]]; then
    COMPREPLY=($(compgen -W "$(${f}_names "\${args[0]}")" -- "$cur"))
    for a in "\${args[@]:1}"; do
      for i in "\${!COMPREPLY[@]}"; do
        if [[ "\${COMPREPLY[i]}" == "$a" ]]; then unset 'COMPREPLY[i]'; fi
      done
    done
    COMPREPLY=("\${COMPREPLY[@]}")
  elif [[ "$cur" == */* ]]; then
    type="\${cur%%/*}"
    COMPREPLY=($(compgen -P "$type/" -W "$(${f}_names "$type")" -- "\${cur#*/}"))
  elif ((\${#args[@]} == 0)); then
    COMPREPLY=($(compgen -W "\${${f}_types}" -- "$cur"))
  else
    COMPREPLY=($(compgen -S / -W "\${${f}_types}" -- "$cur"))
    compopt -o nospace 2>/dev/null
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

function zshScript(w: Words): string {
  const f = `__${w.id}`;
  const flagCases = w.verbs.map((v) => `    ${sq(v.name)}) flags=(${v.flags.map(sq).join(" ")}) ;;`)
    .join("\n");
  const verbs = w.verbs.map((v) => sq(`${v.name.replaceAll(":", "\\:")}:${v.summary}`)).join(" ");
  return `#compdef ${w.name}
#
# Load it in the current shell:   source <(${w.name} completion zsh)
# or for every shell, put it in a directory of $fpath as _${w.name}.

# The names of the objects of a type, read with the store and namespace flags given so far.
${f}_read() {
  ${w.name} "\${${f}_scope[@]}" get "$1" -o ${sq(NAMES_JSONPATH)} 2>/dev/null
}

${f}_names() {
  local out
  out="$(${f}_read "$1")"
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
        if (( i + 1 < CURRENT )); then ${f}_scope+=("$word" "\${words[i+1]}"); fi
        ((i++))
        ;;
      --store=*|--namespace=*)
        ${f}_scope+=("$word")
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
${zshSubcommands(w)}${
    w.nameVerbs.length
      ? `    ${w.nameVerbs.map(sq).join("|")})\n      ${f}_objects\n      return\n      ;;\n`
      : ""
  }${
    w.typeVerbs.length
      ? `    ${w.typeVerbs.map(sq).join("|")})\n` +
        `      if (( \${#pos} == 1 )); then compadd -- "\${types[@]}"; fi\n      return\n      ;;\n`
      : ""
  }  esac
}

# kubectl's TYPE NAME... and TYPE/NAME... arguments, with pos, cur and types of the caller: the
# types, then the names of the type not already given; a TYPE/ word completes to TYPE/NAME, and
# after a TYPE/NAME the next word starts with a type and a slash.
${f}_objects() {
  local -a args names
  local type
  args=("\${(@)pos[2,-1]}")
  if (( \${#args} > 0 )) && [[ "\${args[1]}" != */* ]]; then
    names=(\${="$(${f}_read "\${args[1]}")"})
    names=(\${names:|args})
    compadd -- "\${(@)names}"
  elif [[ "$cur" == */* ]]; then
    type="\${cur%%/*}"
    names=(\${="$(${f}_read "$type")"})
    (( \${#names} )) && compadd -- "$type/"\${^names}
  elif (( \${#args} == 0 )); then
    compadd -- "\${types[@]}"
  else
    compadd -S '' -- \${^types}/
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
        if string match -q -- '--store=*' $toks[$i]; or string match -q -- '--namespace=*' $toks[$i]
            echo $toks[$i]
        else if contains -- $toks[$i] --store -n --namespace
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

# kubectl's TYPE NAME... and TYPE/NAME... arguments of the object verbs: the types, then the
# names of the type not already given; a TYPE/ word completes to TYPE/NAME, and after a
# TYPE/NAME the next word starts with a type and a slash.
function ${f}_objects
    set -l p (${f}_pos)
    contains -- $p[1] ${w.nameVerbs.map(fq).join(" ")}; or return
    set -l cur (commandline -ct)
    if test (count $p) -ge 2; and not string match -q -- '*/*' $p[2]
        set -l given $p
        set -e given[1..2]
        for n in (${f}_names $p[2])
            contains -- $n $given; or echo $n
        end
    else if string match -q -- '*/*' $cur
        set -l type (string split -m 1 / -- $cur)[1]
        for n in (${f}_names $type)
            echo $type/$n
        end
    else if test (count $p) -eq 1
        printf '%s\\n' ${w.types.map(fq).join(" ")}
    else
        printf '%s/\\n' ${w.types.map(fq).join(" ")}
    end
end

function ${f}_needs_type
    set -l p (${f}_pos)
    test (count $p) -eq 1; and contains -- $p[1] ${w.typeVerbs.map(fq).join(" ")}
end

# True when the positional words are exactly the arguments (a verb and subcommands).
function ${f}_at
    set -l p (${f}_pos)
    test "$p" = "$argv"
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
${c} -a ${fq(`(${f}_objects)`)}
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
    case "powershell":
      return powershellScript(w);
  }
  return undefined;
}

const LONG =
  "Output shell completion code for the specified shell (bash, zsh, fish, or powershell). " +
  "The shell code must be evaluated to provide interactive completion of k1s commands.  " +
  "This can be done by sourcing it from the .bash_profile.\n\n" +
  " The scripts complete the verbs and their subcommands, flags, resource types, and the names " +
  "of objects after a type (TYPE NAME and TYPE/NAME), read from the store that the --store " +
  "and -n flags on the line name.\n\n" +
  " Note for zsh users: [1] zsh completions are only supported in versions of zsh >= 5.2.";

const EXAMPLES = `# Installing bash completion on Linux
## If bash-completion is not installed on Linux, install the 'bash-completion' package
## via your distribution's package manager.
## Load the k1s completion code for bash into the current shell
source <(k1s completion bash)
## Write bash completion code to a file and source it from .bash_profile
k1s completion bash > ~/.config/k1s/completion.bash.inc
printf "
# k1s shell completion
source '$HOME/.config/k1s/completion.bash.inc'
" >> $HOME/.bash_profile
source $HOME/.bash_profile

# Load the k1s completion code for zsh[1] into the current shell
source <(k1s completion zsh)
# Set the k1s completion code for zsh[1] to autoload on startup
k1s completion zsh > "\${fpath[1]}/_k1s"


# Load the k1s completion code for fish[2] into the current shell
k1s completion fish | source
# To load completions for each session, execute once:
k1s completion fish > ~/.config/fish/completions/k1s.fish

# Load the k1s completion code for powershell into the current shell
k1s completion powershell | Out-String | Invoke-Expression
# Set k1s completion code for powershell to run on startup
## Save completion code to a script and execute in the profile
k1s completion powershell > $HOME\\.config\\k1s\\completion.ps1
Add-Content $PROFILE "$HOME\\.config\\k1s\\completion.ps1"
## Execute completion code in the profile
Add-Content $PROFILE "if (Get-Command k1s -ErrorAction SilentlyContinue) {
k1s completion powershell | Out-String | Invoke-Expression
}"
## Add completion code directly to the $PROFILE script
k1s completion powershell >> $PROFILE`;

/** The `completion` command, with kubectl's help (its words for k1s). */
export const completionCommand: Command = {
  name: "completion",
  summary: "Output shell completion code for the specified shell (bash, zsh, fish, or powershell)",
  long: LONG,
  examples: EXAMPLES,
  usage: "completion SHELL",
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
