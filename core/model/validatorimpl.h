// SPDX-License-Identifier: GPL-3.0-or-later
// Internal to the validator: the Validator class behind validate() (validator.h). Its
// rules are split over four files: validator.cpp (ids, links, attachments),
// validatornodes.cpp (each node's own settings), validatorglobal.cpp (topology-wide
// checks: interface names, MACs, subnets, sockets, host forwards, cable loops),
// validatoremulation.cpp (network emulation on links, port mirrors), validatorforwards.cpp
// (NAT gateways' port forwards), validatorhostroutes.cpp (gateways on host routes) and
// validatoripv6.cpp (a host port's IPv6 prefix, router
// advertisements, DHCPv6; IPv6 prefix overlaps).
// Not part of the model's API.
#pragma once

#include "model/validator.h"
#include "protocol/netaddr.h"

#include <QHash>
#include <QList>
#include <QMap>
#include <QString>

#include <optional>
#include <utility>

namespace netloom::model::detail {

using protocol::Cidr;
using protocol::Ipv4;
using protocol::Mac;
using Severity = Issue::Severity;

// 'text', shortened to an id's length.
QString q(const QString &s);
// 1-64 of [A-Za-z0-9_.-] (ids, topology name).
bool validId(const QString &id);
// The reason part of a netaddr error ("failed to parse X 'y': <reason>").
QString reasonOf(const Error &e);
inline bool isMulticast(Ipv4 ip) { return (ip.value >> 28) == 0xE; }
inline bool isLoopback(Ipv4 ip) { return (ip.value >> 24) == 127; }

enum class EndKind { Missing, Netloom, Bridge, HostPort, Uplink, Guest, Remote };
QString endKindName(EndKind k);

// Collects the issues of one topology; run() once.
class Validator {
public:
    Validator(const Topology &t, const ValidationContext &context) : m_t(t), m_context(context)
    {
        for (qsizetype i = 0; i < t.nodes.size(); ++i)
            if (!m_index.contains(t.nodes[i].id))
                m_index.insert(t.nodes[i].id, i);
    }

    QList<Issue> run()
    {
        checkTopology();
        for (qsizetype i = 0; i < m_t.nodes.size(); ++i)
            checkNode(i);
        for (qsizetype k = 0; k < m_t.links.size(); ++k)
            checkLink(k);
        checkAttachments();
        checkMirrors();
        checkInterfaceNames();
        checkMacs();
        checkSubnets();
        checkSubnets6();
        checkSockets();
        checkForwards();
        checkPortForwards();
        checkCableLoops();
        checkHostRoutes();
        return m_issues;
    }

private:
    // --- reporting ---------------------------------------------------------------------
    void add(Severity s, const QString &path, const QString &nodeId, const QString &message, const QString &linkId = {})
    {
        m_issues.append(Issue{s, path, nodeId, linkId, message});
    }
    void error(const QString &path, const QString &nodeId, const QString &message) { add(Severity::Error, path, nodeId, message); }
    void warning(const QString &path, const QString &nodeId, const QString &message) { add(Severity::Warning, path, nodeId, message); }
    void linkError(qsizetype k, const QString &sub, const QString &message)
    {
        add(Severity::Error, join(linkPath(k), sub), QString(), message, m_t.links[k].id);
    }

    static QString join(const QString &a, const QString &b) { return b.isEmpty() ? a : a + QLatin1Char('.') + b; }
    QString nodePath(qsizetype i) const { return QStringLiteral("nodes[%1] (id %2)").arg(i).arg(q(m_t.nodes[i].id)); }
    QString cfgPath(qsizetype i, const char *field) const
    {
        return QStringLiteral("%1.%2.%3").arg(nodePath(i), nodeConfigKey(m_t.nodes[i].type), QLatin1String(field));
    }
    QString nicPath(qsizetype i, qsizetype j) const
    {
        return QStringLiteral("%1.guest.nics[%2] (id %3)").arg(nodePath(i)).arg(j).arg(q(m_t.nodes[i].guest.nics[j].id));
    }
    QString linkPath(qsizetype k) const { return QStringLiteral("links[%1] (id %2)").arg(k).arg(q(m_t.links[k].id)); }

    const Node *findNode(const QString &id) const
    {
        const auto it = m_index.find(id);
        return it == m_index.end() ? nullptr : &m_t.nodes[*it];
    }
    qsizetype nodeIndex(const QString &id) const { return m_index.value(id, -1); }

    // --- topology and nodes ------------------------------------------------------------
    void checkTopology();

    void checkMtu(qsizetype i, int mtu);

    void checkNode(qsizetype i);

    void checkSwitch(qsizetype i);

    void checkHostPort(qsizetype i);

    void checkDhcp(qsizetype i, const std::optional<Cidr> &cidr);

    // validatoripv6.cpp: the host port's ipv6 block (prefix, RA/SLAAC, DHCPv6 range).
    void checkIpv6(qsizetype i);

    void checkUplink(qsizetype i);

    void checkGuest(qsizetype i);

    void checkUserNet(qsizetype i, qsizetype j);
    void checkCloudInit(qsizetype i);
    void checkVhostUserNic(qsizetype i, qsizetype j);
    void checkUefi(qsizetype i);

    void checkRemote(qsizetype i);

    // --- links ------------------------------------------------------------------------
    struct End {
        const Node *node = nullptr;
        const NicConfig *nic = nullptr;
        EndKind kind = EndKind::Missing;
    };

    EndKind kindOf(const Node &n) const;

    // Resolves one endpoint; reports problems with it. Returns kind Missing if unusable.
    End resolve(qsizetype k, const Endpoint &e, const QString &side);

    void checkVlan(qsizetype k, const QString &side, const VlanConfig &v);

    void checkLink(qsizetype k);

    // --- network emulation (validatoremulation.cpp) -----------------------------------
    // Why links between these ends cannot carry an emulation, or "" when they can.
    static QString emulationUnsupported(const End &a, const End &b);
    // The emulation of link k: its impairments' bounds, and that the link can carry it.
    void checkEmulation(qsizetype k, const End &a, const End &b);
    // Port mirrors of netloom switches: engine, count, links they name.
    void checkMirrors();

    static const RemoteConfig &r(const End &e) { return e.node->remote; }
    static QString nicKey(const QString &node, const QString &nic) { return node + QChar(0) + nic; }

    // --- after links: attachment counts -----------------------------------------------
    const Node *peerOf(const QString &nodeId, qsizetype k) const;

    void checkAttachments();

    QString linkIds(const QList<qsizetype> &ks) const;

    // --- interface names --------------------------------------------------------------
    void checkInterfaceNames();

    // --- MACs, subnets, sockets, forwards ---------------------------------------------
    void checkMacs();

    void checkSubnets();
    // validatoripv6.cpp: no two host ports' IPv6 prefixes overlap.
    void checkSubnets6();

    void checkSockets();

    void checkForwards();
    // NAT gateways' port forwards (validatorforwards.cpp): fields, limits, the guest on the
    // gateway's network, and host (protocol, address, port) used once across the topology.
    void checkPortForwards();
    void checkCableLoops();
    // validatorhostroutes.cpp: a gateway's subnet overlapping a host route (a warning).
    void checkHostRoutes();

    const Topology &m_t;
    const ValidationContext &m_context;
    QHash<QString, qsizetype> m_index;               // node id -> first index
    QList<Issue> m_issues;
    QHash<QString, QString> m_uplinkNames;           // uplink ifname -> node id
    QHash<QString, QList<qsizetype>> m_nicLinks;     // nicKey -> links
    QHash<QString, QList<qsizetype>> m_nodeLinks;    // host port / uplink / remote id -> links
    QMap<QString, QStringList> m_switchHostPorts;    // switch id -> host port ids
    QHash<QString, QStringList> m_bridgeUplinks;     // bridge id -> uplink ifnames linked to it
    QList<std::pair<qsizetype, bool>> m_cableLinks;  // links needing a cable tap; true = veth pair
    struct Cable {
        qsizetype link, a, b;  // indexes into links / nodes
    };
    QList<Cable> m_cables;                            // switch <-> switch links
};

}  // namespace netloom::model::detail
