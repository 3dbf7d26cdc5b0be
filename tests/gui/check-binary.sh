#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The real `netloom` binary starts (offscreen), reports its version, and follows the
# system locale: with LANG=de_DE its command-line help is German, with LANG=C English.
set -eu
bin=$1
[ -x "$bin" ] || { echo "netloom binary missing: $bin"; exit 1; }
export QT_QPA_PLATFORM=offscreen
unset LANGUAGE LC_ALL LC_MESSAGES || true
v=$(LANG=C "$bin" --version 2>/dev/null)
echo "$v"
echo "$v" | grep -q '^netloom [0-9]'
en=$(LANG=C "$bin" --help 2>/dev/null)
echo "$en" | grep -q 'Draw and export virtual networks of QEMU guests.'
de=$(LANG=de_DE.UTF-8 "$bin" --help 2>/dev/null)
echo "$de" | grep -q 'Virtuelle Netzwerke aus QEMU-Gästen zeichnen und exportieren.'
echo "English and German help as expected"
