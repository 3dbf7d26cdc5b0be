// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes everything a guest frame touches: the Ethernet/VLAN parser, the forwarder (MAC
// learning, VLAN rules, sizes) and the snooper (DHCP options, ARP, ICMPv6 ND, conflict
// tables). The input is split into frames at 0xfe 0xed markers so one run can build up
// MAC-table and snooper state; each frame arrives on a port chosen by its first byte.
#include "switch/forwarder.h"
#include "switch/snooper.h"

#include <cstdlib>
#include <cstring>
#include <vector>

using namespace netloom::sw;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size > 65536)
        return 0;
    ForwarderConfig cfg;
    cfg.macTable.capacity = 16;  // small, so eviction and flap damping are exercised
    Forwarder f(cfg);
    f.setPort(1, VlanPortConfig::access(1));
    f.setPort(2, VlanPortConfig::access(2));
    f.setPort(3, VlanPortConfig::trunk({1, 2, 100}, 1));
    f.setPort(4, VlanPortConfig::trunk({4094}));
    Snooper snooper;
    std::vector<AddressEvent> events;
    std::int64_t now = 0;
    std::size_t start = 0;
    while (start < size) {
        std::size_t end = start;
        while (end + 1 < size && !(data[end] == 0xfe && data[end + 1] == 0xed))
            ++end;
        if (end + 1 >= size)
            end = size;
        // An exact-size heap copy: any over-read is caught by ASan.
        const std::size_t len = end - start;
        std::vector<std::uint8_t> frame(data + start, data + end);
        const PortId port = len ? PortId(1 + frame[0] % 5) : 1;  // port 5 is unknown
        const ForwardDecision d = f.decide(frame.data(), len, port, now);
        if (d.drop == DropReason::None) {
            if (d.egress->empty())
                std::abort();
            for (const Egress &e : *d.egress)
                if (e.port == port || e.port > 4)
                    std::abort();  // never back out of the ingress port, never to an unknown one
        }
        snooper.inspect(frame.data(), len, port, d.vlan, now, 0, &events);
        if (auto ev = parseAddressFrame(frame.data(), len); ev && ev->hostname.size() > 63)
            std::abort();
        now += 250'000'000;
        if (f.macTable().size() > 16)
            std::abort();
        f.expire(now);
        start = end + 2;
    }
    return 0;
}
