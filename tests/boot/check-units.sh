#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# `systemd-analyze verify` of every systemd unit Netloom installs (issue #16 part 2): the
# helper's socket and service, netloom-boot.service and the user unit netloom-up@.service (as
# an instance named the way `netloomctl enable` names it). The configured units name the
# installed binaries; here they name the built ones, so the check runs before any install.
# Any message from systemd-analyze fails the check, warnings included.
# usage: check-units.sh SOURCE_DIR BUILD_DIR HELPER_INSTALLED NETLOOMCTL_INSTALLED
set -eu
src=$1 build=$2 helper_installed=$3 ctl_installed=$4
command -v systemd-analyze >/dev/null || { echo "SKIP: systemd-analyze is not installed (package systemd)"; exit 77; }
command -v systemd-escape >/dev/null || { echo "SKIP: systemd-escape is not installed (package systemd)"; exit 77; }
command -v man >/dev/null || { echo "SKIP: man is not installed (package man-db)"; exit 77; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/netloom-units.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -p "$tmp/system" "$tmp/user" "$tmp/man/man1" "$tmp/man/man8" "$tmp/xdg"
chmod 0700 "$tmp/xdg"
cp "$src/docs/man/"*.1 "$tmp/man/man1/"
cp "$src/docs/man/"*.8 "$tmp/man/man8/"

sed "s|$helper_installed|$build/helper/netloom-helper|" "$build/resources/netloom-helper.service" >"$tmp/system/netloom-helper.service"
cp "$src/resources/netloom-helper.socket" "$src/resources/netloom-boot.service" "$tmp/system/"
# The instance `netloomctl enable /srv/nets/my lab.json` enables.
instance=$(systemd-escape --path --template=netloom-up@.service "/srv/nets/my lab.json")
sed "s|$ctl_installed|$build/app/cli/netloomctl|" "$build/resources/netloom-up@.service" >"$tmp/user/$instance"
grep -q "$build/helper/netloom-helper" "$tmp/system/netloom-helper.service"
grep -q "$build/app/cli/netloomctl up %f --quiet" "$tmp/user/$instance"

fail=0
check() {
  out=$("$@" 2>&1) || { echo "FAIL: $*"; echo "$out"; fail=1; return; }
  if [ -n "$out" ]; then echo "FAIL (messages): $*"; echo "$out"; fail=1; return; fi
  echo "ok: $*"
}
export MANPATH="$tmp/man"
check systemd-analyze verify "$tmp/system/netloom-helper.socket" "$tmp/system/netloom-helper.service" "$tmp/system/netloom-boot.service"
XDG_RUNTIME_DIR="$tmp/xdg" check systemd-analyze --user verify "$tmp/user/$instance"
# The unit's %f is the topology path again.
grep -q 'ExecStart=.* up %f --quiet$' "$tmp/user/$instance" || { echo "FAIL: ExecStart does not run up %f --quiet"; fail=1; }
exit $fail
