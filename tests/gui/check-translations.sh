#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The German translation is complete: lupdate finds no string in app/gui that is missing
# from translations/netloom_de.ts, and every message there has a finished translation.
set -eu
src=$1
# Qt 6's lupdate (the plain "lupdate" on PATH may be qtchooser's Qt 5 wrapper).
lupdate=""
for c in /usr/lib/qt6/bin/lupdate "$(command -v lupdate6 || true)"; do
  if [ -n "$c" ] && [ -x "$c" ]; then lupdate=$c; break; fi
done
[ -n "$lupdate" ] || { echo "SKIP: Qt 6 lupdate (qt6-l10n-tools) is not installed"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 is not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$src/translations/netloom_de.ts" "$tmp/netloom_de.ts"
"$lupdate" -silent -no-obsolete -locations none "$src/app/gui" -ts "$tmp/netloom_de.ts" >/dev/null
python3 - "$tmp/netloom_de.ts" "$src/translations/netloom_de.ts" <<'PY'
import sys, xml.etree.ElementTree as ET
def messages(path):
    out = {}
    for ctx in ET.parse(path).getroot().iter('context'):
        name = ctx.findtext('name')
        for m in ctx.iter('message'):
            out[(name, m.findtext('source'), m.findtext('comment'))] = m
    return out
fresh, committed = messages(sys.argv[1]), messages(sys.argv[2])
bad = []
for key in fresh:
    if key not in committed:
        bad.append('missing from netloom_de.ts: %s: %r' % (key[0], key[1]))
for key, m in committed.items():
    if key not in fresh:
        bad.append('obsolete (not in the code): %s: %r' % (key[0], key[1]))
        continue
    t = m.find('translation')
    if t is None or t.get('type') in ('unfinished', 'vanished', 'obsolete'):
        bad.append('unfinished: %s: %r' % (key[0], key[1]))
        continue
    forms = t.findall('numerusform')
    texts = [f.text for f in forms] if forms else [t.text]
    if any(not x or not x.strip() for x in texts):
        bad.append('empty translation: %s: %r' % (key[0], key[1]))
for line in bad:
    print(line)
print('%d messages, %d problems' % (len(committed), len(bad)))
sys.exit(1 if bad else 0)
PY
