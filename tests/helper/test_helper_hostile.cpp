// SPDX-License-Identifier: GPL-3.0-or-later
// Hostile clients against the real helper in a test namespace: oversized, truncated and
// malformed frames, wrong types, bad and foreign interface names, attempts to touch
// interfaces the helper did not create, floods and connection limits. Every bad request
// gets a clear error code, nothing foreign is touched, and the helper keeps serving a
// well-behaved client throughout.
#include "common/netns.h"
#include "common/testutil.h"
#include "helperfixture.h"
#include "hoststates.h"

#include "protocol/message.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocalSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace netloom;
using namespace netloom::helper::test;
using namespace netloom::protocol;
using netloom::test::ScopedNetns;

namespace {

QByteArray frame(const QByteArray &payload, qint64 claimedLength = -1)
{
    const quint32 n = quint32(claimedLength < 0 ? payload.size() : claimedLength);
    QByteArray h;
    h.append(char(n >> 24)).append(char(n >> 16)).append(char(n >> 8)).append(char(n));
    return h + payload;
}

QByteArray json(const QJsonObject &o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); }

// Reads exactly one response frame (bounded); an empty object if none arrived in time.
QJsonObject readResponse(QLocalSocket &s, int timeoutMs = 5000)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        if (s.bytesAvailable() >= 4) {
            const QByteArray h = s.peek(4);
            const auto *p = reinterpret_cast<const unsigned char *>(h.constData());
            const qint64 n = qint64(quint32(p[0]) << 24 | quint32(p[1]) << 16 | quint32(p[2]) << 8 | quint32(p[3]));
            if (s.bytesAvailable() >= 4 + n)
                return QJsonDocument::fromJson(s.read(4 + n).mid(4)).object();
        }
        if (s.state() != QLocalSocket::ConnectedState)
            break;
        s.waitForReadyRead(50);
    }
    return {};
}

QString errorCode(const QJsonObject &resp) { return resp.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(); }
QString errorMessage(const QJsonObject &resp) { return resp.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString(); }

QJsonObject applyRequest(qint64 id, const QString &network, const QJsonObject &state, bool allowPhysical = false)
{
    return QJsonObject{{QStringLiteral("v"), 1}, {QStringLiteral("id"), id}, {QStringLiteral("op"), QStringLiteral("apply")},
                       {QStringLiteral("network"), network}, {QStringLiteral("state"), state},
                       {QStringLiteral("allowPhysical"), allowPhysical}};
}

QJsonObject state(const char *text) { return QJsonDocument::fromJson(QByteArray(text)).object(); }

}  // namespace

class TestHelperHostile : public QObject {
    Q_OBJECT
    std::unique_ptr<ScopedNetns> m_ns;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<HelperProcess> m_helper;
    std::unique_ptr<QLocalSocket> m_good;  // a well-behaved client, connected all along
    qint64 m_goodId = 1000;

    std::unique_ptr<QLocalSocket> connectRaw()
    {
        auto s = std::make_unique<QLocalSocket>();
        s->connectToServer(m_helper->socketPath());
        if (!s->waitForConnected(3000))
            return nullptr;
        return s;
    }
    // Sends one payload on a fresh connection and returns the response.
    QJsonObject ask(const QByteArray &bytes)
    {
        auto s = connectRaw();
        if (!s)
            return {};
        s->write(bytes);
        s->flush();
        return readResponse(*s);
    }
    void goodClientStillServed()
    {
        const qint64 id = ++m_goodId;
        m_good->write(frame(json({{QStringLiteral("v"), 1}, {QStringLiteral("id"), id}, {QStringLiteral("op"), QStringLiteral("hello")}})));
        m_good->flush();
        const QJsonObject r = readResponse(*m_good);
        QVERIFY2(r.value(QStringLiteral("ok")).toBool() && r.value(QStringLiteral("id")).toInteger() == id,
                 qPrintable(m_helper->log().right(2000)));
        QVERIFY(m_helper->running());
    }
    bool linkExists(const QString &name)
    {
        return m_ns->exec({QStringLiteral("ip"), QStringLiteral("link"), QStringLiteral("show"), name}).exitCode == 0;
    }

private Q_SLOTS:
    void initTestCase()
    {
        netloom::test::requireRoot();
        netloom::test::requireTool(QStringLiteral("nft"));
        netloom::test::requireTool(QStringLiteral("dnsmasq"));
        m_ns = std::make_unique<ScopedNetns>(QStringLiteral("hlph"));
        QVERIFY2(m_ns->ok(), qPrintable(m_ns->error()));
        // Foreign interfaces the helper must never touch: an "eth0" and a "loom"-named
        // dummy that someone else created.
        // (veth pairs: the dummy driver is not available everywhere)
        QCOMPARE(m_ns->exec({QStringLiteral("ip"), QStringLiteral("link"), QStringLiteral("add"), QStringLiteral("eth0"),
                             QStringLiteral("type"), QStringLiteral("veth"), QStringLiteral("peer"), QStringLiteral("name"),
                             QStringLiteral("ethpeer0")}).exitCode, 0);
        QCOMPARE(m_ns->exec({QStringLiteral("ip"), QStringLiteral("link"), QStringLiteral("add"), QStringLiteral("loomforeign"),
                             QStringLiteral("type"), QStringLiteral("veth"), QStringLiteral("peer"), QStringLiteral("name"),
                             QStringLiteral("foreignpeer")}).exitCode, 0);
        m_dir = std::make_unique<QTemporaryDir>();
        m_helper = std::make_unique<HelperProcess>(*m_ns, m_dir->path());
        QVERIFY2(m_helper->start({QStringLiteral("--max-networks"), QStringLiteral("2")}), qPrintable(m_helper->log()));
        m_good = connectRaw();
        QVERIFY(m_good);
    }
    void cleanupTestCase()
    {
        m_good.reset();
        if (m_helper)
            m_helper->stop();
    }
    void cleanup() { goodClientStillServed(); }

    void oversizedFrameIsRefusedAndClosed()
    {
        auto s = connectRaw();
        QVERIFY(s);
        s->write(frame(QByteArray(), 2 << 20));  // claims 2 MiB
        s->flush();
        const QJsonObject r = readResponse(*s);
        QCOMPARE(errorCode(r), QStringLiteral("limit-exceeded"));
        QCOMPARE(r.value(QStringLiteral("id")).toInteger(), -1);
        QVERIFY2(errorMessage(r).contains(QStringLiteral("exceeds the limit")), qPrintable(errorMessage(r)));
        QVERIFY(s->state() == QLocalSocket::UnconnectedState || s->waitForDisconnected(3000));
    }
    void zeroLengthFrame()
    {
        QCOMPARE(errorCode(ask(frame(QByteArray(), 0))), QStringLiteral("protocol"));
    }
    void truncatedFrameThenHangUp()
    {
        auto s = connectRaw();
        QVERIFY(s);
        s->write(frame(QByteArray("{\"v\":1,"), 100));  // 7 of 100 bytes, then gone
        s->flush();
        s->abort();
    }
    void stalledFrameDoesNotBlockOthersAndTimesOut()
    {
        auto s = connectRaw();
        QVERIFY(s);
        s->write(frame(QByteArray("{\"v\":1,\"id\":1,"), 500));
        s->flush();
        goodClientStillServed();  // served while the other connection sits on half a frame
        const QJsonObject r = readResponse(*s, 15000);
        QCOMPARE(errorCode(r), QStringLiteral("timeout"));
    }
    void malformedRequests_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<QString>("code");
        QTest::newRow("not json") << QByteArray("hello?") << "parse";
        QTest::newRow("json array") << QByteArray("[]") << "parse";
        QTest::newRow("id is string") << QByteArray("{\"v\":1,\"id\":\"7\",\"op\":\"hello\"}") << "invalid-argument";
        QTest::newRow("v missing") << QByteArray("{\"id\":7,\"op\":\"hello\"}") << "invalid-argument";
        QTest::newRow("v 99") << QByteArray("{\"v\":99,\"id\":7,\"op\":\"hello\"}") << "unsupported";
        QTest::newRow("op unknown") << QByteArray("{\"v\":1,\"id\":7,\"op\":\"shell\"}") << "unsupported";
        QTest::newRow("state wrong type") << QByteArray("{\"v\":1,\"id\":7,\"op\":\"apply\",\"network\":\"x\",\"state\":[]}") << "invalid-argument";
        QTest::newRow("taps wrong type") << QByteArray("{\"v\":1,\"id\":7,\"op\":\"apply\",\"network\":\"x\",\"state\":{\"taps\":\"loomt\"}}") << "invalid-argument";
        QTest::newRow("network path") << QByteArray("{\"v\":1,\"id\":7,\"op\":\"apply\",\"network\":\"../../etc\",\"state\":{}}") << "invalid-argument";
        QTest::newRow("teardown unknown") << QByteArray("{\"v\":1,\"id\":7,\"op\":\"teardown\",\"network\":\"nope\"}") << "not-found";
        QTest::newRow("status unknown") << QByteArray("{\"v\":1,\"id\":7,\"op\":\"status\",\"network\":\"nope\"}") << "not-found";
    }
    void malformedRequests()
    {
        QFETCH(QByteArray, payload);
        QFETCH(QString, code);
        // Same connection stays usable after an error in a well-framed request.
        auto s = connectRaw();
        QVERIFY(s);
        s->write(frame(payload));
        s->flush();
        const QJsonObject r = readResponse(*s);
        QCOMPARE(r.value(QStringLiteral("ok")).toBool(true), false);
        QCOMPARE(errorCode(r), code);
        QVERIFY2(errorMessage(r).startsWith(QStringLiteral("failed to ")), qPrintable(errorMessage(r)));
        s->write(frame(json({{QStringLiteral("v"), 1}, {QStringLiteral("id"), 8}, {QStringLiteral("op"), QStringLiteral("hello")}})));
        s->flush();
        QVERIFY(readResponse(*s).value(QStringLiteral("ok")).toBool());
    }
    void badNames_data()
    {
        QTest::addColumn<QByteArray>("stateJson");
        QTest::addColumn<bool>("allowPhysical");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("slash") << QByteArray("{\"taps\":[{\"ifname\":\"loom/../x\"}]}") << false << "invalid-argument" << "'/'";
        QTest::newRow("16 bytes") << QByteArray("{\"taps\":[{\"ifname\":\"loomabcdefghijkl\"}]}") << false << "invalid-argument" << "15 bytes";
        QTest::newRow("tap named lo") << QByteArray("{\"taps\":[{\"ifname\":\"lo\"}]}") << false << "invalid-argument" << "'loom'";
        QTest::newRow("tap named eth0") << QByteArray("{\"taps\":[{\"ifname\":\"eth0\"}]}") << false << "invalid-argument" << "'loom'";
        QTest::newRow("enslave eth0 as port") << QByteArray("{\"bridges\":[{\"ifname\":\"loombr\",\"ports\":[\"eth0\"]}]}") << false << "invalid-argument" << "'loom'";
        QTest::newRow("enslave lo as uplink") << QByteArray("{\"bridges\":[{\"ifname\":\"loombr\"}],\"uplinks\":[{\"ifname\":\"lo\",\"bridge\":\"loombr\"}]}") << true << "invalid-argument" << "loopback";
        QTest::newRow("uplink without flag") << QByteArray("{\"bridges\":[{\"ifname\":\"loombr\"}],\"uplinks\":[{\"ifname\":\"eth0\",\"bridge\":\"loombr\"}]}") << false << "permission-denied" << "allowPhysical";
        QTest::newRow("address on eth0") << QByteArray("{\"addresses\":[{\"ifname\":\"eth0\",\"cidr\":\"10.9.9.9/24\"}]}") << false << "invalid-argument" << "'loom'";
        QTest::newRow("down lo") << QByteArray("{\"links\":[{\"ifname\":\"lo\",\"up\":false}]}") << false << "invalid-argument" << "'loom'";
        QTest::newRow("take foreign loom") << QByteArray("{\"taps\":[{\"ifname\":\"loomforeign\"}]}") << false << "conflict" << "not created by Netloom";
        QTest::newRow("impair eth0") << QByteArray("{\"impairments\":[{\"ifname\":\"eth0\",\"egress\":{\"delayMs\":5}}]}") << false << "invalid-argument" << "'loom'";
        QTest::newRow("impair foreign loom") << QByteArray("{\"bridges\":[{\"ifname\":\"loombr\"}],\"impairments\":[{\"ifname\":\"loomforeign\",\"egress\":{\"delayMs\":5}}]}") << false << "invalid-argument" << "created by this network";
        QTest::newRow("impair absurd delay") << QByteArray("{\"bridges\":[{\"ifname\":\"loombr\"}],\"impairments\":[{\"ifname\":\"loombr\",\"egress\":{\"delayMs\":1e9}}]}") << false << "invalid-argument" << "delay";
        QTest::newRow("impair absurd loss") << QByteArray("{\"bridges\":[{\"ifname\":\"loombr\"}],\"impairments\":[{\"ifname\":\"loombr\",\"egress\":{\"lossPercent\":-5}}]}") << false << "invalid-argument" << "loss";
        QTest::newRow("impair tiny rate") << QByteArray("{\"bridges\":[{\"ifname\":\"loombr\"}],\"impairments\":[{\"ifname\":\"loombr\",\"egress\":{\"rateBitsPerSecond\":1}}]}") << false << "invalid-argument" << "rate";
        QTest::newRow("impair missing ifb") << QByteArray("{\"bridges\":[{\"ifname\":\"loombr\"}],\"impairments\":[{\"ifname\":\"loombr\",\"ingress\":{\"delayMs\":5}}]}") << false << "invalid-argument" << "IFB";
        QTest::newRow("impair ifb eth0") << QByteArray("{\"bridges\":[{\"ifname\":\"loombr\"}],\"impairments\":[{\"ifname\":\"loombr\",\"ingress\":{\"delayMs\":5},\"ifb\":\"eth0\"}]}") << false << "invalid-argument" << "'loom'";
        QTest::newRow("impair ifb taken") << QByteArray("{\"bridges\":[{\"ifname\":\"loombr\"}],\"impairments\":[{\"ifname\":\"loombr\",\"ingress\":{\"delayMs\":5},\"ifb\":\"loomforeign\"}]}") << false << "conflict" << "not created by Netloom";
        QTest::newRow("enslave foreign loom") << QByteArray("{\"bridges\":[{\"ifname\":\"loombr\",\"ports\":[\"loomforeign\"]}]}") << false << "invalid-argument" << "created by this network";
    }
    void badNames()
    {
        QFETCH(QByteArray, stateJson);
        QFETCH(bool, allowPhysical);
        QFETCH(QString, code);
        QFETCH(QString, mentions);
        const QJsonObject r = ask(frame(json(applyRequest(5, QStringLiteral("bad"), state(stateJson.constData()), allowPhysical))));
        QCOMPARE(errorCode(r), code);
        QCOMPARE(r.value(QStringLiteral("id")).toInteger(), 5);
        QVERIFY2(errorMessage(r).contains(mentions), qPrintable(errorMessage(r)));
        // Nothing foreign was touched, nothing of ours was left — not even in the journal.
        QVERIFY(!QFile::exists(m_helper->stateDir() + QStringLiteral("/journal/bad.json")));
        QVERIFY(linkExists(QStringLiteral("eth0")));
        QVERIFY(linkExists(QStringLiteral("loomforeign")));
        QVERIFY(linkExists(QStringLiteral("lo")));
        QVERIFY(!linkExists(QStringLiteral("loombr")));
        const auto lo = m_ns->exec({QStringLiteral("ip"), QStringLiteral("link"), QStringLiteral("show"), QStringLiteral("lo")});
        QVERIFY(lo.out.contains("UP"));
        const auto eth = m_ns->exec({QStringLiteral("ip"), QStringLiteral("-d"), QStringLiteral("link"), QStringLiteral("show"), QStringLiteral("eth0")});
        QVERIFY(!eth.out.contains("master"));
    }
    void physicalUplinkIsReleasedNotDeleted()
    {
        const QJsonObject r = ask(frame(json(applyRequest(
            6, QStringLiteral("phys"),
            state("{\"bridges\":[{\"ifname\":\"loombrp\"}],\"uplinks\":[{\"ifname\":\"eth0\",\"bridge\":\"loombrp\"}]}"), true))));
        // ask() closes its connection: the non-persistent network is torn down with it.
        QVERIFY2(r.value(QStringLiteral("ok")).toBool(), qPrintable(errorMessage(r)));
        QVERIFY(waitFor([&] { return !linkExists(QStringLiteral("loombrp")); }, 5000));
        QVERIFY(linkExists(QStringLiteral("eth0")));
        const auto eth = m_ns->exec({QStringLiteral("ip"), QStringLiteral("-d"), QStringLiteral("link"), QStringLiteral("show"), QStringLiteral("eth0")});
        QVERIFY2(!eth.out.contains("master"), eth.out.constData());
    }
    void floodIsAnsweredInOrder()
    {
        auto s = connectRaw();
        QVERIFY(s);
        QByteArray burst;
        for (int i = 0; i < 200; ++i)
            burst += frame(json({{QStringLiteral("v"), 1}, {QStringLiteral("id"), i}, {QStringLiteral("op"), QStringLiteral("list")}}));
        s->write(burst);
        s->flush();
        for (int i = 0; i < 200; ++i) {
            const QJsonObject r = readResponse(*s);
            QCOMPARE(r.value(QStringLiteral("id")).toInteger(), i);
        }
    }
    void quotaIsEnforced()
    {
        auto s = connectRaw();
        QVERIFY(s);
        for (int i = 0; i < 3; ++i) {
            HostState st = exampleA(QStringLiteral("loomq%1").arg(i));
            st.dnsmasq.clear();
            st.nat.clear();
            st.ipv4Forwarding = false;
            st.addresses[0].cidr = QStringLiteral("10.0.%1.1/24").arg(20 + i);
            Request req;
            req.id = 100 + i;
            req.op = Op::Apply;
            req.network = QStringLiteral("q%1").arg(i);
            req.state = st;
            s->write(frame(json(encodeRequest(req))));
            s->flush();
            const QJsonObject r = readResponse(*s);
            if (i < 2) {
                QVERIFY2(r.value(QStringLiteral("ok")).toBool(), qPrintable(errorMessage(r)));
            } else {
                QCOMPARE(errorCode(r), QStringLiteral("limit-exceeded"));
                QVERIFY2(errorMessage(r).contains(QStringLiteral("quota")), qPrintable(errorMessage(r)));
            }
        }
        QVERIFY(!linkExists(QStringLiteral("loomq2")));
        s->disconnectFromServer();
        QVERIFY(waitFor([&] { return !linkExists(QStringLiteral("loomq0")) && !linkExists(QStringLiteral("loomq1")); }, 5000));
    }
    void connectionLimitPerUser()
    {
        std::vector<std::unique_ptr<QLocalSocket>> extra;
        // The good client holds one connection; the helper allows 8 per uid.
        for (int i = 0; i < 7; ++i) {
            extra.push_back(connectRaw());
            QVERIFY(extra.back());
        }
        auto s = connectRaw();
        QVERIFY(s);
        const QJsonObject r = readResponse(*s);
        QCOMPARE(errorCode(r), QStringLiteral("limit-exceeded"));
        QVERIFY2(errorMessage(r).contains(QStringLiteral("too many connections")), qPrintable(errorMessage(r)));
        extra.clear();
        QTest::qWait(200);
    }
};

QTEST_GUILESS_MAIN(TestHelperHostile)
#include "test_helper_hostile.moc"
