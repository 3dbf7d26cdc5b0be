// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes everything the helper does with a client's bytes before any side effect: the
// frame decoder (fed in input-chosen chunk sizes), the request decoder with the strict
// host-state decoder and validators, and the pure builders that turn an accepted state
// into nftables and dnsmasq text and a step list. Invariants checked on every accepted
// request: it re-encodes and decodes to the same value, the generated texts have exactly
// the expected line shapes (no injected lines), and its teardown undoes its apply.
#include "dnsmasqconfig.h"
#include "nftscript.h"
#include "steps.h"

#include "protocol/frame.h"
#include "protocol/hoststatedecode.h"
#include "protocol/message.h"

#include <QJsonDocument>
#include <QRegularExpression>

#include <cstdio>
#include <cstdlib>

using namespace netloom;
using namespace netloom::protocol;
using namespace netloom::helper;

namespace {

#define check(condition)                                                                                    \
    do {                                                                                                    \
        if (!(condition)) {                                                                                 \
            std::fprintf(stderr, "invariant failed at line %d: %s\n", __LINE__, #condition);                 \
            std::abort();                                                                                   \
        }                                                                                                   \
    } while (0)

void checkAccepted(const Request &r)
{
    // Round trip.
    qint64 id = -1;
    const QByteArray again = QJsonDocument(encodeRequest(r)).toJson(QJsonDocument::Compact);
    auto back = decodeRequest(again, &id);
    check(back.isOk() && id == r.id && back->op == r.op && back->network == r.network);
    if (r.op != Op::Apply)
        return;
    check(back->state == r.state);
    check(validateHostState(r.state).isOk());

    // Generated dnsmasq config: one "key=value" (or bare key) per line, no surprises.
    static const QRegularExpression dnsLine(QStringLiteral("^(#.*|[a-z-]+(=[A-Za-z0-9._,:/=-]*)?)$"));
    for (const auto &d : r.state.dnsmasq) {
        const QString conf = buildDnsmasqConfig(d, {QStringLiteral("/s/a.conf"), QStringLiteral("/s/a.pid"),
                                                    QStringLiteral("/s/a.leases")},
                                                QStringLiteral("dnsmasq"), QStringLiteral("nogroup"));
        for (const QString &line : conf.split(u'\n', Qt::SkipEmptyParts))
            check(dnsLine.match(line).hasMatch());
        check(conf.count(QStringLiteral("\ninterface=")) == 1);
    }
    // nftables script: only our table; rule lines carry no statement separators, comments
    // or escapes, and every line has one of the generated shapes.
    static const QRegularExpression nftLine(QStringLiteral(
        "^(table ip netloom( \\{)?|delete table ip netloom|  chain (postrouting|forward) \\{|"
        "    type (nat|filter) hook (postrouting|forward) priority (srcnat|filter); policy accept;|"
        "    (ip saddr|iifname) [A-Za-z0-9 ./!=,{}\"*_-]+ (masquerade|accept)|  \\}|\\})$"));
    const QString nft = buildNftScript(r.state.nat);
    for (const QString &line : nft.split(u'\n', Qt::SkipEmptyParts))
        check(nftLine.match(line).hasMatch() && line.count(u'"') % 2 == 0);

    // The IPv6 table: the same shapes with ip6, table ip6 netloom only.
    static const QRegularExpression nft6Line(QStringLiteral(
        "^(table ip6 netloom( \\{)?|delete table ip6 netloom|  chain (postrouting|forward) \\{|"
        "    type (nat|filter) hook (postrouting|forward) priority (srcnat|filter); policy accept;|"
        "    (ip6 saddr|iifname) [A-Za-z0-9 ./:!=,{}\"*_-]+ (masquerade|accept)|  \\}|\\})$"));
    for (const QString &line : buildNft6Script(r.state.nat6).split(u'\n', Qt::SkipEmptyParts))
        check(nft6Line.match(line).hasMatch() && line.count(u'"') % 2 == 0);

    // Steps: applying then tearing down must mirror each other.
    const auto up = buildSteps(r.network, 1000, {}, r.state, {});
    const auto down = buildSteps(r.network, 1000, r.state, {}, {});
    check(buildSteps(r.network, 1000, r.state, r.state, {}).isEmpty());
    int creates = 0, deletes = 0;
    for (const Step &s : up)
        creates += s.apply.kind == Action::Kind::CreateTap || s.apply.kind == Action::Kind::CreateBridge
                       || s.apply.kind == Action::Kind::CreateVeth || s.apply.kind == Action::Kind::CreateVxlan;
    for (const Step &s : down)
        deletes += s.apply.kind == Action::Kind::DeleteLink;
    check(creates == deletes);
    for (const Step &s : up)
        check(s.apply.ifname.isEmpty() || s.apply.ifname.startsWith(QLatin1String("loom"))
              || s.apply.kind == Action::Kind::Enslave);
}

void handlePayload(const QByteArray &payload)
{
    qint64 id = -2;
    auto r = decodeRequest(payload, &id);
    if (r) {
        checkAccepted(*r);
    } else {
        check(r.error().message.startsWith(QLatin1String("failed to ")));
        check(id >= -1);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size > 256 * 1024)
        return 0;
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    // 1. The whole input as one payload.
    handlePayload(bytes);
    // 2. The input as a byte stream of frames, fed in chunks whose size the input picks.
    FrameDecoder decoder;
    const qsizetype chunk = size > 0 ? 1 + data[0] % 64 : 1;
    for (qsizetype off = 0; off < bytes.size(); off += chunk) {
        if (!decoder.feed(bytes.constData() + off, std::min(chunk, bytes.size() - off)))
            break;
        QByteArray payload;
        while (decoder.takeFrame(&payload)) {
            check(payload.size() > 0 && payload.size() <= kMaxMessageBytes);
            handlePayload(payload);
        }
    }
    return 0;
}
