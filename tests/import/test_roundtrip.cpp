// SPDX-License-Identifier: GPL-3.0-or-later
// The round trip of issue #15 part 6: for every example topology, importing the shell script
// the exporter writes (core/export/shellexporter.h, what `netloomctl export` prints) gives
// back an equivalent topology — the same nodes, NICs, MACs, addresses, DHCP ranges, NAT
// uplinks and cables. Names of interfaces and switches are the exporter's own ("loom…",
// "switch-lan"), so nodes are compared by what they are, not by their names: guests by
// name, everything else by its configuration; links as pairs of those.
#include "common/testutil.h"
#include "export/shellexporter.h"
#include "import/importer.h"
#include "model/allocator.h"
#include "model/topologyjson.h"
#include "model/validator.h"

#include <QDir>
#include <QTest>

using namespace netloom;
using namespace netloom::model;

namespace {

QString signature(const Node &n)
{
    switch (n.type) {
    case NodeType::Guest:
        return QStringLiteral("guest %1").arg(n.name);
    case NodeType::Switch:
        return QStringLiteral("switch %1%2").arg(engineName(n.sw.engine), n.sw.hub ? QStringLiteral(" hub") : QString());
    case NodeType::Uplink:
        return QStringLiteral("uplink %1").arg(n.uplink.ifname);
    case NodeType::Remote:
        return QStringLiteral("remote %1").arg(n.remote.url);
    case NodeType::HostPort: {
        const HostPortConfig &h = n.hostPort;
        QString s = QStringLiteral("hostport %1").arg(h.address);
        if (h.dhcp.enabled)
            s += QStringLiteral(" dhcp %1-%2 %3s domain=%4").arg(h.dhcp.rangeStart, h.dhcp.rangeEnd).arg(h.dhcp.leaseSeconds).arg(h.dhcp.domain);
        for (const DhcpReservation &r : h.dhcp.reservations)
            s += QStringLiteral(" host %1>%2").arg(r.mac, r.ip);
        if (h.nat.mode != NatConfig::Mode::None)
            s += QStringLiteral(" nat %1 %2").arg(natModeName(h.nat.mode), h.nat.uplinks.join(QLatin1Char(',')));
        return s;
    }
    }
    return {};
}

QStringList describe(const Topology &t)
{
    QStringList out;
    for (const Node &n : t.nodes) {
        out.append(signature(n));
        for (const NicConfig &c : n.guest.nics) {
            if (n.type != NodeType::Guest)
                break;
            QString x = QStringLiteral("nic %1.%2 %3 %4 %5").arg(n.name, c.id, nicModeName(c.mode), c.model, c.mac);
            if (c.mode == NicConfig::Mode::Socket)
                x += QStringLiteral(" %1 %2").arg(socketKindName(c.socket.kind), c.socket.address);
            if (c.mode == NicConfig::Mode::User)
                x += QStringLiteral(" %1 %2 forwards=%3").arg(c.user.network).arg(c.user.restrict).arg(c.user.forwards.size());
            out.append(x);
        }
    }
    for (const Link &l : t.links) {
        auto end = [&](const Endpoint &e) {
            const Node *n = t.node(e.node);
            return (n ? signature(*n) : QStringLiteral("?")) + (e.nic.isEmpty() ? QString() : QLatin1Char('.') + e.nic);
        };
        QStringList ends{end(l.a), end(l.b)};
        ends.sort();
        out.append(QStringLiteral("link [%1] -- [%2]").arg(ends[0], ends[1]));
    }
    out.sort();
    return out;
}

}  // namespace

class TestRoundTrip : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void examples_data()
    {
        QTest::addColumn<QString>("file");
        const QDir dir(test::sourcePath(QStringLiteral("examples")));
        const QStringList files = dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
        QVERIFY(files.size() >= 10);
        for (const QString &f : files)
            QTest::newRow(qPrintable(f)) << dir.filePath(f);
    }

    void examples()
    {
        QFETCH(QString, file);
        const Result<Topology> loaded = loadTopologyFile(file);
        QVERIFY2(loaded.isOk(), loaded.isOk() ? "" : qPrintable(loaded.error().message));
        const Topology original = allocate(*loaded);
        const Result<QString> script = exporter::exportShell(original, QFileInfo(file).absolutePath());
        QVERIFY2(script.isOk(), script.isOk() ? "" : qPrintable(script.error().message));
        const Result<importer::ImportResult> imported = importer::importScript(script->toUtf8());
        QVERIFY2(imported.isOk(), imported.isOk() ? "" : qPrintable(imported.error().message));
        for (const importer::ReportLine &l : imported->report)
            if (l.kind == importer::ReportLine::Kind::NotUnderstood)
                qWarning("not understood: line %d: %s: %s", l.line, qPrintable(l.text.left(100)), qPrintable(l.detail));
        const QList<Issue> issues = validate(imported->topology);
        for (const Issue &i : issues)
            if (i.severity == Issue::Severity::Error)
                qWarning("invalid: %s: %s", qPrintable(i.path), qPrintable(i.message));
        QVERIFY(!hasErrors(issues));
        const QStringList want = describe(original);
        const QStringList got = describe(imported->topology);
        if (got != want) {
            for (const QString &l : got)
                if (got.count(l) > want.count(l))
                    qWarning("imported only: %s", qPrintable(l));
            for (const QString &l : want)
                if (want.count(l) > got.count(l))
                    qWarning("original only: %s", qPrintable(l));
        }
        QCOMPARE(got, want);
    }
};

QTEST_GUILESS_MAIN(TestRoundTrip)
#include "test_roundtrip.moc"
