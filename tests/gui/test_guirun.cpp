// SPDX-License-Identifier: GPL-3.0-or-later
// The GUI running the demo as a user would (issue #6 acceptance): the window opens
// examples/demo.json, Run > Start brings up the real helper's host side, the netloom switch
// and two QEMU guests (TCG) inside a test namespace; the Leases dock fills with both guests'
// leases (in the same event-loop turn as the runtime's event), the Traffic charts get
// non-zero data, nodes turn green and cables carry a rate; the leases can be filtered,
// copied and pinned as a reservation (undoable); a 50 ms impairment on alpha's cable takes
// effect at once while running and undo takes it back (issue #13); a guest is stopped from
// its node; Stop takes everything down.
//
// The test process itself enters the namespace (setns on the main thread before anything
// is started: the switch threads and QEMU children inherit it), so the taps the runtime
// opens by name are the ones the helper made; it goes back to its own namespace at the end.
#include "common/netns.h"
#include "common/testutil.h"
#include "helper/helperfixture.h"
#include "runtime/runtimefixture.h"

#include "editcommands.h"
#include "helperprobe.h"
#include "helperstatuswidget.h"
#include "leasespanel.h"
#include "mainwindow.h"
#include "runcontroller.h"
#include "topologydocument.h"
#include "topologyscene.h"
#include "trafficpanel.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QLineEdit>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

#include <qcustomplot.h>

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

using namespace netloom;
using namespace netloom::gui;

namespace {

// Enters network namespace `name` for the calling thread; leaves it on destruction.
class NetnsEntered {
public:
    explicit NetnsEntered(const QString &name)
    {
        m_self = ::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        const int fd = ::open(qPrintable(QStringLiteral("/run/netns/") + name), O_RDONLY | O_CLOEXEC);
        m_ok = m_self >= 0 && fd >= 0 && ::setns(fd, CLONE_NEWNET) == 0;
        if (fd >= 0)
            ::close(fd);
    }
    ~NetnsEntered()
    {
        if (m_ok)
            ::setns(m_self, CLONE_NEWNET);
        if (m_self >= 0)
            ::close(m_self);
    }
    bool ok() const { return m_ok; }

private:
    int m_self = -1;
    bool m_ok = false;
};

QAction *action(QWidget &w, const char *name)
{
    return w.findChild<QAction *>(QLatin1String(name));
}

int leaseRowFor(const LeaseListModel *m, const QString &guest)
{
    for (int r = 0; r < m->rowCount(); ++r)
        if (m->row(r)->entry.guest == guest && m->row(r)->entry.ip.value && m->row(r)->entry.state == leases::LeaseState::Bound)
            return r;
    return -1;
}

double maxValue(QCustomPlot *plot)
{
    double best = 0;
    for (int g = 0; g < plot->graphCount(); ++g)
        for (auto it = plot->graph(g)->data()->constBegin(); it != plot->graph(g)->data()->constEnd(); ++it)
            best = std::max(best, it->value);
    return best;
}

}  // namespace

class TestGuiRun : public QObject {
    Q_OBJECT
private slots:
    void demoStartsLeasesChartsAndStops();
};

void TestGuiRun::demoStartsLeasesChartsAndStops()
{
    const QString guestDir = runtime::test::requireDemoGuest();
    netloom::test::ScopedNetns ns(QStringLiteral("guirun"));
    QVERIFY2(ns.ok(), qPrintable(ns.error()));
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QDir(dir.path()).mkdir(QStringLiteral("helper"));
    QDir(dir.path()).mkdir(QStringLiteral("xdg"));
    qputenv("XDG_RUNTIME_DIR", dir.filePath(QStringLiteral("xdg")).toLocal8Bit());
    helper::test::HelperProcess helper(ns, dir.filePath(QStringLiteral("helper")));
    QVERIFY2(helper.start(), qPrintable(helper.log()));
    const QString file = runtime::test::writeTopology(dir.path(), QStringLiteral("demo"),
                                                      runtime::test::demoTopology(guestDir));
    NetnsEntered inside(ns.name());
    QVERIFY(inside.ok());

    MainWindow w;
    w.setAsker([](const QString &, const QString &, QMessageBox::StandardButtons) { return QMessageBox::Discard; });
    w.resize(1400, 900);
    w.show();
    QVERIFY(w.openFile(file, true));
    w.helperStatus()->probe()->setSocketPath(helper.socketPath());
    w.runController()->setForceTcg(true);
    action(w, "actionStart")->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(w.runController()->runtime() != nullptr, 5000);
    runtime::Runtime *rt = w.runController()->runtime();

    // The panel follows each lease event in the same event-loop turn (well within a second).
    LeaseListModel *leases = w.leasesPanel()->model();
    int events = 0, late = 0;
    connect(rt, &runtime::Runtime::leasesChanged, this, [&](const QString &, const leases::LeaseTable &table) {
        ++events;
        for (const leases::LeaseEntry &e : table.entries) {
            bool shown = false;
            for (int r = 0; r < leases->rowCount(); ++r)
                shown = shown || leases->row(r)->entry == e;
            late += shown ? 0 : 1;
        }
    });

    QTRY_VERIFY2_WITH_TIMEOUT(leaseRowFor(leases, QStringLiteral("alpha")) >= 0 && leaseRowFor(leases, QStringLiteral("beta")) >= 0,
                              qPrintable(w.logText() + helper.log()), 90000);
    QVERIFY(events > 0);
    QCOMPARE(late, 0);
    const LeaseListModel::Row alpha = *leases->row(leaseRowFor(leases, QStringLiteral("alpha")));
    QVERIFY2(alpha.entry.ip.toString().startsWith(QStringLiteral("10.0.2.1")), qPrintable(alpha.entry.ip.toString()));
    QCOMPARE(alpha.entry.hostname, QStringLiteral("alpha"));
    QCOMPARE(alpha.network, QStringLiteral("lan"));
    const QString expires = leases->data(leases->index(leaseRowFor(leases, QStringLiteral("alpha")), LeaseListModel::ExpiresIn)).toString();
    QVERIFY2(expires.contains(u'm') || expires.contains(u'h'), qPrintable(expires));

    // Nodes and cables show the run; the charts and the cable badge get real traffic.
    QCOMPARE(w.scene()->nodeItem(QStringLiteral("alpha"))->runColour(), RunColour::Running);
    QCOMPARE(w.scene()->nodeItem(QStringLiteral("lan"))->runColour(), RunColour::Running);
    QCOMPARE(w.scene()->nodeItem(QStringLiteral("gw"))->runColour(), RunColour::Running);
    QVERIFY(w.logText().contains(QStringLiteral("[alpha] ")));
    TrafficPanel *traffic = w.trafficPanel();
    QTRY_VERIFY_WITH_TIMEOUT(maxValue(traffic->bitsPlot()) > 0 && maxValue(traffic->packetsPlot()) > 0, 15000);
    QVERIFY(traffic->chosenPorts().size() >= 3);  // two guests and the gateway's tap
    QTRY_VERIFY_WITH_TIMEOUT(w.scene()->linkItem(QStringLiteral("alpha-lan"))->bitsPerSec() >= 0, 5000);
    QCOMPARE(w.scene()->linkItem(QStringLiteral("alpha-lan"))->runColour(), RunColour::Running);

    // Capture of alpha's port from the traffic panel (what its context menu does after the
    // file dialog): the entry is marked, frames land in the pcap, stop unmarks it.
    QString alphaKey;
    for (const runtime::PortRateRow &r : rt->portRates())
        if (r.owner == QLatin1String("alpha/net0"))
            alphaKey = QStringLiteral("%1:%2").arg(r.network).arg(r.port);
    QVERIFY(traffic->ports().contains(alphaKey));
    const QString pcap = dir.filePath(QStringLiteral("alpha.pcap"));
    const Status badFile = traffic->setCapture(alphaKey, dir.filePath(QStringLiteral("no/such/dir/a.pcap")));
    QVERIFY(!badFile);
    QVERIFY2(badFile.error().message.contains(QStringLiteral("no/such/dir")), qPrintable(badFile.error().message));
    QVERIFY(traffic->captureFile(alphaKey).isEmpty());
    QVERIFY(!traffic->setCapture(QStringLiteral("nosuch:9"), pcap));
    const Status on = traffic->setCapture(alphaKey, pcap);
    QVERIFY2(on, qPrintable(on ? QString() : on.error().message));
    QCOMPARE(traffic->captureFile(alphaKey), pcap);
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(pcap).size() > 24 + 16 + 60, 15000);  // the guests ping every second
    QVERIFY(w.logText().contains(QStringLiteral("capturing port")));
    QVERIFY(traffic->setCapture(alphaKey, QString()));
    QVERIFY(traffic->captureFile(alphaKey).isEmpty());

    // Network emulation while running (issue #13): 50 ms each way on alpha's cable, pushed on
    // the undo stack as the cable's Impairment section does, takes effect at once (the RTT
    // from the gateway's side rises by ~100 ms from the first ping); undo takes it back.
    // Average RTT of 3 pings from the namespace to ip, -1 unless all 3 were answered.
    auto rttTo = [&ns](const QString &ip) {
        const netloom::test::PingStats p = netloom::test::ping(ns, ip, 3);
        return p.received == 3 ? p.avgMs : -1.0;
    };
    const QString alphaIp = alpha.entry.ip.toString();
    const double rttBefore = rttTo(alphaIp);
    QVERIFY2(rttBefore >= 0, "alpha does not answer pings");
    const model::LinkEmulation plain = w.document()->topology().link(QStringLiteral("alpha-lan"))->emulation;
    model::LinkEmulation slow = plain;
    slow.ab.delayUs = slow.ba.delayUs = 50000;
    w.undoStack()->push(new SetLinkEmulationCommand(w.document(), QStringLiteral("alpha-lan"), plain, slow));
    const double rttSlow = rttTo(alphaIp);
    QVERIFY2(rttSlow >= 98 && rttSlow <= rttBefore + 140, qPrintable(QStringLiteral("%1 -> %2 ms\n%3").arg(rttBefore).arg(rttSlow).arg(w.logText())));
    QVERIFY2(w.scene()->linkItem(QStringLiteral("alpha-lan"))->badgeText().contains(QStringLiteral("50 ms")),
             qPrintable(w.scene()->linkItem(QStringLiteral("alpha-lan"))->badgeText()));
    w.undoStack()->undo();
    const double rttBack = rttTo(alphaIp);
    QVERIFY2(rttBack >= 0 && rttBack < rttBefore + 40, qPrintable(QStringLiteral("%1 ms after undo").arg(rttBack)));

    // Filter, copy, pin as reservation (one undo step), undo.
    QTest::keyClicks(w.leasesPanel()->filterEdit(), QStringLiteral("beta"));
    QCOMPARE(w.leasesPanel()->proxy()->rowCount(), 1);
    w.leasesPanel()->filterEdit()->clear();
    QVERIFY(w.leasesPanel()->proxy()->rowCount() >= 2);
    const int row = leaseRowFor(leases, QStringLiteral("alpha"));
    w.leasesPanel()->copyIp(row);
    QCOMPARE(QApplication::clipboard()->text(), alpha.entry.ip.toString());
    w.leasesPanel()->copySsh(row);  // the demo's guests have cloud-init user demo (examples/demo.json)
    QCOMPARE(QApplication::clipboard()->text(),
             QStringLiteral("ssh -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=%1/netloom/demo/known_hosts demo@%2")
                 .arg(dir.filePath(QStringLiteral("xdg")), alpha.entry.ip.toString()));
    const int undoBefore = w.undoStack()->index();
    QVERIFY(w.leasesPanel()->pinAsReservation(row));
    QCOMPARE(w.undoStack()->index(), undoBefore + 1);
    const auto &res = w.document()->topology().node(QStringLiteral("gw"))->hostPort.dhcp.reservations;
    QCOMPARE(res.size(), 1);
    QCOMPARE(res.first().mac, QStringLiteral("52:54:00:6e:6c:01"));
    QCOMPARE(res.first().ip, alpha.entry.ip.toString());
    QCOMPARE(res.first().hostname, QStringLiteral("alpha"));
    QVERIFY(!w.leasesPanel()->pinAsReservation(row));  // already pinned: refused, said why
    QVERIFY(w.logText().contains(QStringLiteral("already has a reservation")));
    w.undoStack()->undo();
    QVERIFY(w.document()->topology().node(QStringLiteral("gw"))->hostPort.dhcp.reservations.isEmpty());

    // One guest from its node, then the whole run.
    QVERIFY(w.stopNode(QStringLiteral("beta")));
    QTRY_COMPARE_WITH_TIMEOUT(w.scene()->nodeItem(QStringLiteral("beta"))->runColour(), RunColour::Stopped, 30000);
    QCOMPARE(w.scene()->nodeItem(QStringLiteral("alpha"))->runColour(), RunColour::Running);
    QVERIFY(!w.stopNode(QStringLiteral("gw")));  // a host port is not started or stopped alone
    QVERIFY(w.logText().contains(QStringLiteral("failed to stop 'gw'")));
    QSignalSpy stopped(w.runController(), &RunController::stopped);
    action(w, "actionStop")->trigger();
    QTRY_VERIFY2_WITH_TIMEOUT(stopped.size() == 1, qPrintable(w.logText()), 40000);
    QCOMPARE(rt->state(), runtime::RunState::Stopped);
    QCOMPARE(w.scene()->nodeItem(QStringLiteral("alpha"))->runColour(), RunColour::Stopped);
    // Left in the namespace: the helper and this test process (it entered), nothing else.
    // Exited children not reaped yet (state Z) and processes gone since the listing (no
    // stat) do not count.
    QStringList left;
    QTest::qWait(200);
    for (int pid : ns.pids()) {
        const QString stat = QString::fromUtf8(netloom::test::readFile(QStringLiteral("/proc/%1/stat").arg(pid)));
        if (!stat.isEmpty() && pid != int(::getpid()) && pid != int(helper.pid()) && !stat.section(u')', 1).trimmed().startsWith(u'Z'))
            left << stat.left(120);
    }
    QVERIFY2(left.isEmpty(), qPrintable(left.join(u'\n')));
    QVERIFY(ns.exec({QStringLiteral("ip"), QStringLiteral("-o"), QStringLiteral("link")}).out.count('\n') == 1);  // lo only
}

QTEST_MAIN(TestGuiRun)
#include "test_guirun.moc"
