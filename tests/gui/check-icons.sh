#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Every icon the GUI uses exists, is well-formed SVG and uses the 24x24 view box.
set -eu
src=$1
command -v python3 >/dev/null || { echo "SKIP: python3 is not installed"; exit 77; }
python3 - "$src/icons" <<'PY'
import os, sys, xml.etree.ElementTree as ET
d = sys.argv[1]
need = ['switch', 'bridge', 'hostport', 'uplink', 'guest', 'remote', 'start', 'stop', 'connect', 'export',
        'zoom-in', 'zoom-out', 'zoom-fit', 'undo', 'redo', 'delete', 'new', 'open', 'save', 'netloom',
        'console', 'serial', 'pause', 'reset', 'forceoff', 'keyboard', 'paste', 'fit', 'screenshot', 'detach']
bad = [n for n in need if not os.path.isfile(os.path.join(d, n + '.svg'))]
for f in sorted(os.listdir(d)):
    if f.endswith('.svg'):
        root = ET.parse(os.path.join(d, f)).getroot()
        if root.tag != '{http://www.w3.org/2000/svg}svg' or root.get('viewBox') != '0 0 24 24':
            bad.append(f + ': not an <svg> with viewBox "0 0 24 24"')
for b in bad:
    print('icon problem:', b)
sys.exit(1 if bad else 0)
PY
