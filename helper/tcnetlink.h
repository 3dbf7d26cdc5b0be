// SPDX-License-Identifier: GPL-3.0-or-later
// TcNetlink: traffic-control requests (qdiscs, the ingress redirect) over an rtnetlink socket
// owned by LinuxHostOps — the kernel side of network emulation, without `tc` processes.
//
// Design note. libnl-route-3.7's netem object cannot express what a QdiscPlan needs: it has
// no Gilbert–Elliott loss (TCA_NETEM_LOSS/NETEM_LOSS_GE), no 64-bit latency/jitter
// (TCA_NETEM_LATENCY64/JITTER64), no rate (TCA_NETEM_RATE/RATE64, used for in-order
// jitter), and it leaves the old distribution table in place on change; its tbf object takes
// 32-bit rates and has no TCA_TBF_BURST/RATE64. So every tc message is built here with
// libnl's message and attribute API (nlmsg_alloc_simple, nla_put, nla_nest_start) and sent
// on the same libnl socket; the current qdiscs are read with libnl-route's qdisc cache. The
// ingress redirect is an "ingress" qdisc with one u32 filter matching everything (key 0/0 at
// offset 0, terminal) whose mirred action redirects to the IFB — u32 rather than matchall
// because u32 is the classifier every kernel with tc has (matchall is often not built).
//
// Handles: root 1: (netem or tbf), netem's child tbf 2: at 1:1, ingress ffff:. Only these
// are ever deleted, and only on interfaces the caller has checked are ours.
#pragma once

#include "qdiscplan.h"

#include "base/result.h"

#include <QHash>
#include <QString>

#include <cstdint>
#include <vector>

struct nl_sock;

namespace netloom::helper {

class TcNetlink {
public:
    // Directories searched, in order, for iproute2's distribution tables (as tc does).
    static QStringList distributionDirs();

    explicit TcNetlink(nl_sock *sock) : m_sock(sock) {}

    // Makes the root qdiscs of `ifindex` realize `plan` (non-empty): changes ours in place
    // when the root kind and child match, else replaces them. On failure removes our root so
    // nothing half-configured stays. `ifname` is for messages.
    Status setRoot(int ifindex, const QString &ifname, const QdiscPlan &plan);
    // Deletes our root qdisc (handle 1:) if there is one.
    Status clearRoot(int ifindex, const QString &ifname);
    // Ingress qdisc + u32 match-all + mirred redirect to `ifbIndex`, replacing ours.
    Status redirectIngress(int ifindex, const QString &ifname, int ifbIndex, const QString &ifb);
    // Deletes the ingress qdisc if there is one.
    Status clearIngress(int ifindex, const QString &ifname);

private:
    struct Current {
        QString rootKind;        // "" = none or the kernel's default root
        std::uint32_t rootHandle = 0;
        bool child = false;      // something at 1:1
        bool ingress = false;
    };
    Result<Current> current(int ifindex, const QString &ifname);
    Status addNetem(int ifindex, const QString &ifname, const NetemParams &n, int flags);
    Status addTbf(int ifindex, const QString &ifname, const TbfParams &t, std::uint32_t parent,
                  std::uint32_t handle, int flags);
    Status deleteQdisc(int ifindex, const QString &ifname, std::uint32_t parent, std::uint32_t handle);
    Result<std::vector<std::int16_t>> table(protocol::Impairment::Distribution d);

    nl_sock *m_sock;
    QHash<int, std::vector<std::int16_t>> m_tables;  // by Distribution, read once
};

}  // namespace netloom::helper
