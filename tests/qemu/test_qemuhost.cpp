// SPDX-License-Identifier: GPL-3.0-or-later
// Pure host decisions of the QEMU supervisor: binary lookup, argv file checks, accelerator
// selection, KVM probing on devices that are not KVM.
#include "qemu/qemuhost.h"

#include <QFile>
#include <QSet>
#include <QTemporaryDir>
#include <QStandardPaths>
#include <QTest>

using namespace netloom::qemu;

namespace {

FileProbe fakeProbe(const QSet<QString> &files, const QSet<QString> &executables)
{
    FileProbe p;
    p.isFile = [files, executables](const QString &f) { return files.contains(f) || executables.contains(f); };
    p.isExecutable = [executables](const QString &f) { return executables.contains(f); };
    return p;
}

}  // namespace

class TestQemuHost : public QObject {
    Q_OBJECT
private slots:
    void pathSplitting()
    {
        QCOMPARE(pathDirs(QStringLiteral("/a::/b:/a:")), (QStringList{QStringLiteral("/a"), QStringLiteral("/b")}));
        QVERIFY(pathDirs(QString()).isEmpty());
    }

    void resolvesBinaries()
    {
        const FileProbe p = fakeProbe({}, {QStringLiteral("/opt/q/qemu-system-x86_64"), QStringLiteral("/usr/bin/qemu-system-x86_64")});
        const QStringList dirs{QStringLiteral("/usr/local/bin"), QStringLiteral("/opt/q"), QStringLiteral("/usr/bin")};
        QCOMPARE(resolveQemuBinary(QStringLiteral("g"), QStringLiteral("qemu-system-x86_64"), dirs, p).value(),
                 QStringLiteral("/opt/q/qemu-system-x86_64"));
        QCOMPARE(resolveQemuBinary(QStringLiteral("g"), QStringLiteral("/usr/bin/qemu-system-x86_64"), dirs, p).value(),
                 QStringLiteral("/usr/bin/qemu-system-x86_64"));
        auto missing = resolveQemuBinary(QStringLiteral("alpha"), QStringLiteral("qemu-system-riscv64"), dirs, p);
        QVERIFY(!missing);
        QCOMPARE(missing.error().code, netloom::ErrorCode::NotFound);
        QVERIFY2(missing.error().message.startsWith(QStringLiteral("failed to start guest 'alpha': QEMU binary 'qemu-system-riscv64' was not found in PATH")),
                 qPrintable(missing.error().message));
        auto badPath = resolveQemuBinary(QStringLiteral("alpha"), QStringLiteral("/nope/qemu"), dirs, p);
        QVERIFY(badPath.error().message.contains(QStringLiteral("'/nope/qemu' does not exist")));
        QVERIFY(!resolveQemuBinary(QStringLiteral("alpha"), QString(), dirs, p));
    }

    void findsQemuSystemBinariesOnDisk()
    {
        QTemporaryDir a, b;
        auto make = [](const QString &path, bool exec) {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("#!/bin/sh\n");
            f.close();
            f.setPermissions(exec ? QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner : QFile::ReadOwner);
        };
        make(a.filePath(QStringLiteral("qemu-system-x86_64")), true);
        make(a.filePath(QStringLiteral("qemu-img")), true);
        make(a.filePath(QStringLiteral("qemu-system-arm")), false);
        make(b.filePath(QStringLiteral("qemu-system-x86_64")), true);
        make(b.filePath(QStringLiteral("qemu-system-aarch64")), true);
        const QStringList found = findQemuBinaries({a.path(), b.path()});
        QCOMPARE(found, (QStringList{b.filePath(QStringLiteral("qemu-system-aarch64")),
                                     a.filePath(QStringLiteral("qemu-system-x86_64"))}));
    }

    void filesInArgv()
    {
        const QStringList argv{QStringLiteral("qemu-system-x86_64"),
                               QStringLiteral("-kernel"), QStringLiteral("/k/vmlinuz"),
                               QStringLiteral("--initrd"), QStringLiteral("/k/initrd.img"),
                               QStringLiteral("-drive"), QStringLiteral("if=virtio,file=/d/a,,b.qcow2,format=qcow2"),
                               QStringLiteral("-drive"), QStringLiteral("file=nbd://host/x,if=virtio"),
                               QStringLiteral("-blockdev"), QStringLiteral("driver=file,node-name=f0,filename=/d/raw.img"),
                               QStringLiteral("-blockdev"), QStringLiteral("driver=qcow2,node-name=q0,file=f0"),
                               QStringLiteral("-cdrom"), QStringLiteral("/iso/x.iso"),
                               QStringLiteral("-append"), QStringLiteral("-kernel /not/a/file")};
        const QList<LaunchFile> files = netloom::qemu::filesInArgv(argv);
        QCOMPARE(files, (QList<LaunchFile>{{QStringLiteral("-kernel"), QStringLiteral("/k/vmlinuz")},
                                           {QStringLiteral("-initrd"), QStringLiteral("/k/initrd.img")},
                                           {QStringLiteral("-drive"), QStringLiteral("/d/a,b.qcow2")},
                                           {QStringLiteral("-blockdev"), QStringLiteral("/d/raw.img")},
                                           {QStringLiteral("-cdrom"), QStringLiteral("/iso/x.iso")}}));
    }

    void checkLaunchFilesNamesGuestAndFile()
    {
        const QStringList argv{QStringLiteral("q"), QStringLiteral("-kernel"), QStringLiteral("/k/vmlinuz"),
                               QStringLiteral("-initrd"), QStringLiteral("/k/initrd.img")};
        const FileProbe p = fakeProbe({QStringLiteral("/k/vmlinuz")}, {});
        netloom::Status s = checkLaunchFiles(QStringLiteral("beta"), argv, {}, p);
        QVERIFY(!s);
        QCOMPARE(s.error().code, netloom::ErrorCode::NotFound);
        QCOMPARE(s.error().message,
                 QStringLiteral("failed to start guest 'beta': file '/k/initrd.img' (-initrd) does not exist"));
        const FileProbe all = fakeProbe({QStringLiteral("/k/vmlinuz"), QStringLiteral("/k/initrd.img")}, {});
        QVERIFY(checkLaunchFiles(QStringLiteral("beta"), argv, {}, all));
        netloom::Status extra = checkLaunchFiles(QStringLiteral("beta"), argv, {QStringLiteral("/disk.img")}, all);
        QCOMPARE(extra.error().message,
                 QStringLiteral("failed to start guest 'beta': file '/disk.img' (required) does not exist"));
    }

    void requestedAccel_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("accel");
        QTest::newRow("none") << QStringList{} << QString();
        QTest::newRow("accel tcg") << QStringList{QStringLiteral("-accel"), QStringLiteral("tcg")} << QStringLiteral("tcg");
        QTest::newRow("accel kvm opts") << QStringList{QStringLiteral("-accel"), QStringLiteral("kvm,kernel-irqchip=on")} << QStringLiteral("kvm");
        QTest::newRow("enable-kvm") << QStringList{QStringLiteral("-enable-kvm")} << QStringLiteral("kvm");
        QTest::newRow("machine accel") << QStringList{QStringLiteral("-machine"), QStringLiteral("q35,accel=kvm:tcg")} << QStringLiteral("kvm:tcg");
        QTest::newRow("last wins") << QStringList{QStringLiteral("-enable-kvm"), QStringLiteral("-accel"), QStringLiteral("tcg")} << QStringLiteral("tcg");
    }

    void requestedAccel()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, accel);
        QCOMPARE(netloom::qemu::requestedAccel(QStringList{QStringLiteral("qemu")} + args), accel);
    }

    void vhostUserProbe()
    {
        QVERIFY(netdevHelpListsVhostUser("Available netdev backend types:\nsocket\ntap\nuser\nvhost-user\nvhost-vdpa\nvde\n"));
        QVERIFY(!netdevHelpListsVhostUser("Available netdev backend types:\nsocket\ntap\nuser\nvhost-vdpa\n"));
        QVERIFY(!netdevHelpListsVhostUser(""));
        // Fake binaries: one lists the backend, one does not, one fails.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const auto script = [&](const char *name, const QByteArray &body) {
            const QString path = dir.filePath(QString::fromLatin1(name));
            QFile f(path);
            f.open(QIODevice::WriteOnly);
            f.write("#!/bin/sh\n" + body);
            f.close();
            f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
            return path;
        };
        QVERIFY(qemuHasVhostUser(script("with", "[ \"$1 $2\" = \"-netdev help\" ] && printf 'Available netdev backend types:\\ntap\\nvhost-user\\n'\n")));
        QVERIFY(!qemuHasVhostUser(script("without", "printf 'Available netdev backend types:\\ntap\\nuser\\n'\n")));
        QVERIFY(!qemuHasVhostUser(script("fails", "echo vhost-user; exit 1\n")));
        QVERIFY(!qemuHasVhostUser(dir.filePath(QStringLiteral("missing"))));
        // Debian's QEMU has it (the New Guest dialog then gives virtio NICs vhost-user).
        if (!QStandardPaths::findExecutable(QStringLiteral("qemu-system-x86_64")).isEmpty())
            QVERIFY(qemuHasVhostUser(QStringLiteral("qemu-system-x86_64")));
    }

    void kvmProbeRefusesNonKvmDevices()
    {
        const KvmStatus missing = probeKvm(QStringLiteral("/nonexistent/kvm"));
        QVERIFY(!missing.usable);
        QVERIFY2(missing.reason.contains(QStringLiteral("cannot open /nonexistent/kvm")), qPrintable(missing.reason));
        const KvmStatus devnull = probeKvm(QStringLiteral("/dev/null"));
        QVERIFY(!devnull.usable);
        QVERIFY2(devnull.reason.contains(QStringLiteral("KVM_GET_API_VERSION")), qPrintable(devnull.reason));
        QCOMPARE(accelArgs(devnull), (QStringList{QStringLiteral("-accel"), QStringLiteral("tcg")}));
        KvmStatus good;
        good.usable = true;
        QCOMPARE(accelArgs(good), (QStringList{QStringLiteral("-accel"), QStringLiteral("kvm")}));
        // The real device, if any: either usable with API 12, or a reason.
        const KvmStatus real = probeKvm();
        QVERIFY(real.usable ? real.apiVersion == 12 : !real.reason.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestQemuHost)
#include "test_qemuhost.moc"
