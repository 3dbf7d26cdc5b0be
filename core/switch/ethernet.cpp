// SPDX-License-Identifier: GPL-3.0-or-later
#include "ethernet.h"

#include "bytecursor.h"
#include "hotpath.h"

namespace netloom::sw {

NETLOOM_HOT
std::optional<EthHeader> parseEthernet(const std::uint8_t *frame, std::size_t len)
{
    ByteCursor c(frame, len);
    EthHeader h;
    h.dst = c.take(6);
    h.src = c.take(6);
    h.etherType = c.be16();
    if (!c.ok())
        return std::nullopt;
    if (h.etherType == kEtherTypeVlan) {
        h.tagged = true;
        h.tci = c.be16();
        h.vid = h.tci & 0x0fff;
        h.etherType = c.be16();
        if (!c.ok())
            return std::nullopt;
    }
    h.payloadOffset = c.offset();
    return h;
}

}  // namespace netloom::sw
