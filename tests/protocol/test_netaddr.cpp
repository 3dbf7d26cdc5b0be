// SPDX-License-Identifier: GPL-3.0-or-later
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
    void ipv6_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("canonical");  // "" = must be refused
        QTest::newRow("ula") << "fd42:1::1" << "fd42:1::1";
        QTest::newRow("full") << "fd42:0001:0000:0000:0000:0000:0000:0001" << "fd42:1::1";
        QTest::newRow("upper") << "FD42:1::A" << "fd42:1::a";
        QTest::newRow("any") << "::" << "::";
        QTest::newRow("loopback") << "::1" << "::1";
        QTest::newRow("v4 mapped") << "::ffff:10.0.2.1" << "::ffff:10.0.2.1";
        QTest::newRow("longest zero run") << "1:0:0:2:0:0:0:3" << "1:0:0:2::3";
        QTest::newRow("zone id") << "fe80::1%eth0" << "";
        QTest::newRow("brackets") << "[fd42::1]" << "";
        QTest::newRow("two ::") << "fd42::1::2" << "";
        QTest::newRow("five hex digits") << "fd42:10000::1" << "";
        QTest::newRow("nine groups") << "1:2:3:4:5:6:7:8:9" << "";
        QTest::newRow("seven groups") << "1:2:3:4:5:6:7" << "";
        QTest::newRow("space") << " fd42::1" << "";
        QTest::newRow("trailing space") << "fd42::1 " << "";
        QTest::newRow("prefix") << "fd42::1/64" << "";
        QTest::newRow("ipv4") << "10.0.2.1" << "";
        QTest::newRow("v4 leading zero") << "::ffff:10.0.02.1" << "";
        QTest::newRow("non-ascii") << QStringLiteral("fd42::\u0661") << "";
        QTest::newRow("nul") << QString::fromLatin1("fd42::1\0", 8) << "";
        QTest::newRow("empty") << "" << "";
        QTest::newRow("colon") << ":" << "";
        QTest::newRow("triple colon") << "fd42:::1" << "";
        QTest::newRow("long") << QString(200, u'1') << "";
        QTest::newRow("sign") << "+fd42::1" << "";
        QTest::newRow("g") << "fd4g::1" << "";
    }
    void ipv6()
    {
        QFETCH(QString, text);
        QFETCH(QString, canonical);
        auto r = Ipv6::parse(text);
        QCOMPARE(r.isOk(), !canonical.isEmpty());
        if (r)
            QCOMPARE(r->toString(), canonical);
        else
            QVERIFY2(r.error().message.contains(QStringLiteral("IPv6")), qPrintable(r.error().message));
    }
    void ipv6Classes()
    {
        QVERIFY(Ipv6::parse(QStringLiteral("fe80::1"))->isLinkLocal());
        QVERIFY(Ipv6::parse(QStringLiteral("febf::1"))->isLinkLocal());
        QVERIFY(!Ipv6::parse(QStringLiteral("fec0::1"))->isLinkLocal());
        QVERIFY(Ipv6::parse(QStringLiteral("ff02::1"))->isMulticast());
        QVERIFY(Ipv6::parse(QStringLiteral("::"))->isUnspecified());
        QVERIFY(Ipv6::parse(QStringLiteral("::1"))->isLoopback());
        QVERIFY(Ipv6::parse(QStringLiteral("::ffff:1.2.3.4"))->isV4Mapped());
        QVERIFY(!Ipv6::parse(QStringLiteral("fd42::1"))->isV4Mapped());
        QVERIFY(*Ipv6::parse(QStringLiteral("fd42::1")) < *Ipv6::parse(QStringLiteral("fd42::100")));
        QVERIFY(*Ipv6::parse(QStringLiteral("fd42::ffff")) < *Ipv6::parse(QStringLiteral("fd42:0:0:1::")));
    }
    void cidr6()
    {
        auto c = Cidr6::parse(QStringLiteral("fd42:1::1/64"));
        QVERIFY(c);
        QCOMPARE(c->toString(), QStringLiteral("fd42:1::1/64"));
        QCOMPARE(c->networkString(), QStringLiteral("fd42:1::/64"));
        QCOMPARE(c->last().toString(), QStringLiteral("fd42:1::ffff:ffff:ffff:ffff"));
        QVERIFY(c->contains(*Ipv6::parse(QStringLiteral("fd42:1::abcd"))));
        QVERIFY(!c->contains(*Ipv6::parse(QStringLiteral("fd42:2::1"))));
        QVERIFY(c->overlaps(*Cidr6::parse(QStringLiteral("fd42::/16"))));
        QVERIFY(Cidr6::parse(QStringLiteral("fd42::/16"))->overlaps(*c));
        QVERIFY(!c->overlaps(*Cidr6::parse(QStringLiteral("fd42:2::1/64"))));
        // Odd prefix lengths cut inside a byte.
        auto odd = Cidr6::parse(QStringLiteral("fd42:1:0:ff::1/61"));
        QVERIFY(odd);
        QCOMPARE(odd->networkString(), QStringLiteral("fd42:1:0:f8::/61"));
        QVERIFY(odd->contains(*Ipv6::parse(QStringLiteral("fd42:1:0:f9::1"))));
        QVERIFY(!odd->contains(*Ipv6::parse(QStringLiteral("fd42:1:0:f0::1"))));
        QCOMPARE(Cidr6::parse(QStringLiteral("::/0"))->networkString(), QStringLiteral("::/0"));
        QVERIFY(Cidr6::parse(QStringLiteral("::/0"))->overlaps(*c));
        QCOMPARE(Cidr6::parse(QStringLiteral("fd42::1/128"))->last().toString(), QStringLiteral("fd42::1"));
        QCOMPARE(Cidr6::parse(QStringLiteral("FD42:0001::1/64"))->toString(), QStringLiteral("fd42:1::1/64"));
        QCOMPARE(Cidr6::parse(QStringLiteral("fd42::1"), true)->prefix, 128);
        for (const char *bad : {"fd42::1", "fd42::1/129", "fd42::1/", "fd42::1/064", "fd42::1/-1", "fd42::1/6 4",
                                "fd42::1/64/64", "/64", "10.0.2.1/24", "fe80::1%eth0/64", "fd42::1/1000",
                                "fd42::1/0x40", "fd42::g/64"}) {
            auto r = Cidr6::parse(QString::fromLatin1(bad));
            QVERIFY2(!r, bad);
            QVERIFY2(r.error().message.contains(QStringLiteral("IPv6")), qPrintable(r.error().message));
        }
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
