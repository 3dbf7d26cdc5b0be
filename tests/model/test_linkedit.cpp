// SPDX-License-Identifier: GPL-3.0-or-later
// `netloomctl link` on the model: ACTION/DIR parsing, link references (id, guest, GUEST/NIC,
// ambiguous, unknown) and which direction "to-guest"/"from-guest" picks.
#include "model/linkedit.h"

#include "../plan/fixtures.h"

#include <QTest>

using namespace netloom;
using namespace netloom::model;
using namespace netloom::test;

class TestLinkEdit : public QObject {
    Q_OBJECT
private slots:
    void parsesActions()
    {
        QCOMPARE(parseLinkChange(QStringLiteral("up"), {})->action, LinkChange::Action::Up);
        QCOMPARE(parseLinkChange(QStringLiteral("down"), {})->action, LinkChange::Action::Down);
        auto none = parseLinkChange(QStringLiteral("none"), {});
        QVERIFY(none && none->action == LinkChange::Action::Impair && none->impairment.isNone());
        auto spec = parseLinkChange(QStringLiteral("delay=50ms"), QStringLiteral("to-guest"));
        QVERIFY(spec);
        QCOMPARE(spec->impairment.delayUs, 50000u);
        QCOMPARE(spec->direction, LinkChange::Direction::ToGuest);
        auto bad = parseLinkChange(QStringLiteral("delay=-1ms"), {});
        QVERIFY(!bad);
        QVERIFY2(bad.error().message.contains(QStringLiteral("'delay'")), qPrintable(bad.error().message));
        QVERIFY(!parseLinkChange(QStringLiteral("rate=0"), {}));
        QVERIFY(!parseLinkChange(QStringLiteral("up"), QStringLiteral("ab")));
        QVERIFY(!parseLinkChange(QStringLiteral("delay=5ms"), QStringLiteral("sideways")));
    }

    void resolvesReferences()
    {
        Topology t = natLan();
        QCOMPARE(*resolveLinkRef(t, QStringLiteral("l1")), QStringLiteral("l1"));
        QCOMPARE(*resolveLinkRef(t, QStringLiteral("vm1")), QStringLiteral("l2"));
        QCOMPARE(*resolveLinkRef(t, QStringLiteral("vm1/net0")), QStringLiteral("l2"));
        auto missing = resolveLinkRef(t, QStringLiteral("nosuch"));
        QVERIFY(!missing);
        QCOMPARE(missing.error().code, ErrorCode::NotFound);
        QVERIFY(!resolveLinkRef(t, QStringLiteral("vm1/net9")));
        // Two linked NICs: the guest alone is ambiguous.
        t.nodes[2].guest.nics.append(nic(QStringLiteral("net1"), QStringLiteral("52:54:00:00:0a:02")));
        t.links.append(link(QStringLiteral("l3"), QStringLiteral("lan"), QStringLiteral("vm1"), QStringLiteral("net1")));
        auto ambiguous = resolveLinkRef(t, QStringLiteral("vm1"));
        QVERIFY(!ambiguous);
        QVERIFY2(ambiguous.error().message.contains(QStringLiteral("net0, net1")), qPrintable(ambiguous.error().message));
        QCOMPARE(*resolveLinkRef(t, QStringLiteral("vm1/net1")), QStringLiteral("l3"));
    }

    void appliesByDirection()
    {
        const Topology t = natLan();  // l2: a = switch lan, b = guest vm1
        auto change = parseLinkChange(QStringLiteral("delay=20ms"), QStringLiteral("to-guest"));
        auto next = applyLinkChange(t, QStringLiteral("vm1"), *change);
        QVERIFY(next);
        QCOMPARE(next->link(QStringLiteral("l2"))->emulation.ab.delayUs, 20000u);  // lan -> vm1
        QVERIFY(next->link(QStringLiteral("l2"))->emulation.ba.isNone());
        change = parseLinkChange(QStringLiteral("loss=5%"), QStringLiteral("from-guest"));
        next = applyLinkChange(*next, QStringLiteral("vm1"), *change);
        QCOMPARE(next->link(QStringLiteral("l2"))->emulation.ba.lossPercent, 5.0);
        QCOMPARE(next->link(QStringLiteral("l2"))->emulation.ab.delayUs, 20000u);  // kept
        next = applyLinkChange(*next, QStringLiteral("l2"), *parseLinkChange(QStringLiteral("down"), {}));
        QVERIFY(!next->link(QStringLiteral("l2"))->emulation.up);
        next = applyLinkChange(*next, QStringLiteral("l2"), *parseLinkChange(QStringLiteral("none"), {}));
        QVERIFY(next->link(QStringLiteral("l2"))->emulation.ab.isNone() && next->link(QStringLiteral("l2"))->emulation.ba.isNone());
        QVERIFY(!next->link(QStringLiteral("l2"))->emulation.up);  // impairment and state are separate
        // No guest end: to-guest is refused.
        auto refused = applyLinkChange(t, QStringLiteral("l1"), *parseLinkChange(QStringLiteral("delay=1ms"), QStringLiteral("to-guest")));
        QVERIFY(!refused);
        QVERIFY2(refused.error().message.contains(QStringLiteral("no end is a guest")), qPrintable(refused.error().message));
        QCOMPARE(t.link(QStringLiteral("l2"))->emulation, LinkEmulation{});  // the input is untouched
    }
};

QTEST_GUILESS_MAIN(TestLinkEdit)
#include "test_linkedit.moc"
