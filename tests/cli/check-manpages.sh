#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The man pages (docs/man): each renders without a warning (man -l --warnings, groff -ww),
# and each is complete: every option every netloomctl command's parser knows (asked of
# `netloomctl __complete`) appears in that command's subsection of netloomctl.1, and every
# option the GUI's and the helper's QCommandLineParser define appears in netloom.1 and
# netloom-helper.8.
# usage: check-manpages.sh NETLOOMCTL SOURCE_DIR       (exit 77 when man or groff is missing)
set -u
ctl=$1
src=$2
man_dir=$src/docs/man
for tool in man groff; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "SKIP: $tool is not installed (man-db, groff)"
        exit 77
    fi
done
fail=0
bad() { echo "FAIL: $*"; fail=1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

for page in netloom.1 netloomctl.1 netloom-helper.8; do
    file=$man_dir/$page
    [ -f "$file" ] || { bad "$page is missing"; continue; }
    warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man -l --warnings "$file" 2>&1 >/dev/null)
    [ -z "$warnings" ] || bad "man -l --warnings $page: $warnings"
    warnings=$(groff -ww -z -man "$file" 2>&1)
    [ -z "$warnings" ] || bad "groff -ww $page: $warnings"
    # Plain ASCII, one long line per paragraph, for the option checks below.
    groff -man -Tascii -P-cbou -rLL=250n "$file" 2>/dev/null >"$tmp/$page.txt"
    [ -s "$tmp/$page.txt" ] || bad "$page renders to nothing"
done

# has TEXTFILE OPTION: OPTION appears as a word of its own.
has() { grep -qE -e "(^|[^A-Za-z0-9-])$2([^A-Za-z0-9-]|\$)" "$1"; }

commands=$("$ctl" __complete '' | tail -n +2 | grep -v '^-')
[ -n "$commands" ] || bad "netloomctl __complete lists no commands"
checked=0
for cmd in $commands; do
    # The command's subsection: from "   netloomctl CMD ..." to the next subsection or section.
    awk -v cmd="$cmd" '
        index($0, "   netloomctl " cmd " ") == 1 || $0 == "   netloomctl " cmd { on = 1; print; next }
        on && (/^   netloomctl / || /^[A-Z]/) { on = 0 }
        on { print }' "$tmp/netloomctl.1.txt" >"$tmp/section"
    if [ ! -s "$tmp/section" ]; then
        bad "netloomctl.1 has no subsection for '$cmd'"
        continue
    fi
    options=$("$ctl" __complete "$cmd" - | tail -n +2)
    [ -n "$options" ] || bad "netloomctl __complete $cmd - lists no options"
    for opt in $options; do
        case $opt in
            -h | --help | --version) has "$tmp/netloomctl.1.txt" "$opt" || bad "netloomctl.1 lacks $opt" ;;
            *) has "$tmp/section" "$opt" || bad "netloomctl.1: the subsection of '$cmd' lacks $opt" ;;
        esac
        checked=$((checked + 1))
    done
done

# The GUI's and the helper's options, from their parsers' definitions.
for pair in app/gui/main.cpp:netloom.1 helper/main.cpp:netloom-helper.8; do
    source=${pair%%:*}
    page=${pair#*:}
    names=$(grep -oE 'QCommandLineOption [A-Za-z]+\(QStringLiteral\("[a-z-]+"\)' "$src/$source" | sed 's/.*("\(.*\)")/\1/')
    [ -n "$names" ] || bad "found no options in $source"
    for name in $names help version; do
        has "$tmp/$page.txt" "--$name" || bad "$page lacks --$name (defined in $source)"
        checked=$((checked + 1))
    done
done

[ "$fail" = 0 ] || exit 1
echo "ok: 3 pages render without warnings; $checked options documented"
