// SPDX-License-Identifier: GPL-3.0-or-later
#include "topologyjson.h"

#include "topologyjsonemulation.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QSaveFile>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <optional>
#include <type_traits>
#include <utility>

namespace netloom::model {

namespace {

// ---------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------

// The first problem found; later checks become no-ops once it is set.
struct Failure {
    bool failed = false;
    ErrorCode code = ErrorCode::InvalidArgument;
    QString path;
    QString reason;

    void set(ErrorCode c, const QString &p, const QString &r)
    {
        if (failed)
            return;
        failed = true;
        code = c;
        path = p;
        reason = r;
    }
};

QString joinPath(const QString &path, const QString &key)
{
    return path.isEmpty() ? key : path + QLatin1Char('.') + key;
}

QString indexPath(const QString &path, const QString &key, qsizetype i)
{
    return QStringLiteral("%1[%2]").arg(joinPath(path, key)).arg(i);
}

// Quotes an id for a path, shortened so that hostile ids do not flood messages.
QString quotedId(const QString &id)
{
    QString s = id.left(limits::kMaxIdChars);
    if (id.size() > limits::kMaxIdChars)
        s += QStringLiteral("...");
    return QStringLiteral("'%1'").arg(s);
}

int editDistance(const QString &a, const QString &b)
{
    if (a.size() > 64 || b.size() > 64)
        return 1000;
    QList<int> prev(b.size() + 1), cur(b.size() + 1);
    for (qsizetype j = 0; j <= b.size(); ++j)
        prev[j] = int(j);
    for (qsizetype i = 1; i <= a.size(); ++i) {
        cur[0] = int(i);
        for (qsizetype j = 1; j <= b.size(); ++j) {
            const int subst = prev[j - 1] + (a[i - 1].toLower() == b[j - 1].toLower() ? 0 : 1);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, subst});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}


// Reads one JSON object: refuses unknown keys up front (typos), then typed accessors that
// leave the output untouched when the key is absent (the struct's default stays).
class ObjectReader {
public:
    ObjectReader(const QJsonObject &object, const QString &path, Failure *failure,
                 std::initializer_list<const char *> known)
        : m_obj(object), m_path(path), m_f(failure)
    {
        QStringList knownKeys;
        for (const char *k : known)
            knownKeys.append(QString::fromLatin1(k));
        for (auto it = m_obj.begin(); it != m_obj.end(); ++it) {
            if (knownKeys.contains(it.key()))
                continue;
            QString best;
            int bestDistance = 3;
            for (const QString &k : knownKeys) {
                const int d = editDistance(it.key(), k);
                if (d < bestDistance) {
                    bestDistance = d;
                    best = k;
                }
            }
            const QString key = it.key().left(limits::kMaxIdChars);
            m_f->set(ErrorCode::InvalidArgument, joinPath(m_path, key),
                     best.isEmpty() ? QStringLiteral("unknown key (known keys here: %1)").arg(knownKeys.join(QStringLiteral(", ")))
                                    : QStringLiteral("unknown key (did you mean '%1'?)").arg(best));
            return;
        }
    }

    bool failed() const { return m_f->failed; }
    const QString &path() const { return m_path; }
    QString pathOf(const char *key) const { return joinPath(m_path, QString::fromLatin1(key)); }
    bool has(const char *key) const { return m_obj.contains(QLatin1String(key)); }

    void fail(const char *key, const QString &reason, ErrorCode code = ErrorCode::InvalidArgument)
    {
        m_f->set(code, pathOf(key), reason);
    }

    // Present and not failed so far: returns the value, else an undefined value.
    std::optional<QJsonValue> get(const char *key, bool required)
    {
        if (failed())
            return std::nullopt;
        const auto it = m_obj.find(QLatin1String(key));
        if (it == m_obj.end()) {
            if (required)
                fail(key, QStringLiteral("missing (required)"));
            return std::nullopt;
        }
        return it.value();
    }

    void string(const char *key, QString *out, bool required = false, int maxChars = limits::kMaxStringChars)
    {
        const auto v = get(key, required);
        if (!v)
            return;
        if (!v->isString()) {
            fail(key, QStringLiteral("expected a string, got %1").arg(detail::describeJsonType(*v)));
            return;
        }
        const QString s = v->toString();
        if (s.size() > maxChars) {
            fail(key, QStringLiteral("longer than %1 characters").arg(maxChars), ErrorCode::LimitExceeded);
            return;
        }
        *out = s;
    }

    void boolean(const char *key, bool *out)
    {
        const auto v = get(key, false);
        if (!v)
            return;
        if (!v->isBool()) {
            fail(key, QStringLiteral("expected true or false, got %1").arg(detail::describeJsonType(*v)));
            return;
        }
        *out = v->toBool();
    }

    // An integer min..max; `extra` is an additionally allowed value (e.g. 0 = default).
    template <typename T>
    void integer(const char *key, T *out, qint64 min, qint64 max, std::optional<qint64> extra = std::nullopt,
                 bool required = false)
    {
        const auto v = get(key, required);
        if (!v)
            return;
        const QString expected = extra ? QStringLiteral("expected %1 or an integer %2..%3").arg(*extra).arg(min).arg(max)
                                       : QStringLiteral("expected an integer %1..%2").arg(min).arg(max);
        if (!v->isDouble()) {
            fail(key, expected + QStringLiteral(", got %1").arg(detail::describeJsonType(*v)));
            return;
        }
        const double d = v->toDouble();
        if (!std::isfinite(d) || std::trunc(d) != d || d < -9e15 || d > 9e15) {
            fail(key, expected);
            return;
        }
        const auto i = qint64(d);
        if ((i < min || i > max) && !(extra && i == *extra)) {
            fail(key, expected);
            return;
        }
        *out = T(i);
    }

    void real(const char *key, double *out, double bound)
    {
        const auto v = get(key, false);
        if (!v)
            return;
        if (!v->isDouble() || !std::isfinite(v->toDouble()) || std::abs(v->toDouble()) > bound) {
            fail(key, QStringLiteral("expected a number -%1..%1").arg(bound, 0, 'g', 10));
            return;
        }
        *out = v->toDouble();
    }

    template <typename E>
    void enumeration(const char *key, E *out, std::type_identity_t<std::initializer_list<std::pair<E, QString (*)(E)>>> values)
    {
        const auto v = get(key, false);
        if (!v)
            return;
        QStringList names;
        for (const auto &[value, namer] : values) {
            const QString name = namer(value);
            if (v->isString() && v->toString() == name) {
                *out = value;
                return;
            }
            names.append(QStringLiteral("'%1'").arg(name));
        }
        fail(key, QStringLiteral("expected one of %1").arg(names.join(QStringLiteral(", "))));
    }

    std::optional<QJsonObject> object(const char *key, bool required = false)
    {
        const auto v = get(key, required);
        if (!v)
            return std::nullopt;
        if (!v->isObject()) {
            fail(key, QStringLiteral("expected an object, got %1").arg(detail::describeJsonType(*v)));
            return std::nullopt;
        }
        return v->toObject();
    }

    std::optional<QJsonArray> array(const char *key, qsizetype maxItems, bool required = false)
    {
        const auto v = get(key, required);
        if (!v)
            return std::nullopt;
        if (!v->isArray()) {
            fail(key, QStringLiteral("expected an array, got %1").arg(detail::describeJsonType(*v)));
            return std::nullopt;
        }
        const QJsonArray a = v->toArray();
        if (a.size() > maxItems) {
            fail(key, QStringLiteral("more than %1 items").arg(maxItems), ErrorCode::LimitExceeded);
            return std::nullopt;
        }
        return a;
    }

    void stringList(const char *key, QStringList *out, int maxItems = limits::kMaxListItems)
    {
        const auto a = array(key, maxItems);
        if (!a)
            return;
        QStringList list;
        for (qsizetype i = 0; i < a->size(); ++i) {
            const QJsonValue v = a->at(i);
            const QString p = indexPath(m_path, QString::fromLatin1(key), i);
            if (!v.isString()) {
                m_f->set(ErrorCode::InvalidArgument, p, QStringLiteral("expected a string, got %1").arg(detail::describeJsonType(v)));
                return;
            }
            if (v.toString().size() > limits::kMaxStringChars) {
                m_f->set(ErrorCode::LimitExceeded, p, QStringLiteral("longer than %1 characters").arg(limits::kMaxStringChars));
                return;
            }
            list.append(v.toString());
        }
        *out = list;
    }

private:
    QJsonObject m_obj;
    QString m_path;
    Failure *m_f;
};

// Iterates the objects of an array; reports non-objects.
template <typename Fn>
void forEachObject(const QJsonArray &array, const QString &arrayPath, Failure *f, Fn fn)
{
    for (qsizetype i = 0; i < array.size() && !f->failed; ++i) {
        const QString p = QStringLiteral("%1[%2]").arg(arrayPath).arg(i);
        if (!array.at(i).isObject()) {
            f->set(ErrorCode::InvalidArgument, p, QStringLiteral("expected an object, got %1").arg(detail::describeJsonType(array.at(i))));
            return;
        }
        fn(array.at(i).toObject(), p);
    }
}

void decodeVlan(const QJsonObject &o, const QString &path, Failure *f, VlanConfig *out)
{
    ObjectReader r(o, path, f, {"mode", "vlan", "allowed"});
    r.enumeration("mode", &out->mode, {{VlanConfig::Mode::Access, vlanModeName}, {VlanConfig::Mode::Trunk, vlanModeName}});
    r.integer("vlan", &out->vlan, limits::kMinVlan, limits::kMaxVlan, qint64(0));
    if (const auto a = r.array("allowed", limits::kMaxVlan)) {
        for (qsizetype i = 0; i < a->size() && !f->failed; ++i) {
            const QJsonValue v = a->at(i);
            const double d = v.toDouble(-1);
            if (!v.isDouble() || std::trunc(d) != d || d < limits::kMinVlan || d > limits::kMaxVlan) {
                f->set(ErrorCode::InvalidArgument, QStringLiteral("%1.allowed[%2]").arg(path).arg(i),
                       QStringLiteral("expected an integer %1..%2").arg(limits::kMinVlan).arg(limits::kMaxVlan));
                return;
            }
            out->allowed.append(int(d));
        }
    }
}

void decodeEndpoint(const QJsonObject &o, const QString &path, Failure *f, Endpoint *out)
{
    ObjectReader r(o, path, f, {"node", "nic", "vlan"});
    r.string("node", &out->node, true);
    r.string("nic", &out->nic);
    if (const auto v = r.object("vlan")) {
        VlanConfig vlan;
        decodeVlan(*v, r.pathOf("vlan"), f, &vlan);
        out->vlan = vlan;
    }
}

void decodeSwitch(const QJsonObject &o, const QString &path, Failure *f, SwitchConfig *out)
{
    ObjectReader r(o, path, f, {"engine", "ifname", "hub", "macTableSize", "macAgingSeconds", "stp", "mtu", "mirrors"});
    r.enumeration("engine", &out->engine, {{SwitchConfig::Engine::Netloom, engineName}, {SwitchConfig::Engine::Bridge, engineName}});
    r.string("ifname", &out->ifname);
    r.boolean("hub", &out->hub);
    r.integer("macTableSize", &out->macTableSize, limits::kMinMacTableSize, limits::kMaxMacTableSize);
    r.integer("macAgingSeconds", &out->macAgingSeconds, limits::kMinMacAgingSeconds, limits::kMaxMacAgingSeconds);
    r.boolean("stp", &out->stp);
    r.integer("mtu", &out->mtu, limits::kMinMtu, limits::kMaxMtu, qint64(0));
    if (const auto m = r.get("mirrors", false))
        if (auto p = detail::decodeMirrors(*m, r.pathOf("mirrors"), &out->mirrors))
            f->set(p->code, p->path, p->reason);
}

void decodeHostPort(const QJsonObject &o, const QString &path, Failure *f, HostPortConfig *out)
{
    ObjectReader r(o, path, f, {"ifname", "address", "dhcp", "dns", "nat", "mtu", "ipv6"});
    r.string("ifname", &out->ifname);
    r.string("address", &out->address);
    if (const auto d = r.object("dhcp")) {
        ObjectReader dr(*d, r.pathOf("dhcp"), f, {"enabled", "rangeStart", "rangeEnd", "leaseSeconds", "domain", "reservations"});
        DhcpConfig &dhcp = out->dhcp;
        dr.boolean("enabled", &dhcp.enabled);
        dr.string("rangeStart", &dhcp.rangeStart);
        dr.string("rangeEnd", &dhcp.rangeEnd);
        dr.integer("leaseSeconds", &dhcp.leaseSeconds, limits::kMinLeaseSeconds, limits::kMaxLeaseSeconds);
        dr.string("domain", &dhcp.domain);
        if (const auto a = dr.array("reservations", limits::kMaxListItems)) {
            forEachObject(*a, dr.pathOf("reservations"), f, [&](const QJsonObject &ro, const QString &rp) {
                ObjectReader rr(ro, rp, f, {"mac", "ip", "hostname"});
                DhcpReservation res;
                rr.string("mac", &res.mac, true);
                rr.string("ip", &res.ip, true);
                rr.string("hostname", &res.hostname);
                dhcp.reservations.append(res);
            });
        }
    }
    r.boolean("dns", &out->dns);
    if (const auto n = r.object("nat")) {
        ObjectReader nr(*n, r.pathOf("nat"), f, {"mode", "uplinks", "forwards"});
        nr.enumeration("mode", &out->nat.mode, {{NatConfig::Mode::None, natModeName},
                                                {NatConfig::Mode::Masquerade, natModeName},
                                                {NatConfig::Mode::Route, natModeName}});
        nr.stringList("uplinks", &out->nat.uplinks);
        if (const auto a = nr.array("forwards", limits::kMaxPortForwards)) {
            forEachObject(*a, nr.pathOf("forwards"), f, [&](const QJsonObject &fo, const QString &fp) {
                ObjectReader fr(fo, fp, f, {"family", "protocol", "hostAddress", "hostPort", "guest", "nic",
                                            "guestPort", "description"});
                PortForward fw;
                fr.enumeration("family", &fw.family, {{PortForward::Family::Ipv4, addressFamilyName},
                                                      {PortForward::Family::Ipv6, addressFamilyName}});
                fr.enumeration("protocol", &fw.protocol, {{PortForward::Protocol::Tcp, forwardProtocolName},
                                                          {PortForward::Protocol::Udp, forwardProtocolName}});
                fr.string("hostAddress", &fw.hostAddress);
                fr.integer("hostPort", &fw.hostPort, 1, 65535, std::nullopt, true);
                fr.string("guest", &fw.guest, true, limits::kMaxIdChars);
                fr.string("nic", &fw.nic, false, limits::kMaxIdChars);
                fr.integer("guestPort", &fw.guestPort, 1, 65535, std::nullopt, true);
                fr.string("description", &fw.description, false, limits::kMaxDescriptionChars);
                out->nat.forwards.append(fw);
            });
        }
    }
    r.integer("mtu", &out->mtu, limits::kMinMtu, limits::kMaxMtu, qint64(0));
    if (const auto v = r.object("ipv6")) {
        ObjectReader vr(*v, r.pathOf("ipv6"), f, {"address", "ra", "dhcp", "rangeStart", "rangeEnd"});
        vr.string("address", &out->ipv6.address);
        vr.boolean("ra", &out->ipv6.ra);
        vr.boolean("dhcp", &out->ipv6.dhcp);
        vr.string("rangeStart", &out->ipv6.rangeStart);
        vr.string("rangeEnd", &out->ipv6.rangeEnd);
    }
}

void decodeNic(const QJsonObject &o, const QString &basePath, Failure *f, NicConfig *out)
{
    QString path = basePath;
    if (o.value(QLatin1String("id")).isString())
        path += QStringLiteral(" (id %1)").arg(quotedId(o.value(QLatin1String("id")).toString()));
    ObjectReader r(o, path, f, {"id", "model", "mac", "mode", "transport", "tapIfname", "user", "socket"});
    r.string("id", &out->id, true);
    r.string("model", &out->model);
    r.string("mac", &out->mac);
    r.enumeration("mode", &out->mode, {{NicConfig::Mode::Switch, nicModeName}, {NicConfig::Mode::Tap, nicModeName},
                                       {NicConfig::Mode::User, nicModeName}, {NicConfig::Mode::Socket, nicModeName}});
    r.enumeration("transport", &out->transport, {{NicConfig::Transport::Vde, nicTransportName},
                                                 {NicConfig::Transport::VhostUser, nicTransportName}});
    r.string("tapIfname", &out->tapIfname);
    if (const auto u = r.object("user")) {
        ObjectReader ur(*u, r.pathOf("user"), f, {"network", "forwards", "restrict"});
        ur.string("network", &out->user.network);
        ur.boolean("restrict", &out->user.restrict);
        if (const auto a = ur.array("forwards", limits::kMaxListItems)) {
            forEachObject(*a, ur.pathOf("forwards"), f, [&](const QJsonObject &fo, const QString &fp) {
                ObjectReader fr(fo, fp, f, {"protocol", "hostAddress", "hostPort", "guestAddress", "guestPort"});
                HostForward fw;
                fr.string("protocol", &fw.protocol);
                fr.string("hostAddress", &fw.hostAddress);
                fr.integer("hostPort", &fw.hostPort, 1, 65535, std::nullopt, true);
                fr.string("guestAddress", &fw.guestAddress);
                fr.integer("guestPort", &fw.guestPort, 1, 65535, std::nullopt, true);
                out->user.forwards.append(fw);
            });
        }
    }
    if (const auto s = r.object("socket")) {
        ObjectReader sr(*s, r.pathOf("socket"), f, {"kind", "address"});
        sr.enumeration("kind", &out->socket.kind, {{SocketConfig::Kind::Listen, socketKindName},
                                                   {SocketConfig::Kind::Connect, socketKindName},
                                                   {SocketConfig::Kind::Mcast, socketKindName}});
        sr.string("address", &out->socket.address, true);
    }
}

void decodeGuest(const QJsonObject &o, const QString &path, Failure *f, GuestConfig *out)
{
    ObjectReader r(o, path, f, {"qemu", "machine", "accel", "cpuModel", "memoryMiB", "cpus", "disks", "cdrom",
                                "kernel", "initrd", "append", "boot", "display", "uefi", "cloudInit", "extraArgs", "nics"});
    r.string("qemu", &out->qemu);
    r.string("machine", &out->machine);
    r.string("accel", &out->accel);
    r.string("cpuModel", &out->cpuModel);
    r.integer("memoryMiB", &out->memoryMiB, limits::kMinMemoryMiB, limits::kMaxMemoryMiB);
    r.integer("cpus", &out->cpus, limits::kMinCpus, limits::kMaxCpus);
    if (const auto a = r.array("disks", limits::kMaxDisksPerGuest)) {
        forEachObject(*a, r.pathOf("disks"), f, [&](const QJsonObject &dobj, const QString &dp) {
            ObjectReader dr(dobj, dp, f, {"path", "format", "interface", "readOnly", "snapshot"});
            DiskConfig disk;
            dr.string("path", &disk.path, true);
            dr.string("format", &disk.format);
            dr.string("interface", &disk.interface);
            dr.boolean("readOnly", &disk.readOnly);
            dr.boolean("snapshot", &disk.snapshot);
            out->disks.append(disk);
        });
    }
    r.string("cdrom", &out->cdrom);
    r.string("kernel", &out->kernel);
    r.string("initrd", &out->initrd);
    r.string("append", &out->append);
    r.string("boot", &out->boot);
    r.enumeration("display", &out->display, {{GuestConfig::Display::Vga, displayName}, {GuestConfig::Display::Virtio, displayName},
                                             {GuestConfig::Display::None, displayName}});
    if (const auto u = r.object("uefi")) {
        ObjectReader ur(*u, r.pathOf("uefi"), f, {"code", "vars"});
        UefiConfig uefi;
        ur.string("code", &uefi.code, true);
        ur.string("vars", &uefi.vars, true);
        out->uefi = uefi;
    }
    if (const auto c = r.object("cloudInit")) {
        ObjectReader cr(*c, r.pathOf("cloudInit"), f, {"user", "sshKeys", "hostname", "passwordHash", "userData", "userKeys"});
        CloudInitConfig ci;
        cr.string("user", &ci.user, true);
        cr.stringList("sshKeys", &ci.sshKeys, limits::kMaxSshKeys);
        cr.string("hostname", &ci.hostname);
        cr.string("passwordHash", &ci.passwordHash);
        cr.string("userData", &ci.userData, false, limits::kMaxUserDataChars);
        cr.boolean("userKeys", &ci.userKeys);
        out->cloudInit = ci;
    }
    r.stringList("extraArgs", &out->extraArgs);
    if (const auto a = r.array("nics", limits::kMaxNicsPerGuest)) {
        forEachObject(*a, r.pathOf("nics"), f, [&](const QJsonObject &no, const QString &np) {
            NicConfig nic;
            decodeNic(no, np, f, &nic);
            out->nics.append(nic);
        });
    }
}

void decodeRemote(const QJsonObject &o, const QString &path, Failure *f, RemoteConfig *out)
{
    ObjectReader r(o, path, f, {"url", "vxlan"});
    r.string("url", &out->url);
    if (const auto v = r.object("vxlan")) {
        ObjectReader vr(*v, r.pathOf("vxlan"), f, {"vni", "remote", "group", "local", "device", "dstPort", "ifname"});
        VxlanConfig vx;
        vr.integer("vni", &vx.vni, 1, limits::kMaxVni, std::nullopt, true);
        vr.string("remote", &vx.remote);
        vr.string("group", &vx.group);
        vr.string("local", &vx.local);
        vr.string("device", &vx.device);
        vr.integer("dstPort", &vx.dstPort, 1, 65535);
        vr.string("ifname", &vx.ifname);
        out->vxlan = vx;
    }
}

// The key of each node type's configuration object.
const char *configKey(NodeType t)
{
    switch (t) {
    case NodeType::Switch: return "switch";
    case NodeType::HostPort: return "hostPort";
    case NodeType::Uplink: return "uplink";
    case NodeType::Guest: return "guest";
    case NodeType::Remote: return "remote";
    }
    return "";
}

constexpr NodeType kNodeTypes[] = {NodeType::Switch, NodeType::HostPort, NodeType::Uplink, NodeType::Guest, NodeType::Remote};

void decodeNode(const QJsonObject &o, const QString &basePath, Failure *f, Node *out)
{
    QString path = basePath;
    if (o.value(QLatin1String("id")).isString())
        path += QStringLiteral(" (id %1)").arg(quotedId(o.value(QLatin1String("id")).toString()));
    ObjectReader r(o, path, f, {"id", "type", "name", "position", "notes", "switch", "hostPort", "uplink", "guest", "remote"});
    r.string("id", &out->id, true);
    if (!r.has("type")) {
        r.fail("type", QStringLiteral("missing (required)"));
        return;
    }
    r.enumeration("type", &out->type, {{NodeType::Switch, nodeTypeName}, {NodeType::HostPort, nodeTypeName},
                                       {NodeType::Uplink, nodeTypeName}, {NodeType::Guest, nodeTypeName},
                                       {NodeType::Remote, nodeTypeName}});
    out->name = out->id;
    r.string("name", &out->name);
    if (const auto p = r.object("position")) {
        ObjectReader pr(*p, r.pathOf("position"), f, {"x", "y"});
        double x = 0, y = 0;
        pr.real("x", &x, limits::kMaxCoordinate);
        pr.real("y", &y, limits::kMaxCoordinate);
        out->position = QPointF(x, y);
    }
    r.string("notes", &out->notes);
    if (r.failed())
        return;
    for (NodeType t : kNodeTypes) {
        if (t != out->type && r.has(configKey(t))) {
            r.fail(configKey(t), QStringLiteral("only allowed on a node of type '%1' (this node is a '%2')")
                                     .arg(nodeTypeName(t), nodeTypeName(out->type)));
            return;
        }
    }
    const char *key = configKey(out->type);
    const auto cfg = r.object(key);
    if (!cfg)
        return;
    const QString cp = r.pathOf(key);
    switch (out->type) {
    case NodeType::Switch: decodeSwitch(*cfg, cp, f, &out->sw); break;
    case NodeType::HostPort: decodeHostPort(*cfg, cp, f, &out->hostPort); break;
    case NodeType::Uplink: {
        ObjectReader ur(*cfg, cp, f, {"ifname"});
        ur.string("ifname", &out->uplink.ifname, true);
        break;
    }
    case NodeType::Guest: decodeGuest(*cfg, cp, f, &out->guest); break;
    case NodeType::Remote: decodeRemote(*cfg, cp, f, &out->remote); break;
    }
}

void decodeLink(const QJsonObject &o, const QString &basePath, Failure *f, Link *out)
{
    QString path = basePath;
    if (o.value(QLatin1String("id")).isString())
        path += QStringLiteral(" (id %1)").arg(quotedId(o.value(QLatin1String("id")).toString()));
    ObjectReader r(o, path, f, {"id", "a", "b", "tapIfname", "emulation"});
    r.string("id", &out->id, true);
    if (const auto a = r.object("a", true))
        decodeEndpoint(*a, r.pathOf("a"), f, &out->a);
    if (const auto b = r.object("b", true))
        decodeEndpoint(*b, r.pathOf("b"), f, &out->b);
    r.string("tapIfname", &out->tapIfname);
    if (const auto e = r.get("emulation", false))
        if (auto p = detail::decodeLinkEmulation(*e, r.pathOf("emulation"), &out->emulation))
            f->set(p->code, p->path, p->reason);
}

// Finds a key that appears twice in one object (QJsonDocument silently keeps the last
// one, which would hide an editing mistake). `json` must already be valid JSON. Returns
// the offset of the second occurrence and sets *key, or -1.
qsizetype findDuplicateKey(const QByteArray &json, QString *key)
{
    struct Frame {
        bool object = false;
        bool expectKey = false;
        QSet<QString> keys;
    };
    QList<Frame> stack;
    for (qsizetype i = 0; i < json.size(); ++i) {
        const char c = json[i];
        if (c == '"') {
            qsizetype j = i + 1;
            bool escaped = false;
            for (; j < json.size(); ++j) {
                if (json[j] == '\\') {
                    escaped = true;
                    ++j;  // skip the escaped character
                } else if (json[j] == '"') {
                    break;
                }
            }
            if (!stack.isEmpty() && stack.last().object && stack.last().expectKey) {
                QString k = QString::fromUtf8(json.mid(i + 1, j - i - 1));
                if (escaped)  // decode escapes so that "a" and "\u0061" compare equal
                    k = QJsonDocument::fromJson("[" + json.mid(i, j - i + 1) + "]").array().at(0).toString();
                if (stack.last().keys.contains(k)) {
                    *key = k;
                    return i;
                }
                stack.last().keys.insert(k);
                stack.last().expectKey = false;
            }
            i = j;
        } else if (c == '{' || c == '[') {
            stack.append(Frame{c == '{', c == '{', {}});
        } else if ((c == '}' || c == ']') && !stack.isEmpty()) {
            stack.removeLast();
        } else if (c == ',' && !stack.isEmpty() && stack.last().object) {
            stack.last().expectKey = true;
        }
    }
    return -1;
}

// 1-based line and column of a byte offset (columns count bytes).
std::pair<int, int> lineColumn(const QByteArray &data, qsizetype offset)
{
    offset = std::clamp<qsizetype>(offset, 0, data.size());
    int line = 1;
    qsizetype lineStart = 0;
    for (qsizetype i = 0; i < offset; ++i) {
        if (data[i] == '\n') {
            ++line;
            lineStart = i + 1;
        }
    }
    return {line, int(offset - lineStart) + 1};
}

}  // namespace

Result<Topology> parseTopology(const QByteArray &json, const QString &sourceName)
{
    const QString verb = QStringLiteral("load topology");
    if (json.size() > limits::kMaxFileBytes)
        return Error::failed(ErrorCode::LimitExceeded, verb, sourceName,
                             QStringLiteral("larger than %1 bytes").arg(limits::kMaxFileBytes));
    if (json.trimmed().isEmpty())
        return Error::failed(ErrorCode::Parse, verb, sourceName, QStringLiteral("the file is empty (expected a JSON object)"));
    QJsonParseError perr;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &perr);
    if (perr.error != QJsonParseError::NoError) {
        const auto [line, column] = lineColumn(json, perr.offset);
        return Error::failed(ErrorCode::Parse, verb, sourceName,
                             QStringLiteral("JSON syntax error at line %1, column %2: %3")
                                 .arg(line).arg(column).arg(perr.errorString()));
    }
    QString duplicate;
    if (const qsizetype at = findDuplicateKey(json, &duplicate); at >= 0) {
        const auto [line, column] = lineColumn(json, at);
        return Error::failed(ErrorCode::InvalidArgument, verb, sourceName,
                             QStringLiteral("line %1, column %2: key '%3' appears twice in the same object")
                                 .arg(line).arg(column).arg(duplicate.left(limits::kMaxIdChars)));
    }
    if (!doc.isObject())
        return Error::failed(ErrorCode::InvalidArgument, verb, sourceName,
                             QStringLiteral("expected a JSON object at the top level (not a Netloom topology file)"));
    const QJsonObject root = doc.object();

    // Format and version first: a newer file may legitimately have keys we do not know.
    const QJsonValue format = root.value(QLatin1String("format"));
    if (format.toString() != QLatin1String(kFormatName))
        return Error::failed(ErrorCode::InvalidArgument, verb, sourceName,
                             QStringLiteral("format: expected \"%1\" (not a Netloom topology file)").arg(QLatin1String(kFormatName)));
    const QJsonValue version = root.value(QLatin1String("version"));
    const double v = version.toDouble(-1);
    if (!version.isDouble() || std::trunc(v) != v || v < 1 || v > 1e9)
        return Error::failed(ErrorCode::InvalidArgument, verb, sourceName,
                             QStringLiteral("version: expected a positive integer format version"));
    if (v > kFormatVersion)
        return Error::failed(ErrorCode::Unsupported, verb, sourceName,
                             QStringLiteral("written by a newer Netloom (format version %1); this build reads version %2")
                                 .arg(qint64(v)).arg(kFormatVersion));

    Failure f;
    Topology t;
    ObjectReader r(root, QString(), &f, {"format", "version", "name", "description", "nodes", "links"});
    r.string("name", &t.name, true);
    r.string("description", &t.description);
    if (const auto nodes = r.array("nodes", limits::kMaxNodes, true)) {
        forEachObject(*nodes, QStringLiteral("nodes"), &f, [&](const QJsonObject &o, const QString &p) {
            Node n;
            decodeNode(o, p, &f, &n);
            t.nodes.append(n);
        });
    }
    if (const auto links = r.array("links", limits::kMaxLinks)) {
        forEachObject(*links, QStringLiteral("links"), &f, [&](const QJsonObject &o, const QString &p) {
            Link l;
            decodeLink(o, p, &f, &l);
            t.links.append(l);
        });
    }
    if (f.failed)
        return Error::failed(f.code, verb, sourceName, QStringLiteral("%1: %2").arg(f.path, f.reason));
    return t;
}

Result<Topology> loadTopologyFile(const QString &path)
{
    const QString verb = QStringLiteral("read topology");
    const QFileInfo info(path);
    if (info.isDir())
        return Error::failed(ErrorCode::Io, verb, path, QStringLiteral("is a directory"));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error::failed(ErrorCode::Io, verb, path, file.errorString());
    // Read up to one byte past the limit, in a loop: a pipe (stdin) returns what has
    // arrived so far, and pipes and growing files must be bounded too.
    QByteArray data;
    while (data.size() <= limits::kMaxFileBytes) {
        const QByteArray chunk = file.read(limits::kMaxFileBytes + 1 - data.size());
        if (chunk.isEmpty())
            break;
        data += chunk;
    }
    if (file.error() != QFileDevice::NoError)
        return Error::failed(ErrorCode::Io, verb, path, file.errorString());
    if (data.size() > limits::kMaxFileBytes)
        return Error::failed(ErrorCode::LimitExceeded, verb, path,
                             QStringLiteral("larger than %1 bytes").arg(limits::kMaxFileBytes));
    return parseTopology(data, path);
}

Status saveTopologyFile(const Topology &topology, const QString &path)
{
    const QString verb = QStringLiteral("save topology");
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error::failed(ErrorCode::Io, verb, path, file.errorString());
    const QByteArray data = serializeTopology(topology);
    if (file.write(data) != data.size()) {
        const QString reason = file.errorString();
        file.cancelWriting();
        return Error::failed(ErrorCode::Io, verb, path, reason);
    }
    if (!file.commit())
        return Error::failed(ErrorCode::Io, verb, path, file.errorString());
    return ok();
}

QString resolvePath(const QString &topologyFile, const QString &path)
{
    if (path.isEmpty())
        return path;
    if (QDir::isAbsolutePath(path))
        return QDir::cleanPath(path);
    const QString dir = QFileInfo(topologyFile).absolutePath();
    return QDir::cleanPath(QDir(dir).filePath(path));
}

}  // namespace netloom::model
