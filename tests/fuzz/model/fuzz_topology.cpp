// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes the topology file decoder (model/topologyjson.h) and everything that runs on a
// decoded topology: a file either fails with an error message, or decodes to a topology
// that validates and allocates without crashing and survives a save/load round trip
// unchanged (the canonical text is a fixed point).
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
    if (!(allocate(allocated) == allocated))
        std::abort();
    return 0;
}
