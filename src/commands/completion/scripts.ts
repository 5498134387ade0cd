// Completion scripts for the standalone name kubectl-antrea_certs. Each asks
// `kubectl-antrea_certs __complete WORD... PARTIAL` and follows cobra's
// directives (the numbers in ./complete.ts), so that `kubectl antrea-certs`
// through the kubectl_complete-antrea_certs helper and the standalone name
// complete the same way.
import type { Shell } from './shells.ts';

const BIN = 'kubectl-antrea_certs';

const bash = `# bash completion for ${BIN}
# kubectl antrea-certs <TAB> (kubectl 1.26+) uses the kubectl_complete-antrea_certs helper instead.
_kubectl_antrea_certs() {
  local line="\${COMP_LINE:0:COMP_POINT}" out directive cur prefix c
  local -a args candidates
  read -r -a args <<< "$line"
  [[ $line == *[[:space:]] || \${#args[@]} -eq 1 ]] && args+=("")
  cur="\${args[\${#args[@]}-1]}"
  out=$("\${args[0]}" __complete "\${args[@]:1}" 2>/dev/null) || return
  directive="\${out##*:}"
  out="\${out%:*}"
  [[ $directive =~ ^[0-9]+$ ]] || return
  (( directive & 1 )) && return
  # bash completes the part after the last = or : of the word.
  prefix=""
  [[ $cur == *[=:]* ]] && prefix="\${cur%[=:]*}" && prefix="\${prefix}\${cur:\${#prefix}:1}"
  while IFS= read -r c; do
    [[ -n $c ]] && candidates+=("\${c%%$'\\t'*}")
  done <<< "$out"
  if (( \${#candidates[@]} > 0 )); then
    for c in "\${candidates[@]}"; do COMPREPLY+=("\${c#"$prefix"}"); done
    (( directive & 2 )) && compopt -o nospace 2>/dev/null
  elif (( directive & 16 )); then
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen -d -- "$cur")
  elif (( ! (directive & 4) )); then
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
  fi
}
complete -F _kubectl_antrea_certs ${BIN}
`;

const zsh = `#compdef ${BIN}
# zsh completion for ${BIN}
_kubectl_antrea_certs() {
  local out directive c
  local -a lines described
  out=$("\${words[1]}" __complete "\${(@)words[2,CURRENT]}" 2>/dev/null) || return 1
  lines=("\${(@f)out}")
  directive="\${lines[-1]#:}"
  [[ $directive == <-> ]] || return 1
  (( directive & 1 )) && return 1
  for c in "\${(@)lines[1,-2]}"; do
    [[ -z $c ]] && continue
    if [[ $c == *$'\\t'* ]]; then described+=("\${\${c%%$'\\t'*}//:/\\\\:}:\${c#*$'\\t'}"); else described+=("\${c//:/\\\\:}"); fi
  done
  if (( \${#described} > 0 )); then
    if (( directive & 2 )); then _describe -t values 'kubectl-antrea_certs' described -S ''; else _describe -t values 'kubectl-antrea_certs' described; fi
  elif (( directive & 16 )); then
    _files -/
  elif (( ! (directive & 4) )); then
    _files
  fi
}
compdef _kubectl_antrea_certs ${BIN}
`;

const fish = `# fish completion for ${BIN}
function __kubectl_antrea_certs_complete
    set -l args (commandline -opc)
    set -e args[1]
    set -l out (${BIN} __complete $args (commandline -ct) 2>/dev/null)
    or return
    set -l directive (string replace -r '^:' '' -- $out[-1])
    set -e out[-1]
    string match -qr '^[0-9]+$' -- $directive; or return
    test (math "bitand($directive, 1)") -ne 0; and return
    if test (count $out) -gt 0
        printf '%s\\n' $out
    else if test (math "bitand($directive, 16)") -ne 0
        __fish_complete_directories (commandline -ct)
    else if test (math "bitand($directive, 4)") -eq 0
        __fish_complete_path (commandline -ct)
    end
end
complete -c ${BIN} -f -a '(__kubectl_antrea_certs_complete)'
`;

const powershell = `# PowerShell completion for ${BIN}
Register-ArgumentCompleter -Native -CommandName '${BIN}', '${BIN}.exe' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $line = $commandAst.ToString()
    if ($line.Length -gt $cursorPosition) { $line = $line.Substring(0, $cursorPosition) }
    $words = @(($line -split '\\s+') | Select-Object -Skip 1 | Where-Object { $_ -ne '' })
    if ($wordToComplete -eq '') {
        # PowerShell before 7.3 drops empty arguments to native commands.
        if ($PSVersionTable.PSVersion -lt [version]'7.3') { $words += '""' } else { $words += '' }
    }
    $out = @(& ${BIN} __complete @words 2>$null)
    if ($out.Count -eq 0) { return }
    $directive = 0
    if ($out[-1] -match '^:(\\d+)$') { $directive = [int]$Matches[1]; $out = @($out | Select-Object -SkipLast 1) }
    if ($directive -band 1) { return }
    foreach ($c in $out) {
        if ($c -eq '') { continue }
        $value, $description = $c -split "\`t", 2
        if (-not $description) { $description = $value }
        [System.Management.Automation.CompletionResult]::new($value, $value, 'ParameterValue', $description)
    }
}
`;

/**
 * The script `completion SHELL` prints for each shell, for the standalone name
 * kubectl-antrea_certs.
 */
export const COMPLETION_SCRIPTS: Readonly<Record<Shell, string>> = { bash, zsh, fish, powershell };

/** The helper kubectl 1.26+ runs to complete \`kubectl antrea-certs ...\` (kubectl passes the words, not __complete). */
export const KUBECTL_HELPER_UNIX = `#!/bin/sh
# kubectl (1.26+) runs this to complete \`kubectl antrea-certs ...\`; keep it on PATH beside ${BIN}.
exec ${BIN} __complete "$@"
`;

/** The same for Windows, where kubectl finds helpers through PATHEXT: a .cmd beside the .exe. */
export const KUBECTL_HELPER_WINDOWS = `@echo off\r\nrem kubectl (1.26+) runs this to complete "kubectl antrea-certs ..."; keep it beside ${BIN}.exe.\r\n"%~dp0${BIN}.exe" __complete %*\r\n`;
