// SPDX-License-Identifier: GPL-3.0-or-later
// One-line text forms of the model's small lists, for the properties panel.
//
// Design note. DHCP reservations and user-mode port forwards are lists of records; the
// panel edits each list as one line of text in a familiar syntax instead of a table:
//   reservations  "52:54:00:12:34:56 10.0.2.50 web; 52:54:00:12:34:57 10.0.2.51"
//                 (MAC, IPv4 address, optional host name; entries separated by ';')
//   forwards      "tcp:127.0.0.1:2222-:22 udp::5353-10.0.2.15:53"
//                 (QEMU's hostfwd syntax, entries separated by spaces or ';')
// Parsing checks structure only (field counts, protocol, port numbers, bounds); whether an
// address or MAC is valid is the validator's job, so the same message appears however the
// value got there. format(parse(s)) is canonical and parse(format(l)) == l.
#pragma once

#include "base/result.h"
#include "model/topology.h"

namespace netloom::gui {

QString formatReservations(const QList<model::DhcpReservation> &list);
// Errors: InvalidArgument naming the entry, LimitExceeded past limits::kMaxListItems.
Result<QList<model::DhcpReservation>> parseReservations(const QString &text);

QString formatForwards(const QList<model::HostForward> &list);
// Errors: InvalidArgument naming the entry, LimitExceeded past limits::kMaxListItems.
Result<QList<model::HostForward>> parseForwards(const QString &text);

}  // namespace netloom::gui
