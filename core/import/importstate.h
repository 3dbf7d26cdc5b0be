// SPDX-License-Identifier: GPL-3.0-or-later
// The facts the importers collect before the assembler builds the graph (importer.h).
//
// Design note. The command importers (qemuimport.h, hostimport.h, dnsmasqimport.h) do not
// create nodes: they record what the script says — "a vde_switch on /tmp/vde.ctl with tap
// tap0", "tap0 has 10.0.2.1/24", "a guest NIC on the vde socket /tmp/vde.ctl" — together
// with the index of the report line that records it, so the assembler can correct that
// line when a fact cannot be placed (a dnsmasq for an interface nobody created). Names are
// the script's own names (sockets, taps, bridges); the assembler maps them to node ids.
// Internal to core/import.
#pragma once

#include "import/importer.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace netloom::importer {

// How a guest NIC or a hub reaches the host side.
struct Attachment {
    enum class Kind { None, VdeSocket, Tap, Bridge, Hub };
    Kind kind = Kind::None;
    QString target;        // socket path, tap name, bridge name, hub key
    bool operator==(const Attachment &) const = default;
};

struct NicFact {
    model::NicConfig nic;  // mode, model, mac, user/socket settings
    Attachment attach;
    int line = 0;
    int report = -1;       // index of the report line of the option that made the NIC
};

// A legacy "-net … vlan=N" hub of one guest that joins more than a NIC and its backend.
struct HubFact {
    QString key;           // unique: "<guest>-vlan<N>"
    QList<Attachment> backends;
    int line = 0;
};

struct GuestFact {
    QString name;
    model::GuestConfig cfg;
    QList<NicFact> nics;
    QList<HubFact> hubs;
    int line = 0;
};

struct SwitchFact {
    QString sock;          // control socket path
    QStringList taps;      // -tap / vde_plug2tap
    bool hub = false;
    int line = 0;
    int report = -1;
};

struct BridgeFact {
    QString name;
    QStringList members;
    bool stp = false;
    int line = 0;
    int report = -1;
};

struct AddressFact {
    QString iface;
    QString cidr;          // "10.0.2.1/24"
    int line = 0;
    int report = -1;
};

struct NatFact {
    bool route = false;    // a forwarding (accept) rule: routing when no masquerade applies
    QString out;           // uplink name or pattern ("eth+"); "" = any
    QString source;        // "10.0.2.0/24" or ""
    int line = 0;
    int report = -1;
};

struct DhcpRangeFact {
    QString start;
    QString end;
    QString netmask;
    std::optional<std::uint32_t> leaseSeconds;
    QString iface;         // dhcp-range=interface:X,… form
};

struct DhcpFact {
    QStringList interfaces;
    QStringList listenAddresses;
    QList<DhcpRangeFact> ranges;
    QList<model::DhcpReservation> hosts;
    QString domain;
    bool dns = true;
    int line = 0;
    QList<int> reports;    // report lines of its options
};

struct CableFact {
    QString a;             // socket path of side a
    QString b;             // socket path of side b, or "" with remote
    QString remote;        // a libvdeplug URL for a remote end (cmd://…)
    int line = 0;
    int report = -1;
};

// wirefilter -v A:B: a cable between two switches, or (when B is no switch of its own)
// the socket a NIC uses to reach switch A through the filter.
struct WireFact {
    QString a;
    QString b;
    int line = 0;
    int report = -1;
    bool bPort = false;    // B was written with a port selector ("sock[port=1]")
};

struct ImportState {
    ImportOptions options;
    QList<ReportLine> report;
    QList<GuestFact> guests;
    QList<SwitchFact> switches;
    QList<BridgeFact> bridges;
    QHash<QString, int> tapLines;     // taps the script creates (tunctl, ip tuntap) -> line
    QList<AddressFact> addresses;
    bool ipForward = false;
    QList<NatFact> nats;
    QList<DhcpFact> dhcps;
    QList<CableFact> cables;
    QList<WireFact> wires;
    QHash<QString, QString> files;    // here-documents written to a path, and options.files

    // Appends a report line; returns its index.
    int add(int line, const QString &text, ReportLine::Kind kind, const QString &detail)
    {
        report.append(ReportLine{line, text, kind, detail});
        return int(report.size() - 1);
    }
    int mapped(int line, const QString &text, const QString &detail) { return add(line, text, ReportLine::Kind::Mapped, detail); }
    int ignored(int line, const QString &text, const QString &why) { return add(line, text, ReportLine::Kind::Ignored, why); }
    int unknown(int line, const QString &text, const QString &why) { return add(line, text, ReportLine::Kind::NotUnderstood, why); }
};

// A name usable as a node id: [A-Za-z0-9_.-], at most 48 characters, never empty. Pure.
QString idFrom(const QString &text, const QString &fallback);

// The display name of the switch on socket `sock`: its last path component without ".ctl"
// ("/tmp/vde.ctl" -> "vde", "/var/run/vde2/tap0.ctl/ctl" -> "tap0"). Pure.
QString switchNameFromSocket(const QString &sock);

}  // namespace netloom::importer
