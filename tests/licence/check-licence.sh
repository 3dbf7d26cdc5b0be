#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# check-licence.sh SOURCE_DIR BUILD_DIR — Netloom's licence is where a distribution looks:
#  1. every file `git ls-files` lists carries the SPDX line or is of a kind excluded in
#     scripts/add-spdx (run over the files tracked now, so files added later are checked);
#  2. the AppStream metainfo names project_license GPL-3.0-or-later;
#  3. the installed copyright file (cmake --install, component "copyright", into a
#     scratch prefix) is Debian copyright-format 1.0 and names GPL-3.0-or-later, with a
#     standalone licence paragraph; so does the .deb's, when a netloom_*.deb was built in
#     BUILD_DIR (cpack -G DEB).
# Exit 0 all good, 1 a check failed, 77 a tool it needs (git, python3, cmake) is missing.
set -eu
src=$1
build=$2
for tool in git python3 cmake; do
  command -v $tool >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
git -C "$src" rev-parse --git-dir >/dev/null 2>&1 || { echo "SKIP: $src is not a git checkout"; exit 77; }

python3 "$src/scripts/add-spdx" --check "$src"

grep -q '<project_license>GPL-3.0-or-later</project_license>' "$src/resources/org.netloom.Netloom.metainfo.xml" ||
  { echo "FAIL: the metainfo lacks <project_license>GPL-3.0-or-later</project_license>"; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# copyright FILE WHAT: the machine-readable fields a Debian tool reads.
copyright() {
  f=$1
  [ -f "$f" ] || { echo "FAIL: $2 has no copyright file ($f)"; exit 1; }
  head -n 1 "$f" | grep -qx 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' ||
    { echo "FAIL: $2: the copyright file does not start with the copyright-format 1.0 Format: line"; exit 1; }
  python3 - "$f" "$2" <<'PY'
import sys
path, what = sys.argv[1], sys.argv[2]
paras = [p for p in open(path, encoding="utf-8").read().split("\n\n") if p.strip()]
def fields(p):
    out, key = {}, None
    for line in p.splitlines():
        if line[:1] in (" ", "\t") and key:
            out[key] += "\n" + line.strip()
        else:
            key, _, value = line.partition(":")
            out[key] = value.strip()
    return out
ps = [fields(p) for p in paras]
files = [p for p in ps if "Files" in p]
alone = [p for p in ps if "License" in p and "Files" not in p and "Format" not in p]
bad = []
if not any(p["Files"] == "*" and p.get("License", "").split("\n")[0] == "GPL-3.0-or-later" for p in files):
    bad.append("no 'Files: *' paragraph with 'License: GPL-3.0-or-later'")
if not any(p["License"].split("\n")[0] == "GPL-3.0-or-later" and "/usr/share/common-licenses/GPL-3" in p["License"] for p in alone):
    bad.append("no standalone GPL-3.0-or-later licence paragraph pointing to /usr/share/common-licenses/GPL-3")
for b in bad:
    print("FAIL: %s: copyright file: %s" % (what, b))
sys.exit(1 if bad else 0)
PY
  echo "$2: copyright file names GPL-3.0-or-later"
}

cmake --install "$build" --component copyright --prefix "$tmp/usr" >/dev/null
copyright "$tmp/usr/share/doc/netloom/copyright" "the installed tree"

for deb in "$build"/netloom_*.deb; do
  [ -f "$deb" ] || continue
  command -v dpkg-deb >/dev/null || { echo "SKIP: dpkg-deb is not installed (to inspect $deb)"; exit 77; }
  rm -rf "$tmp/deb"; mkdir "$tmp/deb"
  dpkg-deb -x "$deb" "$tmp/deb"
  copyright "$tmp/deb/usr/share/doc/netloom/copyright" "$(basename "$deb")"
done
echo "licence checks passed"
