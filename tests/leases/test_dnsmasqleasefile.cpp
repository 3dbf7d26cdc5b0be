// SPDX-License-Identifier: GPL-3.0-or-later
// The dnsmasq lease-file parser: real dnsmasq output shapes, hostile lines, limits.
#include "leases/dnsmasqleasefile.h"

#include <QTest>

using namespace netloom::leases;

class TestDnsmasqLeaseFile : public QObject {
    Q_OBJECT
private slots:
    void parsesIpv4AndIpv6()
    {
        const QByteArray data =
            "1763000000 52:54:00:12:34:56 10.0.2.15 alpha 01:52:54:00:12:34:56\n"
            "0 52:54:00:12:34:57 10.0.2.16 * *\n"
            "duid 00:01:00:01:2a:bb:cc:dd:52:54:00:00:00:01\n"
            "1763000000 1234 fd00::15 beta 00:01:00:01\n";
        auto r = parseDnsmasqLeaseFile(data, QStringLiteral("lan.leases"));
        QVERIFY2(r.isOk(), qPrintable(r.isOk() ? QString() : r.error().message));
        QCOMPARE(r->leases.size(), 2);
        QCOMPARE(r->leases[0].expiresAtSec, 1763000000);
        QCOMPARE(r->leases[0].mac.toString(), QStringLiteral("52:54:00:12:34:56"));
        QCOMPARE(r->leases[0].ip.toString(), QStringLiteral("10.0.2.15"));
        QCOMPARE(r->leases[0].hostname, QStringLiteral("alpha"));
        QCOMPARE(r->leases[0].clientId, QStringLiteral("01:52:54:00:12:34:56"));
        QCOMPARE(r->leases[1].expiresAtSec, 0);
        QCOMPARE(r->leases[1].hostname, QString());
        QCOMPARE(r->leases[1].clientId, QString());
        // The DHCPv6 line's DUID ("00:01:00:01") is too short to carry a MAC.
        QCOMPARE(r->leases6.size(), 1);
        QCOMPARE(r->leases6[0].ip, QHostAddress(QStringLiteral("fd00::15")));
        QCOMPARE(r->leases6[0].iaid, 1234u);
        QCOMPARE(r->leases6[0].hostname, QStringLiteral("beta"));
        QVERIFY(!r->leases6[0].mac);
        QVERIFY(r->problems.isEmpty());
    }

    // Lines as dnsmasq 2.89 writes them for a Linux client (DUID-LLT) and for one using a
    // DUID-LL, a temporary address and an enterprise DUID (no MAC in it).
    void parsesDhcpv6Lines()
    {
        const QByteArray data =
            "duid 00:01:00:01:2e:aa:bb:cc:0a:00:27:00:00:01\n"
            "1763000100 1429516112 fd42::1:2b alpha 00:01:00:01:2e:ab:cd:ef:52:54:00:12:34:56\n"
            "0 7 fd42::1:2c * 00:03:00:01:52:54:00:ab:cd:ef\n"
            "1763000100 T4294967295 fd42::1:2d gamma 00:02:00:00:ab:11:01:02:03:04\n";
        auto r = parseDnsmasqLeaseFile(data, QStringLiteral("lan.leases"));
        QVERIFY2(r.isOk(), qPrintable(r.isOk() ? QString() : r.error().message));
        QVERIFY2(r->problems.isEmpty(), qPrintable(r->problems.join(u';')));
        QVERIFY(r->leases.isEmpty());
        QCOMPARE(r->leases6.size(), 3);
        QCOMPARE(r->leases6[0].expiresAtSec, 1763000100);
        QCOMPARE(r->leases6[0].iaid, 1429516112u);
        QCOMPARE(r->leases6[0].ip.toString(), QStringLiteral("fd42::1:2b"));
        QCOMPARE(r->leases6[0].mac->toString(), QStringLiteral("52:54:00:12:34:56"));
        QCOMPARE(r->leases6[0].duid, QStringLiteral("00:01:00:01:2e:ab:cd:ef:52:54:00:12:34:56"));
        QCOMPARE(r->leases6[1].hostname, QString());
        QCOMPARE(r->leases6[1].mac->toString(), QStringLiteral("52:54:00:ab:cd:ef"));
        QVERIFY(r->leases6[2].temporary);
        QCOMPARE(r->leases6[2].iaid, 4294967295u);
        QVERIFY(!r->leases6[2].mac);
    }

    void badDhcpv6LinesAreSkippedAndNamed_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QString>("reason");
        QTest::newRow("iaid too big") << QByteArray("1 4294967296 fd42::1 a *") << "bad IAID";
        QTest::newRow("iaid not a number") << QByteArray("1 x7 fd42::1 a *") << "bad IAID";
        QTest::newRow("ipv4 address") << QByteArray("1 7 10.0.0.1 a *") << "bad IPv6";
        QTest::newRow("scoped address") << QByteArray("1 7 fe80::1%eth0 a *") << "bad IPv6";
        QTest::newRow("garbage address") << QByteArray("1 7 fd42:::1::2 a *") << "bad IPv6";
        QTest::newRow("bad duid") << QByteArray("1 7 fd42::1 a 00:0") << "bad client DUID";
    }

    void badDhcpv6LinesAreSkippedAndNamed()
    {
        QFETCH(QByteArray, line);
        QFETCH(QString, reason);
        const QByteArray data = "duid 00:01\n" + line + "\n1 8 fd42::9 ok *\n";
        auto r = parseDnsmasqLeaseFile(data, QStringLiteral("f"));
        QVERIFY(r.isOk());
        QCOMPARE(r->leases6.size(), 1);
        QCOMPARE(r->leases6[0].ip.toString(), QStringLiteral("fd42::9"));
        QCOMPARE(r->problemCount, 1);
        QVERIFY2(r->problems[0].startsWith(QStringLiteral("line 2: ")) && r->problems[0].contains(reason),
                 qPrintable(r->problems[0]));
    }

    void macFromDuidOnlyForEthernetLinkLayerDuids()
    {
        QCOMPARE(macFromDuid(QStringLiteral("00:01:00:01:2e:ab:cd:ef:52:54:00:12:34:56"))->toString(), QStringLiteral("52:54:00:12:34:56"));
        QCOMPARE(macFromDuid(QStringLiteral("00:03:00:01:52:54:00:12:34:57"))->toString(), QStringLiteral("52:54:00:12:34:57"));
        QVERIFY(!macFromDuid(QStringLiteral("00:03:00:20:52:54:00:12:34:57")));  // hardware type 32 (InfiniBand)
        QVERIFY(!macFromDuid(QStringLiteral("00:03:00:01:52:54:00:12:34")));     // address too short
        QVERIFY(!macFromDuid(QStringLiteral("00:04:01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f:10")));  // DUID-UUID
        QVERIFY(!macFromDuid(QStringLiteral("00:01:00:01:zz:ab:cd:ef:52:54:00:12:34:56")));
        QVERIFY(!macFromDuid(QString()));
    }

    void emptyFileHasNoLeases()
    {
        auto r = parseDnsmasqLeaseFile(QByteArray(), QStringLiteral("x"));
        QVERIFY(r.isOk());
        QVERIFY(r->leases.isEmpty());
    }

    void badLinesAreSkippedAndNamed_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QString>("reason");
        QTest::newRow("too few fields") << QByteArray("1 52:54:00:12:34:56 10.0.2.15 alpha") << "expected 5 fields";
        QTest::newRow("tab separated") << QByteArray("1\t52:54:00:12:34:56 10.0.2.15 a *") << "expected 5 fields";
        QTest::newRow("double space") << QByteArray("1  52:54:00:12:34:56 10.0.2.15 a *") << "expected 5 fields";
        QTest::newRow("negative expiry") << QByteArray("-1 52:54:00:12:34:56 10.0.2.15 a *") << "expiry";
        QTest::newRow("huge expiry") << QByteArray("99999999999999 52:54:00:12:34:56 10.0.2.15 a *") << "expiry";
        QTest::newRow("bad mac") << QByteArray("1 52:54:00:12:34 10.0.2.15 a *") << "bad MAC";
        QTest::newRow("infiniband hw") << QByteArray("1 20:52:54:00:12:34:56 10.0.2.15 a *") << "bad MAC";
        QTest::newRow("bad ip") << QByteArray("1 52:54:00:12:34:56 10.0.2.256 a *") << "bad IPv4";
        QTest::newRow("leading zero ip") << QByteArray("1 52:54:00:12:34:56 10.0.2.015 a *") << "bad IPv4";
        QTest::newRow("bad client id") << QByteArray("1 52:54:00:12:34:56 10.0.2.15 a 01:zz") << "bad client id";
        QTest::newRow("nul byte") << QByteArray("1 52:54:00:12:34:56 10.0.2.15 a\0b *", 35) << "bad hostname";
    }

    void badLinesAreSkippedAndNamed()
    {
        QFETCH(QByteArray, line);
        QFETCH(QString, reason);
        const QByteArray data = "5 52:54:00:00:00:01 10.0.0.1 good *\n" + line + "\n";
        auto r = parseDnsmasqLeaseFile(data, QStringLiteral("x"));
        QVERIFY(r.isOk());
        QCOMPARE(r->problemCount, 1);
        QVERIFY2(r->problems.value(0).startsWith(QStringLiteral("line 2: ")), qPrintable(r->problems.value(0)));
        QVERIFY2(r->problems.value(0).contains(reason), qPrintable(r->problems.value(0)));
        QVERIFY(r->leases.size() >= 1);
        QCOMPARE(r->leases[0].hostname, QStringLiteral("good"));
    }

    void hostileHostnameIsDroppedButLeaseKept()
    {
        const QByteArray data = "5 52:54:00:00:00:01 10.0.0.1 \x1b]0;pwned\x07 *\n";
        auto r = parseDnsmasqLeaseFile(data, QStringLiteral("x"));
        QVERIFY(r.isOk());
        QCOMPARE(r->leases.size(), 1);
        QCOMPARE(r->leases[0].hostname, QString());
        QCOMPARE(r->problemCount, 1);
    }

    void incompleteLastLineIsNotTrusted()
    {
        const QByteArray data = "5 52:54:00:00:00:01 10.0.0.1 a *\n5 52:54:00:00:00:02 10.0.0.2 b";
        auto r = parseDnsmasqLeaseFile(data, QStringLiteral("x"));
        QVERIFY(r.isOk());
        QCOMPARE(r->leases.size(), 1);
        QVERIFY(r->problems.value(0).contains(QStringLiteral("incomplete")));
    }

    void limitsAreErrors()
    {
        LeaseFileLimits lim;
        lim.maxBytes = 100;
        auto big = parseDnsmasqLeaseFile(QByteArray(101, '\n'), QStringLiteral("/run/x.leases"), lim);
        QVERIFY(!big.isOk());
        QCOMPARE(big.error().code, netloom::ErrorCode::LimitExceeded);
        QVERIFY(big.error().message.startsWith(QStringLiteral("failed to read lease file '/run/x.leases': ")));

        lim = {};
        lim.maxLineBytes = 40;
        auto longLine = parseDnsmasqLeaseFile(QByteArray(41, 'a') + '\n', QStringLiteral("x"), lim);
        QVERIFY(!longLine.isOk());
        QVERIFY(longLine.error().message.contains(QStringLiteral("line 1")));

        lim = {};
        lim.maxEntries = 3;
        QByteArray many;
        for (int i = 0; i < 4; ++i)
            many += "5 52:54:00:00:00:0" + QByteArray::number(i) + " 10.0.0." + QByteArray::number(i + 1) + " * *\n";
        auto tooMany = parseDnsmasqLeaseFile(many, QStringLiteral("x"), lim);
        QVERIFY(!tooMany.isOk());
        QVERIFY(tooMany.error().message.contains(QStringLiteral("more than 3 entries")));
        many.chop(many.size() - many.lastIndexOf("5 52"));
        QVERIFY(parseDnsmasqLeaseFile(many, QStringLiteral("x"), lim).isOk());
    }

    void problemsAreBounded()
    {
        LeaseFileLimits lim;
        lim.maxProblems = 2;
        auto r = parseDnsmasqLeaseFile("x\ny\nz\nw\n", QStringLiteral("x"), lim);
        QVERIFY(r.isOk());
        QCOMPARE(r->problems.size(), 2);
        QCOMPARE(r->problemCount, 4);
    }
};

QTEST_GUILESS_MAIN(TestDnsmasqLeaseFile)
#include "test_dnsmasqleasefile.moc"
