// SPDX-License-Identifier: GPL-3.0-or-later
// Managed disks (qemu/diskimage.h): the pure builders, and real qemu-img making images,
// overlays and copies — and refusing bad input with nothing left on disk.
#include "qemu/diskimage.h"
#include "common/testutil.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace netloom;
using namespace netloom::qemu;

namespace {

DiskRequest req(DiskAction action, const QString &path, const QString &format, qint64 size, const QString &base = {})
{
    DiskRequest r;
    r.action = action;
    r.path = path;
    r.format = format;
    r.sizeBytes = size;
    r.base = base;
    return r;
}

// Runs `r` to the end; returns the job's result.
Status runJob(const DiskRequest &r, QList<int> *progress = nullptr)
{
    DiskJob job;
    QSignalSpy done(&job, &DiskJob::finished);
    QObject::connect(&job, &DiskJob::progress, [progress](int pm) {
        if (progress)
            progress->append(pm);
    });
    if (Status s = job.start(r); !s)
        return s;
    if (!done.wait(60000))
        return Error{ErrorCode::Timeout, QStringLiteral("the job did not finish")};
    return job.result();
}

}  // namespace

class TestDiskImage : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        test::requireTool(QStringLiteral("qemu-img"));
    }

    void parsesImageInfo()
    {
        const QByteArray json = R"({"virtual-size": 2147483648, "filename": "a.qcow2", "format": "qcow2",
            "actual-size": 200704, "backing-filename": "base.img", "backing-filename-format": "raw"})";
        Result<ImageInfo> i = parseImageInfo(json);
        QVERIFY2(i, qPrintable(i ? QString() : i.error().message));
        QCOMPARE(i->format, QStringLiteral("qcow2"));
        QCOMPARE(i->virtualSize, 2 * kGiB);
        QCOMPARE(i->backingFile, QStringLiteral("base.img"));
        QCOMPARE(i->backingFormat, QStringLiteral("raw"));
        QVERIFY(!parseImageInfo("not json"));
        QVERIFY(!parseImageInfo(R"({"format": "raw"})"));
    }

    void buildsArgv()
    {
        DiskRequest c = req(DiskAction::Create, QStringLiteral("/d/a.qcow2"), QStringLiteral("qcow2"), 3 * kGiB);
        QCOMPARE(qemuImgArgs(c, QStringLiteral("/d/.a.part"), {}),
                 QStringList({"create", "-q", "-f", "qcow2", "/d/.a.part", QString::number(3 * kGiB)}));
        DiskRequest o = req(DiskAction::Overlay, QStringLiteral("/d/vm/o.qcow2"), QStringLiteral("qcow2"), 0,
                      QStringLiteral("/d/vm/images/base.qcow2"));
        QCOMPARE(qemuImgArgs(o, QStringLiteral("/d/vm/.o.part"), QStringLiteral("qcow2")),
                 QStringList({"create", "-q", "-f", "qcow2", "-b", "images/base.qcow2", "-F", "qcow2", "/d/vm/.o.part"}));
        // A base outside the overlay's folder is named absolutely.
        QCOMPARE(backingNameFor(QStringLiteral("/d/vm/o.qcow2"), QStringLiteral("/srv/base.img")), QStringLiteral("/srv/base.img"));
        QCOMPARE(backingNameFor(QStringLiteral("/d/vm/o.qcow2"), QStringLiteral("/d/other/b.img")), QStringLiteral("/d/other/b.img"));
        DiskRequest k = req(DiskAction::Copy, QStringLiteral("/d/c.qcow2"), QStringLiteral("qcow2"), 0, QStringLiteral("/s/b.raw"));
        QCOMPARE(qemuImgArgs(k, QStringLiteral("/d/.c.part"), QStringLiteral("raw")),
                 QStringList({"convert", "-p", "-f", "raw", "-O", "qcow2", "/s/b.raw", "/d/.c.part"}));
    }

    void parsesProgress()
    {
        QCOMPARE(parseQemuImgProgress("    (0.00/100%)\r    (12.34/100%)\r"), 123);
        QCOMPARE(parseQemuImgProgress("    (100.00/100%)\r"), 1000);
        QCOMPARE(parseQemuImgProgress("nothing"), -1);
    }

    void relativePaths()
    {
        QCOMPARE(topologyRelativePath(QStringLiteral("/home/u/lab/disks/a.qcow2"), QStringLiteral("/home/u/lab")),
                 QStringLiteral("disks/a.qcow2"));
        QCOMPARE(topologyRelativePath(QStringLiteral("/srv/iso/d.iso"), QStringLiteral("/home/u/lab")), QStringLiteral("/srv/iso/d.iso"));
        QCOMPARE(topologyRelativePath(QStringLiteral("/home/u/lab2/a"), QStringLiteral("/home/u/lab")), QStringLiteral("/home/u/lab2/a"));
        QCOMPARE(topologyRelativePath(QString(), QStringLiteral("/x")), QString());
        QCOMPARE(resolveTopologyPath(QStringLiteral("disks/a.qcow2"), QStringLiteral("/home/u/lab")),
                 QStringLiteral("/home/u/lab/disks/a.qcow2"));
        QCOMPARE(resolveTopologyPath(QStringLiteral("/abs/a"), QStringLiteral("/home/u/lab")), QStringLiteral("/abs/a"));
    }

    void createsQcow2OfTheAskedSize()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("vm.qcow2"));
        QVERIFY(runJob(req(DiskAction::Create, path, QStringLiteral("qcow2"), 3 * kGiB)));
        Result<ImageInfo> info = readImageInfo(path);
        QVERIFY2(info, qPrintable(info ? QString() : info.error().message));
        QCOMPARE(info->format, QStringLiteral("qcow2"));
        QCOMPARE(info->virtualSize, 3 * kGiB);
        QCOMPARE(test::dirEntries(dir.path()), QStringList{QStringLiteral("vm.qcow2")});  // no temporary left

        // An existing file is never replaced unless asked.
        const QByteArray before = test::fileSha256(path);
        Status again = runJob(req(DiskAction::Create, path, QStringLiteral("qcow2"), kGiB));
        QVERIFY(!again);
        QVERIFY2(again.error().message.contains(QLatin1String("disk path")) && again.error().message.contains(QLatin1String("already exists")),
                 qPrintable(again.error().message));
        QCOMPARE(test::fileSha256(path), before);
        DiskRequest replace = req(DiskAction::Create, path, QStringLiteral("qcow2"), kGiB);
        replace.replace = true;
        QVERIFY(runJob(replace));
        QCOMPARE(readImageInfo(path)->virtualSize, kGiB);
        QCOMPARE(test::dirEntries(dir.path()), QStringList{QStringLiteral("vm.qcow2")});
    }

    void refusesBadInputLeavingNothing()
    {
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("sub")));
        const QStringList before = test::dirEntries(dir.path());
        struct Case {
            DiskRequest r;
            QString needle;
        };
        const QList<Case> cases{
            {req(DiskAction::Create, dir.filePath(QStringLiteral("sub")), QStringLiteral("qcow2"), kGiB), QStringLiteral("disk path '%1': is a directory").arg(dir.filePath(QStringLiteral("sub")))},
            {req(DiskAction::Create, dir.filePath(QStringLiteral("a.qcow2")), QStringLiteral("qcow2"), 0), QStringLiteral("disk size '0': must be more than 0")},
            {req(DiskAction::Create, dir.filePath(QStringLiteral("a.qcow2")), QStringLiteral("qcow2"), -5), QStringLiteral("disk size")},
            {req(DiskAction::Create, dir.filePath(QStringLiteral("a.qcow2")), QStringLiteral("qcow2"), 15 * (qint64(1) << 40)), QStringLiteral("free in")},
            {req(DiskAction::Create, dir.filePath(QStringLiteral("a.qcow2")), QStringLiteral("qcow2"), 17 * (qint64(1) << 40)), QStringLiteral("disk size")},
            {req(DiskAction::Create, dir.filePath(QStringLiteral("nope/a.qcow2")), QStringLiteral("qcow2"), kGiB), QStringLiteral("does not exist")},
            {req(DiskAction::Create, QStringLiteral("relative.qcow2"), QStringLiteral("qcow2"), kGiB), QStringLiteral("not an absolute path")},
            {req(DiskAction::Create, dir.filePath(QStringLiteral("a.vmdk")), QStringLiteral("vmdk"), kGiB), QStringLiteral("disk format 'vmdk'")},
            {req(DiskAction::Overlay, dir.filePath(QStringLiteral("o.qcow2")), QStringLiteral("qcow2"), 0, dir.filePath(QStringLiteral("missing.img"))), QStringLiteral("base image")},
            {req(DiskAction::Overlay, dir.filePath(QStringLiteral("o.qcow2")), QStringLiteral("qcow2"), 0, dir.filePath(QStringLiteral("sub"))), QStringLiteral("base image")},
        };
        for (const Case &c : cases) {
            Status s = runJob(c.r);
            QVERIFY2(!s, qPrintable(c.r.path));
            QVERIFY2(s.error().message.contains(c.needle), qPrintable(s.error().message + QStringLiteral(" lacks ") + c.needle));
            QCOMPARE(test::dirEntries(dir.path()), before);
        }
    }

    void isoCheck()
    {
        QTemporaryDir dir;
        const QString text = dir.filePath(QStringLiteral("notes.iso"));
        QFile f(text);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(40000, 'x'));
        f.close();
        Status bad = checkIsoImage(text);
        QVERIFY(!bad);
        QVERIFY2(bad.error().message.startsWith(QLatin1String("install medium '")) && bad.error().message.contains(QLatin1String("not an ISO")),
                 qPrintable(bad.error().message));
        QVERIFY(!checkIsoImage(dir.path()));
        QVERIFY(!checkIsoImage(dir.filePath(QStringLiteral("absent.iso"))));
        const QString xorriso = test::findTool(QStringLiteral("xorriso"));
        if (xorriso.isEmpty())
            test::skipTest(QStringLiteral("xorriso is not installed: cannot make a real ISO to accept"));
        QFile content(dir.filePath(QStringLiteral("hello.txt")));
        QVERIFY(content.open(QIODevice::WriteOnly));
        content.write("hi\n");
        content.close();
        const QString iso = dir.filePath(QStringLiteral("real.iso"));
        const test::CommandResult r = test::run({xorriso, QStringLiteral("-as"), QStringLiteral("mkisofs"), QStringLiteral("-quiet"),
                                                 QStringLiteral("-o"), iso, content.fileName()});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY(checkIsoImage(iso));
    }

    void overlayKeepsTheBaseUntouched()
    {
        const QString qemuIo = test::requireTool(QStringLiteral("qemu-io"));
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("images")));
        const QString base = dir.filePath(QStringLiteral("images/base.img"));
        QFile f(base);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(4 * 1024 * 1024, '\x5a'));
        f.close();
        const QByteArray baseSum = test::fileSha256(base);
        const QString overlay = dir.filePath(QStringLiteral("vm.qcow2"));
        QVERIFY(runJob(req(DiskAction::Overlay, overlay, QStringLiteral("qcow2"), 0, base)));
        Result<ImageInfo> info = readImageInfo(overlay);
        QVERIFY(info);
        QCOMPARE(info->backingFile, QStringLiteral("images/base.img"));  // relative: the pair can move
        QCOMPARE(info->backingFormat, QStringLiteral("raw"));
        QCOMPARE(info->virtualSize, qint64(4 * 1024 * 1024));
        // Writes through QEMU's block layer land in the overlay only.
        test::CommandResult w = test::run({qemuIo, QStringLiteral("-f"), QStringLiteral("qcow2"), QStringLiteral("-c"),
                                           QStringLiteral("write -P 0x11 0 64k"), overlay});
        QVERIFY2(w.exitCode == 0, qPrintable(w.describe()));
        test::CommandResult rd = test::run({qemuIo, QStringLiteral("-f"), QStringLiteral("qcow2"), QStringLiteral("-c"),
                                            QStringLiteral("read -P 0x11 0 64k"), QStringLiteral("-c"),
                                            QStringLiteral("read -P 0x5a 64k 64k"), overlay});
        QVERIFY2(rd.exitCode == 0 && !rd.out.contains("Pattern verification failed"), qPrintable(rd.describe() + QString::fromLocal8Bit(rd.out)));
        QCOMPARE(test::fileSha256(base), baseSum);
        // Smaller than the base: refused.
        Status small = runJob(req(DiskAction::Overlay, dir.filePath(QStringLiteral("small.qcow2")), QStringLiteral("qcow2"), kMiB, base));
        QVERIFY(!small);
        QVERIFY2(small.error().message.contains(QLatin1String("smaller than the base")), qPrintable(small.error().message));
    }

    void copyReportsProgressAndCancelRemovesTheTemporary()
    {
        QTemporaryDir dir;
        const QString base = dir.filePath(QStringLiteral("src.img"));
        QFile f(base);
        QVERIFY(f.open(QIODevice::WriteOnly));
        for (int i = 0; i < 32; ++i)
            f.write(QByteArray(1024 * 1024, char('a' + i % 26)));
        f.close();
        QList<int> progress;
        const QString copy = dir.filePath(QStringLiteral("copy.qcow2"));
        QVERIFY(runJob(req(DiskAction::Copy, copy, QStringLiteral("qcow2"), 0, base), &progress));
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.last(), 1000);
        QCOMPARE(readImageInfo(copy)->virtualSize, qint64(32 * 1024 * 1024));

        DiskJob job;
        QSignalSpy done(&job, &DiskJob::finished);
        QVERIFY(job.start(req(DiskAction::Copy, dir.filePath(QStringLiteral("c2.qcow2")), QStringLiteral("qcow2"), 0, base)));
        job.cancel();
        QVERIFY(done.wait(20000));
        QCOMPARE(done.first().at(0).toBool(), false);
        QCOMPARE(job.result().error().code, ErrorCode::Cancelled);
        QCOMPARE(test::dirEntries(dir.path()), QStringList({QStringLiteral("copy.qcow2"), QStringLiteral("src.img")}));
    }
};

QTEST_GUILESS_MAIN(TestDiskImage)
#include "test_diskimage.moc"
