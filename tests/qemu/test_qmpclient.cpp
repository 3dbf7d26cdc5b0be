// SPDX-License-Identifier: GPL-3.0-or-later
// QmpClient against a real QEMU (-machine none: no guest, just the monitor), plus protocol
// bounds against a scripted peer (oversize and malformed messages, silent server).
#include "qemu/qmpclient.h"

#include "common/testutil.h"

#include <QJsonDocument>
#include <QLocalServer>
#include <QLocalSocket>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

using namespace netloom;
using namespace netloom::qemu;

namespace {

struct Outcome {
    std::optional<Result<QJsonValue>> value;
};

// Runs a command and waits (bounded) for its callback.
Result<QJsonValue> call(QmpClient &c, const QString &cmd, const QJsonObject &args = {}, int timeoutMs = 5000)
{
    auto out = std::make_shared<Outcome>();
    c.execute(cmd, args, [out](const Result<QJsonValue> &r) { out->value = r; }, timeoutMs);
    QElapsedTimer t;
    t.start();
    while (!out->value && t.elapsed() < timeoutMs + 2000)
        QTest::qWait(10);
    if (!out->value)
        return Error{ErrorCode::Internal, QStringLiteral("callback never ran for %1").arg(cmd)};
    return *out->value;
}

}  // namespace

class TestQmpClient : public QObject {
    Q_OBJECT
private slots:
    void realQemuMonitor()
    {
        const QString qemu = test::requireTool(QStringLiteral("qemu-system-x86_64"));
        QTemporaryDir dir;
        const QString sock = dir.filePath(QStringLiteral("qmp.sock"));
        QmpClient client;
        QSignalSpy ready(&client, &QmpClient::ready);
        QSignalSpy events(&client, &QmpClient::qmpEvent);
        QSignalSpy gone(&client, &QmpClient::disconnected);

        // Connect first: the client must retry until QEMU has created its socket.
        client.connectToSocket(sock, 15000);
        QCOMPARE(client.state(), QmpClient::State::Connecting);
        QTest::qWait(200);
        QProcess proc;
        proc.setProcessChannelMode(QProcess::MergedChannels);
        proc.start(qemu, {QStringLiteral("-machine"), QStringLiteral("none"), QStringLiteral("-display"),
                          QStringLiteral("none"), QStringLiteral("-nodefaults"), QStringLiteral("-qmp"),
                          QStringLiteral("unix:%1,server=on,wait=off").arg(sock)});
        QVERIFY(proc.waitForStarted(5000));
        QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 1, 15000);
        QCOMPARE(client.state(), QmpClient::State::Ready);
        QVERIFY(client.greeting().value(QStringLiteral("version")).toObject().value(QStringLiteral("qemu"))
                    .toObject().value(QStringLiteral("major")).toInt() >= 7);

        auto st = call(client, QStringLiteral("query-status"));
        QVERIFY2(st.isOk(), qPrintable(st.isOk() ? QString() : st.error().message));
        QVERIFY(!st->toObject().value(QStringLiteral("status")).toString().isEmpty());

        auto bad = call(client, QStringLiteral("no-such-command"));
        QVERIFY(!bad.isOk());
        QVERIFY2(bad.error().message.startsWith(QStringLiteral("failed to run QMP command 'no-such-command': CommandNotFound")),
                 qPrintable(bad.error().message));

        auto badArgs = call(client, QStringLiteral("query-status"), QJsonObject{{QStringLiteral("bogus"), 1}});
        QVERIFY(!badArgs.isOk());
        QVERIFY(badArgs.error().message.contains(QStringLiteral("GenericError")));

        QVERIFY(call(client, QStringLiteral("stop")).isOk());
        QTRY_VERIFY_WITH_TIMEOUT(!events.isEmpty() && events.last().at(0).toString() == QStringLiteral("STOP"), 5000);
        QVERIFY(call(client, QStringLiteral("cont")).isOk());
        QTRY_VERIFY_WITH_TIMEOUT(events.last().at(0).toString() == QStringLiteral("RESUME"), 5000);

        // Several commands in flight are matched by id.
        auto a = std::make_shared<QStringList>();
        for (const char *cmd : {"query-name", "query-kvm", "query-version"})
            client.execute(QString::fromLatin1(cmd), [a, cmd](const Result<QJsonValue> &r) {
                if (r)
                    a->append(QString::fromLatin1(cmd));
            });
        QTRY_COMPARE_WITH_TIMEOUT(a->size(), 3, 5000);

        client.execute(QStringLiteral("quit"), [](const Result<QJsonValue> &) {});
        QTRY_COMPARE_WITH_TIMEOUT(gone.size(), 1, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(proc.state(), QProcess::NotRunning, 5000);
        QCOMPARE(proc.exitStatus(), QProcess::NormalExit);
        QCOMPARE(proc.exitCode(), 0);
        QCOMPARE(client.state(), QmpClient::State::Disconnected);
        QVERIFY(std::any_of(events.cbegin(), events.cend(),
                            [](const QList<QVariant> &e) { return e.at(0).toString() == QStringLiteral("SHUTDOWN"); }));
        auto after = call(client, QStringLiteral("query-status"));
        QVERIFY(after.error().message.contains(QStringLiteral("not connected")));
    }

    void connectTimesOutWithoutQemu()
    {
        QTemporaryDir dir;
        QmpClient client;
        QSignalSpy gone(&client, &QmpClient::disconnected);
        QElapsedTimer t;
        t.start();
        client.connectToSocket(dir.filePath(QStringLiteral("absent.sock")), 300);
        QTRY_COMPARE_WITH_TIMEOUT(gone.size(), 1, 3000);
        QVERIFY(t.elapsed() >= 250);
        QVERIFY2(gone.at(0).at(0).toString().contains(QStringLiteral("no QEMU listening after 300 ms")),
                 qPrintable(gone.at(0).at(0).toString()));
    }

    void protocolBounds_data()
    {
        QTest::addColumn<QByteArray>("afterCapabilities");
        QTest::addColumn<QString>("expect");
        QTest::newRow("oversize") << QByteArray(4096, 'x') << "exceeds 1024 bytes";
        QTest::newRow("not json") << QByteArray("{\"return\": nope}\r\n") << "not a JSON object";
        QTest::newRow("array") << QByteArray("[1,2]\n") << "not a JSON object";
        QTest::newRow("silent") << QByteArray() << "no reply within 300 ms";
    }

    void protocolBounds()
    {
        QFETCH(QByteArray, afterCapabilities);
        QFETCH(QString, expect);
        QTemporaryDir dir;
        QLocalServer server;
        QVERIFY(server.listen(dir.filePath(QStringLiteral("fake.sock"))));
        QLocalSocket *peer = nullptr;
        connect(&server, &QLocalServer::newConnection, this, [&] {
            peer = server.nextPendingConnection();
            peer->write("{\"QMP\": {\"version\": {}, \"capabilities\": []}}\r\n");
            connect(peer, &QLocalSocket::readyRead, peer, [peer] {
                const QByteArray in = peer->readAll();
                if (in.contains("qmp_capabilities")) {
                    const QJsonObject cmd = QJsonDocument::fromJson(in.trimmed()).object();
                    peer->write(QJsonDocument(QJsonObject{{QStringLiteral("return"), QJsonObject{}},
                                                          {QStringLiteral("id"), cmd.value(QStringLiteral("id"))}})
                                    .toJson(QJsonDocument::Compact) + "\r\n");
                }
            });
        });
        QmpClient::Limits lim;
        lim.maxMessageBytes = 1024;
        QmpClient client(lim, nullptr);
        QSignalSpy ready(&client, &QmpClient::ready);
        QSignalSpy gone(&client, &QmpClient::disconnected);
        client.connectToSocket(server.fullServerName(), 2000);
        QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 1, 3000);
        auto out = std::make_shared<Outcome>();
        client.execute(QStringLiteral("query-status"), [out](const Result<QJsonValue> &r) { out->value = r; }, 300);
        if (!afterCapabilities.isEmpty())
            peer->write(afterCapabilities);
        QTRY_VERIFY_WITH_TIMEOUT(out->value.has_value(), 3000);
        QVERIFY(!out->value->isOk());
        QVERIFY2(out->value->error().message.contains(expect), qPrintable(out->value->error().message));
        if (afterCapabilities.isEmpty()) {
            QCOMPARE(client.state(), QmpClient::State::Ready);  // a timeout does not drop the link
        } else {
            QCOMPARE(client.state(), QmpClient::State::Disconnected);
            QCOMPARE(gone.size(), 1);
        }
    }
};

QTEST_GUILESS_MAIN(TestQmpClient)
#include "test_qmpclient.moc"
