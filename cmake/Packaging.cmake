# SPDX-License-Identifier: GPL-3.0-or-later
# CPack: a Debian 12 (bookworm) .deb of everything `cmake --install` puts in place:
#   /usr/bin/netloom, /usr/bin/netloomctl, /usr/libexec/netloom/netloom-helper,
#   /usr/lib/systemd/system/netloom-helper.{socket,service} and netloom-boot.service,
#   /usr/lib/systemd/user/netloom-up@.service, /usr/share/polkit-1/actions,
#   /usr/share/applications, /usr/share/metainfo, /usr/share/icons/hicolor, translations,
#   the man pages (/usr/share/man/man1/netloom.1, netloomctl.1, man8/netloom-helper.8),
#   the bash completion (/usr/share/bash-completion/completions/netloomctl) and
#   /usr/share/doc/netloom/copyright.
# Build it with:  cmake -S . -B build -DCMAKE_INSTALL_PREFIX=/usr && cmake --build build &&
#                 (cd build && cpack -G DEB)
# Shared-library dependencies are computed by dpkg-shlibdeps; the tools Netloom runs are
# listed explicitly. The maintainer scripts register the socket unit (not started) and
# refresh the desktop caches; they enable netloom-boot.service, which does nothing until a
# network is enabled at boot (ConditionDirectoryNotEmpty).
set(CPACK_PACKAGE_NAME "netloom")
set(CPACK_PACKAGE_VENDOR "The Netloom developers")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
  "Netloom draws virtual networks of QEMU guests (user-space switches, kernel bridges, host
ports with DHCP/DNS/NAT, uplinks, remote cables), runs them with a small privileged helper,
and exports any topology as a standalone shell script.")
set(CPACK_PACKAGE_CONTACT "Netloom developers <netloom@localhost>")
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_PACKAGE_FILE_NAME "${CPACK_PACKAGE_NAME}_${PROJECT_VERSION}_amd64")

set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE "amd64")
set(CPACK_DEBIAN_PACKAGE_SECTION "net")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Runtime tools (Debian 12 package names): iproute2 and nftables for the helper, dnsmasq
# for DHCP/DNS, vde2 for exported scripts, pkexec to start the helper by hand, the Qt SVG
# plugin for the icons.
set(CPACK_DEBIAN_PACKAGE_DEPENDS
  "iproute2, nftables, dnsmasq-base, polkitd, pkexec, libqt6svg6")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "qemu-system-x86 | qemu-system, vde2")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "shellcheck")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)

set(_netloom_deb_dir "${CMAKE_CURRENT_BINARY_DIR}/debian")
file(MAKE_DIRECTORY "${_netloom_deb_dir}")
file(WRITE "${_netloom_deb_dir}/postinst" "#!/bin/sh
set -e
if [ \"$1\" = configure ]; then
  if [ -d /run/systemd/system ]; then
    systemctl daemon-reload >/dev/null 2>&1 || true
    systemctl enable netloom-helper.socket netloom-boot.service >/dev/null 2>&1 || true
    systemctl start netloom-helper.socket >/dev/null 2>&1 || true
  fi
  command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q /usr/share/applications || true
  command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -f /usr/share/icons/hicolor || true
fi
exit 0
")
file(WRITE "${_netloom_deb_dir}/prerm" "#!/bin/sh
set -e
if [ -d /run/systemd/system ] && [ \"$1\" = remove ]; then
  systemctl stop netloom-helper.socket netloom-helper.service >/dev/null 2>&1 || true
  systemctl disable netloom-helper.socket netloom-boot.service >/dev/null 2>&1 || true
fi
exit 0
")
file(WRITE "${_netloom_deb_dir}/postrm" "#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null 2>&1 || true
fi
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q /usr/share/applications || true
exit 0
")
file(CHMOD "${_netloom_deb_dir}/postinst" "${_netloom_deb_dir}/prerm" "${_netloom_deb_dir}/postrm"
     PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  "${_netloom_deb_dir}/postinst;${_netloom_deb_dir}/prerm;${_netloom_deb_dir}/postrm")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

# /usr/share/doc/netloom/copyright in Debian's machine-readable format 1.0. Netloom is
# GPL-3.0-or-later; QCustomPlot (GPL-3.0) is not bundled: it is the system's shared library
# (find_package(QCustomPlotQt6), Debian's libqcustomplot2.1-qt6, a dependency via shlibdeps).
# Installed by `cmake --install` too (component "copyright", checked by tests/licence).
file(WRITE "${_netloom_deb_dir}/copyright"
"Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: Netloom
Upstream-Contact: ${CPACK_PACKAGE_CONTACT}
Comment: Netloom links the system's QCustomPlot library (Debian package
 libqcustomplot2.1-qt6, GPL-3.0); no QCustomPlot source is bundled in this package.

Files: *
Copyright: 2026 ${CPACK_PACKAGE_VENDOR}
License: GPL-3.0-or-later

License: GPL-3.0-or-later
 This program is free software: you can redistribute it and/or modify it under
 the terms of the GNU General Public License as published by the Free Software
 Foundation, either version 3 of the License, or (at your option) any later
 version.
 .
 This program is distributed in the hope that it will be useful, but WITHOUT ANY
 WARRANTY; without even the implied warranty of MERCHANTABILITY or FITNESS FOR A
 PARTICULAR PURPOSE. See the GNU General Public License for more details.
 .
 You should have received a copy of the GNU General Public License along with
 this program. If not, see <https://www.gnu.org/licenses/>.
 .
 On Debian systems, the complete text of the GNU General Public License
 version 3 can be found in \"/usr/share/common-licenses/GPL-3\".
")
install(FILES "${_netloom_deb_dir}/copyright" DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/netloom
        COMPONENT copyright)

include(CPack)
