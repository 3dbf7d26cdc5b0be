#include "protocol/netaddr.h"

#include <QTest>

using namespace netloom;
using namespace netloom::protocol;

class TestNetaddr : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void ipv4_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        QTest::newRow("plain") << "10.0.2.1" << true;
        QTest::newRow("zeros") << "0.0.0.0" << true;
        QTest::newRow("max") << "255.255.255.255" << true;
        QTest::newRow("octet>255") << "10.0.2.256" << false;
        QTest::newRow("leading zero") << "10.0.02.1" << false;
        QTest::newRow("three parts") << "10.0.2" << false;
        QTest::newRow("five parts") << "10.0.2.1.1" << false;
        QTest::newRow("space") << "10.0.2.1 " << false;
        QTest::newRow("sign") << "+10.0.2.1" << false;
        QTest::newRow("empty part") << "10..2.1" << false;
        QTest::newRow("hex") << "0x0a.0.2.1" << false;
        QTest::newRow("empty") << "" << false;
    }
    void ipv4()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        auto r = Ipv4::parse(text);
        QCOMPARE(r.isOk(), valid);
        if (valid)
            QCOMPARE(r->toString(), text);
        else
            QVERIFY2(r.error().message.contains(QStringLiteral("IPv4")), qPrintable(r.error().message));
    }
    void cidr()
    {
        auto c = Cidr::parse(QStringLiteral("10.0.2.1/24"));
        QVERIFY(c);
        QCOMPARE(c->networkString(), QStringLiteral("10.0.2.0/24"));
        QCOMPARE(c->netmaskString(), QStringLiteral("255.255.255.0"));
        QCOMPARE(c->broadcast().toString(), QStringLiteral("10.0.2.255"));
        QVERIFY(c->contains(*Ipv4::parse(QStringLiteral("10.0.2.200"))));
        QVERIFY(!c->contains(*Ipv4::parse(QStringLiteral("10.0.3.1"))));
        QVERIFY(c->overlaps(*Cidr::parse(QStringLiteral("10.0.0.0/16"))));
        QVERIFY(!c->overlaps(*Cidr::parse(QStringLiteral("10.0.3.0/24"))));
        QVERIFY(Cidr::parse(QStringLiteral("10.0.2.0/24"))->isNetworkOrBroadcast());
        QVERIFY(!c->isNetworkOrBroadcast());
        QVERIFY(!Cidr::parse(QStringLiteral("10.0.2.1/33")));
        QVERIFY(!Cidr::parse(QStringLiteral("10.0.2.1/")));
        QVERIFY(!Cidr::parse(QStringLiteral("10.0.2.1/024")));
        QVERIFY(!Cidr::parse(QStringLiteral("10.0.2.1")));
        QCOMPARE(Cidr::parse(QStringLiteral("10.0.2.1"), true)->prefix, 32);
        QCOMPARE(Cidr::parse(QStringLiteral("0.0.0.0/0"))->mask(), 0u);
    }
    void mac()
    {
        auto m = Mac::parse(QStringLiteral("52:54:00:AB:cd:0f"));
        QVERIFY(m);
        QCOMPARE(m->toString(), QStringLiteral("52:54:00:ab:cd:0f"));
        QVERIFY(!m->isMulticast());
        QVERIFY(Mac::parse(QStringLiteral("01:00:5e:00:00:01"))->isMulticast());
        QVERIFY(!Mac::parse(QStringLiteral("52:54:00:ab:cd")));
        QVERIFY(!Mac::parse(QStringLiteral("52-54-00-ab-cd-0f")));
        QVERIFY(!Mac::parse(QStringLiteral("52:54:00:ab:cd:0g")));
    }
    void ifnames()
    {
        QVERIFY(validateIfname(QStringLiteral("eth0")));
        QVERIFY(validateLoomIfname(QStringLiteral("loomtap0")));
        QVERIFY(validateLoomIfname(QStringLiteral("loom45678901234")));   // 15 bytes
        QVERIFY(!validateLoomIfname(QStringLiteral("loom456789012345"))); // 16 bytes
        QVERIFY(!validateLoomIfname(QStringLiteral("eth0")));
        QVERIFY(!validateIfname(QStringLiteral("a/b")));
        QVERIFY(!validateIfname(QStringLiteral("a:b")));
        QVERIFY(!validateIfname(QStringLiteral("a b")));
        QVERIFY(!validateIfname(QStringLiteral("..")));
        QVERIFY(!validateIfname(QString()));
        QVERIFY(!validateIfname(QStringLiteral("tääp")));
        QVERIFY(validateUplinkPattern(QStringLiteral("eth+")));
        QVERIFY(validateUplinkPattern(QStringLiteral("enp1s0")));
        QVERIFY(!validateUplinkPattern(QStringLiteral("+")));
        QVERIFY(!validateUplinkPattern(QStringLiteral("e+th+")));
        QVERIFY(!validateUplinkPattern(QStringLiteral("eth*")));
        QVERIFY(parsePort(QStringLiteral("2222")));
        QVERIFY(!parsePort(QStringLiteral("0")));
        QVERIFY(!parsePort(QStringLiteral("65536")));
    }
};

QTEST_GUILESS_MAIN(TestNetaddr)
#include "test_netaddr.moc"
