// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes the importer (core/import/importer.h) end to end: the shell tokenizer and walker,
// the QEMU, host-setup and dnsmasq readers and the assembler. Any input either is refused
// with an error message, or gives a report whose counts add up and a topology that the
// validator accepts without crashing and that survives a JSON save/load unchanged.
#include "import/importer.h"
#include "model/topologyjson.h"
#include "model/validator.h"

#include <cstdlib>

using namespace netloom;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const Result<importer::ImportResult> r = importer::importScript(bytes);
    if (!r) {
        if (r.error().message.isEmpty())
            std::abort();
        return 0;
    }
    if (r->mapped + r->ignored + r->notUnderstood != r->report.size())
        std::abort();
    (void)model::validate(r->topology);
    const Result<model::Topology> back = model::parseTopology(model::serializeTopology(r->topology), QStringLiteral("fuzz"));
    if (!back || !(*back == r->topology))
        std::abort();
    return 0;
}
