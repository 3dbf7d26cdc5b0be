// SPDX-License-Identifier: GPL-3.0-or-later
// HelperClient against an in-process fake helper on a real local socket: ids are matched
// out of order, a timeout fails only its request, a connection-level error (id -1) and a
// closed connection fail everything pending, and a garbage frame is refused.
#include "helperclient/helperclient.h"

#include "protocol/frame.h"
#include "protocol/message.h"

#include <QJsonDocument>
#include <QLocalServer>
#include <QLocalSocket>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace netloom;
using namespace netloom::protocol;

class TestHelperClient : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QLocalServer m_server;
    QLocalSocket *m_peer = nullptr;
    FrameDecoder m_decoder;
    QList<Request> m_requests;

    QString path() const { return m_dir.filePath(QStringLiteral("fake.sock")); }
    void respond(const Response &r)
    {
        m_peer->write(*encodeFrame(encodeResponse(r)));
        m_peer->flush();
    }
    bool waitRequests(int n)
    {
        return QTest::qWaitFor([&] { return m_requests.size() >= n; }, 5000);
    }

private Q_SLOTS:
    void init()
    {
        QLocalServer::removeServer(path());
        QVERIFY(m_server.listen(path()));
        connect(&m_server, &QLocalServer::newConnection, this, [this] {
            m_peer = m_server.nextPendingConnection();
            connect(m_peer, &QLocalSocket::readyRead, this, [this] {
                QVERIFY(m_decoder.feed(m_peer->readAll()));
                QByteArray p;
                while (m_decoder.takeFrame(&p)) {
                    qint64 id = -1;
                    auto r = decodeRequest(p, &id);
                    QVERIFY(r);
                    m_requests.append(*r);
                }
            });
        });
    }
    void cleanup()
    {
        m_server.close();
        m_server.disconnect(this);
        m_peer = nullptr;
        m_requests.clear();
        m_decoder = FrameDecoder();
    }

    void matchesResponsesById()
    {
        HelperClient c;
        QVERIFY(c.connectAndWait(path()));
        QStringList got;
        c.hello([&](const Result<QJsonObject> &r) { got << (r ? QStringLiteral("hello ok") : r.error().message); });
        c.status(QStringLiteral("x"), [&](const Result<QJsonObject> &r) {
            got << (r ? QStringLiteral("status ok") : errorCodeName(r.error().code));
        });
        QVERIFY(waitRequests(2));
        QCOMPARE(m_requests[0].op, Op::Hello);
        QCOMPARE(m_requests[1].op, Op::Status);
        QVERIFY(m_requests[0].id != m_requests[1].id);
        // Answer out of order.
        respond(Response{m_requests[1].id, false, {}, Error{ErrorCode::NotFound, QStringLiteral("failed to x 'y': z")}});
        respond(Response{m_requests[0].id, true, QJsonObject{{QStringLiteral("version"), 1}}, {}});
        QVERIFY(QTest::qWaitFor([&] { return got.size() == 2; }, 5000));
        QCOMPARE(got, (QStringList{QStringLiteral("not-found"), QStringLiteral("hello ok")}));
    }
    void timeoutFailsOnlyThatRequest()
    {
        HelperClient c;
        QVERIFY(c.connectAndWait(path()));
        Request slow;
        slow.op = Op::List;
        std::optional<Result<QJsonObject>> a, b;
        c.send(slow, [&](const Result<QJsonObject> &r) { a = r; }, 100);
        c.hello([&](const Result<QJsonObject> &r) { b = r; });
        QVERIFY(waitRequests(2));
        QVERIFY(QTest::qWaitFor([&] { return a.has_value(); }, 3000));
        QCOMPARE(a->error().code, ErrorCode::Timeout);
        QVERIFY(!b.has_value());
        respond(Response{m_requests[0].id, true, {}, {}});  // late: ignored
        respond(Response{m_requests[1].id, true, {}, {}});
        QVERIFY(QTest::qWaitFor([&] { return b.has_value(); }, 3000));
        QVERIFY(b->isOk());
    }
    void connectionErrorFailsAllPending()
    {
        HelperClient c;
        QVERIFY(c.connectAndWait(path()));
        int failed = 0;
        for (int i = 0; i < 3; ++i)
            c.hello([&](const Result<QJsonObject> &r) { failed += r ? 0 : 1; });
        QVERIFY(waitRequests(3));
        respond(Response{-1, false, {}, Error{ErrorCode::LimitExceeded, QStringLiteral("failed to read 'message': too big")}});
        QVERIFY(QTest::qWaitFor([&] { return failed == 3; }, 3000));
    }
    void closedConnectionFailsPending()
    {
        HelperClient c;
        QSignalSpy gone(&c, &HelperClient::disconnected);
        QVERIFY(c.connectAndWait(path()));
        std::optional<Result<QJsonObject>> a;
        c.hello([&](const Result<QJsonObject> &r) { a = r; });
        QVERIFY(waitRequests(1));
        m_peer->disconnectFromServer();
        QVERIFY(QTest::qWaitFor([&] { return a.has_value(); }, 3000));
        QCOMPARE(a->error().code, ErrorCode::Io);
        QVERIFY(gone.count() == 1 || gone.wait(2000));
        // Not connected any more: requests fail at once (asynchronously), with a reason.
        std::optional<Result<QJsonObject>> b;
        c.hello([&](const Result<QJsonObject> &r) { b = r; });
        QVERIFY(!b.has_value());
        QVERIFY(QTest::qWaitFor([&] { return b.has_value(); }, 1000));
        QVERIFY(b->error().message.contains(QStringLiteral("not connected")));
    }
    void garbageFrameIsRefused()
    {
        HelperClient c;
        QVERIFY(c.connectAndWait(path()));
        std::optional<Result<QJsonObject>> a;
        c.hello([&](const Result<QJsonObject> &r) { a = r; });
        QVERIFY(waitRequests(1));
        m_peer->write(QByteArray("\x00\x00\x00\x05hello", 9));
        QVERIFY(QTest::qWaitFor([&] { return a.has_value(); }, 3000));
        QCOMPARE(a->error().code, ErrorCode::Parse);
    }
    void sendWhenConnectedQueuesAndRetries()
    {
        HelperClient c;
        // No helper: both waiting requests fail (later, never inside the call), once each.
        const QString absent = m_dir.filePath(QStringLiteral("absent.sock"));
        QList<Result<QJsonObject>> failed;
        Request hello;
        hello.op = Op::Hello;
        c.sendWhenConnected(absent, hello, [&](const Result<QJsonObject> &r) { failed.append(r); });
        c.sendWhenConnected(absent, hello, [&](const Result<QJsonObject> &r) { failed.append(r); });
        QVERIFY(failed.isEmpty());
        QVERIFY(QTest::qWaitFor([&] { return failed.size() == 2; }, 5000));
        QTest::qWait(50);
        QCOMPARE(failed.size(), 2);
        QVERIFY(!failed[0] && failed[0].error().message.contains(QStringLiteral("absent.sock")));
        // The next call connects again, to the real one; requests made while connecting go
        // out once connected, in order.
        QStringList got;
        Request list;
        list.op = Op::List;
        c.sendWhenConnected(path(), hello, [&](const Result<QJsonObject> &r) { got << (r ? QStringLiteral("hello") : r.error().message); });
        c.sendWhenConnected(path(), list, [&](const Result<QJsonObject> &r) { got << (r ? QStringLiteral("list") : r.error().message); });
        QVERIFY(waitRequests(2));
        QCOMPARE(m_requests[0].op, Op::Hello);
        QCOMPARE(m_requests[1].op, Op::List);
        respond(Response{m_requests[0].id, true, {}, {}});
        respond(Response{m_requests[1].id, true, {}, {}});
        QVERIFY(QTest::qWaitFor([&] { return got.size() == 2; }, 5000));
        QCOMPARE(got, (QStringList{QStringLiteral("hello"), QStringLiteral("list")}));
    }
    void noHelperRunning()
    {
        HelperClient c;
        auto s = c.connectAndWait(m_dir.filePath(QStringLiteral("absent.sock")), 1000);
        QVERIFY(!s);
        QVERIFY(s.error().message.contains(QStringLiteral("absent.sock")));
    }
};

QTEST_GUILESS_MAIN(TestHelperClient)
#include "test_helperclient.moc"
