// SPDX-License-Identifier: GPL-3.0-or-later
// 802.1Q on VDE client ports preset by number (`netloomctl switch --vlan N=...`), with
// unmodified vde_plug clients asking for their port (vde://DIR[N]) inside a test namespace:
// two access-VLAN-10 ports see each other's broadcasts, an access-VLAN-20 port sees neither,
// the trunk port receives both VLANs tagged and its tagged frames reach the right access
// port untagged; a client asking for no number gets one that is not preset (VLAN 1, isolated),
// and a client asking for a number that is held is refused.
#include "framebuilder.h"
#include "switchharness.h"

#include <QtTest>

using namespace netloom::test;

namespace {

bool isPortAdded(const QJsonObject &o, int port)
{
    return o[QStringLiteral("type")] == QLatin1String("port-added") && o[QStringLiteral("port")].toInt() == port;
}

QByteArray macN(int n) { return mac("52:54:00:00:10:00").left(5) + char(n); }

QByteArray broadcastFrom(int n, char fill)
{
    return ether(mac("ff:ff:ff:ff:ff:ff"), macN(n), 0x0800, QByteArray(46, fill));
}

// The frames among `frames` (from index `from`) whose source MAC is macN(n).
QList<QByteArray> fromMac(const QList<QByteArray> &frames, qsizetype from, int n)
{
    QList<QByteArray> out;
    for (qsizetype i = from; i < frames.size(); ++i)
        if (frames[i].size() >= 14 && frames[i].mid(6, 6) == macN(n))
            out << frames[i];
    return out;
}

int vlanOf(const QByteArray &f)  // -1 when untagged
{
    if (f.size() < 18 || std::uint8_t(f[12]) != 0x81 || std::uint8_t(f[13]) != 0x00)
        return -1;
    return ((std::uint8_t(f[14]) << 8) | std::uint8_t(f[15])) & 0x0fff;
}

}  // namespace

class TestSwitchVlanNetns : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        requireRoot();
        requireTool(QStringLiteral("vde_plug"));
        requireTool(QStringLiteral("setpriv"));
    }

    void presetPortsKeepVlansApart()
    {
        ScopedNetns ns(QStringLiteral("swvlan"));
        QVERIFY2(ns.ok(), qPrintable(ns.error()));
        NobodyDir dir;
        const QString sock = dir.file(QStringLiteral("sw"));
        SwitchProcess sw(ns, {QStringLiteral("--sock"), sock, QStringLiteral("--vlan"), QStringLiteral("3=access:10"),
                              QStringLiteral("--vlan"), QStringLiteral("4=access:10"), QStringLiteral("--vlan"),
                              QStringLiteral("5=access:20"), QStringLiteral("--vlan"), QStringLiteral("1=trunk:10,20")});
        QVERIFY2(sw.ok(), qPrintable(sw.error()));
        auto url = [&](int port) { return QStringLiteral("vde://%1[%2]").arg(sock).arg(port); };

        VdePlugClient a10(ns, url(3)), b10(ns, url(4)), c20(ns, url(5)), trunk(ns, url(1));
        for (int port : {3, 4, 5, 1})
            QVERIFY2(!sw.waitFor([port](const QJsonObject &o) { return isPortAdded(o, port); }, 5000).isEmpty(),
                     qPrintable(QStringLiteral("port %1 was not added").arg(port)));
        // A client asking for no number: 1 is preset (and held), so it gets 2, in VLAN 1.
        VdePlugClient any(ns, sock);
        QVERIFY(!sw.waitFor([](const QJsonObject &o) { return isPortAdded(o, 2); }, 5000).isEmpty());
        // A client asking for a held number is refused, and nothing else changes.
        VdePlugClient late(ns, url(3));
        QByteArray err;
        for (int i = 0; i < 50 && !err.contains("port 3 is in use"); ++i) {
            QTest::qWait(100);
            err = sw.stderrText();
        }
        QVERIFY2(err.contains("port 3 is in use"), err.constData());
        late.close();

        // a10 broadcasts: b10 gets it untagged, the trunk tagged 10, c20 and `any` nothing.
        a10.send(broadcastFrom(3, 'a'));
        QList<QByteArray> got = fromMac(b10.receive(1, 3000), 0, 3);
        QCOMPARE(got.size(), 1);
        QCOMPARE(vlanOf(got[0]), -1);
        got = fromMac(trunk.receive(1, 3000), 0, 3);
        QCOMPARE(got.size(), 1);
        QCOMPARE(vlanOf(got[0]), 10);
        QCOMPARE(got[0].mid(18, 46), QByteArray(46, 'a'));

        // c20 broadcasts: only the trunk gets it, tagged 20.
        c20.send(broadcastFrom(5, 'c'));
        QList<QByteArray> t = trunk.receive(2, 3000);
        got = fromMac(t, 0, 5);
        QCOMPARE(got.size(), 1);
        QCOMPARE(vlanOf(got[0]), 20);

        // b10 broadcasts: a10 gets it, c20 does not.
        b10.send(broadcastFrom(4, 'b'));
        QCOMPARE(fromMac(a10.receive(1, 3000), 0, 4).size(), 1);

        // The trunk sends a frame tagged 20: c20 gets it untagged, VLAN 10 ports do not.
        trunk.send(ether(mac("ff:ff:ff:ff:ff:ff"), macN(1), 0x0800, QByteArray(46, 't'), 20));
        got = fromMac(c20.receive(1, 3000), 0, 1);
        QCOMPARE(got.size(), 1);
        QCOMPARE(vlanOf(got[0]), -1);
        // `any` (VLAN 1) broadcasts: nobody else is in VLAN 1 (the trunk has no native VLAN).
        any.send(broadcastFrom(2, 'n'));

        QTest::qWait(300);  // let anything that leaked arrive
        QCOMPARE(c20.receive(0, 0).size(), 1);        // only the trunk's VLAN 20 frame
        QCOMPARE(fromMac(a10.receive(0, 0), 0, 1).size(), 0);
        QCOMPARE(fromMac(b10.receive(0, 0), 0, 1).size(), 0);
        QCOMPARE(a10.receive(0, 0).size(), 1);        // b10's broadcast only
        QCOMPARE(b10.receive(0, 0).size(), 1);        // a10's broadcast only
        QCOMPARE(trunk.receive(0, 0).size(), 3);      // a10, c20, b10 (tagged 10, 20, 10)
        QCOMPARE(vlanOf(fromMac(trunk.receive(0, 0), 0, 4).value(0)), 10);
        QCOMPARE(any.receive(0, 0).size(), 0);

        const QMap<int, QJsonObject> c = sw.counters();
        QCOMPARE(c.size(), 5);
        QCOMPARE(c[2][QStringLiteral("rx_frames")].toInteger(), 1);
        QCOMPARE(c[2][QStringLiteral("tx_frames")].toInteger(), 0);
        QCOMPARE(sw.stop(), 130);
    }

    void badVlanSettingsAreRefused()
    {
        ScopedNetns ns(QStringLiteral("swvlanbad"));
        QVERIFY2(ns.ok(), qPrintable(ns.error()));
        NobodyDir dir;
        const QString sock = dir.file(QStringLiteral("sw"));
        for (const auto &[arg, text] : QList<QPair<QString, QString>>{
                 {QStringLiteral("3=access:4095"), QStringLiteral("failed to parse VLAN setting 'access:4095': '4095' is not a VLAN number")},
                 {QStringLiteral("3=trunk:"), QStringLiteral("failed to parse VLAN setting 'trunk:'")},
                 {QStringLiteral("0=access:5"), QStringLiteral("failed to parse option '0=access:5'")},
                 {QStringLiteral("3=general:5"), QStringLiteral("expected access:VLAN or trunk:VLAN")}}) {
            SwitchProcess sw(ns, {QStringLiteral("--sock"), sock, QStringLiteral("--vlan"), arg});
            QVERIFY2(!sw.ok(), qPrintable(arg));
            const QString err = sw.error() + QString::fromUtf8(sw.stderrText());
            QVERIFY2(err.contains(text), qPrintable(arg + QStringLiteral(": ") + err));
        }
    }
};

QTEST_GUILESS_MAIN(TestSwitchVlanNetns)
#include "test_switch_vlan_netns.moc"
