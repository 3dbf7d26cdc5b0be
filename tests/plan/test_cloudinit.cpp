// SPDX-License-Identifier: GPL-3.0-or-later
// cloud-init NoCloud seeds (issue #11, point 3): what buildNoCloudSeed writes (user, keys,
// hostname, password, network-config from a DHCP reservation, extra user-data as a MIME
// part), the instance-id following the content, bad fields refused by name, the validator's
// checks, the planner attaching the seed, and writeSeedIso making a "cidata" ISO that holds
// exactly the three files (checked by reading it back with xorriso). userKeys: the starting
// user's keys after the section's (no repeats, at most 64), read from HOME/.ssh/*.pub with
// bad files skipped by name, a warning per guest when there is none, "userKeys" in JSON.
#include "common/testutil.h"
#include "fixtures.h"

#include "model/topologyjson.h"
#include "model/validator.h"
#include "plan/cloudinit.h"
#include "plan/planner.h"
#include "qemu/seediso.h"
#include "runtime/userkeys.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace netloom;
using namespace netloom::test;

namespace {

// A real ed25519 public key (ssh-keygen output; the private half was thrown away).
const QString kKey = QStringLiteral("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGP2pZX8k5KAtf0Y2sbPSqD82OwOfBXsD+hAfF5P1A1P dev@example");

model::Topology withCloudInit(const model::CloudInitConfig &c)
{
    model::Topology t = natLan();
    t.node(QStringLiteral("vm1"))->guest.cloudInit = c;
    return t;
}

// Two more real public keys (ssh-keygen -t ed25519 / -t ecdsa, private halves thrown away).
const QString kKey2 = QStringLiteral("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOWMoLoHwERz8kMiEtv5zSardkVLc83pqBi5xS7trz83 me@laptop");
const QString kKey3 = QStringLiteral("ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBBCgJ2XqPaXLBNdQiDVjtJbVrarqnZ68chPf6g+L4Rl7"
                                     "OHsieFHVfhybSOKZYteSYGMOvMXaq6Ft6nzkEqo0uAA= me@desk");

QJsonObject body(const QByteArray &cloudConfig)
{
    const qsizetype nl = cloudConfig.indexOf('\n');
    return QJsonDocument::fromJson(cloudConfig.mid(nl + 1)).object();
}

QJsonArray authorizedKeys(const plan::NoCloudSeed &seed)
{
    return body(seed.userData).value(QStringLiteral("users")).toArray().at(0).toObject().value(QStringLiteral("ssh_authorized_keys")).toArray();
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
        qFatal("cannot write %s", qPrintable(path));
}

}  // namespace

class TestCloudInit : public QObject {
    Q_OBJECT
private slots:
    void userKeysHostnameNetwork()
    {
        const model::Topology t = withCloudInit({QStringLiteral("dev"), {kKey}, {}, {}, {}});
        Result<plan::NoCloudSeed> seed = plan::buildNoCloudSeed(t, *t.node(QStringLiteral("vm1")));
        QVERIFY2(seed, qPrintable(seed ? QString() : seed.error().message));
        QVERIFY(seed->userData.startsWith("#cloud-config\n"));
        const QJsonObject cfg = body(seed->userData);
        QCOMPARE(cfg.value(QStringLiteral("hostname")).toString(), QStringLiteral("vm1"));
        QCOMPARE(cfg.value(QStringLiteral("ssh_pwauth")).toBool(true), false);
        const QJsonObject user = cfg.value(QStringLiteral("users")).toArray().at(0).toObject();
        QCOMPARE(user.value(QStringLiteral("name")).toString(), QStringLiteral("dev"));
        QCOMPARE(user.value(QStringLiteral("ssh_authorized_keys")).toArray(), QJsonArray{kKey});
        QCOMPARE(user.value(QStringLiteral("lock_passwd")).toBool(), true);
        QVERIFY(!user.contains(QStringLiteral("passwd")));

        const QJsonObject meta = QJsonDocument::fromJson(seed->metaData).object();
        QCOMPARE(meta.value(QStringLiteral("local-hostname")).toString(), QStringLiteral("vm1"));
        QVERIFY(meta.value(QStringLiteral("instance-id")).toString().startsWith(QLatin1String("netloom-vm1-")));

        // The reservation of vm1's MAC on the NAT'd, DNS-serving gateway: a static address.
        const QJsonObject net = QJsonDocument::fromJson(seed->networkConfig).object();
        QCOMPARE(net.value(QStringLiteral("version")).toInt(), 2);
        const QJsonObject eth = net.value(QStringLiteral("ethernets")).toObject().value(QStringLiteral("nic0")).toObject();
        QCOMPARE(eth.value(QStringLiteral("match")).toObject().value(QStringLiteral("macaddress")).toString(), QStringLiteral("52:54:00:00:0a:01"));
        QCOMPARE(eth.value(QStringLiteral("addresses")).toArray(), QJsonArray{QStringLiteral("10.0.2.50/24")});
        QCOMPARE(eth.value(QStringLiteral("routes")).toArray().at(0).toObject().value(QStringLiteral("via")).toString(), QStringLiteral("10.0.2.1"));
        QCOMPARE(eth.value(QStringLiteral("nameservers")).toObject().value(QStringLiteral("addresses")).toArray(), QJsonArray{QStringLiteral("10.0.2.1")});
        QVERIFY(!eth.contains(QStringLiteral("dhcp4")));

        // Without the reservation: DHCP.
        model::Topology dhcp = t;
        dhcp.node(QStringLiteral("gw"))->hostPort.dhcp.reservations.clear();
        Result<plan::NoCloudSeed> s2 = plan::buildNoCloudSeed(dhcp, *dhcp.node(QStringLiteral("vm1")));
        QVERIFY(s2);
        const QJsonObject eth2 = QJsonDocument::fromJson(s2->networkConfig).object().value(QStringLiteral("ethernets")).toObject()
                                     .value(QStringLiteral("nic0")).toObject();
        QCOMPARE(eth2.value(QStringLiteral("dhcp4")).toBool(), true);
        QVERIFY(!eth2.contains(QStringLiteral("addresses")));
    }

    void passwordHostnameAndInstanceId()
    {
        const QString hash = QStringLiteral("$6$AkrECl0Zo18031d0$Y5bi/G2ZQIoObzKJwaavQYxsfPQKYTDHOYaXHMaIONTUnX3cNj2quc7DeaVSW.M15Bnhh0igc209JQzIFJbSL.");
        const model::Topology t = withCloudInit({QStringLiteral("dev"), {kKey}, QStringLiteral("web-1"), hash, {}});
        Result<plan::NoCloudSeed> seed = plan::buildNoCloudSeed(t, *t.node(QStringLiteral("vm1")));
        QVERIFY(seed);
        const QJsonObject cfg = body(seed->userData);
        QCOMPARE(cfg.value(QStringLiteral("hostname")).toString(), QStringLiteral("web-1"));
        QCOMPARE(cfg.value(QStringLiteral("ssh_pwauth")).toBool(), true);
        const QJsonObject user = cfg.value(QStringLiteral("users")).toArray().at(0).toObject();
        QCOMPARE(user.value(QStringLiteral("passwd")).toString(), hash);
        QCOMPARE(user.value(QStringLiteral("lock_passwd")).toBool(true), false);
        // Same content, same instance-id; another key, another one (cloud-init applies it).
        Result<plan::NoCloudSeed> again = plan::buildNoCloudSeed(t, *t.node(QStringLiteral("vm1")));
        QCOMPARE(again->metaData, seed->metaData);
        const model::Topology other = withCloudInit({QStringLiteral("dev"), {}, QStringLiteral("web-1"), hash, {}});
        Result<plan::NoCloudSeed> changed = plan::buildNoCloudSeed(other, *other.node(QStringLiteral("vm1")));
        QVERIFY(changed->metaData != seed->metaData);
    }

    void extraUserDataIsAMimePart()
    {
        const QString script = QStringLiteral("#!/bin/sh\necho 100% ready > /run/marker\n");
        const model::Topology t = withCloudInit({QStringLiteral("dev"), {kKey}, {}, {}, script});
        Result<plan::NoCloudSeed> seed = plan::buildNoCloudSeed(t, *t.node(QStringLiteral("vm1")));
        QVERIFY(seed);
        const QByteArray u = seed->userData;
        QVERIFY2(u.startsWith("Content-Type: multipart/mixed; boundary=\""), u.constData());
        const QByteArray boundary = u.mid(41, u.indexOf('"', 41) - 41);
        QVERIFY(!boundary.isEmpty());
        QCOMPARE(u.count("--" + boundary + "\n"), 2);
        QVERIFY(u.endsWith("--" + boundary + "--\n"));
        QVERIFY(u.contains("Content-Type: text/cloud-config; charset=\"utf-8\"\n"));
        QVERIFY(u.contains("Content-Type: text/x-shellscript; charset=\"utf-8\"\nMerge-Type: list(append)+dict(recurse_array)+str()\n"));
        QVERIFY(u.contains(script.toUtf8()));
        QVERIFY(u.contains("\"name\": \"dev\""));
    }

    void badFieldsAreNamed_data()
    {
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("hostname");
        QTest::addColumn<QString>("hash");
        QTest::addColumn<QString>("message");
        QTest::newRow("user") << QStringLiteral("Root User") << kKey << QString() << QString()
                              << QStringLiteral("cloudInit.user: 'Root User' is not a user name");
        QTest::newRow("key type") << QStringLiteral("dev") << QStringLiteral("ssh-foo AAAA x") << QString() << QString()
                                  << QStringLiteral("cloudInit.sshKeys[0]: 'ssh-foo AAAA x' is not an OpenSSH public key");
        QTest::newRow("key data") << QStringLiteral("dev") << QStringLiteral("ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIGP2pZX8k5KAtf0Y2sbPSqD82OwOfBXsD+hAfF5P1A1P")
                                  << QString() << QString() << QStringLiteral("its key data is not a 'ssh-rsa' key");
        QTest::newRow("private key") << QStringLiteral("dev") << QStringLiteral("-----BEGIN OPENSSH PRIVATE KEY-----") << QString() << QString()
                                     << QStringLiteral("is not an OpenSSH public key");
        QTest::newRow("hostname") << QStringLiteral("dev") << kKey << QStringLiteral("web_1.lan") << QString()
                                  << QStringLiteral("cloudInit.hostname: 'web_1.lan' is not a host name");
        QTest::newRow("plain password") << QStringLiteral("dev") << kKey << QString() << QStringLiteral("hunter2")
                                        << QStringLiteral("cloudInit.passwordHash: the password hash is not a crypt(3) password hash");
    }
    void badFieldsAreNamed()
    {
        QFETCH(QString, user);
        QFETCH(QString, key);
        QFETCH(QString, hostname);
        QFETCH(QString, hash);
        QFETCH(QString, message);
        const model::Topology t = withCloudInit({user, {key}, hostname, hash, {}});
        Result<plan::NoCloudSeed> seed = plan::buildNoCloudSeed(t, *t.node(QStringLiteral("vm1")));
        QVERIFY(!seed);
        QVERIFY2(seed.error().message.startsWith(QStringLiteral("failed to build the cloud-init seed of 'vm1': ")), qPrintable(seed.error().message));
        QVERIFY2(seed.error().message.contains(message), qPrintable(seed.error().message));
        // The validator names the same field, and the planner refuses the guest.
        bool named = false;
        for (const model::Issue &i : model::validate(t))
            named |= i.severity == model::Issue::Severity::Error && i.path.contains(QStringLiteral("cloudInit"));
        QVERIFY(named);
        QVERIFY(!plan::plan(t, plan::PlanContext{QStringLiteral("/run/user/1000/netloom/t"), QStringLiteral("/home/u/labs")}));
    }

    void plannerAttachesTheSeed()
    {
        const model::Topology t = withCloudInit({QStringLiteral("dev"), {kKey}, {}, {}, {}});
        Result<plan::Plan> p = plan::plan(t, plan::PlanContext{QStringLiteral("/run/user/1000/netloom/t"), QStringLiteral("/home/u/labs")});
        QVERIFY2(p, qPrintable(p ? QString() : p.error().message));
        const plan::GuestPlan &g = p->runtime.guests[0];
        QVERIFY(g.seed);
        QCOMPARE(g.seedIso, QStringLiteral("/run/user/1000/netloom/t/guest-vm1.cidata.iso"));
        QVERIFY(g.argv.contains(QStringLiteral("file=/run/user/1000/netloom/t/guest-vm1.cidata.iso,format=raw,if=virtio,readonly=on")));
        // No section, no seed.
        Result<plan::Plan> none = plan::plan(natLan(), plan::PlanContext{QStringLiteral("/run/user/1000/netloom/t"), QStringLiteral("/home/u/labs")});
        QVERIFY(none && !none->runtime.guests[0].seed && none->runtime.guests[0].seedIso.isEmpty());
    }

    void userKeysFollowTheSectionsKeys()
    {
        model::CloudInitConfig c{QStringLiteral("dev"), {kKey}, {}, {}, {}};
        c.userKeys = true;
        const model::Topology t = withCloudInit(c);
        const model::Node &vm = *t.node(QStringLiteral("vm1"));
        // The same key with another comment is not repeated; the others follow, in order.
        const QString kKeyAgain = kKey.section(u' ', 0, 1) + QStringLiteral(" other@host");
        Result<plan::NoCloudSeed> seed = plan::buildNoCloudSeed(t, vm, {kKey2, kKeyAgain, kKey3});
        QVERIFY2(seed, qPrintable(seed ? QString() : seed.error().message));
        QCOMPARE(authorizedKeys(*seed), (QJsonArray{kKey, kKey2, kKey3}));
        // Only the user's keys, when the section has none.
        model::CloudInitConfig only{QStringLiteral("dev"), {}, {}, {}, {}};
        only.userKeys = true;
        const model::Topology t2 = withCloudInit(only);
        Result<plan::NoCloudSeed> s2 = plan::buildNoCloudSeed(t2, *t2.node(QStringLiteral("vm1")), {kKey2});
        QVERIFY(s2);
        QCOMPARE(authorizedKeys(*s2), QJsonArray{kKey2});
        QVERIFY(s2->metaData != plan::buildNoCloudSeed(t2, *t2.node(QStringLiteral("vm1")), {kKey3})->metaData);  // another key, another instance
        // Without userKeys in the section, passed-in keys are ignored.
        const model::Topology plain = withCloudInit({QStringLiteral("dev"), {kKey}, {}, {}, {}});
        QCOMPARE(authorizedKeys(*plan::buildNoCloudSeed(plain, *plain.node(QStringLiteral("vm1")), {kKey2})), QJsonArray{kKey});
        // At most 64 keys in all.
        QStringList many;  // seedAuthorizedKeys does not check keys: distinct key data is enough
        for (int i = 0; i < model::limits::kMaxSshKeys + 6; ++i)
            many << QStringLiteral("ssh-ed25519 AAAA%1 k").arg(i);
        QCOMPARE(plan::seedAuthorizedKeys(c, many).size(), model::limits::kMaxSshKeys);
        QCOMPARE(plan::seedAuthorizedKeys(c, many).first(), kKey);
        QCOMPARE(plan::seedAuthorizedKeys(c, many).last(), many[model::limits::kMaxSshKeys - 2]);
        // A passed-in key that is not a key is named (the reader never passes one).
        Result<plan::NoCloudSeed> bad = plan::buildNoCloudSeed(t, vm, {kKey2, QStringLiteral("ssh-rsa nope")});
        QVERIFY(!bad);
        QVERIFY2(bad.error().message.contains(QStringLiteral("cloudInit.userKeys[1]: ")), qPrintable(bad.error().message));
        // The planner passes PlanContext::userKeys in.
        Result<plan::Plan> p = plan::plan(t2, plan::PlanContext{QStringLiteral("/run/user/1000/netloom/t"), QStringLiteral("/home/u/labs"), {kKey3}});
        QVERIFY2(p, qPrintable(p ? QString() : p.error().message));
        QCOMPARE(authorizedKeys(*p->runtime.guests[0].seed), QJsonArray{kKey3});
    }

    void userKeysInJson()
    {
        model::CloudInitConfig c{QStringLiteral("demo"), {}, {}, {}, {}};
        c.userKeys = true;
        const model::Topology t = withCloudInit(c);
        const QByteArray json = model::serializeTopology(t);
        QVERIFY2(json.contains("\"cloudInit\": {\"user\": \"demo\", \"userKeys\": true}"), json.constData());
        Result<model::Topology> back = model::parseTopology(json, QStringLiteral("t.json"));
        QVERIFY2(back, qPrintable(back ? QString() : back.error().message));
        QVERIFY(back->node(QStringLiteral("vm1"))->guest.cloudInit->userKeys);
        QVERIFY(!model::serializeTopology(withCloudInit({QStringLiteral("demo"), {kKey}, {}, {}, {}})).contains("userKeys"));
        // No key in the section is no "nobody can log in" warning when userKeys brings some.
        for (const model::Issue &i : model::validate(t))
            QVERIFY2(!i.message.contains(QStringLiteral("nobody can log in")), qPrintable(i.message));
    }

    void readUserKeysSkipsBadFiles()
    {
        QTemporaryDir home;
        QVERIFY(home.isValid());
        // No ~/.ssh: no key, no warning.
        QVERIFY(runtime::readUserKeys(home.path()).keys.isEmpty());
        QVERIFY(runtime::readUserKeys(home.path()).warnings.isEmpty());
        const QString ssh = home.filePath(QStringLiteral(".ssh"));
        QVERIFY(QDir().mkpath(ssh + QStringLiteral("/dir.pub")));  // a directory: not a file
        writeFile(ssh + QStringLiteral("/id_ed25519.pub"), kKey2.toUtf8() + "\n");
        writeFile(ssh + QStringLiteral("/a_ecdsa.pub"), kKey3.toUtf8());
        writeFile(ssh + QStringLiteral("/broken.pub"), "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n");
        writeFile(ssh + QStringLiteral("/huge.pub"), QByteArray(runtime::kMaxPubFileBytes + 1, 'a'));
        writeFile(ssh + QStringLiteral("/id_rsa"), "not a public key file name");
        writeFile(ssh + QStringLiteral("/known_hosts"), "x");
        const runtime::UserKeys k = runtime::readUserKeys(home.path());
        QCOMPARE(k.keys, (QStringList{kKey3, kKey2}));  // by file name: a_ecdsa.pub, id_ed25519.pub
        QCOMPARE(k.warnings.size(), 2);
        QVERIFY2(k.warnings[0].message.startsWith(QStringLiteral("skipping '%1/broken.pub' for cloudInit.userKeys: ").arg(ssh)),
                 qPrintable(k.warnings[0].message));
        QVERIFY2(!k.warnings[0].message.contains(QStringLiteral("PRIVATE")), qPrintable(k.warnings[0].message));  // no file content
        QVERIFY2(k.warnings[1].message.contains(QStringLiteral("huge.pub")), qPrintable(k.warnings[1].message));

        // userKeysFor: nothing read for a topology that does not ask; a warning per guest
        // that asks when there is no key at all.
        model::CloudInitConfig c{QStringLiteral("dev"), {}, {}, {}, {}};
        QVERIFY(runtime::userKeysFor(withCloudInit(c), home.path()).keys.isEmpty());
        QVERIFY(runtime::userKeysFor(withCloudInit(c), home.path()).warnings.isEmpty());
        c.userKeys = true;
        QCOMPARE(runtime::userKeysFor(withCloudInit(c), home.path()).keys, (QStringList{kKey3, kKey2}));
        QTemporaryDir empty;
        const runtime::UserKeys none = runtime::userKeysFor(withCloudInit(c), empty.path());
        QVERIFY(none.keys.isEmpty());
        QCOMPARE(none.warnings.size(), 1);
        QCOMPARE(none.warnings[0].node, QStringLiteral("vm1"));
        QVERIFY2(none.warnings[0].message.contains(QStringLiteral("no public key in ~/.ssh")) &&
                     none.warnings[0].message.contains(QStringLiteral("create one with ssh-keygen")),
                 qPrintable(none.warnings[0].message));
    }

    void isoHoldsTheSeed()
    {
        const QString xorriso = test::findTool(QStringLiteral("xorriso"));
        if (xorriso.isEmpty()) {
            qWarning("SKIP: xorriso is not installed");
            ::exit(77);
        }
        const model::Topology t = withCloudInit({QStringLiteral("dev"), {kKey}, {}, {}, QStringLiteral("#cloud-config\nruncmd: [true]\n")});
        Result<plan::NoCloudSeed> seed = plan::buildNoCloudSeed(t, *t.node(QStringLiteral("vm1")));
        QVERIFY(seed);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString iso = dir.filePath(QStringLiteral("guest-vm1.cidata.iso"));
        const Status written = qemu::writeSeedIso(QStringLiteral("vm1"), *seed, iso);
        QVERIFY2(written, qPrintable(written ? QString() : written.error().message));
        const test::CommandResult pvd = test::run({xorriso, QStringLiteral("-indev"), iso, QStringLiteral("-pvd_info")});
        QVERIFY2(pvd.exitCode == 0 && pvd.out.contains("Volume Id    : cidata"), qPrintable(pvd.describe() + QString::fromUtf8(pvd.out)));
        const QString out = dir.filePath(QStringLiteral("out"));
        const test::CommandResult x = test::run({xorriso, QStringLiteral("-osirrox"), QStringLiteral("on"), QStringLiteral("-indev"), iso,
                                                 QStringLiteral("-extract"), QStringLiteral("/"), out});
        QVERIFY2(x.exitCode == 0, qPrintable(x.describe()));
        QCOMPARE(QDir(out).entryList(QDir::Files, QDir::Name),
                 (QStringList{QStringLiteral("meta-data"), QStringLiteral("network-config"), QStringLiteral("user-data")}));
        QCOMPARE(test::readFile(out + QStringLiteral("/meta-data")), seed->metaData);
        QCOMPARE(test::readFile(out + QStringLiteral("/user-data")), seed->userData);
        QCOMPARE(test::readFile(out + QStringLiteral("/network-config")), seed->networkConfig);
        // A path that is not an ISO name is refused, and nothing is written.
        const Status bad = qemu::writeSeedIso(QStringLiteral("vm1"), *seed, dir.filePath(QStringLiteral("seed.img")));
        QVERIFY(!bad);
        QVERIFY2(bad.error().message.contains(QStringLiteral("failed to write the cloud-init seed of 'vm1'")), qPrintable(bad.error().message));
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("seed.img"))));
    }
};

QTEST_GUILESS_MAIN(TestCloudInit)
#include "test_cloudinit.moc"
