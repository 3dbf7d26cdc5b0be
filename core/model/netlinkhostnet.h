// SPDX-License-Identifier: GPL-3.0-or-later
// The real HostNetReader (hostnet.h): the IPv4 addresses and routes of the current network
// namespace, read over rtnetlink with libnl-route-3.
//
// Design note. A netlink dump (RTM_GETLINK, RTM_GETADDR, RTM_GETROUTE) needs no privilege,
// so the GUI and netloomctl can call this as the user. It reads the namespace of the calling
// thread at the time of read(); to look into another namespace, call it from a thread (or
// process, `ip netns exec`) that entered it. Nothing is changed. Interface names are
// resolved from one link dump taken together with the others (an interface renamed or
// removed in between shows as "if<N>").
#pragma once

#include "model/hostnet.h"

namespace netloom::model {

class NetlinkHostNetReader : public HostNetReader {
public:
    // Opens a NETLINK_ROUTE socket, dumps links, IPv4 addresses and IPv4 routes of every
    // table, closes the socket. Returns the facts (bounded by hostnetlimits; truncated set
    // when a bound was hit) or System ("failed to read 'host routes': <libnl reason>").
    Result<HostNetwork> read() override;
};

}  // namespace netloom::model
