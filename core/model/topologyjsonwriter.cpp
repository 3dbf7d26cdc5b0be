// SPDX-License-Identifier: GPL-3.0-or-later
// Canonical encoding of a topology (topologyjson.h): an ordered JSON tree printed with a
// fixed layout, so that saving the same topology always gives the same bytes.
#include "topologyjson.h"

#include "topologyjsonemulation.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <utility>

namespace netloom::model {

namespace {


struct Out {
    enum class Kind { Scalar, Object, Array };
    Kind kind = Kind::Object;
    QJsonValue scalar;
    QList<std::pair<QString, Out>> members;
    QList<Out> items;

    static Out object() { return Out{}; }
    static Out array() { Out o; o.kind = Kind::Array; return o; }
    static Out value(const QJsonValue &v) { Out o; o.kind = Kind::Scalar; o.scalar = v; return o; }

    Out &add(const QString &key, const Out &v) { members.append({key, v}); return *this; }
    Out &add(const char *key, const Out &v) { return add(QString::fromLatin1(key), v); }
    Out &add(const char *key, const QJsonValue &v) { return add(key, value(v)); }
    Out &append(const Out &v) { items.append(v); return *this; }
    bool empty() const { return kind == Kind::Object ? members.isEmpty() : items.isEmpty(); }
    // 0 for a scalar, 1 for a container of scalars, ...
    int depth() const
    {
        int d = 0;
        for (const auto &m : members)
            d = std::max(d, m.second.depth());
        for (const auto &i : items)
            d = std::max(d, i.depth());
        return kind == Kind::Scalar ? 0 : d + 1;
    }
};

// A QJsonObject (sorted keys) as an Out with the impairment member order (unknown keys last).
Out fromJson(const QJsonObject &o)
{
    Out out;
    QStringList keys = o.keys();
    const QStringList &order = detail::impairmentKeyOrder();
    std::stable_sort(keys.begin(), keys.end(), [&order](const QString &a, const QString &b) {
        const qsizetype ia = order.indexOf(a), ib = order.indexOf(b);
        return (ia < 0 ? order.size() : ia) < (ib < 0 ? order.size() : ib);
    });
    for (const QString &k : keys) {
        const QJsonValue v = o.value(k);
        out.add(k, v.isObject() ? fromJson(v.toObject()) : Out::value(v));
    }
    return out;
}

QByteArray scalarText(const QJsonValue &v)
{
    const QByteArray a = QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact);
    return a.mid(1, a.size() - 2);
}

QByteArray keyText(const QString &k) { return scalarText(QJsonValue(k)); }

QByteArray compact(const Out &o)
{
    if (o.kind == Out::Kind::Scalar)
        return scalarText(o.scalar);
    QByteArrayList parts;
    if (o.kind == Out::Kind::Object) {
        for (const auto &[k, v] : o.members)
            parts.append(keyText(k) + ": " + compact(v));
        return "{" + parts.join(", ") + "}";
    }
    for (const Out &i : o.items)
        parts.append(compact(i));
    return "[" + parts.join(", ") + "]";
}

constexpr qsizetype kInlineWidth = 96;

// Prints `o` at `indent`; `column` is where it starts on the current line. Containers at
// most two levels deep go on one line when they fit in kInlineWidth.
void writeValue(const Out &o, int indent, qsizetype column, QByteArray *buf)
{
    if (o.kind == Out::Kind::Scalar || o.empty() || o.depth() <= 2) {
        const QByteArray c = compact(o);
        if (o.kind == Out::Kind::Scalar || o.empty() || column + c.size() <= kInlineWidth) {
            buf->append(c);
            return;
        }
    }
    const QByteArray pad(indent + 2, ' ');
    const bool isObject = o.kind == Out::Kind::Object;
    buf->append(isObject ? "{\n" : "[\n");
    const qsizetype n = isObject ? o.members.size() : o.items.size();
    for (qsizetype i = 0; i < n; ++i) {
        buf->append(pad);
        if (isObject) {
            const QByteArray key = keyText(o.members[i].first) + ": ";
            buf->append(key);
            writeValue(o.members[i].second, indent + 2, pad.size() + key.size(), buf);
        } else {
            writeValue(o.items[i], indent + 2, pad.size(), buf);
        }
        buf->append(i + 1 < n ? ",\n" : "\n");
    }
    buf->append(QByteArray(indent, ' '));
    buf->append(isObject ? "}" : "]");
}

// Adds key: value unless value equals the default.
template <typename T>
void addIf(Out &o, const char *key, const T &value, const T &def)
{
    if (value != def)
        o.add(key, QJsonValue(value));
}

void addIf(Out &o, const char *key, std::uint32_t value, std::uint32_t def)
{
    if (value != def)
        o.add(key, QJsonValue(qint64(value)));
}

void addStrings(Out &o, const char *key, const QStringList &list)
{
    if (list.isEmpty())
        return;
    Out a = Out::array();
    for (const QString &s : list)
        a.append(Out::value(s));
    o.add(key, a);
}

Out encodeEndpoint(const Endpoint &e)
{
    Out o;
    o.add("node", e.node);
    addIf(o, "nic", e.nic, QString());
    if (e.vlan) {
        Out v;
        v.add("mode", vlanModeName(e.vlan->mode));  // always: {"vlan": 10} alone reads ambiguously
        v.add("vlan", e.vlan->vlan);
        if (!e.vlan->allowed.isEmpty()) {
            Out a = Out::array();
            for (int id : e.vlan->allowed)
                a.append(Out::value(id));
            v.add("allowed", a);
        }
        o.add("vlan", v);
    }
    return o;
}

Out encodeSwitch(const SwitchConfig &s)
{
    const SwitchConfig def;
    Out o;
    if (s.engine != def.engine)
        o.add("engine", engineName(s.engine));
    addIf(o, "ifname", s.ifname, def.ifname);
    addIf(o, "hub", s.hub, def.hub);
    addIf(o, "macTableSize", s.macTableSize, def.macTableSize);
    addIf(o, "macAgingSeconds", s.macAgingSeconds, def.macAgingSeconds);
    addIf(o, "stp", s.stp, def.stp);
    addIf(o, "mtu", s.mtu, def.mtu);
    if (!s.mirrors.isEmpty()) {
        Out a = Out::array();
        for (const MirrorConfig &m : s.mirrors) {
            const QJsonObject mj = detail::encodeMirror(m);
            Out mo;
            for (const char *k : {"source", "target", "direction"})
                if (mj.contains(QLatin1String(k)))
                    mo.add(k, mj.value(QLatin1String(k)));
            a.append(mo);
        }
        o.add("mirrors", a);
    }
    return o;
}

Out encodeHostPort(const HostPortConfig &h)
{
    const HostPortConfig def;
    Out o;
    addIf(o, "ifname", h.ifname, def.ifname);
    addIf(o, "address", h.address, def.address);
    if (h.dhcp != def.dhcp) {
        const DhcpConfig &d = h.dhcp;
        Out dj;
        addIf(dj, "enabled", d.enabled, def.dhcp.enabled);
        addIf(dj, "rangeStart", d.rangeStart, def.dhcp.rangeStart);
        addIf(dj, "rangeEnd", d.rangeEnd, def.dhcp.rangeEnd);
        addIf(dj, "leaseSeconds", d.leaseSeconds, def.dhcp.leaseSeconds);
        addIf(dj, "domain", d.domain, def.dhcp.domain);
        if (!d.reservations.isEmpty()) {
            Out a = Out::array();
            for (const DhcpReservation &r : d.reservations) {
                Out rj;
                rj.add("mac", r.mac).add("ip", r.ip);
                addIf(rj, "hostname", r.hostname, QString());
                a.append(rj);
            }
            dj.add("reservations", a);
        }
        o.add("dhcp", dj);
    }
    addIf(o, "dns", h.dns, def.dns);
    if (h.nat != def.nat) {
        Out n;
        if (h.nat.mode != def.nat.mode)
            n.add("mode", natModeName(h.nat.mode));
        addStrings(n, "uplinks", h.nat.uplinks);
        if (!h.nat.forwards.isEmpty()) {
            Out a = Out::array();
            const PortForward fdef;
            for (const PortForward &f : h.nat.forwards) {
                Out fj;
                if (f.family != fdef.family)
                    fj.add("family", addressFamilyName(f.family));
                fj.add("protocol", forwardProtocolName(f.protocol));
                addIf(fj, "hostAddress", f.hostAddress, fdef.hostAddress);
                fj.add("hostPort", f.hostPort);
                fj.add("guest", f.guest);
                addIf(fj, "nic", f.nic, fdef.nic);
                fj.add("guestPort", f.guestPort);
                addIf(fj, "description", f.description, fdef.description);
                a.append(fj);
            }
            n.add("forwards", a);
        }
        o.add("nat", n);
    }
    addIf(o, "mtu", h.mtu, def.mtu);
    if (h.ipv6 != def.ipv6) {
        const Ipv6Config &v = h.ipv6;
        Out vj;
        addIf(vj, "address", v.address, def.ipv6.address);
        addIf(vj, "ra", v.ra, def.ipv6.ra);
        addIf(vj, "dhcp", v.dhcp, def.ipv6.dhcp);
        addIf(vj, "rangeStart", v.rangeStart, def.ipv6.rangeStart);
        addIf(vj, "rangeEnd", v.rangeEnd, def.ipv6.rangeEnd);
        o.add("ipv6", vj);
    }
    return o;
}

Out encodeNic(const NicConfig &n)
{
    const NicConfig def;
    Out o;
    o.add("id", n.id);
    addIf(o, "model", n.model, def.model);
    addIf(o, "mac", n.mac, def.mac);
    if (n.mode != def.mode)
        o.add("mode", nicModeName(n.mode));
    if (n.transport != def.transport)
        o.add("transport", nicTransportName(n.transport));
    addIf(o, "tapIfname", n.tapIfname, def.tapIfname);
    if (n.user != def.user) {
        Out u;
        addIf(u, "network", n.user.network, def.user.network);
        if (!n.user.forwards.isEmpty()) {
            Out a = Out::array();
            const HostForward fdef;
            for (const HostForward &f : n.user.forwards) {
                Out fj;
                addIf(fj, "protocol", f.protocol, fdef.protocol);
                addIf(fj, "hostAddress", f.hostAddress, fdef.hostAddress);
                fj.add("hostPort", f.hostPort);
                addIf(fj, "guestAddress", f.guestAddress, fdef.guestAddress);
                fj.add("guestPort", f.guestPort);
                a.append(fj);
            }
            u.add("forwards", a);
        }
        addIf(u, "restrict", n.user.restrict, def.user.restrict);
        o.add("user", u);
    }
    if (n.socket != def.socket) {
        Out s;
        if (n.socket.kind != def.socket.kind)
            s.add("kind", socketKindName(n.socket.kind));
        s.add("address", n.socket.address);
        o.add("socket", s);
    }
    return o;
}

Out encodeGuest(const GuestConfig &g)
{
    const GuestConfig def;
    Out o;
    addIf(o, "qemu", g.qemu, def.qemu);
    addIf(o, "machine", g.machine, def.machine);
    addIf(o, "accel", g.accel, def.accel);
    addIf(o, "cpuModel", g.cpuModel, def.cpuModel);
    addIf(o, "memoryMiB", g.memoryMiB, def.memoryMiB);
    addIf(o, "cpus", g.cpus, def.cpus);
    if (!g.disks.isEmpty()) {
        Out a = Out::array();
        const DiskConfig ddef;
        for (const DiskConfig &d : g.disks) {
            Out dj;
            dj.add("path", d.path);
            addIf(dj, "format", d.format, ddef.format);
            addIf(dj, "interface", d.interface, ddef.interface);
            addIf(dj, "readOnly", d.readOnly, ddef.readOnly);
            addIf(dj, "snapshot", d.snapshot, ddef.snapshot);
            a.append(dj);
        }
        o.add("disks", a);
    }
    addIf(o, "cdrom", g.cdrom, def.cdrom);
    addIf(o, "kernel", g.kernel, def.kernel);
    addIf(o, "initrd", g.initrd, def.initrd);
    addIf(o, "append", g.append, def.append);
    addIf(o, "boot", g.boot, def.boot);
    if (g.display != def.display)
        o.add("display", displayName(g.display));
    if (g.uefi) {
        Out uj;
        uj.add("code", g.uefi->code);
        uj.add("vars", g.uefi->vars);
        o.add("uefi", uj);
    }
    if (g.cloudInit) {
        const CloudInitConfig &c = *g.cloudInit;
        Out cj;
        cj.add("user", c.user);
        addStrings(cj, "sshKeys", c.sshKeys);
        addIf(cj, "hostname", c.hostname, QString());
        addIf(cj, "passwordHash", c.passwordHash, QString());
        addIf(cj, "userData", c.userData, QString());
        addIf(cj, "userKeys", c.userKeys, false);
        o.add("cloudInit", cj);
    }
    addStrings(o, "extraArgs", g.extraArgs);
    if (!g.nics.isEmpty()) {
        Out a = Out::array();
        for (const NicConfig &n : g.nics)
            a.append(encodeNic(n));
        o.add("nics", a);
    }
    return o;
}

Out encodeRemote(const RemoteConfig &r)
{
    Out o;
    addIf(o, "url", r.url, QString());
    if (r.vxlan) {
        const VxlanConfig def;
        const VxlanConfig &v = *r.vxlan;
        Out vj;
        vj.add("vni", qint64(v.vni));
        addIf(vj, "remote", v.remote, def.remote);
        addIf(vj, "group", v.group, def.group);
        addIf(vj, "local", v.local, def.local);
        addIf(vj, "device", v.device, def.device);
        addIf(vj, "dstPort", v.dstPort, def.dstPort);
        addIf(vj, "ifname", v.ifname, def.ifname);
        o.add("vxlan", vj);
    }
    return o;
}

Out encodeNode(const Node &n)
{
    Out o;
    o.add("id", n.id);
    o.add("type", nodeTypeName(n.type));
    o.add("name", n.name);
    Out pos;
    pos.add("x", n.position.x()).add("y", n.position.y());
    o.add("position", pos);
    addIf(o, "notes", n.notes, QString());
    Out cfg;
    switch (n.type) {
    case NodeType::Switch: cfg = encodeSwitch(n.sw); break;
    case NodeType::HostPort: cfg = encodeHostPort(n.hostPort); break;
    case NodeType::Uplink: cfg.add("ifname", n.uplink.ifname); break;
    case NodeType::Guest: cfg = encodeGuest(n.guest); break;
    case NodeType::Remote: cfg = encodeRemote(n.remote); break;
    }
    if (!cfg.empty())
        o.add(nodeConfigKey(n.type), cfg);
    return o;
}

}  // namespace

QByteArray serializeTopology(const Topology &t)
{
    Out root;
    root.add("format", QString::fromLatin1(kFormatName));
    root.add("version", detail::requiredFormatVersion(t));
    root.add("name", t.name);
    addIf(root, "description", t.description, QString());
    Out nodes = Out::array();
    for (const Node &n : t.nodes)
        nodes.append(encodeNode(n));
    root.add("nodes", nodes);
    Out links = Out::array();
    for (const Link &l : t.links) {
        Out o;
        o.add("id", l.id);
        o.add("a", encodeEndpoint(l.a));
        o.add("b", encodeEndpoint(l.b));
        addIf(o, "tapIfname", l.tapIfname, QString());
        if (const QJsonObject e = detail::encodeLinkEmulation(l.emulation); !e.isEmpty()) {
            Out eo;
            for (const char *k : {"both", "ab", "ba"})
                if (e.contains(QLatin1String(k)))
                    eo.add(k, fromJson(e.value(QLatin1String(k)).toObject()));
            if (e.contains(QStringLiteral("up")))
                eo.add("up", e.value(QStringLiteral("up")));
            o.add("emulation", eo);
        }
        links.append(o);
    }
    root.add("links", links);
    QByteArray buf;
    writeValue(root, 0, 0, &buf);
    buf.append('\n');
    return buf;
}

}  // namespace netloom::model
