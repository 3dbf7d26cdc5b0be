# SPDX-License-Identifier: GPL-3.0-or-later
# bash completion for netloomctl (installed as share/bash-completion/completions/netloomctl).
#
# The logic lives in netloomctl itself: `netloomctl __complete WORDS...` gets the words after
# "netloomctl" up to the one being completed and prints a directive line (none, files, json,
# dirs) followed by candidate words (commands, a command's options, option values, running
# topologies, guests of the running topology). This function adds file names as the
# directive says. Nothing running: nothing extra, and no output on the terminal.

_netloomctl()
{
    local cur=${COMP_WORDS[COMP_CWORD]}
    local ctl=${COMP_WORDS[0]}
    command -v -- "$ctl" >/dev/null 2>&1 || ctl=netloomctl
    local -a lines
    mapfile -t lines < <("$ctl" __complete "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)
    COMPREPLY=()
    ((${#lines[@]} > 0)) || return 0
    local directive=${lines[0]}
    COMPREPLY=("${lines[@]:1}")
    case $directive in
        json)
            compopt -o filenames 2>/dev/null
            mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -d -- "$cur"; compgen -f -X '!*.json' -- "$cur")
            ;;
        files)
            compopt -o filenames 2>/dev/null
            mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -f -- "$cur")
            ;;
        dirs)
            compopt -o filenames 2>/dev/null
            mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -d -- "$cur")
            ;;
    esac
    return 0
}
complete -F _netloomctl netloomctl
