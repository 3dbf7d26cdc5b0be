// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes the strict network-vocabulary parsers (protocol/netaddr.h): every parse either
// fails cleanly or yields a value whose canonical text parses back to the same value.
#include "protocol/netaddr.h"

#include <cstdlib>

using namespace netloom::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size > 256)
        return 0;
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    if (auto ip = Ipv4::parse(text); ip && !(Ipv4::parse(ip->toString()).value() == *ip))
        std::abort();
    if (auto c = Cidr::parse(text, true); c) {
        auto back = Cidr::parse(c->toString());
        if (!back || !(*back == *c))
            std::abort();
        (void)c->overlaps(*c);
    }
    if (auto ip = Ipv6::parse(text); ip && !(Ipv6::parse(ip->toString()).value() == *ip))
        std::abort();
    if (auto c = Cidr6::parse(text, true); c) {
        auto back = Cidr6::parse(c->toString());
        if (!back || !(*back == *c) || !c->contains(c->address) || !c->overlaps(*c))
            std::abort();
    }
    if (auto m = Mac::parse(text); m && !(Mac::parse(m->toString()).value() == *m))
        std::abort();
    (void)validateIfname(text);
    (void)validateUplinkPattern(text);
    (void)parsePort(text);
    return 0;
}
