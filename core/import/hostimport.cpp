// SPDX-License-Identifier: GPL-3.0-or-later
#include "import/hostimport.h"

#include "import/dnsmasqimport.h"
#include "protocol/netaddr.h"

#include <QRegularExpression>
#include <QSet>

namespace netloom::importer {

namespace {

const QString kDefaultSock = QStringLiteral("/tmp/vde.ctl");

QString base(const QString &p)
{
    const qsizetype s = p.lastIndexOf(QLatin1Char('/'));
    return s < 0 ? p : p.mid(s + 1);
}

// The value of a long or short option at argv[i]: "--sock=X", "--sock X", "-s X".
// Advances i past a separate value. Returns false when `a` is not one of the names.
bool takeOpt(const QStringList &argv, qsizetype &i, std::initializer_list<const char *> names, QString *value)
{
    const QString &a = argv[i];
    for (const char *n : names) {
        const QLatin1String name(n);
        if (a == name) {
            *value = i + 1 < argv.size() ? argv[++i] : QString();
            return true;
        }
        if (name.startsWith(QLatin1String("--")) && a.startsWith(name + QLatin1Char('='))) {
            *value = a.mid(name.size() + 1);
            return true;
        }
    }
    return false;
}

// "vde:///path[port=3]" or "/path[3]" -> "/path".
QString vdePath(QString url)
{
    if (url.startsWith(QLatin1String("vde://")))
        url = url.mid(6);
    const qsizetype bracket = url.indexOf(QLatin1Char('['));
    if (bracket > 0 && url.endsWith(QLatin1Char(']')))
        url.truncate(bracket);
    return url;
}

bool isLocalVde(const QString &url)
{
    return url.startsWith(QLatin1String("vde://")) || !url.contains(QLatin1String("://"));
}

// The fact in `list` whose `key` field is `value`, appended (first seen on `line`) when there
// is none.
template <typename Fact>
Fact &factFor(QList<Fact> &list, QString Fact::*key, const QString &value, int line)
{
    for (Fact &f : list)
        if (f.*key == value)
            return f;
    Fact f;
    f.*key = value;
    f.line = line;
    list.append(f);
    return list.last();
}

SwitchFact &switchFor(ImportState &st, const QString &sock, int line)
{
    return factFor(st.switches, &SwitchFact::sock, sock, line);
}

BridgeFact &bridgeFor(ImportState &st, const QString &name, int line)
{
    return factFor(st.bridges, &BridgeFact::name, name, line);
}

// Classful default prefix for an address given without a netmask.
int classfulPrefix(const protocol::Ipv4 &ip)
{
    const std::uint32_t top = ip.value >> 24;
    return top < 128 ? 8 : top < 192 ? 16 : 24;
}

int prefixFromMask(const QString &mask)
{
    const Result<protocol::Ipv4> m = protocol::Ipv4::parse(mask);
    if (!m)
        return -1;
    const std::uint32_t v = m->value;
    int n = 0;
    while (n < 32 && (v & (0x80000000u >> n)))
        ++n;
    const std::uint32_t canonical = n == 0 ? 0 : ~std::uint32_t(0) << (32 - n);
    return canonical == v ? n : -1;
}

void addAddress(ImportState &st, const ShellCommand &c, const QString &iface, const QString &cidr)
{
    const Result<protocol::Cidr> parsed = protocol::Cidr::parse(cidr, true);
    if (!parsed) {
        st.unknown(c.line, c.text, QStringLiteral("%1 is not an IPv4 address with prefix").arg(cidr));
        return;
    }
    AddressFact a;
    a.iface = iface;
    a.cidr = parsed->toString();
    a.line = c.line;
    a.report = st.mapped(c.line, c.text, QStringLiteral("host port '%1' address = %2").arg(iface, a.cidr));
    st.addresses.append(a);
}

void vdeSwitch(const ShellCommand &c, const QStringList &argv, ImportState &st)
{
    QString sock = kDefaultSock;
    QStringList taps;
    bool hub = false;
    QStringList dropped;
    for (qsizetype i = 1; i < argv.size(); ++i) {
        QString v;
        if (takeOpt(argv, i, {"-s", "-sock", "--sock", "--unix", "-unix"}, &v)) {
            sock = v;
        } else if (takeOpt(argv, i, {"-t", "-tap", "--tap"}, &v)) {
            taps.append(v);
        } else if (argv[i] == QLatin1String("-x") || argv[i] == QLatin1String("-hub") || argv[i] == QLatin1String("--hub")) {
            hub = true;
        } else if (argv[i] == QLatin1String("-d") || argv[i] == QLatin1String("-daemon") || argv[i] == QLatin1String("--daemon")) {
            dropped.append(QStringLiteral("daemon (Netloom runs the switch)"));
        } else if (takeOpt(argv, i, {"-n", "-numports", "--numports"}, &v)) {
            dropped.append(QStringLiteral("numports %1 (netloom switches grow as needed)").arg(v));
        } else if (takeOpt(argv, i, {"-m", "-mod", "-mode", "--mode", "-g", "-group", "--group", "--dirmode"}, &v)) {
            dropped.append(QStringLiteral("socket permissions %1 (Netloom's sockets are the user's)").arg(v));
        } else if (takeOpt(argv, i, {"-M", "-mgmt", "--mgmt", "--mgmtmode", "-p", "-pidfile", "--pidfile", "-f", "-rcfile", "--rcfile", "-h", "-hashsize", "--hashsize", "--macaddr", "--priority"}, &v)) {
            dropped.append(QStringLiteral("management/pidfile/rc file/hash settings %1 (not part of a topology)").arg(v));
        } else if (argv[i] == QLatin1String("-F") || argv[i] == QLatin1String("--fstp")) {
            dropped.append(QStringLiteral("fast spanning tree (netloom switches have none)"));
        } else {
            dropped.append(QStringLiteral("%1 (not understood)").arg(argv[i]));
        }
    }
    SwitchFact &s = switchFor(st, sock, c.line);
    s.line = c.line;
    s.hub = s.hub || hub;
    s.taps += taps;
    QString detail = QStringLiteral("netloom switch '%1' (socket %2)%3").arg(switchNameFromSocket(sock), sock,
                                                                               hub ? QStringLiteral(", hub mode") : QString());
    for (const QString &t : taps)
        detail += QStringLiteral("; tap %1 -> a host port on it").arg(t);
    if (!dropped.isEmpty())
        detail += QStringLiteral("; dropped: ") + dropped.join(QStringLiteral(", "));
    s.report = st.mapped(c.line, c.text, detail);
}

// One side of a dpipe: "vde_plug [opts] [SOCK]" -> SOCK, else "".
QString plugSocket(const QStringList &cmd, bool *isPlug)
{
    *isPlug = !cmd.isEmpty() && base(cmd[0]) == QLatin1String("vde_plug");
    if (!*isPlug)
        return {};
    QString sock = kDefaultSock;
    for (qsizetype i = 1; i < cmd.size(); ++i) {
        QString v;
        if (takeOpt(cmd, i, {"-p", "--port", "-g", "--group", "-m", "--mode", "-d", "--descr"}, &v))
            continue;
        if (takeOpt(cmd, i, {"-s", "--sock"}, &v)) {
            sock = v;
            continue;
        }
        if (!cmd[i].startsWith(QLatin1Char('-')))
            sock = cmd[i];
    }
    return vdePath(sock);
}

void dpipe(const ShellCommand &c, const QStringList &argv, ImportState &st)
{
    QList<QStringList> sides{{}};
    for (qsizetype i = 1; i < argv.size(); ++i) {
        if (argv[i] == QLatin1String("="))
            sides.append(QStringList{});
        else
            sides.last().append(argv[i]);
    }
    bool plugA = false, plugB = false;
    const QString a = plugSocket(sides.first(), &plugA);
    const QString b = plugSocket(sides.last(), &plugB);
    QStringList middle;
    for (qsizetype k = 1; k + 1 < sides.size(); ++k)
        middle.append(sides[k].value(0));
    const QString note = middle.isEmpty() ? QString()
                                          : QStringLiteral(" (%1 in between dropped: set the link's emulation instead)").arg(middle.join(QStringLiteral(", ")));
    if (sides.size() < 2 || (!plugA && !plugB)) {
        st.unknown(c.line, c.text, QStringLiteral("a dpipe that does not join a vde_plug to something"));
        return;
    }
    CableFact f;
    f.line = c.line;
    if (plugA && plugB) {
        f.a = a;
        f.b = b;
        f.report = st.mapped(c.line, c.text, QStringLiteral("cable between switch '%1' and switch '%2'%3")
                                                 .arg(switchNameFromSocket(a), switchNameFromSocket(b), note));
    } else {
        const QStringList &other = plugA ? sides.last() : sides.first();
        f.a = plugA ? a : b;
        f.remote = QStringLiteral("cmd://") + other.join(QLatin1Char(' '));
        f.report = st.mapped(c.line, c.text, QStringLiteral("remote cable from switch '%1' to %2%3")
                                                 .arg(switchNameFromSocket(f.a), f.remote, note));
    }
    st.cables.append(f);
}

void ipCommand(const ShellCommand &c, QStringList argv, ImportState &st)
{
    // Drop global options (-4, -6, -s, -d, -br ...).
    argv.removeFirst();
    while (!argv.isEmpty() && argv[0].startsWith(QLatin1Char('-')))
        argv.removeFirst();
    const QString obj = argv.value(0);
    const QString verb = argv.value(1);
    auto ignored = [&](const QString &why) { st.ignored(c.line, c.text, why); };
    auto field = [&](const char *key) -> QString {
        const qsizetype k = argv.indexOf(QLatin1String(key));
        return k >= 0 ? argv.value(k + 1) : QString();
    };
    const bool isAdd = verb == QLatin1String("add") || verb == QLatin1String("a");
    const bool isDel = verb == QLatin1String("del") || verb == QLatin1String("delete") || verb == QLatin1String("d")
                       || verb == QLatin1String("flush");
    if (obj == QLatin1String("tuntap")) {
        if (isDel) {
            ignored(QStringLiteral("removes a tap (only the start path builds the graph)"));
            return;
        }
        if (!isAdd) {
            ignored(QStringLiteral("shows taps"));
            return;
        }
        QString name = field("dev");
        if (name.isEmpty())
            name = field("name");
        if (name.isEmpty())
            for (qsizetype k = 2; k < argv.size(); ++k)
                if (!argv[k].startsWith(QLatin1Char('-')) && argv[k - 1] != QLatin1String("mode") && argv[k - 1] != QLatin1String("user")
                    && argv[k - 1] != QLatin1String("group") && argv[k] != QLatin1String("mode") && argv[k] != QLatin1String("user")
                    && argv[k] != QLatin1String("group")) {
                    name = argv[k];
                    break;
                }
        if (field("mode") == QLatin1String("tun")) {
            st.unknown(c.line, c.text, QStringLiteral("a tun (layer 3) device is not in the model; only taps are"));
            return;
        }
        if (name.isEmpty()) {
            st.unknown(c.line, c.text, QStringLiteral("no tap name"));
            return;
        }
        st.tapLines.insert(name, c.line);
        st.mapped(c.line, c.text, QStringLiteral("tap %1 (its role follows from what uses it)").arg(name));
        return;
    }
    if (obj == QLatin1String("link") || obj == QLatin1String("l")) {
        if (isAdd) {
            QString name = field("name");
            if (name.isEmpty())
                name = argv.value(2) == QLatin1String("dev") ? argv.value(3) : argv.value(2);
            const QString type = field("type");
            if (type == QLatin1String("bridge")) {
                BridgeFact &b = bridgeFor(st, name, c.line);
                b.stp = b.stp || field("stp_state") == QLatin1String("1");
                b.report = st.mapped(c.line, c.text, QStringLiteral("kernel bridge '%1'").arg(name));
                return;
            }
            if (type == QLatin1String("tap") || type == QLatin1String("tuntap")) {
                st.tapLines.insert(name, c.line);
                st.mapped(c.line, c.text, QStringLiteral("tap %1").arg(name));
                return;
            }
            st.unknown(c.line, c.text, QStringLiteral("interfaces of type '%1' are not imported").arg(type));
            return;
        }
        if (isDel) {
            ignored(QStringLiteral("removes an interface (only the start path builds the graph)"));
            return;
        }
        if (verb == QLatin1String("set")) {
            const QString dev = argv.value(2) == QLatin1String("dev") ? argv.value(3) : argv.value(2);
            const QString master = field("master");
            if (!master.isEmpty()) {
                BridgeFact &b = bridgeFor(st, master, c.line);
                b.members.append(dev);
                st.mapped(c.line, c.text, QStringLiteral("%1 joins bridge '%2'").arg(dev, master));
                return;
            }
            if (argv.contains(QLatin1String("type")) && field("type") == QLatin1String("bridge") && argv.contains(QLatin1String("stp_state"))) {
                bridgeFor(st, dev, c.line).stp = field("stp_state") == QLatin1String("1");
                st.mapped(c.line, c.text, QStringLiteral("bridge '%1' stp").arg(dev));
                return;
            }
            ignored(QStringLiteral("link state or settings: Netloom brings its interfaces up itself"));
            return;
        }
        ignored(QStringLiteral("shows interfaces"));
        return;
    }
    if (obj == QLatin1String("addr") || obj == QLatin1String("address") || obj == QLatin1String("a")) {
        if (isDel) {
            ignored(QStringLiteral("removes an address (only the start path builds the graph)"));
            return;
        }
        if (!isAdd) {
            ignored(QStringLiteral("shows addresses"));
            return;
        }
        const QString dev = field("dev");
        const QString addr = argv.value(2) == QLatin1String("local") ? argv.value(3) : argv.value(2);
        if (dev.isEmpty() || addr.contains(QLatin1Char(':'))) {
            st.unknown(c.line, c.text, dev.isEmpty() ? QStringLiteral("no dev") : QStringLiteral("IPv6 host addresses are not imported"));
            return;
        }
        addAddress(st, c, dev, addr);
        return;
    }
    if (obj == QLatin1String("route") || obj == QLatin1String("r") || obj == QLatin1String("rule") || obj == QLatin1String("neigh")) {
        ignored(QStringLiteral("the host's own routing table is not part of a topology"));
        return;
    }
    st.unknown(c.line, c.text, QStringLiteral("'ip %1' is not imported").arg(obj));
}

void ifconfig(const ShellCommand &c, const QStringList &argv, ImportState &st)
{
    const QString dev = argv.value(1);
    QString addr;
    QString mask;
    for (qsizetype i = 2; i < argv.size(); ++i) {
        const QString &a = argv[i];
        if (a == QLatin1String("netmask"))
            mask = argv.value(++i);
        else if (a == QLatin1String("broadcast") || a == QLatin1String("mtu") || a == QLatin1String("hw") || a == QLatin1String("metric"))
            i += a == QLatin1String("hw") ? 2 : 1;
        else if (a == QLatin1String("inet") || a == QLatin1String("up") || a == QLatin1String("down") || a == QLatin1String("promisc")
                 || a == QLatin1String("-promisc") || a == QLatin1String("-arp") || a == QLatin1String("arp"))
            continue;
        else if (addr.isEmpty() && (a[0].isDigit()))
            addr = a;
    }
    if (addr.isEmpty() || addr.startsWith(QLatin1String("0.0.0.0"))) {
        st.ignored(c.line, c.text, QStringLiteral("interface state only: Netloom brings its interfaces up itself"));
        return;
    }
    if (!addr.contains(QLatin1Char('/'))) {
        const Result<protocol::Ipv4> ip = protocol::Ipv4::parse(addr);
        if (!ip) {
            st.unknown(c.line, c.text, QStringLiteral("%1 is not an IPv4 address").arg(addr));
            return;
        }
        const int prefix = mask.isEmpty() ? classfulPrefix(*ip) : prefixFromMask(mask);
        if (prefix < 0) {
            st.unknown(c.line, c.text, QStringLiteral("netmask %1 is not understood").arg(mask));
            return;
        }
        addr += QStringLiteral("/%1").arg(prefix);
    }
    addAddress(st, c, dev, addr);
    if (mask.isEmpty() && !argv.join(QLatin1Char(' ')).contains(QLatin1Char('/')))
        st.report.last().detail += QStringLiteral(" (no netmask given: the classful default, as ifconfig does)");
}

void brctl(const ShellCommand &c, const QStringList &argv, ImportState &st)
{
    const QString verb = argv.value(1);
    const QString br = argv.value(2);
    if (verb == QLatin1String("addbr")) {
        BridgeFact &b = bridgeFor(st, br, c.line);
        b.report = st.mapped(c.line, c.text, QStringLiteral("kernel bridge '%1'").arg(br));
    } else if (verb == QLatin1String("addif")) {
        BridgeFact &b = bridgeFor(st, br, c.line);
        const QStringList members = argv.mid(3);
        b.members += members;
        st.mapped(c.line, c.text, QStringLiteral("%1 joins bridge '%2'").arg(members.join(QStringLiteral(", ")), br));
    } else if (verb == QLatin1String("stp")) {
        BridgeFact &b = bridgeFor(st, br, c.line);
        b.stp = argv.value(3) == QLatin1String("on") || argv.value(3) == QLatin1String("yes") || argv.value(3) == QLatin1String("1");
        st.mapped(c.line, c.text, QStringLiteral("bridge '%1' stp = %2").arg(br, b.stp ? QStringLiteral("on") : QStringLiteral("off")));
    } else if (verb == QLatin1String("delbr") || verb == QLatin1String("delif")) {
        st.ignored(c.line, c.text, QStringLiteral("removes a bridge or port (only the start path builds the graph)"));
    } else if (verb == QLatin1String("show") || verb == QLatin1String("showmacs") || verb == QLatin1String("showstp")) {
        st.ignored(c.line, c.text, QStringLiteral("shows bridges"));
    } else {
        st.ignored(c.line, c.text, QStringLiteral("bridge timer settings are not in the model"));
    }
}

void ipForward(const ShellCommand &c, ImportState &st)
{
    st.ipForward = true;
    st.mapped(c.line, c.text, QStringLiteral("IPv4 forwarding on (Netloom turns it on for NAT and routed host ports)"));
}

void iptables(const ShellCommand &c, const QStringList &argv, ImportState &st)
{
    QString table = QStringLiteral("filter");
    QString chain;
    QString action;
    QString out;
    QString src;
    QString target;
    bool negated = false;
    for (qsizetype i = 1; i < argv.size(); ++i) {
        const QString &a = argv[i];
        QString v;
        if (a == QLatin1String("!")) {
            negated = true;
        } else if (takeOpt(argv, i, {"-t", "--table"}, &v)) {
            table = v;
        } else if (a == QLatin1String("-A") || a == QLatin1String("-I") || a == QLatin1String("-D") || a == QLatin1String("-F")
                   || a == QLatin1String("-P") || a == QLatin1String("-X") || a == QLatin1String("-N") || a == QLatin1String("--append")
                   || a == QLatin1String("--insert") || a == QLatin1String("--delete") || a == QLatin1String("--flush")) {
            action = a;
            chain = i + 1 < argv.size() && !argv[i + 1].startsWith(QLatin1Char('-')) ? argv[++i] : QString();
        } else if (takeOpt(argv, i, {"-o", "--out-interface"}, &v)) {
            if (negated)
                out = QStringLiteral("!");
            else
                out = v;
            negated = false;
        } else if (takeOpt(argv, i, {"-s", "--source"}, &v)) {
            src = negated ? QStringLiteral("!") : v;
            negated = false;
        } else if (takeOpt(argv, i, {"-j", "--jump"}, &v)) {
            target = v;
        }
    }
    if (action == QLatin1String("-D") || action == QLatin1String("--delete") || action == QLatin1String("-F")
        || action == QLatin1String("--flush") || action == QLatin1String("-X")) {
        st.ignored(c.line, c.text, QStringLiteral("removes rules (only the start path builds the graph)"));
        return;
    }
    if (table == QLatin1String("nat") && target == QLatin1String("MASQUERADE")) {
        if (out == QLatin1String("!") || src == QLatin1String("!")) {
            st.unknown(c.line, c.text, QStringLiteral("negated matches (! -o, ! -s) are not in the model"));
            return;
        }
        if (!src.isEmpty() && !protocol::Cidr::parse(src, true)) {
            st.unknown(c.line, c.text, QStringLiteral("source %1 is not an IPv4 prefix").arg(src));
            return;
        }
        NatFact n;
        n.out = out;
        n.source = src;
        n.line = c.line;
        n.report = st.mapped(c.line, c.text, QStringLiteral("NAT (masquerade) towards uplink %1%2")
                                                 .arg(out.isEmpty() ? QStringLiteral("(any)") : out,
                                                      src.isEmpty() ? QString() : QStringLiteral(" for %1").arg(src)));
        st.nats.append(n);
        return;
    }
    if (chain == QLatin1String("FORWARD") && target == QLatin1String("ACCEPT") && !out.isEmpty() && out != QLatin1String("!")
        && !src.isEmpty() && src != QLatin1String("!") && protocol::Cidr::parse(src, true)
        && (action == QLatin1String("-A") || action == QLatin1String("-I") || action == QLatin1String("--append") || action == QLatin1String("--insert"))) {
        NatFact n;
        n.route = true;
        n.out = out;
        n.source = src;
        n.line = c.line;
        n.report = st.mapped(c.line, c.text, QStringLiteral("forwarding from %1 towards uplink %2").arg(src, out));
        st.nats.append(n);
        return;
    }
    if (chain == QLatin1String("FORWARD") || (table == QLatin1String("filter") && action == QLatin1String("-P"))) {
        st.ignored(c.line, c.text, QStringLiteral("forwarding rules: Netloom's NAT and routed host ports add their own"));
        return;
    }
    if (target == QLatin1String("DNAT") || target == QLatin1String("SNAT") || target == QLatin1String("REDIRECT")) {
        st.unknown(c.line, c.text, QStringLiteral("%1 rules are not imported (MASQUERADE is)").arg(target));
        return;
    }
    st.ignored(c.line, c.text, QStringLiteral("firewall rules are not part of a topology"));
}

// One nft rule or statement text; records a masquerade rule when it is one.
bool nftRule(const ShellCommand &c, const QString &rule, ImportState &st)
{
    static const QRegularExpression oif(QStringLiteral("\\boifname\\s+(?:!=\\s*)?\"?([^\"\\s;}]+)\"?"));
    static const QRegularExpression saddr(QStringLiteral("\\bip\\s+saddr\\s+(!=\\s*)?([0-9./]+)"));
    const QRegularExpressionMatch o = oif.match(rule);
    const QRegularExpressionMatch s = saddr.match(rule);
    if (rule.contains(QLatin1String("ct status dnat"))) {
        st.ignored(c.line, c.text, QStringLiteral("NAT for a port forward (DNAT): port forwards are not imported"));
        return true;
    }
    if (!rule.contains(QLatin1String("masquerade"))) {
        // "ip saddr NET oifname UPLINK accept": forwarding out of a subnet (routing).
        if (!rule.contains(QLatin1String("accept")) || !o.hasMatch() || !s.hasMatch() || !s.captured(1).isEmpty()
            || rule.contains(QLatin1String("oifname !=")))
            return false;
        NatFact n;
        n.route = true;
        n.out = o.captured(1).replace(QLatin1Char('*'), QLatin1Char('+'));
        n.source = s.captured(2);
        n.line = c.line;
        n.report = st.mapped(c.line, c.text, QStringLiteral("forwarding from %1 towards uplink %2").arg(n.source, n.out));
        st.nats.append(n);
        return true;
    }
    if (rule.contains(QLatin1String("oifname !=")) || (s.hasMatch() && !s.captured(1).isEmpty())) {
        st.unknown(c.line, c.text, QStringLiteral("negated matches are not in the model"));
        return true;
    }
    NatFact n;
    n.out = o.hasMatch() ? o.captured(1).replace(QLatin1Char('*'), QLatin1Char('+')) : QString();
    n.source = s.hasMatch() ? s.captured(2) : QString();
    n.line = c.line;
    n.report = st.mapped(c.line, c.text, QStringLiteral("NAT (masquerade) towards uplink %1%2")
                                             .arg(n.out.isEmpty() ? QStringLiteral("(any)") : n.out,
                                                  n.source.isEmpty() ? QString() : QStringLiteral(" for %1").arg(n.source)));
    st.nats.append(n);
    return true;
}

void nft(const ShellCommand &c, const QStringList &argv, ImportState &st)
{
    const qsizetype f = argv.indexOf(QLatin1String("-f"));
    if (f >= 0) {
        const QString file = argv.value(f + 1);
        const QString text = file == QLatin1String("-") && !c.redirects.isEmpty() ? c.redirects.last().heredoc : st.files.value(file);
        if (text.isEmpty()) {
            st.unknown(c.line, c.text, QStringLiteral("the rules file %1 was not given to the importer").arg(file));
            return;
        }
        bool any = false;
        for (const QString &line : text.split(QLatin1Char('\n')))
            if (!line.trimmed().startsWith(QLatin1Char('#')))
                any = nftRule(c, line, st) || any;
        if (!any)
            st.ignored(c.line, c.text, QStringLiteral("no masquerade rule in %1; firewall rules are not part of a topology").arg(file));
        return;
    }
    const QString rule = argv.mid(1).join(QLatin1Char(' '));
    if (nftRule(c, rule, st))
        return;
    if (argv.value(1) == QLatin1String("delete") || argv.value(1) == QLatin1String("flush"))
        st.ignored(c.line, c.text, QStringLiteral("removes rules (only the start path builds the graph)"));
    else
        st.ignored(c.line, c.text, QStringLiteral("nft tables and chains: Netloom creates its own table for NAT"));
}

bool writesFile(const ShellCommand &c, ImportState &st)
{
    QString target;
    QString body;
    bool hasDoc = false;
    bool append = false;
    for (const Redirect &r : c.redirects) {
        if (r.op.endsWith(QLatin1String(">")) || r.op.endsWith(QLatin1String(">>")) || r.op.endsWith(QLatin1String(">|"))) {
            target = r.target;
            append = r.op.endsWith(QLatin1String(">>"));
        }
        if (r.op.startsWith(QLatin1String("<<"))) {
            body = r.heredoc;
            hasDoc = true;
        }
    }
    if (!hasDoc && !append && base(c.argv.value(0)) == QLatin1String("printf") && c.argv.size() > 1
        && (c.argv[1] == QLatin1String("%s\n") || c.argv[1] == QLatin1String("%s\\n"))) {
        // printf '%s\n' LINE... > FILE writes the lines.
        for (const QString &l : c.argv.mid(2))
            body += l + QLatin1Char('\n');
        hasDoc = true;
    }
    if (!hasDoc)
        return false;
    if (target.isEmpty() && c.argv.size() > 1 && base(c.argv[0]) == QLatin1String("tee"))
        target = c.argv.value(1);
    if (target.isEmpty())
        return false;
    st.files.insert(target, body);
    st.mapped(c.line, c.text, QStringLiteral("file %1 (%2 lines), read where the script uses it").arg(target).arg(body.count(QLatin1Char('\n'))));
    return true;
}

}  // namespace

bool importHostCommand(const ShellCommand &c, const QStringList &argv, ImportState &st)
{
    const QString prog = base(argv.value(0));
    auto ignore = [&](const QString &why) {
        st.ignored(c.line, c.text, why);
        return true;
    };
    if (prog == QLatin1String("vde_switch") || prog == QLatin1String("vde2_switch")) {
        vdeSwitch(c, argv, st);
        return true;
    }
    if (prog == QLatin1String("vde_plug2tap")) {
        QString sock = kDefaultSock;
        QString tap;
        for (qsizetype i = 1; i < argv.size(); ++i) {
            QString v;
            if (takeOpt(argv, i, {"-s", "--sock"}, &v))
                sock = v;
            else if (!argv[i].startsWith(QLatin1Char('-')))
                tap = argv[i];
        }
        SwitchFact &s = switchFor(st, sock, c.line);
        s.taps.append(tap);
        st.mapped(c.line, c.text, QStringLiteral("tap %1 -> a host port on switch '%2'").arg(tap, switchNameFromSocket(sock)));
        return true;
    }
    if (prog == QLatin1String("dpipe")) {
        dpipe(c, argv, st);
        return true;
    }
    if (prog == QLatin1String("vde_plug")) {
        // vde_plug [-d] [-p PIDFILE] URL1 URL2: a cable (vdeplug4); a URL of another scheme
        // than vde:// is a remote end.
        QStringList pos;
        for (qsizetype i = 1; i < argv.size(); ++i) {
            QString v;
            if (takeOpt(argv, i, {"-p", "--pidfile", "-l", "--log", "-g", "--group", "-m", "--mode", "--port"}, &v))
                continue;
            if (!argv[i].startsWith(QLatin1Char('-')))
                pos.append(argv[i]);
        }
        if (pos.size() == 2) {
            const bool remoteA = !isLocalVde(pos[0]);
            const bool remoteB = !isLocalVde(pos[1]);
            if (remoteA && remoteB) {
                st.unknown(c.line, c.text, QStringLiteral("a cable between two remote ends"));
                return true;
            }
            CableFact f;
            f.line = c.line;
            f.a = vdePath(remoteA ? pos[1] : pos[0]);
            if (remoteA || remoteB) {
                f.remote = remoteA ? pos[0] : pos[1];
                f.report = st.mapped(c.line, c.text, QStringLiteral("remote cable from switch '%1' to %2").arg(switchNameFromSocket(f.a), f.remote));
            } else {
                f.b = vdePath(pos[1]);
                f.report = st.mapped(c.line, c.text, QStringLiteral("cable between switch '%1' and switch '%2'")
                                                         .arg(switchNameFromSocket(f.a), switchNameFromSocket(f.b)));
            }
            st.cables.append(f);
            return true;
        }
        st.unknown(c.line, c.text, QStringLiteral("a vde_plug on its own connects the switch to its standard input/output"));
        return true;
    }
    if (prog == QLatin1String("wirefilter")) {
        // wirefilter -v SOCK_A:SOCK_B: an impaired wire between two sockets.
        QString pair;
        for (qsizetype i = 1; i < argv.size(); ++i) {
            QString v;
            if (takeOpt(argv, i, {"-v", "--vde-plug"}, &v))
                pair = v;
        }
        const qsizetype colon = pair.indexOf(QLatin1Char(':'));
        if (colon <= 0) {
            st.unknown(c.line, c.text, QStringLiteral("a wirefilter on standard input/output (without -v A:B) is not imported"));
            return true;
        }
        WireFact w{vdePath(pair.left(colon)), vdePath(pair.mid(colon + 1)), c.line,
                   st.mapped(c.line, c.text, QStringLiteral("a wire between %1 and %2 (its delay/loss settings are not imported: set the link's emulation)")
                                                 .arg(vdePath(pair.left(colon)), vdePath(pair.mid(colon + 1)))),
                   pair.endsWith(QLatin1Char(']'))};
        st.wires.append(w);
        return true;
    }
    if (prog == QLatin1String("tunctl")) {
        QString tap;
        bool del = false;
        for (qsizetype i = 1; i < argv.size(); ++i) {
            QString v;
            if (takeOpt(argv, i, {"-t"}, &v))
                tap = v;
            else if (takeOpt(argv, i, {"-d"}, &v)) {
                tap = v;
                del = true;
            } else if (takeOpt(argv, i, {"-u", "-g", "-f"}, &v)) {
                continue;
            }
        }
        if (del)
            return ignore(QStringLiteral("removes a tap (only the start path builds the graph)"));
        if (tap.isEmpty()) {
            st.unknown(c.line, c.text, QStringLiteral("tunctl without -t picks a name the importer cannot know"));
            return true;
        }
        st.tapLines.insert(tap, c.line);
        st.mapped(c.line, c.text, QStringLiteral("tap %1 (its role follows from what uses it; the owner is whoever starts the topology)").arg(tap));
        return true;
    }
    if (prog == QLatin1String("ip")) {
        ipCommand(c, argv, st);
        return true;
    }
    if (prog == QLatin1String("ifconfig")) {
        ifconfig(c, argv, st);
        return true;
    }
    if (prog == QLatin1String("brctl")) {
        brctl(c, argv, st);
        return true;
    }
    if (prog == QLatin1String("sysctl")) {
        for (const QString &a : argv.mid(1))
            if (a == QLatin1String("net.ipv4.ip_forward=1") || a == QLatin1String("net.ipv4.conf.all.forwarding=1")
                || a == QLatin1String("net/ipv4/ip_forward=1")) {
                ipForward(c, st);
                return true;
            }
        return ignore(QStringLiteral("kernel settings other than IPv4 forwarding are not part of a topology"));
    }
    if (prog == QLatin1String("echo") || prog == QLatin1String("printf")) {
        for (const Redirect &r : c.redirects)
            if (r.target.endsWith(QLatin1String("/proc/sys/net/ipv4/ip_forward")) || r.target.endsWith(QLatin1String("/proc/sys/net/ipv4/conf/all/forwarding"))) {
                if (argv.value(1).trimmed() == QLatin1String("1")) {
                    ipForward(c, st);
                    return true;
                }
                return ignore(QStringLiteral("turns IPv4 forwarding off (only the start path builds the graph)"));
            }
        if (writesFile(c, st))
            return true;
        return ignore(QStringLiteral("prints a message or writes a file that is not part of a topology"));
    }
    if (prog == QLatin1String("iptables") || prog == QLatin1String("iptables-legacy") || prog == QLatin1String("iptables-nft")) {
        iptables(c, argv, st);
        return true;
    }
    if (prog == QLatin1String("nft")) {
        nft(c, argv, st);
        return true;
    }
    if (prog == QLatin1String("dnsmasq")) {
        importDnsmasqArgs(argv, c.line, c.text, st);
        return true;
    }
    if (prog == QLatin1String("cat") || prog == QLatin1String("tee")) {
        if (writesFile(c, st))
            return true;
        return ignore(QStringLiteral("prints or copies a file that is not part of a topology"));
    }
    if (prog == QLatin1String("modprobe") || prog == QLatin1String("insmod"))
        return ignore(QStringLiteral("kernel modules: Netloom's helper loads what it needs"));
    if (prog == QLatin1String("ip6tables"))
        return ignore(QStringLiteral("IPv6 firewall rules are not imported"));
    if (prog == QLatin1String("route") || prog == QLatin1String("arp"))
        return ignore(QStringLiteral("the host's own routing table is not part of a topology"));
    if (prog == QLatin1String("vdecmd") || prog == QLatin1String("unixterm") || prog == QLatin1String("vdeterm")
        || prog == QLatin1String("vde_switch_ctl"))
        return ignore(QStringLiteral("switch management commands: use netloomctl instead"));
    static const QSet<QString> housekeeping{
        QStringLiteral("mkdir"), QStringLiteral("chmod"), QStringLiteral("chown"), QStringLiteral("chgrp"), QStringLiteral("rm"),
        QStringLiteral("rmdir"), QStringLiteral("sleep"), QStringLiteral("kill"), QStringLiteral("killall"), QStringLiteral("pkill"),
        QStringLiteral("pidof"), QStringLiteral("pgrep"), QStringLiteral("cd"), QStringLiteral("test"), QStringLiteral("["),
        QStringLiteral("[["), QStringLiteral("true"), QStringLiteral("false"), QStringLiteral(":"), QStringLiteral("exit"),
        QStringLiteral("return"), QStringLiteral("set"), QStringLiteral("shift"), QStringLiteral("umask"), QStringLiteral("logger"),
        QStringLiteral("touch"), QStringLiteral("ln"), QStringLiteral("cp"), QStringLiteral("mv"), QStringLiteral("wait"),
        QStringLiteral("trap"), QStringLiteral("usage"), QStringLiteral("ping"), QStringLiteral("log_daemon_msg"),
        QStringLiteral("log_end_msg"), QStringLiteral("log_action_msg"), QStringLiteral("unset"), QStringLiteral("id"),
        QStringLiteral("whoami"), QStringLiteral("which"), QStringLiteral("type"), QStringLiteral("hash"), QStringLiteral("ps"),
        QStringLiteral("grep"), QStringLiteral("ls"), QStringLiteral("date"), QStringLiteral("read"),
    };
    if (housekeeping.contains(prog))
        return ignore(QStringLiteral("housekeeping (files, processes, messages): not part of the network graph"));
    return false;
}

}  // namespace netloom::importer
