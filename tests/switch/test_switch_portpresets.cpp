// SPDX-License-Identifier: GPL-3.0-or-later
// Port presets (vde_switch's `port/setvlan` before a client plugs in): the VLAN-setting
// syntax of `netloomctl switch --vlan`, the port-number rule (a requested number or a refusal;
// no request = the lowest free number without a preset), the preset table's bounds, and the
// engine in-process: local ports skip preset numbers, and a preset on a held port changes
// its VLAN at once.
#include "framebuilder.h"
#include "testpeers.h"
#include "switch/dgramtransport.h"
#include "switch/portpresets.h"
#include "switch/switchengine.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QThread>
#include <QtTest>

#include <fcntl.h>
#include <set>
#include <sys/socket.h>
#include <unistd.h>

using namespace netloom;
using namespace netloom::sw;
using namespace netloom::sw::test;
using namespace netloom::test;

namespace {

QByteArray macN(int n) { return mac("52:54:00:00:20:00").left(5) + char(n); }

}  // namespace

class TestSwitchPortPresets : public QObject {
    Q_OBJECT
private slots:
    void parsesVlanSettings()
    {
        auto a = parseVlanSetting(QStringLiteral("access:10"));
        QVERIFY(a);
        QCOMPARE(a->mode, VlanPortConfig::Mode::Access);
        QCOMPARE(a->accessVlan, 10);
        QCOMPARE(vlanSettingText(*a), QStringLiteral("access:10"));

        auto t = parseVlanSetting(QStringLiteral("trunk:20,10"));
        QVERIFY(t);
        QCOMPARE(t->mode, VlanPortConfig::Mode::Trunk);
        QVERIFY(t->carries(10) && t->carries(20) && !t->carries(1));
        QCOMPARE(t->nativeVlan, 0);
        QCOMPARE(vlanSettingText(*t), QStringLiteral("trunk:10,20"));

        auto n = parseVlanSetting(QStringLiteral("trunk:10,4094:1"));
        QVERIFY(n);
        QCOMPARE(n->nativeVlan, 1);
        QVERIFY(n->carries(1) && !n->tagsOnEgress(1) && n->tagsOnEgress(4094));
        QCOMPARE(vlanSettingText(*n), QStringLiteral("trunk:10,4094:1"));

        const QList<QPair<QString, QString>> bad{
            {QStringLiteral(""), QStringLiteral("expected access:VLAN or trunk")},
            {QStringLiteral("access"), QStringLiteral("expected access:VLAN")},
            {QStringLiteral("access:0"), QStringLiteral("'0' is not a VLAN number (1..4094)")},
            {QStringLiteral("access:4095"), QStringLiteral("'4095' is not a VLAN number")},
            {QStringLiteral("access:+5"), QStringLiteral("'+5' is not a VLAN number")},
            {QStringLiteral("access:10:2"), QStringLiteral("expected access:VLAN")},
            {QStringLiteral("trunk:"), QStringLiteral("expected trunk:VLAN")},
            {QStringLiteral("trunk:10,"), QStringLiteral("'' is not a VLAN number")},
            {QStringLiteral("trunk:10:0"), QStringLiteral("'0' is not a VLAN number")},
            {QStringLiteral("trunk:10:2:3"), QStringLiteral("expected trunk:VLAN")},
            {QStringLiteral("Access:10"), QStringLiteral("expected access:VLAN or trunk")},
            {QStringLiteral("trunk:") + QStringLiteral("1,").repeated(10000) + QStringLiteral("1"), QStringLiteral("too long")},
        };
        for (const auto &[text, reason] : bad) {
            auto r = parseVlanSetting(text);
            QVERIFY2(!r, qPrintable(text));
            QVERIFY2(r.error().message.startsWith(QStringLiteral("failed to parse VLAN setting '")), qPrintable(r.error().message));
            QVERIFY2(r.error().message.contains(reason), qPrintable(r.error().message));
            QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
        }
    }

    void choosesPortNumbers()
    {
        std::set<PortId> used{1, 3}, preset{2, 3, 5};
        auto isUsed = [&](PortId id) { return used.count(id) != 0; };
        auto isPreset = [&](PortId id) { return preset.count(id) != 0; };
        // A requested number: itself when free (preset or not), refused when held or too big.
        QCOMPARE(choosePortId(2, 8, isUsed, isPreset), PortId(2));
        QCOMPARE(choosePortId(4, 8, isUsed, isPreset), PortId(4));
        QCOMPARE(choosePortId(3, 8, isUsed, isPreset), kNoPort);
        QCOMPARE(choosePortId(9, 8, isUsed, isPreset), kNoPort);
        // No request: the lowest number neither used nor preset.
        QCOMPARE(choosePortId(0, 8, isUsed, isPreset), PortId(4));
        used.insert(4);
        QCOMPARE(choosePortId(0, 8, isUsed, isPreset), PortId(6));
        // Only preset numbers left: no number (a preset port is never given away).
        used.insert({6, 7, 8});
        QCOMPARE(choosePortId(0, 8, isUsed, isPreset), kNoPort);
        QCOMPARE(choosePortId(5, 8, isUsed, isPreset), PortId(5));
    }

    void presetTableBounds()
    {
        PortPresets p(16);
        QVERIFY(p.set(16, {VlanPortConfig::access(10), QStringLiteral("vm/net0")}));
        QVERIFY(p.contains(16));
        QCOMPARE(p.find(16)->vlan.accessVlan, 10);
        QCOMPARE(p.find(16)->name, QStringLiteral("vm/net0"));
        QVERIFY(p.set(16, {VlanPortConfig::access(20), {}}));  // replaces
        QCOMPARE(p.find(16)->vlan.accessVlan, 20);
        QCOMPARE(p.size(), std::size_t(1));

        Status s = p.set(17, {});
        QVERIFY(!s);
        QCOMPARE(s.error().message, QStringLiteral("failed to preset port 'port 17': the switch has ports 1..16"));
        QVERIFY(!p.set(0, {}));
        s = p.set(2, {VlanPortConfig::access(0), {}});
        QVERIFY(!s);
        QVERIFY2(s.error().message.contains(QStringLiteral("access VLAN 0 is outside 1..4094")), qPrintable(s.error().message));
        s = p.set(2, {VlanPortConfig::trunk({}), {}});
        QVERIFY(!s);
        QVERIFY2(s.error().message.contains(QStringLiteral("carries no VLAN")), qPrintable(s.error().message));
        QVERIFY(!p.set(2, {VlanPortConfig::trunk({10}, 4095), {}}));
        QVERIFY(p.set(2, {VlanPortConfig::trunk({}, 7), {}}));  // native only
        QVERIFY(p.find(99) == nullptr);
        QVERIFY(p.clear(2));
        QVERIFY(!p.clear(2));
    }

    void engineKeepsPresetNumbersAndChangesHeldPorts()
    {
        SwitchConfig cfg;
        cfg.maxPorts = 8;
        SwitchEngine engine(cfg);
        // Ports 1 and 2 are preset: local ports get 3 and 4.
        QVERIFY(engine.presetPort(1, {VlanPortConfig::access(10), QStringLiteral("vm1/net0")}));
        QVERIFY(engine.presetPort(2, {VlanPortConfig::access(20), {}}));
        QVERIFY(!engine.presetPort(9, {}));
        Peer a = dgramPeer(QStringLiteral("a")), b = dgramPeer(QStringLiteral("b"));
        QVERIFY(a.fd >= 0 && b.fd >= 0);
        auto pa = engine.addPort(std::move(a.transport), {VlanPortConfig::access(10), {}});
        auto pb = engine.addPort(std::move(b.transport), {VlanPortConfig::access(20), {}});
        QVERIFY(pa && pb);
        QCOMPARE(*pa, PortId(3));
        QCOMPARE(*pb, PortId(4));
        QSignalSpy added(&engine, &SwitchEngine::portAdded);
        QVERIFY(engine.start());
        QTRY_COMPARE(added.count(), 2);

        // VLANs 10 and 20: a's broadcast does not reach b.
        const QByteArray bc = ether(mac("ff:ff:ff:ff:ff:ff"), macN(3), 0x0800, QByteArray(46, 'x'));
        (void)!::send(a.fd, bc.constData(), std::size_t(bc.size()), 0);
        QCOMPARE(readDgrams(b.fd, 1, 300).size(), 0);
        // Presetting a held port (4) applies now: b joins VLAN 10 and gets a's broadcast.
        QVERIFY(engine.presetPort(4, {VlanPortConfig::access(10), QStringLiteral("moved")}));
        QTest::qWait(50);
        (void)!::send(a.fd, bc.constData(), std::size_t(bc.size()), 0);
        const QList<QByteArray> got = readDgrams(b.fd, 1, 2000);
        QCOMPARE(got.size(), 1);
        QCOMPARE(got[0].left(bc.size()), bc);
        bool named = false;
        for (const PortInfo &i : engine.ports())
            named = named || (i.id == 4 && i.name == QStringLiteral("moved"));
        QVERIFY(named);
        // With 1 and 2 cleared, the next local port takes 1.
        engine.clearPortPreset(1);
        Peer c = dgramPeer(QStringLiteral("c"));
        auto pc = engine.addPort(std::move(c.transport));
        QVERIFY(pc);
        QCOMPARE(*pc, PortId(1));
        engine.stop();
        ::close(a.fd);
        ::close(b.fd);
        ::close(c.fd);
    }
};

QTEST_GUILESS_MAIN(TestSwitchPortPresets)
#include "test_switch_portpresets.moc"
