// SPDX-License-Identifier: GPL-3.0-or-later
// File > Import… (issue #15 part 5), driven as a user would on the offscreen platform: the
// rc-style corpus script pasted into the dialog is re-imported after the debounce; the report
// table (rows, kinds, tints) and counts and the preview's nodes match importScript() on the
// same text; the rc branch re-imports; Import asks about unsaved changes (Cancel keeps
// everything) and opens the result as a new, unsaved document with no file path; garbage
// gives a "not understood" report and no Import; a file over 4 MiB is refused. File > Import
// Running QEMU Guests… (part 4) reads a fake /proc: the user's qemu-system-* command lines are
// shown read-only with their pids, imported as importRunningGuests() does, and opened; a /proc
// without any gives a clear sentence and no Import; opening a file returns to the script.
#include "canvasview.h"
#include "importdialog.h"
#include "mainwindow.h"
#include "topologydocument.h"
#include "topologyscene.h"

#include "common/testutil.h"
#include "import/importer.h"

#include <QAction>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace netloom;
using namespace netloom::gui;

namespace {

QByteArray corpus()
{
    return test::readFile(test::sourcePath(QStringLiteral("tests/import/corpus/rc-vde-nat.sh")));
}

QString kindText(importer::ReportLine::Kind k)
{
    switch (k) {
    case importer::ReportLine::Kind::Mapped: return QStringLiteral("mapped");
    case importer::ReportLine::Kind::Ignored: return QStringLiteral("ignored");
    case importer::ReportLine::Kind::NotUnderstood: return QStringLiteral("not understood");
    }
    return QString();
}

int nodeItemsIn(TopologyScene *scene)
{
    int n = 0;
    for (QGraphicsItem *item : scene->items())
        if (dynamic_cast<NodeItem *>(item))
            ++n;
    return n;
}

// The table shows exactly `expected`'s report, rows tinted unless mapped.
void compareReport(ImportDialog &dlg, const importer::ImportResult &expected)
{
    QTableWidget *t = dlg.reportTable();
    QCOMPARE(t->rowCount(), int(expected.report.size()));
    for (int row = 0; row < t->rowCount(); ++row) {
        const importer::ReportLine &l = expected.report[row];
        QCOMPARE(t->item(row, ImportDialog::ColLine)->text(), l.line > 0 ? QString::number(l.line) : QStringLiteral("\u2014"));
        QCOMPARE(t->item(row, ImportDialog::ColKind)->text(), kindText(l.kind));
        QCOMPARE(t->item(row, ImportDialog::ColText)->text(), l.text);
        QCOMPARE(t->item(row, ImportDialog::ColDetail)->text(), l.detail);
        const bool tinted = t->item(row, ImportDialog::ColText)->background().style() != Qt::NoBrush;
        QCOMPARE(tinted, l.kind != importer::ReportLine::Kind::Mapped);
    }
    const QString counts = QStringLiteral("%1 mapped, %2 ignored, %3 not understood")
                               .arg(expected.mapped).arg(expected.ignored).arg(expected.notUnderstood);
    QVERIFY2(dlg.statusText().contains(counts), qPrintable(dlg.statusText()));
}

}  // namespace

class TestImportDialog : public QObject {
    Q_OBJECT
private slots:
    void pasteReportPreviewAndImport()
    {
        const QByteArray script = corpus();
        importer::ImportOptions o;  // the dialog's defaults: branch "start", name "imported"
        const Result<importer::ImportResult> expected = importer::importScript(script, o);
        QVERIFY2(expected, qPrintable(expected ? QString() : expected.error().message));
        QVERIFY(expected->usable());
        QVERIFY(expected->topology.nodes.size() >= 4);  // switch, gateway, two guests at least
        QVERIFY(expected->ignored > 0);                // -localtime, -soundhw

        MainWindow w;
        int asked = 0;
        QMessageBox::StandardButton answer = QMessageBox::Cancel;
        w.setAsker([&](auto &&...) {
            ++asked;
            return answer;
        });
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        // An edited document, so Import has to ask first.
        QVERIFY(!w.addNode(QStringLiteral("switch"), QPointF(0, 0)).isEmpty());
        QVERIFY(w.isModified());
        const int nodesBefore = int(w.document()->topology().nodes.size());

        ImportDialog *dlg = w.showImportDialog(false);
        QVERIFY(dlg);
        QVERIFY(!dlg->importButton()->isEnabled());
        QVERIFY(!dlg->hasResult());

        // Pasting: the report follows after the debounce, without any explicit call.
        dlg->editor()->setFocus();
        dlg->editor()->insertPlainText(QString::fromUtf8(script));
        QVERIFY(!dlg->hasResult());  // not before the debounce
        QTRY_VERIFY_WITH_TIMEOUT(dlg->hasResult(), 3000);
        compareReport(*dlg, *expected);
        QCOMPARE(dlg->previewDocument()->topology().nodes.size(), expected->topology.nodes.size());
        QCOMPARE(dlg->previewDocument()->topology().links.size(), expected->topology.links.size());
        QCOMPARE(nodeItemsIn(dlg->previewScene()), int(expected->topology.nodes.size()));
        for (const model::Node &n : expected->topology.nodes) {
            QVERIFY2(dlg->previewScene()->nodeItem(n.id), qPrintable(n.id));
            QCOMPARE(dlg->previewScene()->nodeItem(n.id)->pos(), n.position);
        }
        QVERIFY(dlg->importButton()->isEnabled());

        // The rc branch: "stop" builds nothing; back to "start" re-imports the graph.
        dlg->branchEdit()->setText(QStringLiteral("stop"));
        dlg->reimportNow();
        importer::ImportOptions stop;
        stop.caseValue = QStringLiteral("stop");
        const Result<importer::ImportResult> stopped = importer::importScript(script, stop);
        QVERIFY(stopped);
        QCOMPARE(dlg->result().topology.nodes.size(), stopped->topology.nodes.size());
        compareReport(*dlg, *stopped);
        QCOMPARE(dlg->importButton()->isEnabled(), stopped->usable());
        dlg->branchEdit()->setText(QStringLiteral("start"));
        QTRY_VERIFY_WITH_TIMEOUT(dlg->importButton()->isEnabled(), 3000);
        compareReport(*dlg, *expected);

        // Import, but cancel at the unsaved-changes question: nothing changes, the dialog stays.
        QTest::mouseClick(dlg->importButton(), Qt::LeftButton);
        QCOMPARE(asked, 1);
        QCOMPARE(int(w.document()->topology().nodes.size()), nodesBefore);
        QVERIFY(dlg->isVisible());

        // Import, discarding the edits: the main window holds the topology, new and unsaved.
        answer = QMessageBox::Discard;
        QPointer<ImportDialog> guard(dlg);
        QTest::mouseClick(dlg->importButton(), Qt::LeftButton);
        QCOMPARE(asked, 2);
        QTRY_VERIFY(guard.isNull() || !guard->isVisible());
        QCOMPARE(w.document()->topology().nodes.size(), expected->topology.nodes.size());
        QCOMPARE(w.document()->topology().links.size(), expected->topology.links.size());
        QCOMPARE(w.document()->topology(), expected->topology);
        QVERIFY(w.document()->filePath().isEmpty());
        QVERIFY(w.isModified());
        QVERIFY(w.isWindowModified());
        QVERIFY(w.logText().contains(QStringLiteral("Imported imported")));
        QCOMPARE(nodeItemsIn(w.scene()), int(expected->topology.nodes.size()));
    }

    void garbageIsNotUnderstood()
    {
        ImportDialog dlg;
        const QByteArray garbage("fnord --frobnicate=7 <<<\nxyzzy plugh 12\n");
        dlg.setText(QString::fromLatin1(garbage));
        dlg.reimportNow();
        const Result<importer::ImportResult> expected = importer::importScript(garbage, {});
        QVERIFY(expected);
        QVERIFY(!expected->usable());
        QVERIFY(expected->notUnderstood > 0);
        QVERIFY(dlg.hasResult());
        QVERIFY(!dlg.importButton()->isEnabled());
        compareReport(dlg, *expected);
        QVERIFY(dlg.statusText().contains(QStringLiteral("nothing usable came out")));
        bool shown = false;
        for (int row = 0; row < dlg.reportTable()->rowCount(); ++row)
            shown |= dlg.reportTable()->item(row, ImportDialog::ColKind)->text() == QLatin1String("not understood");
        QVERIFY(shown);
        QCOMPARE(nodeItemsIn(dlg.previewScene()), 0);

        // Binary input is refused as a whole by the importer: said, Import stays disabled.
        QByteArray binary(64, '\0');
        binary.prepend("vde_switch -tap tap0\n");
        dlg.setText(QString::fromLatin1(binary));
        dlg.reimportNow();
        QVERIFY(!dlg.hasResult());
        QVERIFY(!dlg.importButton()->isEnabled());
        QVERIFY2(dlg.statusText().startsWith(QStringLiteral("The input was refused")), qPrintable(dlg.statusText()));
    }

    void runningGuestsFromProc();

    void filesAreBounded()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        ImportDialog dlg;
        // A file over 4 MiB is refused with a clear message and leaves the text alone.
        const QString big = dir.filePath(QStringLiteral("big.sh"));
        {
            QFile f(big);
            QVERIFY(f.open(QIODevice::WriteOnly));
            QVERIFY(f.write(QByteArray(int(ImportDialog::kMaxFileBytes) + 1, '#')) == ImportDialog::kMaxFileBytes + 1);
        }
        dlg.setText(QStringLiteral("kept"));
        const QString err = dlg.loadFile(big);
        QVERIFY2(err.contains(QStringLiteral("larger than 4 MiB")), qPrintable(err));
        QCOMPARE(dlg.editor()->toPlainText(), QStringLiteral("kept"));
        QVERIFY(!dlg.loadFile(dir.filePath(QStringLiteral("missing.sh"))).isEmpty());

        // A real file loads into the paste box and names the topology.
        const QString rc = dir.filePath(QStringLiteral("rc.vdenet.sh"));
        {
            QFile f(rc);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(corpus());
        }
        QCOMPARE(dlg.loadFile(rc), QString());
        QCOMPARE(dlg.editor()->toPlainText().toUtf8(), corpus());
        dlg.reimportNow();
        QVERIFY(dlg.importButton()->isEnabled());
        QCOMPARE(dlg.result().topology.name, QStringLiteral("rc.vdenet"));
    }
};

// Writes a fake /proc/PID/cmdline (argv joined by NULs, NUL-terminated).
void writeCmdline(const QString &procRoot, int pid, const QStringList &argv)
{
    QVERIFY(QDir(procRoot).mkpath(QString::number(pid)));
    QFile f(QStringLiteral("%1/%2/cmdline").arg(procRoot).arg(pid));
    QVERIFY(f.open(QIODevice::WriteOnly));
    for (const QString &a : argv) {
        f.write(a.toUtf8());
        f.write("", 1);
    }
}

void TestImportDialog::runningGuestsFromProc()
{
    QTemporaryDir proc;
    QVERIFY(proc.isValid());
    writeCmdline(proc.path(), 4242, {QStringLiteral("qemu-system-x86_64"), QStringLiteral("-name"), QStringLiteral("web vm"),
                                     QStringLiteral("-m"), QStringLiteral("512"), QStringLiteral("-netdev"),
                                     QStringLiteral("tap,id=n0,ifname=tap0,script=no"), QStringLiteral("-device"),
                                     QStringLiteral("virtio-net-pci,netdev=n0,mac=52:54:00:aa:00:01")});
    writeCmdline(proc.path(), 4343, {QStringLiteral("/usr/bin/qemu-system-x86_64"), QStringLiteral("-m"), QStringLiteral("256"),
                                     QStringLiteral("-nic"), QStringLiteral("tap,ifname=tap0,script=no,mac=52:54:00:aa:00:02")});
    writeCmdline(proc.path(), 4444, {QStringLiteral("bash"), QStringLiteral("-c"), QStringLiteral("qemu-system-x86_64")});
    const auto listed = importer::listOwnQemuProcesses(proc.path());
    QVERIFY2(listed, listed ? "" : qPrintable(listed.error().message));
    QCOMPARE(listed->size(), 2);
    importer::ImportOptions o;
    o.name = QStringLiteral("running-guests");
    const importer::ImportResult expected = importer::importRunningGuests(*listed, o);
    QVERIFY(expected.usable());

    MainWindow w;
    w.setAsker([](auto &&...) { return QMessageBox::Discard; });
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.findChild<QAction *>(QStringLiteral("actionImportRunning")));
    ImportDialog *dlg = w.showImportDialog(false, true, proc.path());
    QVERIFY(dlg);
    QVERIFY(dlg->showsRunningGuests());
    QVERIFY(dlg->editor()->isReadOnly());
    QVERIFY(!dlg->branchEdit()->isEnabled());
    const QString shown = dlg->editor()->toPlainText();
    QVERIFY2(shown.contains(QStringLiteral("# pid 4242\nqemu-system-x86_64 -name 'web vm' -m 512")), qPrintable(shown));
    QVERIFY2(shown.contains(QStringLiteral("# pid 4343\n")) && !shown.contains(QStringLiteral("4444")), qPrintable(shown));
    QTest::qWait(ImportDialog::kDebounceMs + 100);  // a pending re-import must not change anything
    compareReport(*dlg, expected);
    QCOMPARE(dlg->result().topology, expected.topology);
    bool pidLine = false;
    for (int row = 0; row < dlg->reportTable()->rowCount(); ++row)
        pidLine |= dlg->reportTable()->item(row, ImportDialog::ColLine)->text() == QLatin1String("4242");
    QVERIFY(pidLine);
    QVERIFY(dlg->importButton()->isEnabled());
    QPointer<ImportDialog> guard(dlg);
    QTest::mouseClick(dlg->importButton(), Qt::LeftButton);
    QTRY_VERIFY(guard.isNull() || !guard->isVisible());
    QCOMPARE(w.document()->topology(), expected.topology);
    QVERIFY(w.document()->filePath().isEmpty());

    // No QEMU of this user: said, no Import; opening a script file returns to the script source.
    QTemporaryDir empty;
    QVERIFY(empty.isValid());
    ImportDialog none;
    const auto n = none.loadRunningGuests(empty.path());
    QVERIFY(n && *n == 0);
    QVERIFY(!none.importButton()->isEnabled());
    QVERIFY2(none.statusText().contains(QStringLiteral("No running qemu-system-* process")), qPrintable(none.statusText()));
    const QString rc = empty.filePath(QStringLiteral("rc.sh"));
    {
        QFile f(rc);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(corpus());
    }
    QCOMPARE(none.loadFile(rc), QString());
    QVERIFY(!none.showsRunningGuests());
    QVERIFY(!none.editor()->isReadOnly());
    none.reimportNow();
    QVERIFY(none.importButton()->isEnabled());
    QVERIFY(!none.loadRunningGuests(empty.filePath(QStringLiteral("nosuch"))));
}

QTEST_MAIN(TestImportDialog)
#include "test_importdialog.moc"
