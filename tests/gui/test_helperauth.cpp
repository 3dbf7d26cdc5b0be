// SPDX-License-Identifier: GPL-3.0-or-later
// The helper status's authorization answer against a real polkitd on a private system
// bus (tests/helper's PolkitHarness, loaded with Netloom's own policy file): root is
// authorized for org.netloom.manage; with polkitd gone the answer is "unknown", never a
// guess. Runs in its own process because Qt caches the system bus connection.
#include "common/testutil.h"
#include "helperprobe.h"
#include "polkitharness.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using namespace netloom;
using namespace netloom::gui;

class TestHelperAuth : public QObject {
    Q_OBJECT
private slots:
    void rootIsAuthorizedThenUnknownWithoutPolkit();
};

void TestHelperAuth::rootIsAuthorizedThenUnknownWithoutPolkit()
{
    test::requireRoot();
    test::requireTool(QStringLiteral("dbus-daemon"));
    if (!QFileInfo::exists(QStringLiteral("/usr/lib/polkit-1/polkitd")))
        test::skipTest(QStringLiteral("polkitd is not installed (/usr/lib/polkit-1/polkitd)"));
    helper::test::PolkitHarness harness;
    const QString err = harness.start(test::sourcePath(QStringLiteral("resources/org.netloom.policy")), QString());
    QVERIFY2(err.isEmpty(), qPrintable(err));
    qputenv("DBUS_SYSTEM_BUS_ADDRESS", harness.busAddress().toUtf8());

    QTemporaryDir dir;
    HelperProbe probe;
    probe.setSocketPath(dir.filePath(QStringLiteral("none.sock")));
    QSignalSpy done(&probe, &HelperProbe::finished);
    probe.probe();
    QVERIFY(done.wait(10000));
    QCOMPARE(probe.status().reach, HelperStatus::Reach::NotRunning);
    QVERIFY2(probe.status().auth == HelperStatus::Auth::Yes, qPrintable(harness.polkitLog()));

    harness.stopPolkitd();
    probe.probe();
    QVERIFY(done.wait(10000));
    QCOMPARE(probe.status().auth, HelperStatus::Auth::Unknown);
}

QTEST_MAIN(TestHelperAuth)
#include "test_helperauth.moc"
