/**
 * `completion powershell`: kubectl 1.32's PowerShell completion script (cobra's) adapted to
 * the CLI as its bash, zsh and fish scripts are. kubectl's script asks `kubectl __complete` for
 * candidates; this one carries the verbs, flags, subcommands and resource types itself (the
 * {@linkcode Words} of completion.ts) and asks the CLI only for object names, with `get TYPE -o
 * jsonpath=...` and the `--store` and `-n` flags on the line. The rest is kubectl's: the line cut
 * at the cursor, the `--flag=value` words, the escaping of special characters, and the
 * completion results for PSReadLine's Complete, MenuComplete and TabCompleteNext modes.
 *
 * @module
 */
import { NAMES_JSONPATH, SHELLS, type Words } from "./completion.ts";

/** Single-quotes a word for PowerShell (whose single quotes include the typographic ones). */
function pq(s: string): string {
  return `'${s.replace(/['\u2018\u2019\u201a\u201b]/g, (q) => q + q)}'`;
}

/** A PowerShell array of quoted words. */
function pa(words: readonly string[]): string {
  return `@(${words.map(pq).join(", ")})`;
}

/** The tables the completer reads: verbs, flags, subcommands, types and valued flags. */
function tables(w: Words, indent: string): string {
  const verbs = w.verbs.map((v) => `${indent}    ${pq(v.name)} = ${pq(v.summary)}`).join("\n");
  const flags = w.verbs.map((v) => `${indent}    ${pq(v.name)} = ${pa(v.flags)}`).join("\n");
  const subs = w.verbs.filter((v) => v.subs.length > 0).map((v) =>
    `${indent}    ${pq(v.name)} = @{\n${
      v.subs.map(([at, names]) => `${indent}        ${pq(at)} = ${pa(names)}\n`).join("")
    }${indent}    }`
  ).join("\n");
  return `${indent}# The verbs with their summaries, each verb's flags (its subcommands' too), the
${indent}# subcommands that may follow a verb and the words after it, the resource types, and
${indent}# the flags that take a value.
${indent}$Verbs = [ordered]@{
${verbs}
${indent}}
${indent}$Flags = @{
${flags}
${indent}}
${indent}$Subcommands = @{
${subs}
${indent}}
${indent}$Types = ${pa(w.types)}
${indent}$Valued = ${pa(w.valued)}
${indent}$GlobalFlags = ${pa(["--store", "--namespace", "-n", "--help", "-h"])}
${indent}$Shells = ${pa(SHELLS)}
${indent}$NameVerbs = ${pa(w.nameVerbs)}
${indent}$TypeVerbs = ${pa(w.typeVerbs)}`;
}

/**
 * The PowerShell completion script: `Register-ArgumentCompleter` for the CLI's name with a
 * script block that works out the candidates from the words before the cursor.
 *
 * @example
 * ```ts
 * import { wordsOf } from "./completion.ts";
 * import { powershellScript } from "./completion_powershell.ts";
 * import assert from "node:assert/strict";
 * const script = powershellScript(wordsOf({ name: "inv", version: "0", commands: [] }));
 * assert.match(script, /Register-ArgumentCompleter -CommandName 'inv' -ScriptBlock \$\{__invCompleterBlock\}/);
 * ```
 */
export function powershellScript(w: Words): string {
  const f = `__${w.id}`;
  return `# powershell completion for ${w.name}                              -*- shell-script -*-
#
# Load it in the current shell:   ${w.name} completion powershell | Out-String | Invoke-Expression

[scriptblock]\${${f}CompleterBlock} = {
    param(
            $WordToComplete,
            $CommandAst,
            $CursorPosition
        )

    function ${f}_debug {
        if ($env:BASH_COMP_DEBUG_FILE) {
            "$args" | Out-File -Append -FilePath "$env:BASH_COMP_DEBUG_FILE"
        }
    }

    filter ${f}_escapeStringWithSpecialChars {
        $_ -replace '\\s|#|@|\\$|;|,|''|\\{|\\}|\\(|\\)|"|\`|\\||<|>|&','\`$&'
    }

${tables(w, "    ")}

    # Get the current command line and convert into a string
    $Command = $CommandAst.CommandElements
    $Command = "$Command"

    ${f}_debug ""
    ${f}_debug "========= starting completion logic =========="
    ${f}_debug "WordToComplete: $WordToComplete Command: $Command CursorPosition: $CursorPosition"

    # The user could have moved the cursor backwards on the command-line.
    # We need to trigger completion from the $CursorPosition location, so we need
    # to truncate the command-line ($Command) up to the $CursorPosition location.
    # Make sure the $Command is longer then the $CursorPosition before we truncate.
    # This happens because the $Command does not include the last space.
    if ($Command.Length -gt $CursorPosition) {
        $Command=$Command.Substring(0,$CursorPosition)
    }
    ${f}_debug "Truncated command: $Command"

    # Split the command at the first space to separate the program and arguments.
    $Program,$Arguments = $Command.Split(" ",2)
    [string[]]$Words = @(if ($Arguments) { $Arguments.Split(" ") | Where-Object { $_ -ne "" } })

    # we cannot use $WordToComplete because it
    # has the wrong values if the cursor was moved
    # so use the last argument; the words before it are complete
    if ($WordToComplete -ne "" ) {
        $WordToComplete = $Arguments.Split(" ")[-1]
        if ($Words.Count -gt 0) {
            $Words = @($Words | Select-Object -SkipLast 1)
        }
    }
    ${f}_debug "New WordToComplete: $WordToComplete"

    # Check for flag with equal sign
    $IsEqualFlag = ($WordToComplete -Like "--*=*" )
    if ( $IsEqualFlag ) {
        ${f}_debug "Completing equal sign flag"
        # Remove the flag part
        $Flag,$WordToComplete = $WordToComplete.Split("=",2)
    }

    # The positional words (the verb, its subcommands and arguments), and the --store and
    # --namespace flags the object names are read with.
    $Scope = @()
    $Pos = @()
    for ($i = 0; $i -lt $Words.Count; $i++) {
        $Word = $Words[$i]
        if ($Word -in @('--store', '--namespace', '-n')) {
            if ($i + 1 -lt $Words.Count) {
                $Scope += @($Word, $Words[$i + 1])
            }
            $i++
        } elseif ($Word -like '--store=*' -or $Word -like '--namespace=*') {
            $Scope += $Word
        } elseif ($Word.StartsWith("-")) {
            if ($Word -in $Valued) {
                $i++
            }
        } else {
            $Pos += $Word
        }
    }
    $Prev = if ($IsEqualFlag) { $Flag } elseif ($Words.Count -gt 0) { $Words[-1] } else { "" }
    ${f}_debug "Positional words: $Pos Scope: $Scope Previous: $Prev"

    # The names of the objects of a type in the namespace of the line.
    function ${f}_names([string]$Type) {
        $Out = & $Program @Scope get $Type -o ${pq(NAMES_JSONPATH)} 2>$null
        if ($Out) {
            "$Out".Split(" ", [System.StringSplitOptions]::RemoveEmptyEntries)
        }
    }

    $Candidates = @()
    $Space = " "
    if ($Prev -in @('-n', '--namespace')) {
        $Candidates = @(${f}_names "namespaces")
    } elseif ($Prev -in $Valued -or $IsEqualFlag) {
        # A flag's value other than a namespace: a file name, or the user's own words.
        return
    } elseif ($Pos.Count -eq 0) {
        if ($WordToComplete.StartsWith("-")) {
            $Candidates = $GlobalFlags
        } else {
            $Candidates = @($Verbs.Keys)
        }
    } else {
        $Verb = $Pos[0]
        if ($WordToComplete.StartsWith("-")) {
            $Candidates = @($Flags[$Verb])
        } elseif ($Verb -eq "completion") {
            if ($Pos.Count -eq 1) {
                $Candidates = $Shells
            }
        } elseif ($Subcommands.Contains($Verb)) {
            $At = @($Pos | Select-Object -Skip 1) -join " "
            if ($Subcommands[$Verb].Contains($At)) {
                $Candidates = @($Subcommands[$Verb][$At])
            }
        } elseif ($Verb -in $NameVerbs) {
            # kubectl's TYPE NAME... and TYPE/NAME... arguments: the types, then the names of the
            # type not already given; a TYPE/ word completes to TYPE/NAME, and after a TYPE/NAME
            # the next word starts with a type and a slash.
            $Objects = @($Pos | Select-Object -Skip 1)
            if ($Objects.Count -gt 0 -and -not $Objects[0].Contains("/")) {
                $Given = @($Objects | Select-Object -Skip 1)
                $Candidates = @(${f}_names $Objects[0] | Where-Object { $_ -notin $Given })
            } elseif ($WordToComplete.Contains("/")) {
                $Type = $WordToComplete.Split("/", 2)[0]
                $Candidates = @(${f}_names $Type | ForEach-Object { "$Type/$_" })
            } elseif ($Objects.Count -eq 0) {
                $Candidates = $Types
            } else {
                $Candidates = @($Types | ForEach-Object { "$_/" })
                $Space = ""
            }
        } elseif ($Verb -in $TypeVerbs) {
            if ($Pos.Count -eq 1) {
                $Candidates = $Types
            }
        }
    }
    ${f}_debug "The completions are: $Candidates"

    $Longest = 0
    [Array]$Values = $Candidates | ForEach-Object {
        $Name = "$_"
        $Description = if ($Pos.Count -eq 0 -and $Verbs.Contains($Name)) { $Verbs[$Name] } else { "" }
        ${f}_debug "Name: $Name Description: $Description"

        # Look for the longest completion so that we can format things nicely
        if ($Longest -lt $Name.Length) {
            $Longest = $Name.Length
        }

        # Set the description to a one space string if there is none set.
        # This is needed because the CompletionResult does not accept an empty string as argument
        if (-Not $Description) {
            $Description = " "
        }
        @{Name="$Name";Description="$Description"}
    }

    $Values = $Values | Where-Object {
        # filter the result
        $_.Name -like "$WordToComplete*"

        # Join the flag back if we have an equal sign flag
        if ( $IsEqualFlag ) {
            ${f}_debug "Join the equal sign flag back to the completion value"
            $_.Name = $Flag + "=" + $_.Name
        }
    }

    # we sort the values in ascending order by name
    $Values = $Values | Sort-Object -Property Name

    if ($Values.Length -eq 0) {
        # Nothing to offer: PowerShell completes file names, as bash's -o default does.
        return
    }

    # Get the current mode
    $Mode = (Get-PSReadLineKeyHandler | Where-Object {$_.Key -eq "Tab" }).Function
    ${f}_debug "Mode: $Mode"

    $Values | ForEach-Object {

        # store temporary because switch will overwrite $_
        $comp = $_

        # PowerShell supports three different completion modes
        # - TabCompleteNext (default windows style - on each key press the next option is displayed)
        # - Complete (works like bash)
        # - MenuComplete (works like zsh)
        # You set the mode with Set-PSReadLineKeyHandler -Key Tab -Function <mode>

        # CompletionResult Arguments:
        # 1) CompletionText text to be used as the auto completion result
        # 2) ListItemText   text to be displayed in the suggestion list
        # 3) ResultType     type of completion result
        # 4) ToolTip        text for the tooltip with details about the object

        switch ($Mode) {

            # bash like
            "Complete" {

                if ($Values.Length -eq 1) {
                    ${f}_debug "Only one completion left"

                    # insert space after value
                    [System.Management.Automation.CompletionResult]::new($($comp.Name | ${f}_escapeStringWithSpecialChars) + $Space, "$($comp.Name)", 'ParameterValue', "$($comp.Description)")

                } else {
                    # Add the proper number of spaces to align the descriptions
                    while($comp.Name.Length -lt $Longest) {
                        $comp.Name = $comp.Name + " "
                    }

                    # Check for empty description and only add parentheses if needed
                    if ($($comp.Description) -eq " " ) {
                        $Description = ""
                    } else {
                        $Description = "  ($($comp.Description))"
                    }

                    [System.Management.Automation.CompletionResult]::new("$($comp.Name)$Description", "$($comp.Name)$Description", 'ParameterValue', "$($comp.Description)")
                }
             }

            # zsh like
            "MenuComplete" {
                # insert space after value
                # MenuComplete will automatically show the ToolTip of
                # the highlighted value at the bottom of the suggestions.
                [System.Management.Automation.CompletionResult]::new($($comp.Name | ${f}_escapeStringWithSpecialChars) + $Space, "$($comp.Name)", 'ParameterValue', "$($comp.Description)")
            }

            # TabCompleteNext and in case we get something unknown
            Default {
                # Like MenuComplete but we don't want to add a space here because
                # the user need to press space anyway to get the completion.
                # Description will not be shown because that's not possible with TabCompleteNext
                [System.Management.Automation.CompletionResult]::new($($comp.Name | ${f}_escapeStringWithSpecialChars), "$($comp.Name)", 'ParameterValue', "$($comp.Description)")
            }
        }

    }
}

Register-ArgumentCompleter -CommandName ${pq(w.name)} -ScriptBlock \${${f}CompleterBlock}
`;
}
