// SPDX-License-Identifier: GPL-3.0-or-later
#include "tcnetlink.h"

#include "safefile.h"

#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/tc.h>

#include <arpa/inet.h>
#include <cstring>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/tc_act/tc_mirred.h>

namespace netloom::helper {

namespace {

constexpr std::uint32_t kIngressHandle = 0xFFFF0000;  // ffff:
constexpr std::uint16_t kFilterPrio = 1;

ErrorCode codeOf(int nlerr)
{
    switch (nlerr < 0 ? -nlerr : nlerr) {
    case NLE_EXIST: return ErrorCode::Conflict;
    case NLE_OBJ_NOTFOUND:
    case NLE_NODEV: return ErrorCode::NotFound;
    case NLE_PERM: return ErrorCode::PermissionDenied;
    default: return ErrorCode::System;
    }
}

Error tcError(const QString &verb, const QString &ifname, int err, const QString &hint = {})
{
    QString why = QString::fromLocal8Bit(nl_geterror(err));
    if (!hint.isEmpty())
        why += QStringLiteral(" (%1)").arg(hint);
    return Error::failed(codeOf(err), verb, ifname, why);
}

struct MsgPtr {
    nl_msg *p = nullptr;
    ~MsgPtr() { if (p) nlmsg_free(p); }
};

// A tc request: header + tcmsg; attributes are appended by the caller.
Result<nl_msg *> tcMessage(MsgPtr *holder, int type, int flags, int ifindex, std::uint32_t parent,
                           std::uint32_t handle, std::uint32_t info = 0)
{
    // Room for netem's largest delay distribution (NETEM_DIST_MAX 16-bit entries, 32 KiB):
    // libnl's default message is one page, and a 4096-entry table alone is 8 KiB.
    constexpr size_t kMessageBytes = 64 * 1024;
    static_assert(kMessageBytes > qdisc::kDistMaxEntries * sizeof(std::int16_t) + 4096);
    holder->p = nlmsg_alloc_size(kMessageBytes);
    if (!holder->p || !nlmsg_put(holder->p, NL_AUTO_PORT, NL_AUTO_SEQ, type, 0, flags))
        return Error{ErrorCode::System, QStringLiteral("failed to allocate a netlink message")};
    struct tcmsg tcm {};
    tcm.tcm_family = AF_UNSPEC;
    tcm.tcm_ifindex = ifindex;
    tcm.tcm_parent = parent;
    tcm.tcm_handle = handle;
    tcm.tcm_info = info;
    if (nlmsg_append(holder->p, &tcm, sizeof(tcm), NLMSG_ALIGNTO) < 0)
        return Error{ErrorCode::System, QStringLiteral("failed to build a netlink message")};
    return holder->p;
}

int sendAndAck(nl_sock *sock, nl_msg *msg)
{
    if (int err = nl_send_auto(sock, msg); err < 0)
        return err;
    return nl_wait_for_ack(sock);
}

struct QdiscCache {
    nl_cache *p = nullptr;
    ~QdiscCache() { if (p) nl_cache_free(p); }
};

}  // namespace

QStringList TcNetlink::distributionDirs()
{
    return {QStringLiteral("/usr/lib/x86_64-linux-gnu/tc"), QStringLiteral("/usr/lib/aarch64-linux-gnu/tc"),
            QStringLiteral("/usr/lib/tc"), QStringLiteral("/usr/lib64/tc"), QStringLiteral("/usr/local/lib/tc")};
}

Result<std::vector<std::int16_t>> TcNetlink::table(protocol::Impairment::Distribution d)
{
    if (const auto it = m_tables.constFind(int(d)); it != m_tables.cend())
        return *it;
    const QString file = distributionFile(d);
    if (file.isEmpty()) {
        m_tables.insert(int(d), uniformTable());
        return m_tables.value(int(d));
    }
    for (const QString &dir : distributionDirs()) {
        auto data = readSmallFile(dir + u'/' + file, qdisc::kMaxDistFileBytes);
        if (!data)
            continue;
        auto t = parseDistributionTable(*data, dir + u'/' + file);
        if (!t)
            return t.error();
        m_tables.insert(int(d), *t);
        return *t;
    }
    return Error::failed(ErrorCode::NotFound, QStringLiteral("find distribution table"), file,
                         QStringLiteral("not in %1 (iproute2 installs it)").arg(distributionDirs().join(QStringLiteral(", "))));
}

Result<TcNetlink::Current> TcNetlink::current(int ifindex, const QString &ifname)
{
    QdiscCache cache;
    if (int err = rtnl_qdisc_alloc_cache(m_sock, &cache.p); err < 0)
        return tcError(QStringLiteral("list qdiscs of"), ifname, err);
    Current c;
    if (rtnl_qdisc *root = rtnl_qdisc_get_by_parent(cache.p, ifindex, TC_H_ROOT)) {
        c.rootHandle = rtnl_tc_get_handle(TC_CAST(root));
        if (c.rootHandle != 0) {
            const char *kind = rtnl_tc_get_kind(TC_CAST(root));
            c.rootKind = QString::fromLatin1(kind ? kind : "?");
        }
        rtnl_qdisc_put(root);
    }
    if (rtnl_qdisc *child = rtnl_qdisc_get_by_parent(cache.p, ifindex, qdisc::kChildParent)) {
        c.child = true;
        rtnl_qdisc_put(child);
    }
    if (rtnl_qdisc *in = rtnl_qdisc_get_by_parent(cache.p, ifindex, TC_H_INGRESS)) {
        c.ingress = true;
        rtnl_qdisc_put(in);
    }
    return c;
}

Status TcNetlink::addNetem(int ifindex, const QString &ifname, const NetemParams &n, int flags)
{
    std::vector<std::int16_t> dist;
    if (n.distribution) {
        auto t = table(*n.distribution);
        if (!t)
            return t.error();
        dist = std::move(t).value();
    }
    MsgPtr msg;
    auto m = tcMessage(&msg, RTM_NEWQDISC, flags, ifindex, TC_H_ROOT, qdisc::kRootHandle);
    if (!m)
        return m.error();
    struct tc_netem_qopt qopt {};
    qopt.limit = n.limitPackets;
    qopt.loss = n.loss;
    qopt.duplicate = n.duplicate;
    // netem's options are the qopt struct followed by attributes, all inside TCA_OPTIONS.
    int rc = nla_put_string(*m, TCA_KIND, "netem");
    nlattr *opts = rc < 0 ? nullptr : nla_nest_start(*m, TCA_OPTIONS);
    if (!opts || nlmsg_append(*m, &qopt, sizeof(qopt), NLMSG_ALIGNTO) < 0)
        return Error{ErrorCode::System, QStringLiteral("failed to build the netem request for '%1'").arg(ifname)};
    struct tc_netem_corrupt corrupt {};
    corrupt.probability = n.corrupt;
    struct tc_netem_rate rate {};
    rate.rate = n.rateBytes >= (1ull << 32) ? ~0U : std::uint32_t(n.rateBytes);
    rc = nla_put_s64(*m, TCA_NETEM_LATENCY64, n.latencyNs);
    rc = rc < 0 ? rc : nla_put_s64(*m, TCA_NETEM_JITTER64, n.jitterNs);
    // Always sent: netem keeps corrupt and rate from before when a change omits them.
    rc = rc < 0 ? rc : nla_put(*m, TCA_NETEM_CORRUPT, sizeof(corrupt), &corrupt);
    rc = rc < 0 ? rc : nla_put(*m, TCA_NETEM_RATE, sizeof(rate), &rate);
    if (rc >= 0 && n.rateBytes >= (1ull << 32))
        rc = nla_put_u64(*m, TCA_NETEM_RATE64, n.rateBytes);
    if (rc >= 0 && n.gilbertElliott) {
        struct tc_netem_gemodel ge {};
        ge.p = n.gilbertElliott->p;
        ge.r = n.gilbertElliott->r;
        ge.h = n.gilbertElliott->h;
        ge.k1 = n.gilbertElliott->k1;
        nlattr *loss = nla_nest_start(*m, TCA_NETEM_LOSS);
        rc = loss ? nla_put(*m, NETEM_LOSS_GE, sizeof(ge), &ge) : -NLE_NOMEM;
        if (rc >= 0)
            nla_nest_end(*m, loss);
    }
    if (rc >= 0 && !dist.empty())
        rc = nla_put(*m, TCA_NETEM_DELAY_DIST, int(dist.size() * sizeof(std::int16_t)), dist.data());
    if (rc < 0)
        return tcError(QStringLiteral("build the netem request for"), ifname, rc);
    nla_nest_end(*m, opts);
    if (int err = sendAndAck(m_sock, *m); err < 0)
        return tcError(QStringLiteral("set netem on"), ifname, err,
                       codeOf(err) == ErrorCode::NotFound ? QStringLiteral("the kernel has no netem qdisc: sch_netem, CONFIG_NET_SCH_NETEM")
                                                          : QString());
    return ok();
}

Status TcNetlink::addTbf(int ifindex, const QString &ifname, const TbfParams &t, std::uint32_t parent,
                         std::uint32_t handle, int flags)
{
    MsgPtr msg;
    auto m = tcMessage(&msg, RTM_NEWQDISC, flags, ifindex, parent, handle);
    if (!m)
        return m.error();
    struct tc_tbf_qopt qopt {};
    qopt.rate.rate = t.rateBytes >= (1ull << 32) ? ~0U : std::uint32_t(t.rateBytes);
    qopt.rate.linklayer = TC_LINKLAYER_ETHERNET;  // no rate table: the kernel computes times
    qopt.limit = t.limitBytes;
    int rc = nla_put_string(*m, TCA_KIND, "tbf");
    nlattr *opts = rc < 0 ? nullptr : nla_nest_start(*m, TCA_OPTIONS);
    rc = opts ? nla_put(*m, TCA_TBF_PARMS, sizeof(qopt), &qopt) : -NLE_NOMEM;
    if (rc >= 0 && t.rateBytes >= (1ull << 32))
        rc = nla_put_u64(*m, TCA_TBF_RATE64, t.rateBytes);
    rc = rc < 0 ? rc : nla_put_u32(*m, TCA_TBF_BURST, t.burstBytes);
    if (rc < 0)
        return tcError(QStringLiteral("build the tbf request for"), ifname, rc);
    nla_nest_end(*m, opts);
    if (int err = sendAndAck(m_sock, *m); err < 0)
        return tcError(QStringLiteral("set tbf on"), ifname, err,
                       codeOf(err) == ErrorCode::NotFound ? QStringLiteral("the kernel has no tbf qdisc: sch_tbf, CONFIG_NET_SCH_TBF")
                                                          : QString());
    return ok();
}

Status TcNetlink::deleteQdisc(int ifindex, const QString &ifname, std::uint32_t parent, std::uint32_t handle)
{
    MsgPtr msg;
    auto m = tcMessage(&msg, RTM_DELQDISC, 0, ifindex, parent, handle);
    if (!m)
        return m.error();
    if (int err = sendAndAck(m_sock, *m); err < 0 && codeOf(err) != ErrorCode::NotFound)
        return tcError(QStringLiteral("remove a qdisc from"), ifname, err);
    return ok();
}

Status TcNetlink::setRoot(int ifindex, const QString &ifname, const QdiscPlan &plan)
{
    if (plan.isEmpty())
        return clearRoot(ifindex, ifname);
    auto cur = current(ifindex, ifname);
    if (!cur)
        return cur.error();
    const QString kind = plan.netem ? QStringLiteral("netem") : QStringLiteral("tbf");
    const bool child = plan.netem && plan.tbf;
    const bool inPlace = cur->rootHandle == qdisc::kRootHandle && cur->rootKind == kind;
    Status s = ok();
    if (!inPlace && cur->rootHandle != 0)
        s = deleteQdisc(ifindex, ifname, TC_H_ROOT, cur->rootHandle);
    // In place: NLM_F_REPLACE on the same handle and kind is netem's/tbf's "change".
    const int rootFlags = inPlace ? NLM_F_CREATE | NLM_F_REPLACE : NLM_F_CREATE | NLM_F_EXCL;
    if (s)
        s = plan.netem ? addNetem(ifindex, ifname, *plan.netem, rootFlags)
                       : addTbf(ifindex, ifname, *plan.tbf, TC_H_ROOT, qdisc::kRootHandle, rootFlags);
    if (s && child)
        s = addTbf(ifindex, ifname, *plan.tbf, qdisc::kChildParent, qdisc::kChildHandle, NLM_F_CREATE | NLM_F_REPLACE);
    else if (s && inPlace && cur->child && plan.netem)
        s = deleteQdisc(ifindex, ifname, qdisc::kChildParent, qdisc::kChildHandle);
    if (!s)
        (void)clearRoot(ifindex, ifname);  // nothing half-configured
    return s;
}

Status TcNetlink::clearRoot(int ifindex, const QString &ifname)
{
    auto cur = current(ifindex, ifname);
    if (!cur)
        return cur.error();
    if (cur->rootHandle != qdisc::kRootHandle)
        return ok();
    return deleteQdisc(ifindex, ifname, TC_H_ROOT, qdisc::kRootHandle);
}

Status TcNetlink::clearIngress(int ifindex, const QString &ifname)
{
    auto cur = current(ifindex, ifname);
    if (!cur)
        return cur.error();
    if (!cur->ingress)
        return ok();
    return deleteQdisc(ifindex, ifname, TC_H_INGRESS, kIngressHandle);
}

Status TcNetlink::redirectIngress(int ifindex, const QString &ifname, int ifbIndex, const QString &ifb)
{
    if (auto s = clearIngress(ifindex, ifname); !s)
        return s;
    {
        MsgPtr msg;
        auto m = tcMessage(&msg, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, ifindex, TC_H_INGRESS, kIngressHandle);
        if (!m)
            return m.error();
        if (int rc = nla_put_string(*m, TCA_KIND, "ingress"); rc < 0)
            return tcError(QStringLiteral("build the ingress request for"), ifname, rc);
        if (int err = sendAndAck(m_sock, *m); err < 0)
            return tcError(QStringLiteral("add an ingress qdisc to"), ifname, err);
    }
    // u32 filter, all protocols, one key matching every frame, action mirred -> IFB.
    MsgPtr msg;
    auto m = tcMessage(&msg, RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL, ifindex, kIngressHandle, 0,
                       TC_H_MAKE(std::uint32_t(kFilterPrio) << 16, htons(ETH_P_ALL)));
    if (!m)
        return m.error();
    alignas(struct tc_u32_sel) unsigned char selBuf[sizeof(struct tc_u32_sel) + sizeof(struct tc_u32_key)] = {};
    auto *sel = reinterpret_cast<struct tc_u32_sel *>(selBuf);
    sel->flags = TC_U32_TERMINAL;
    sel->nkeys = 1;  // keys[0] = {mask 0, val 0, off 0}: matches everything
    struct tc_mirred mirred {};
    mirred.action = TC_ACT_STOLEN;
    mirred.eaction = TCA_EGRESS_REDIR;
    mirred.ifindex = std::uint32_t(ifbIndex);
    int rc = nla_put_string(*m, TCA_KIND, "u32");
    nlattr *opts = rc < 0 ? nullptr : nla_nest_start(*m, TCA_OPTIONS);
    rc = opts ? nla_put(*m, TCA_U32_SEL, int(sizeof(selBuf)), selBuf) : -NLE_NOMEM;
    nlattr *acts = rc < 0 ? nullptr : nla_nest_start(*m, TCA_U32_ACT);
    nlattr *act = acts ? nla_nest_start(*m, 1) : nullptr;
    rc = act ? nla_put_string(*m, TCA_ACT_KIND, "mirred") : -NLE_NOMEM;
    nlattr *actOpts = rc < 0 ? nullptr : nla_nest_start(*m, TCA_ACT_OPTIONS);
    rc = actOpts ? nla_put(*m, TCA_MIRRED_PARMS, sizeof(mirred), &mirred) : -NLE_NOMEM;
    if (rc < 0)
        return tcError(QStringLiteral("build the redirect filter for"), ifname, rc);
    nla_nest_end(*m, actOpts);
    nla_nest_end(*m, act);
    nla_nest_end(*m, acts);
    nla_nest_end(*m, opts);
    if (int err = sendAndAck(m_sock, *m); err < 0) {
        (void)deleteQdisc(ifindex, ifname, TC_H_INGRESS, kIngressHandle);
        return tcError(QStringLiteral("redirect ingress of"), ifname, err,
                       QStringLiteral("to '%1'; needs cls_u32 and act_mirred").arg(ifb));
    }
    return ok();
}

}  // namespace netloom::helper
