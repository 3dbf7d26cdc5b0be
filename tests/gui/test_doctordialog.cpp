// SPDX-License-Identifier: GPL-3.0-or-later
// The Network Doctor dialog (offscreen) over a fake facts source: the checklist shows the
// findings (blocking unchecked with evidence and fix, ok checked), Repair is offered only
// for repairable findings, sends exactly the core's repairs, and the dialog checks again.
#include "doctordialog.h"

#include "doctor/factssource.h"

#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTimer>
#include <QTreeWidget>
#include <QtTest>

using namespace netloom;
using namespace netloom::protocol;

namespace {

// Answers from the event loop (like the helper), with whatever facts the test sets.
class FakeFactsSource : public doctor::FactsSource {
public:
    DiagnoseFacts facts;
    DiagnoseFacts afterRepair;
    int diagnoses = 0;
    QString repairedNetwork;
    QList<FilterAcceptSpec> repairs;
    bool forwarding = false;
    void diagnose(const DiagnoseRequest &, FactsCallback done) override
    {
        ++diagnoses;
        const DiagnoseFacts f = facts;
        QTimer::singleShot(0, this, [done, f] { done(f); });
    }
    void repair(const QString &network, const QList<FilterAcceptSpec> &r, bool fwd, StatusCallback done) override
    {
        repairedNetwork = network;
        repairs = r;
        forwarding = fwd;
        facts = afterRepair;
        QTimer::singleShot(0, this, [done] { done(ok()); });
    }
};

DiagnoseFacts facts(int forward, bool dockerDrop)
{
    DiagnoseFacts f;
    f.ipv4Forward = forward;
    f.links = {LinkFacts{QStringLiteral("loomgw0"), true, true, {QStringLiteral("10.0.2.1/24")}, 0, {}},
               LinkFacts{QStringLiteral("eth0"), true, true, {}, 0, {}}};
    f.matches = {PatternMatch{QStringLiteral("eth+"), {QStringLiteral("eth0")}}};
    f.defaultRoutes = {RouteFacts{QStringLiteral("eth0"), QStringLiteral("192.168.1.1")}};
    f.rpFilterAll = 0;
    f.nftRan = true;
    f.nftJson = dockerDrop ? QStringLiteral(
                                 R"({"nftables":[{"table":{"family":"ip","name":"filter"}},)"
                                 R"({"chain":{"family":"ip","table":"filter","name":"FORWARD","hook":"forward","type":"filter","prio":0,"policy":"drop"}},)"
                                 R"({"chain":{"family":"ip","table":"filter","name":"DOCKER-USER"}},)"
                                 R"({"rule":{"family":"ip","table":"filter","chain":"FORWARD","expr":[{"jump":{"target":"DOCKER-USER"}}]}}]})")
                           : QStringLiteral(R"({"nftables":[]})");
    f.nameservers = {QStringLiteral("192.168.1.1")};
    return f;
}

QTreeWidgetItem *itemFor(QTreeWidget *list, const QString &id)
{
    for (int i = 0; i < list->topLevelItemCount(); ++i)
        if (list->topLevelItem(i)->data(0, Qt::UserRole).toString() == id)
            return list->topLevelItem(i);
    return nullptr;
}

}  // namespace

class TestDoctorDialog : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void checklistRepairAndCheckAgain()
    {
        FakeFactsSource source;
        source.facts = facts(0, true);
        source.afterRepair = facts(1, false);
        DiagnoseRequest req;
        req.gateways = {DiagnoseGateway{QStringLiteral("loomgw0"), QStringLiteral("10.0.2.0/24"), {QStringLiteral("eth+")}, true, false}};
        gui::DoctorDialog dlg(&source, req, QStringLiteral("demo"));
        dlg.show();
        QSignalSpy checked(&dlg, &gui::DoctorDialog::checked);
        dlg.refresh();
        QVERIFY(checked.wait(2000));
        QCOMPARE(checked.first().first().toBool(), true);

        auto *list = dlg.findChild<QTreeWidget *>(QStringLiteral("doctorFindings"));
        auto *repair = dlg.findChild<QPushButton *>(QStringLiteral("doctorRepair"));
        QVERIFY(list && repair);
        QTreeWidgetItem *fwd = itemFor(list, QStringLiteral("ip-forward"));
        QVERIFY(fwd);
        QCOMPARE(fwd->checkState(0), Qt::Unchecked);
        QCOMPARE(fwd->text(0), QStringLiteral("Blocking"));
        QVERIFY(fwd->childCount() == 2 && fwd->child(0)->text(1).contains(QLatin1String("net.ipv4.ip_forward = 0")));
        QTreeWidgetItem *docker = itemFor(list, QStringLiteral("firewall:iptables-nft:ip:filter:FORWARD"));
        QVERIFY(docker);
        QVERIFY(docker->child(1)->text(1).startsWith(QLatin1String("Fix (Repair does it)")));
        QCOMPARE(itemFor(list, QStringLiteral("uplink:loomgw0"))->checkState(0), Qt::Checked);
        QVERIFY(repair->isEnabled());

        repair->click();
        QVERIFY(checked.wait(2000));
        QCOMPARE(source.repairedNetwork, QStringLiteral("demo"));
        QVERIFY(source.forwarding);
        QCOMPARE(source.repairs.size(), 1);
        QCOMPARE(source.repairs.first().chain, QStringLiteral("DOCKER-USER"));
        QCOMPARE(source.repairs.first().ifname, QStringLiteral("loomgw0"));
        QCOMPARE(source.diagnoses, 2);
        QCOMPARE(checked.last().first().toBool(), false);
        QCOMPARE(itemFor(list, QStringLiteral("ip-forward"))->checkState(0), Qt::Checked);
        QVERIFY(!repair->isEnabled());
    }

    void failureIsShownAndNothingIsRepairable()
    {
        class Failing : public doctor::FactsSource {
        public:
            void diagnose(const DiagnoseRequest &, FactsCallback done) override
            {
                QTimer::singleShot(0, this, [done] { done(Error{ErrorCode::Io, QStringLiteral("failed to connect to '/x': gone")}); });
            }
            void repair(const QString &, const QList<FilterAcceptSpec> &, bool, StatusCallback done) override { done(ok()); }
        } source;
        gui::DoctorDialog dlg(&source, {}, QStringLiteral("demo"));
        QSignalSpy checked(&dlg, &gui::DoctorDialog::checked);
        dlg.refresh();
        QVERIFY(checked.wait(2000));
        QVERIFY(dlg.findChild<QLabel *>(QStringLiteral("doctorSummary"))->text().contains(QLatin1String("gone")));
        QVERIFY(!dlg.findChild<QPushButton *>(QStringLiteral("doctorRepair"))->isEnabled());
    }
};

QTEST_MAIN(TestDoctorDialog)
#include "test_doctordialog.moc"
