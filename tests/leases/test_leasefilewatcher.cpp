// SPDX-License-Identifier: GPL-3.0-or-later
// LeaseFileWatcher + LeaseTracker against a real file on disk: creation, in-place
// rewrite (as dnsmasq does), replacement by rename, removal, polling fallback, debounce.
#include "leases/leasefilewatcher.h"
#include "leases/leasetracker.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace netloom::leases;

namespace {

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(f.write(bytes), bytes.size());
}

const QByteArray kOne = "0 52:54:00:00:00:01 10.0.0.10 alpha *\n";
const QByteArray kTwo = kOne + "0 52:54:00:00:00:02 10.0.0.11 beta *\n";

}  // namespace

class TestLeaseFileWatcher : public QObject {
    Q_OBJECT
private slots:
    void followsTheFileIntoTheTracker()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("lan.leases"));
        LeaseFileWatcher::Options opt;
        opt.debounceMs = 50;
        opt.pollMs = 0;  // inotify only
        LeaseFileWatcher w(path, opt);
        LeaseTableConfig cfg;
        cfg.network = QStringLiteral("lan");
        cfg.owners[Mac::parse(QStringLiteral("52:54:00:00:00:01")).value()] = {QStringLiteral("vm1"), QStringLiteral("nic0")};
        LeaseTracker tracker(cfg, nullptr, {}, 0);
        connect(&w, &LeaseFileWatcher::snapshot, &tracker, &LeaseTracker::apply);
        QSignalSpy snaps(&w, &LeaseFileWatcher::snapshot);
        QSignalSpy changes(&tracker, &LeaseTracker::tableChanged);
        QSignalSpy notes(&tracker, &LeaseTracker::noted);

        w.start();  // the file does not exist yet: an empty snapshot
        QTRY_COMPARE_WITH_TIMEOUT(snaps.size(), 1, 3000);
        QCOMPARE(tracker.table().entries.size(), 0);

        writeFile(path, kOne);  // created
        QTRY_COMPARE_WITH_TIMEOUT(snaps.size(), 2, 3000);
        QCOMPARE(tracker.table().entries.size(), 1);
        const LeaseEntry &e = tracker.table().entries[0];
        QCOMPARE(e.state, LeaseState::Bound);
        QCOMPARE(e.source, LeaseSource::LeaseFile);
        QCOMPARE(e.hostname, QStringLiteral("alpha"));
        QCOMPARE(e.guest, QStringLiteral("vm1"));

        writeFile(path, kTwo);  // rewritten in place
        QTRY_COMPARE_WITH_TIMEOUT(tracker.table().entries.size(), 2, 3000);

        // Replaced by rename (a new inode): the watch must follow.
        const QString tmp = dir.filePath(QStringLiteral("lan.leases.new"));
        writeFile(tmp, kOne);
        QVERIFY(QFile::remove(path));
        QVERIFY(QFile::rename(tmp, path));
        QTRY_COMPARE_WITH_TIMEOUT(tracker.table().find(Mac::parse(QStringLiteral("52:54:00:00:00:02")).value())->state,
                                  LeaseState::Released, 3000);

        QVERIFY(QFile::remove(path));  // gone: every file lease released
        QTRY_COMPARE_WITH_TIMEOUT(tracker.table().entries.at(0).state, LeaseState::Released, 3000);
        QVERIFY(changes.size() >= 4);
        QVERIFY(notes.size() >= 4);

        // Touching without changing the bytes publishes nothing.
        const auto before = snaps.size();
        QVERIFY(w.readNow());
        QCOMPARE(snaps.size(), before);
    }

    void pollingFindsChangesWithoutInotifyAndBurstsAreDebounced()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("x.leases"));
        writeFile(path, kOne);
        LeaseFileWatcher::Options opt;
        opt.debounceMs = 300;
        opt.pollMs = 100;
        LeaseFileWatcher w(path, opt);
        QSignalSpy snaps(&w, &LeaseFileWatcher::snapshot);
        w.start();
        QTRY_COMPARE_WITH_TIMEOUT(snaps.size(), 1, 3000);
        // A burst of rewrites inside the debounce window yields one snapshot of the last state.
        for (int i = 0; i < 5; ++i) {
            writeFile(path, i % 2 ? kOne : kTwo);
            QTest::qWait(20);
        }
        writeFile(path, kTwo);
        QTRY_COMPARE_WITH_TIMEOUT(snaps.size(), 2, 3000);
        QTest::qWait(600);
        QCOMPARE(snaps.size(), 2);
        QCOMPARE(snaps.last().at(0).value<LeaseEvent>().fileLeases.size(), 2);
        w.stop();
        writeFile(path, kOne);
        QTest::qWait(500);
        QCOMPARE(snaps.size(), 2);
    }

    void limitViolationIsReported()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("big.leases"));
        writeFile(path, QByteArray(2000, 'x') + '\n');
        LeaseFileWatcher w(path);
        QSignalSpy failed(&w, &LeaseFileWatcher::readFailed);
        QVERIFY(!w.readNow());
        QCOMPARE(failed.size(), 1);
        QVERIFY(failed.at(0).at(0).toString().startsWith(QStringLiteral("failed to read lease file '") + path));
    }

    void eventsFromAnotherThreadAreAppliedOnTheOwnersThread()
    {
        LeaseTracker tracker(LeaseTableConfig{}, nullptr, {}, 0);
        QThread *changedOn = nullptr;
        connect(&tracker, &LeaseTracker::tableChanged, &tracker, [&] { changedOn = QThread::currentThread(); },
                Qt::DirectConnection);
        // A producer object living on a worker thread (as the switch's snooper does).
        QThread worker;
        QObject producer;
        producer.moveToThread(&worker);
        worker.start();
        QMetaObject::invokeMethod(&producer, [&tracker] {
            LeaseEvent arp;
            arp.kind = LeaseEventKind::Arp;
            arp.mac = Mac::parse(QStringLiteral("52:54:00:00:00:07")).value();
            arp.ip = Ipv4::parse(QStringLiteral("10.0.0.7")).value();
            QMetaObject::invokeMethod(&tracker, "apply", Qt::QueuedConnection, Q_ARG(netloom::leases::LeaseEvent, arp));
        });
        QTRY_VERIFY_WITH_TIMEOUT(changedOn != nullptr, 3000);
        worker.quit();
        worker.wait();
        QCOMPARE(changedOn, QThread::currentThread());
        QCOMPARE(tracker.table().entries.size(), 1);
    }

    void trackerTicksExpiry()
    {
        qint64 now = 1'000'000;
        LeaseTableConfig cfg;
        LeaseTracker tracker(cfg, nullptr, [&now] { return now; }, 20);
        LeaseEvent ack;
        ack.kind = LeaseEventKind::DhcpAck;
        ack.timeMs = now;
        ack.mac = Mac::parse(QStringLiteral("52:54:00:00:00:05")).value();
        ack.ip = Ipv4::parse(QStringLiteral("10.0.0.5")).value();
        ack.leaseSeconds = 2;
        tracker.apply(ack);
        QCOMPARE(tracker.table().entries.value(0).state, LeaseState::Bound);
        now += 2500;
        QTRY_COMPARE_WITH_TIMEOUT(tracker.table().entries.value(0).state, LeaseState::Expired, 2000);
    }
};

QTEST_GUILESS_MAIN(TestLeaseFileWatcher)
#include "test_leasefilewatcher.moc"
