// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes the topology file decoder (model/topologyjson.h) and everything that runs on a
// decoded topology: a file either fails with an error message, or decodes to a topology
// that validates and allocates without crashing and survives a save/load round trip
// unchanged (the canonical text is a fixed point). Validation also runs against a few host
// routes (containing, inside and on a Netloom-looking interface) for the host-route check.
#include "model/allocator.h"
#include "model/topologyjson.h"
#include "model/validator.h"

#include <cstdlib>

using namespace netloom;
using namespace netloom::model;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const Result<Topology> t = parseTopology(bytes, QStringLiteral("fuzz"));
    if (!t) {
        if (t.error().message.isEmpty())
            std::abort();
        return 0;
    }
    (void)validate(*t);
    const QByteArray text = serializeTopology(*t);
    const Result<Topology> back = parseTopology(text, QStringLiteral("fuzz-resaved"));
    if (!back || !(*back == *t) || serializeTopology(*back) != text)
        std::abort();
    const Topology allocated = allocate(*t);
    (void)validate(allocated);
    static const QList<HostRoute> routes = [] {
        QList<HostRoute> r;
        for (const char *dst : {"10.0.0.0/8", "10.0.2.128/25", "192.168.0.0/16", "0.0.0.0/0", "10.0.2.1/32"})
            r.append(HostRoute{*protocol::Cidr::parse(QString::fromLatin1(dst)), QStringLiteral("eth0"), 254, QStringLiteral("unicast")});
        r.append(HostRoute{*protocol::Cidr::parse(QStringLiteral("172.16.0.0/12")), QStringLiteral("loomb000000"), 255, QStringLiteral("local")});
        return r;
    }();
    (void)validate(*t, ValidationContext{routes});
    if (!(allocate(allocated) == allocated))
        std::abort();
    return 0;
}
