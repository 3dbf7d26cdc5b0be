#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Validates the desktop entry and the AppStream metainfo with the distribution's tools.
set -eu
src=$1
command -v desktop-file-validate >/dev/null || { echo "SKIP: desktop-file-validate is not installed"; exit 77; }
command -v appstreamcli >/dev/null || { echo "SKIP: appstreamcli is not installed"; exit 77; }
desktop-file-validate "$src/resources/netloom.desktop"
appstreamcli validate --no-net --pedantic "$src/resources/org.netloom.Netloom.metainfo.xml"
# The desktop entry must name the installed binary and icon.
grep -qx 'Exec=netloom %f' "$src/resources/netloom.desktop"
grep -qx 'Icon=org.netloom.Netloom' "$src/resources/netloom.desktop"
echo "desktop entry and metainfo are valid"
