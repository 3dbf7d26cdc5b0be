// SPDX-License-Identifier: GPL-3.0-or-later
#include "cloudinit.h"

#include "model/validator.h"
#include "protocol/netaddr.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace netloom::plan {

namespace {

using model::CloudInitConfig;
using model::Link;
using model::NicConfig;
using model::Node;
using model::NodeType;
using model::Topology;

Error fieldError(const Node &guest, const QString &field, const QString &reason)
{
    return Error{ErrorCode::InvalidArgument,
                 QStringLiteral("failed to build the cloud-init seed of '%1': cloudInit.%2: %3").arg(guest.id, field, reason)};
}

QByteArray json(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Indented);
}

// The host port that reserves an address for `mac` on the segment of `link` (the switch at
// its other end), or nullptr.
const model::DhcpReservation *reservationFor(const Topology &t, const Link &link, const QString &guestId, const QString &mac,
                                             const Node **hostPort)
{
    const QString sw = link.a.node == guestId ? link.b.node : link.a.node;
    const Node *swNode = t.node(sw);
    if (!swNode || swNode->type != NodeType::Switch)
        return nullptr;
    for (const Link *l : t.linksOf(sw)) {
        const Node *other = t.node(l->a.node == sw ? l->b.node : l->a.node);
        if (!other || other->type != NodeType::HostPort || !other->hostPort.dhcp.enabled)
            continue;
        for (const model::DhcpReservation &r : other->hostPort.dhcp.reservations)
            if (r.mac.compare(mac, Qt::CaseInsensitive) == 0) {
                *hostPort = other;
                return &r;
            }
    }
    return nullptr;
}

QJsonObject networkConfig(const Topology &t, const Node &guest)
{
    QJsonObject ethernets;
    int index = 0;
    for (const NicConfig &nic : guest.guest.nics) {
        if (nic.mode == NicConfig::Mode::Socket || nic.mac.isEmpty())
            continue;
        QJsonObject eth{{QStringLiteral("match"), QJsonObject{{QStringLiteral("macaddress"), nic.mac.toLower()}}}};
        const Link *link = t.linkOfNic(guest.id, nic.id);
        const Node *hostPort = nullptr;
        const model::DhcpReservation *res = link ? reservationFor(t, *link, guest.id, nic.mac, &hostPort) : nullptr;
        const Result<protocol::Cidr> subnet = hostPort ? protocol::Cidr::parse(hostPort->hostPort.address) : Result<protocol::Cidr>(
                                                                                                              Error{ErrorCode::NotFound, {}});
        if (res && subnet) {
            eth.insert(QStringLiteral("addresses"), QJsonArray{QStringLiteral("%1/%2").arg(res->ip).arg(subnet->prefix)});
            const QString gateway = subnet->address.toString();
            if (hostPort->hostPort.nat.mode != model::NatConfig::Mode::None)
                eth.insert(QStringLiteral("routes"), QJsonArray{QJsonObject{{QStringLiteral("to"), QStringLiteral("0.0.0.0/0")},
                                                                             {QStringLiteral("via"), gateway}}});
            if (hostPort->hostPort.dns) {
                QJsonObject ns{{QStringLiteral("addresses"), QJsonArray{gateway}}};
                if (!hostPort->hostPort.dhcp.domain.isEmpty())
                    ns.insert(QStringLiteral("search"), QJsonArray{hostPort->hostPort.dhcp.domain});
                eth.insert(QStringLiteral("nameservers"), ns);
            }
        } else {
            eth.insert(QStringLiteral("dhcp4"), true);
        }
        ethernets.insert(QStringLiteral("nic%1").arg(index++), eth);
    }
    return QJsonObject{{QStringLiteral("version"), 2}, {QStringLiteral("ethernets"), ethernets}};
}

QByteArray cloudConfig(const CloudInitConfig &c, const QStringList &keys, const QString &hostname)
{
    QJsonObject user{{QStringLiteral("name"), c.user},
                     {QStringLiteral("sudo"), QStringLiteral("ALL=(ALL) NOPASSWD:ALL")},
                     {QStringLiteral("lock_passwd"), c.passwordHash.isEmpty()}};
    if (!keys.isEmpty())
        user.insert(QStringLiteral("ssh_authorized_keys"), QJsonArray::fromStringList(keys));
    if (!c.passwordHash.isEmpty())
        user.insert(QStringLiteral("passwd"), c.passwordHash);
    const QJsonObject cfg{{QStringLiteral("hostname"), hostname},
                          {QStringLiteral("preserve_hostname"), false},
                          {QStringLiteral("users"), QJsonArray{user}},
                          {QStringLiteral("ssh_pwauth"), !c.passwordHash.isEmpty()}};
    return "#cloud-config\n" + json(cfg);
}

// The MIME type cloud-init gives a user-data part, from its first line.
QByteArray partType(const QString &userData)
{
    if (userData.startsWith(QLatin1String("#cloud-config")))
        return "text/cloud-config";
    if (userData.startsWith(QLatin1String("#cloud-boothook")))
        return "text/cloud-boothook";
    if (userData.startsWith(QLatin1String("#include")))
        return "text/x-include-url";
    if (userData.startsWith(QLatin1String("#!")))
        return "text/x-shellscript";
    return "text/plain";
}

// A key's identity: its type and key data, without the comment.
QString keyIdentity(const QString &line)
{
    const QStringList parts = line.trimmed().split(u' ', Qt::SkipEmptyParts);
    return parts.mid(0, 2).join(u' ');
}

}  // namespace

QStringList seedAuthorizedKeys(const CloudInitConfig &c, const QStringList &userKeys)
{
    QStringList keys = c.sshKeys;
    if (!c.userKeys)
        return keys;
    QStringList seen;
    for (const QString &k : keys)
        seen << keyIdentity(k);
    for (const QString &k : userKeys) {
        if (keys.size() >= model::limits::kMaxSshKeys)
            break;
        const QString id = keyIdentity(k);
        if (seen.contains(id))
            continue;
        seen << id;
        keys << k.trimmed();
    }
    return keys;
}

QString seedHostName(const Node &guest)
{
    if (guest.guest.cloudInit && !guest.guest.cloudInit->hostname.isEmpty())
        return guest.guest.cloudInit->hostname;
    return guest.name.isEmpty() ? guest.id : guest.name;
}

Result<NoCloudSeed> buildNoCloudSeed(const Topology &topology, const Node &guest, const QStringList &userKeys)
{
    if (!guest.guest.cloudInit)
        return Error{ErrorCode::Internal, QStringLiteral("guest '%1' has no cloudInit section").arg(guest.id)};
    const CloudInitConfig &c = *guest.guest.cloudInit;
    if (const QString e = model::checkUserName(c.user); !e.isEmpty())
        return fieldError(guest, QStringLiteral("user"), e);
    for (qsizetype i = 0; i < c.sshKeys.size(); ++i)
        if (const QString e = model::checkSshPublicKey(c.sshKeys[i]); !e.isEmpty())
            return fieldError(guest, QStringLiteral("sshKeys[%1]").arg(i), e);
    if (c.userKeys)
        for (qsizetype i = 0; i < userKeys.size(); ++i)
            if (const QString e = model::checkSshPublicKey(userKeys[i]); !e.isEmpty())
                return fieldError(guest, QStringLiteral("userKeys[%1]").arg(i), e);
    if (!c.passwordHash.isEmpty())
        if (const QString e = model::checkPasswordHash(c.passwordHash); !e.isEmpty())
            return fieldError(guest, QStringLiteral("passwordHash"), QStringLiteral("the password hash ") + e);
    const QString hostname = seedHostName(guest);
    if (const QString e = model::checkHostName(hostname); !e.isEmpty())
        return fieldError(guest, QStringLiteral("hostname"), e);
    if (c.userData.size() > model::limits::kMaxUserDataChars)
        return fieldError(guest, QStringLiteral("userData"), QStringLiteral("longer than %1 characters").arg(model::limits::kMaxUserDataChars));

    NoCloudSeed seed;
    const QByteArray ours = cloudConfig(c, seedAuthorizedKeys(c, userKeys), hostname);
    if (c.userData.isEmpty()) {
        seed.userData = ours;
    } else {
        const QByteArray extra = c.userData.toUtf8();
        // A boundary that occurs in neither part.
        QByteArray boundary = "netloom-" + QCryptographicHash::hash(ours + extra, QCryptographicHash::Sha256).toHex().left(24);
        while (extra.contains(boundary))
            boundary += 'x';
        seed.userData = "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\nMIME-Version: 1.0\n\n--" + boundary +
                        "\nContent-Type: text/cloud-config; charset=\"utf-8\"\nContent-Disposition: attachment; filename=\"netloom.cfg\"\n\n" +
                        ours + "\n--" + boundary + "\nContent-Type: " + partType(c.userData) +
                        "; charset=\"utf-8\"\nMerge-Type: list(append)+dict(recurse_array)+str()\n"
                        "Content-Disposition: attachment; filename=\"user-data\"\n\n" +
                        extra + (extra.endsWith('\n') ? "" : "\n") + "--" + boundary + "--\n";
    }
    seed.networkConfig = json(networkConfig(topology, guest));
    const QByteArray digest =
        QCryptographicHash::hash(seed.userData + seed.networkConfig + hostname.toUtf8(), QCryptographicHash::Sha256).toHex().left(16);
    seed.metaData = json(QJsonObject{{QStringLiteral("instance-id"), QStringLiteral("netloom-%1-%2").arg(guest.id, QString::fromLatin1(digest))},
                                     {QStringLiteral("local-hostname"), hostname}});
    return seed;
}

}  // namespace netloom::plan
