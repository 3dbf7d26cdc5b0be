// SPDX-License-Identifier: GPL-3.0-or-later
// Unit tests of the importer (core/import/importer.h) over the corpus in corpus/: every
// script is imported, must validate without errors, and its topology and report must match
// corpus/<name>.expect — one line per node, NIC and link (the fields the issue names: nodes,
// NICs, MACs, addresses, DHCP ranges, NAT uplinks, cables) and one line per report entry
// (line, kind, text). NETLOOM_UPDATE_EXPECT=1 rewrites the .expect files (review the diff!).
#include "import/importer.h"
#include "model/topologyjson.h"
#include "model/validator.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace netloom;
using namespace netloom::importer;
using namespace netloom::model;

namespace {

const QString kCorpus = QStringLiteral(NETLOOM_SOURCE_DIR "/tests/import/corpus");

QString nodeName(const Topology &t, const QString &id)
{
    const Node *n = t.node(id);
    return n ? n->name : QStringLiteral("?") + id;
}

QString endpoint(const Topology &t, const Endpoint &e)
{
    return e.nic.isEmpty() ? nodeName(t, e.node) : nodeName(t, e.node) + QLatin1Char('.') + e.nic;
}

// The topology as sorted lines of the fields an import must get right.
QStringList summary(const Topology &t)
{
    QStringList out;
    for (const Node &n : t.nodes) {
        QString s;
        switch (n.type) {
        case NodeType::Switch:
            s = QStringLiteral("switch %1 engine=%2").arg(n.name, engineName(n.sw.engine));
            if (n.sw.hub)
                s += QStringLiteral(" hub");
            if (n.sw.stp)
                s += QStringLiteral(" stp");
            break;
        case NodeType::HostPort: {
            const HostPortConfig &h = n.hostPort;
            s = QStringLiteral("hostport %1 address=%2 dns=%3").arg(n.name, h.address).arg(h.dns);
            if (h.dhcp.enabled)
                s += QStringLiteral(" dhcp=%1-%2/%3s").arg(h.dhcp.rangeStart, h.dhcp.rangeEnd).arg(h.dhcp.leaseSeconds);
            if (!h.dhcp.domain.isEmpty())
                s += QStringLiteral(" domain=") + h.dhcp.domain;
            for (const DhcpReservation &r : h.dhcp.reservations)
                s += QStringLiteral(" host=%1>%2(%3)").arg(r.mac, r.ip, r.hostname);
            if (h.nat.mode != NatConfig::Mode::None)
                s += QStringLiteral(" nat=%1:%2").arg(natModeName(h.nat.mode), h.nat.uplinks.join(QLatin1Char(',')));
            break;
        }
        case NodeType::Uplink:
            s = QStringLiteral("uplink %1 ifname=%2").arg(n.name, n.uplink.ifname);
            break;
        case NodeType::Remote:
            s = QStringLiteral("remote %1 url=%2").arg(n.name, n.remote.url);
            break;
        case NodeType::Guest: {
            const GuestConfig &g = n.guest;
            s = QStringLiteral("guest %1 qemu=%2 mem=%3 cpus=%4 accel=%5").arg(n.name, g.qemu).arg(g.memoryMiB).arg(g.cpus).arg(g.accel);
            if (!g.machine.isEmpty())
                s += QStringLiteral(" machine=") + g.machine;
            if (!g.cpuModel.isEmpty())
                s += QStringLiteral(" cpu=") + g.cpuModel;
            for (const DiskConfig &d : g.disks)
                s += QStringLiteral(" disk=%1:%2:%3%4").arg(d.path, d.format, d.interface, d.snapshot ? QStringLiteral(":snapshot") : QString());
            for (const auto &[k, v] : {std::pair{"cdrom", g.cdrom}, {"kernel", g.kernel}, {"initrd", g.initrd}, {"append", g.append}, {"boot", g.boot}})
                if (!v.isEmpty())
                    s += QStringLiteral(" %1=%2").arg(QLatin1String(k), v);
            if (g.display != GuestConfig::Display::Vga)
                s += QStringLiteral(" display=") + displayName(g.display);
            if (!g.extraArgs.isEmpty())
                s += QStringLiteral(" extra=[%1]").arg(g.extraArgs.join(QLatin1Char(' ')));
            out.append(s);
            for (const NicConfig &c : g.nics) {
                QString x = QStringLiteral("nic %1.%2 mode=%3 model=%4 mac=%5").arg(n.name, c.id, nicModeName(c.mode), c.model, c.mac);
                if (c.mode == NicConfig::Mode::User) {
                    x += QStringLiteral(" net=%1 restrict=%2").arg(c.user.network).arg(c.user.restrict);
                    for (const HostForward &f : c.user.forwards)
                        x += QStringLiteral(" fwd=%1:%2:%3-%4:%5").arg(f.protocol, f.hostAddress).arg(f.hostPort).arg(f.guestAddress).arg(f.guestPort);
                }
                if (c.mode == NicConfig::Mode::Socket)
                    x += QStringLiteral(" socket=%1:%2").arg(socketKindName(c.socket.kind), c.socket.address);
                out.append(x);
            }
            continue;
        }
        }
        out.append(s);
    }
    for (const Link &l : t.links) {
        QStringList ends{endpoint(t, l.a), endpoint(t, l.b)};
        ends.sort();
        out.append(QStringLiteral("link %1 -- %2").arg(ends[0], ends[1]));
    }
    out.sort();
    return out;
}

QStringList reportLines(const ImportResult &r)
{
    QStringList out;
    for (const ReportLine &l : r.report)
        out.append(QStringLiteral("report %1 %2: %3").arg(l.line).arg(reportKindName(l.kind), l.text.simplified().left(80)));
    return out;
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return f.readAll();
}

}  // namespace

class TestImport : public QObject {
    Q_OBJECT
private slots:
    void corpus_data()
    {
        QTest::addColumn<QString>("script");
        const QStringList files = QDir(kCorpus).entryList({QStringLiteral("*.sh")}, QDir::Files, QDir::Name);
        QVERIFY(files.size() >= 10);
        for (const QString &f : files)
            QTest::newRow(qPrintable(f)) << f;
    }

    void corpus()
    {
        QFETCH(QString, script);
        ImportOptions o;
        o.name = QFileInfo(script).completeBaseName();
        const Result<ImportResult> r = importScript(readFile(kCorpus + QLatin1Char('/') + script), o);
        QVERIFY2(r.isOk(), r.isOk() ? "" : qPrintable(r.error().message));
        QVERIFY(r->usable());
        const QList<Issue> issues = validate(r->topology);
        for (const Issue &i : issues)
            if (i.severity == Issue::Severity::Error)
                qWarning("%s: %s", qPrintable(i.path), qPrintable(i.message));
        QVERIFY(!hasErrors(issues));
        // The JSON writer and reader accept it unchanged.
        const Result<Topology> back = parseTopology(serializeTopology(r->topology), script);
        QVERIFY2(back.isOk(), back.isOk() ? "" : qPrintable(back.error().message));
        QCOMPARE(*back, r->topology);

        const QStringList got = summary(r->topology) + reportLines(*r);
        const QString expectPath = kCorpus + QLatin1Char('/') + QFileInfo(script).completeBaseName() + QStringLiteral(".expect");
        if (qEnvironmentVariableIsSet("NETLOOM_UPDATE_EXPECT")) {
            QFile f(expectPath);
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write((got.join(QLatin1Char('\n')) + QLatin1Char('\n')).toUtf8());
        }
        QVERIFY2(QFileInfo::exists(expectPath), qPrintable(expectPath + QStringLiteral(" is missing (NETLOOM_UPDATE_EXPECT=1 writes it)")));
        const QStringList want = QString::fromUtf8(readFile(expectPath)).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        if (got != want) {
            for (const QString &l : got)
                if (!want.contains(l))
                    qWarning("unexpected: %s", qPrintable(l));
            for (const QString &l : want)
                if (!got.contains(l))
                    qWarning("missing:    %s", qPrintable(l));
        }
        QCOMPARE(got, want);
    }

    // Every line of every corpus script appears in the report (nothing silently dropped).
    void everyCommandLineIsReported()
    {
        const Result<ImportResult> r = importScript(readFile(kCorpus + QStringLiteral("/rc-vde-nat.sh")));
        QVERIFY(r.isOk());
        QSet<int> lines;
        for (const ReportLine &l : r->report)
            lines.insert(l.line);
        for (int line : {4, 5, 6, 7, 11, 12, 13, 14, 15, 19, 21, 25, 26, 27, 28, 29, 32, 33, 36})
            QVERIFY2(lines.contains(line), qPrintable(QString::number(line)));
    }

    void badInputs()
    {
        // Binary garbage and a 10 MB input: clear errors.
        QByteArray garbage;
        for (int i = 0; i < 4096; ++i)
            garbage += char((i * 7919) & 0xff);
        const Result<ImportResult> g = importScript(garbage);
        QVERIFY(!g.isOk());
        QVERIFY(g.error().message.contains("binary"));
        const Result<ImportResult> big = importScript(QByteArray(10 * 1000 * 1000, '#'));
        QVERIFY(!big.isOk());
        QCOMPARE(big.error().code, ErrorCode::LimitExceeded);
        // High-bit garbage without NULs: not understood lines, no crash, nothing usable.
        QByteArray noNul;
        for (int i = 0; i < 4096; ++i)
            noNul += char(0x80 | ((i * 31) & 0x7f));
        const Result<ImportResult> n = importScript(noNul);
        QVERIFY(n.isOk());
        QVERIFY(!n->usable());
        QVERIFY(n->notUnderstood > 0);
        // Unbalanced quotes: what came before is imported, the rest reported.
        const Result<ImportResult> q = importScript("vde_switch -s /tmp/a.ctl\nqemu-system-x86_64 -hda 'x.img\n");
        QVERIFY(q.isOk());
        QVERIFY(q->usable());
        QCOMPARE(q->report.last().kind, ReportLine::Kind::NotUnderstood);
        QCOMPARE(q->report.last().line, 2);
        // $(...) is never executed.
        const Result<ImportResult> s = importScript("qemu-system-x86_64 -hda $(rm -rf /tmp/should-not-run).img\n");
        QVERIFY(s.isOk());
        QCOMPARE(s->notUnderstood, 1);
        QVERIFY(!s->usable());
    }

    void hundredThousandArguments()
    {
        QByteArray line("qemu-system-x86_64 -hda x.img");
        for (int i = 0; i < 100000; ++i)
            line += " -device usb-tablet";
        QElapsedTimer t;
        t.start();
        const Result<ImportResult> r = importScript(line);
        QVERIFY(r.isOk());
        QVERIFY2(t.elapsed() < 20000, qPrintable(QString::number(t.elapsed())));
        QCOMPARE(r->topology.nodes.size(), 1);
        QCOMPARE(r->ignored, 100000);  // every option reported
    }

    void duplicateMacIsResolvedVisibly()
    {
        const Result<ImportResult> r = importScript(
            "vde_switch -s /tmp/s\n"
            "qemu-system-x86_64 -name a -net nic,macaddr=52:54:00:00:00:01 -net vde,sock=/tmp/s\n"
            "qemu-system-x86_64 -name b -net nic,macaddr=52:54:00:00:00:01 -net vde,sock=/tmp/s\n");
        QVERIFY(r.isOk());
        QCOMPARE(r->topology.node("a")->guest.nics[0].mac, QString("52:54:00:00:00:01"));
        QCOMPARE(r->topology.node("b")->guest.nics[0].mac, QString());
        bool reported = false;
        for (const ReportLine &l : r->report)
            reported = reported || (l.line == 3 && l.detail.contains("already"));
        QVERIFY(reported);
        QVERIFY(!hasErrors(validate(r->topology)));
    }

    void dnsmasqConfFromCaller()
    {
        ImportOptions o;
        o.files.insert("/etc/dnsmasq.d/lab.conf", "interface=tap9\ndhcp-range=10.9.0.50,10.9.0.60,30m\n");
        const Result<ImportResult> r = importScript("tunctl -t tap9\nifconfig tap9 10.9.0.1/24\ndnsmasq --conf-file=/etc/dnsmasq.d/lab.conf\n"
                                                    "qemu-system-x86_64 -hda t.img -net nic -net tap,ifname=tap9\n", o);
        QVERIFY(r.isOk());
        const Node *hp = r->topology.node("tap9");
        QVERIFY(hp);
        QCOMPARE(hp->hostPort.dhcp.rangeStart, QString("10.9.0.50"));
        QCOMPARE(hp->hostPort.dhcp.leaseSeconds, 1800u);
        QVERIFY(!hasErrors(validate(r->topology)));
        // A dnsmasq.conf on its own is recognised, but makes no graph.
        const Result<ImportResult> c = importScript("# conf\ninterface=tap0\ndhcp-range=10.0.0.2,10.0.0.9\n");
        QVERIFY(c.isOk());
        QVERIFY(!c->usable());
        QCOMPARE(c->report.size(), 2);
    }

    void dnsmasqRangeForms()
    {
        const QByteArray script(
            "tunctl -t t1\nifconfig t1 10.1.0.1 netmask 255.255.255.0\n"
            "tunctl -t t2\nip addr add 10.2.0.1/24 dev t2\n"
            "dnsmasq -i t1 --interface=t2 --dhcp-range=set:lan,10.1.0.10,10.1.0.20,12h"
            " --dhcp-range=tag:x,10.2.0.10,10.2.0.20,255.255.255.0,10.2.0.255,45m"
            " --dhcp-range=10.1.0.5,static --dhcp-range=10.1.0.50,10.1.0.60,proxy --dhcp-range=fd00::10,fd00::20,64"
            " --dhcp-host=52:54:00:00:00:11,10.1.0.11,one --dhcp-host=two,52:54:00:00:00:22,10.2.0.22,1h"
            " --dhcp-host=id:01:02,10.2.0.30 -p0 -s lab\n"
            "qemu-system-x86_64 -hda a.img -nic tap,ifname=t1\nqemu-system-x86_64 -hda b.img -nic tap,ifname=t2\n");
        const Result<ImportResult> r = importScript(script);
        QVERIFY(r.isOk());
        const Node *t1 = r->topology.node("t1");
        const Node *t2 = r->topology.node("t2");
        QVERIFY(t1 && t2);
        QCOMPARE(t1->hostPort.dhcp.rangeStart, QString("10.1.0.10"));
        QCOMPARE(t1->hostPort.dhcp.leaseSeconds, 43200u);
        QCOMPARE(t2->hostPort.dhcp.rangeEnd, QString("10.2.0.20"));
        QCOMPARE(t2->hostPort.dhcp.leaseSeconds, 2700u);
        QCOMPARE(t1->hostPort.dhcp.reservations.size(), 1);
        QCOMPARE(t2->hostPort.dhcp.reservations.size(), 1);
        QCOMPARE(t2->hostPort.dhcp.reservations[0].hostname, QString("two"));
        QCOMPARE(t1->hostPort.dhcp.domain, QString("lab"));
        QVERIFY(!t1->hostPort.dns);
        QHash<QString, ReportLine::Kind> kinds;
        for (const ReportLine &l : r->report)
            kinds.insert(l.text, l.kind);
        QCOMPARE(kinds.value("--dhcp-range=10.1.0.5,static"), ReportLine::Kind::Ignored);
        QCOMPARE(kinds.value("--dhcp-range=10.1.0.50,10.1.0.60,proxy"), ReportLine::Kind::NotUnderstood);
        QCOMPARE(kinds.value("--dhcp-range=fd00::10,fd00::20,64"), ReportLine::Kind::NotUnderstood);
        QCOMPARE(kinds.value("--dhcp-host=id:01:02,10.2.0.30"), ReportLine::Kind::NotUnderstood);
        QCOMPARE(kinds.value("-p0"), ReportLine::Kind::Mapped);
        QVERIFY(!hasErrors(validate(r->topology)));
    }

    void argvFromProc()
    {
        const ImportResult r = importArgv({"/usr/bin/qemu-system-x86_64", "-name", "guest=live,debug-threads=on", "-m", "300",
                                           "-netdev", "user,id=u", "-device", "virtio-net-pci,netdev=u,mac=52:54:00:ff:00:01"});
        QCOMPARE(r.topology.nodes.size(), 1);
        QCOMPARE(r.topology.nodes[0].name, QString("live"));
        QCOMPARE(r.topology.nodes[0].guest.memoryMiB, 300);
        QCOMPARE(r.topology.nodes[0].guest.nics[0].mac, QString("52:54:00:ff:00:01"));
        QCOMPARE(r.notUnderstood, 0);
    }

    void runningGuests()
    {
        QCOMPARE(argvFromCmdline(QByteArray("qemu-system-x86_64\0-m\0" "512\0-name\0a b\0", 36)),
                 (QStringList{"qemu-system-x86_64", "-m", "512", "-name", "a b"}));
        QCOMPARE(argvFromCmdline(QByteArray()), QStringList());
        const ImportResult r = importRunningGuests({{101, {"qemu-system-x86_64", "-name", "one", "-netdev", "tap,id=t,fd=23",
                                                           "-device", "virtio-net-pci,netdev=t,mac=52:54:00:00:01:01"}},
                                                    {202, {"qemu-system-aarch64", "-name", "two", "-nic", "user,mac=52:54:00:00:01:02"}},
                                                    {303, {"/bin/bash"}}});
        QCOMPARE(r.topology.nodes.size(), 2);
        QCOMPARE(r.topology.nodes[1].guest.qemu, QString("qemu-system-aarch64"));
        QCOMPARE(r.report.first().line, 101);
        bool fdReported = false;
        for (const ReportLine &l : r.report)
            fdReported = fdReported || (l.line == 101 && l.kind == ReportLine::Kind::NotUnderstood && l.detail.contains("fd="));
        QVERIFY(fdReported);
        QCOMPARE(r.report.last().line, 303);
        QCOMPARE(r.report.last().kind, ReportLine::Kind::NotUnderstood);
    }

    void listsOwnQemuProcesses()
    {
        // A fake /proc: only numeric directories whose cmdline names qemu-system-*.
        QTemporaryDir proc;
        auto put = [&](const QString &pid, const QByteArray &cmdline) {
            QVERIFY(QDir(proc.path()).mkpath(pid));
            QFile f(proc.filePath(pid + "/cmdline"));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(cmdline);
        };
        put("42", QByteArray("/usr/bin/qemu-system-x86_64\0-m\0" "64\0", 34));
        put("7", QByteArray("bash\0", 5));
        put("self", QByteArray("qemu-system-x86_64\0", 19));
        const Result<QList<RunningGuest>> fake = listOwnQemuProcesses(proc.path());
        QVERIFY(fake.isOk());
        QCOMPARE(fake->size(), 1);
        QCOMPARE(fake->first().pid, 42);
        QCOMPARE(fake->first().argv, (QStringList{"/usr/bin/qemu-system-x86_64", "-m", "64"}));
        QVERIFY(!listOwnQemuProcesses(proc.filePath("missing")).isOk());
        // The real /proc: a process of ours whose argv[0] is qemu-system-… is found.
        QProcess p;
        p.start("bash", {"-c", "exec -a qemu-system-netloomtest sleep 30"});
        QVERIFY(p.waitForStarted());
        bool found = false;
        for (int i = 0; i < 50 && !found; ++i) {
            const Result<QList<RunningGuest>> real = listOwnQemuProcesses();
            QVERIFY(real.isOk());
            for (const RunningGuest &g : *real)
                found = found || (g.pid == p.processId() && g.argv.value(0) == "qemu-system-netloomtest");
            if (!found)
                QTest::qWait(20);
        }
        p.kill();
        p.waitForFinished();
        QVERIFY(found);
    }
};

QTEST_GUILESS_MAIN(TestImport)
#include "test_import.moc"
