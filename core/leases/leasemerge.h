// SPDX-License-Identifier: GPL-3.0-or-later
// The lease merge: (existing table, event, now) -> new table + notes. Pure: no clock, no
// I/O; the watcher, the snooper and the tracker only feed it.
//
// Design note — the rules (docs/runtime-parts.md has the long form):
// - Expiry first: every merge first ends live entries whose expiry is <= now (offers lapse
//   after offerHoldMs, ARP/ND evidence after neighborTtlMs) and drops dead entries older
//   than retentionMs. A Tick event does only this.
// - Precedence: evidence of use (ARP, ND, INFORM) never overrides a live DHCP or lease-file
//   binding — a different address is flagged (AddressMismatch), not adopted. A snooped ACK
//   is the freshest word and overrides a lease-file entry; a lease-file snapshot overrides
//   everything except an ACK observed after the snapshot was read. An OFFER never
//   downgrades a bound entry.
// - Lease file: an entry present in the snapshot is bound with its expiry; a file-sourced
//   live entry missing from the next snapshot was released (dnsmasq drops released and
//   expired leases).
// - NAK ends the client's lease unless it comes from a server other than the one that
//   granted it (then it is noted and ignored). DECLINE ends it and is noted.
// - Conflicts are flagged, never hidden: two live entries with one IPv4 address both get
//   `conflict` (one IpConflict note when it arises); a DHCP server other than the expected
//   ones (or, with none configured, other than the first one seen) is recorded as an
//   unexpected sighting (RogueServer note once) and leases it grants carry fromRogueServer.
// - Bounds: maxEntries (the oldest dead entry is evicted to make room, otherwise the event
//   is dropped with TableFull), maxServers, maxIpv6PerEntry. Client hostnames must pass
//   isValidHostname, otherwise they are dropped with BadHostname.
#pragma once

#include "lease.h"

namespace netloom::leases {

struct MergeResult {
    LeaseTable table;
    QList<LeaseNote> notes;
    bool changed = false;  // table differs from the existing one
};

// Applies `event` (observed at event.timeMs; 0 = now) to `existing` at time `nowMs`.
// Returns the new table, what happened worth telling the user, and whether anything changed.
MergeResult mergeLeaseEvent(const LeaseTable &existing, const LeaseEvent &event, qint64 nowMs);

}  // namespace netloom::leases
