// SPDX-License-Identifier: GPL-3.0-or-later
// The importer (issue #15): hand-made QEMU/VDE/dnsmasq/iptables setups become a topology.
//
// Design note. Importing is three pure passes over text, and nothing is ever executed:
//   1. shellwords.h / shellscript.h split the script into the simple commands that would run
//      on `start` (rc-style case branches, functions, if, variables), never running any;
//   2. every command is read by the importer that knows it — qemuimport.h (qemu-system-*,
//      kvm, qemu-kvm, vdeq, vdeqemu), hostimport.h (vde_switch, vde_plug/dpipe, tunctl,
//      ip, ifconfig, brctl, sysctl, ip_forward, iptables, nft), dnsmasqimport.h (dnsmasq
//      command lines and configuration files) — into "facts" about the host and the guests;
//   3. assembler.h turns the facts into model nodes and links, resolves ambiguities (a hub
//      for a legacy -net vlan= joining several NICs, a duplicate MAC cleared for the
//      allocator) and lays the graph out in layers: host side left, switches in the middle,
//      guests right.
// The report says for every input line — and for a QEMU line, for every option — whether it
// was mapped (to which node and field), ignored (and why) or not understood.
//
// Names of interfaces the script creates (tap0, br0) are not kept as interface names:
// Netloom creates its own ("loom…"); the original name becomes the node's name and the
// report says so.
#pragma once

#include "base/result.h"
#include "model/topology.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace netloom::importer {

struct ReportLine {
    enum class Kind { Mapped, Ignored, NotUnderstood };
    int line = 0;          // 1-based input line (0 = not tied to a line: a decision of the assembler)
    QString text;          // the command or option as written
    Kind kind = Kind::Mapped;
    QString detail;        // Mapped: to which node/field; Ignored/NotUnderstood: why
    bool operator==(const ReportLine &) const = default;
};

// "mapped", "ignored", "not understood".
QString reportKindName(ReportLine::Kind k);

struct ImportOptions {
    enum class Format { Auto, Shell, DnsmasqConf };
    Format format = Format::Auto;   // Auto: a dnsmasq.conf is recognised by its key=value lines
    QString caseValue = QStringLiteral("start");  // the rc-script branch that builds the graph
    QString name = QStringLiteral("imported");     // the topology's name
    // Files the input refers to (dnsmasq -C/--conf-file, here-documents are added by the
    // importer itself), by the path the script uses. The importer reads nothing else.
    QHash<QString, QByteArray> files;
};

struct ImportResult {
    model::Topology topology;
    QList<ReportLine> report;      // sorted by line; within a line in option order
    int mapped = 0;
    int ignored = 0;
    int notUnderstood = 0;
    // True when the topology has at least one node.
    bool usable() const { return !topology.nodes.isEmpty(); }
};

// Imports a script (or a dnsmasq configuration file) as described in the design note.
// Returns the topology and the report, or an Error only when the input as a whole is
// refused: LimitExceeded (more than 4 MiB, too many words), InvalidArgument (binary data).
// Everything else — unbalanced quotes, $(…), unknown commands — becomes report lines.
// Pure: reads only `text` and options.files, runs nothing.
Result<ImportResult> importScript(const QByteArray &text, const ImportOptions &options = {});

// Imports one QEMU command line given as argv (argv[0] the program, e.g. from
// /proc/PID/cmdline), reported as line `line`. Same result shape as importScript. Pure.
ImportResult importArgv(const QStringList &argv, const ImportOptions &options = {}, int line = 1);

// A running QEMU process (issue #15 part 4).
struct RunningGuest {
    qint64 pid = 0;
    QStringList argv;
};

// Imports the command lines of running QEMU processes as one new topology (Netloom does not
// take the processes over). Each process is reported as "line" = its pid. Pure.
ImportResult importRunningGuests(const QList<RunningGuest> &guests, const ImportOptions &options = {});

// Splits the bytes of /proc/PID/cmdline (NUL-terminated words) into argv; at most 1 MiB and
// 100 000 words are read (the rest is dropped). Pure.
QStringList argvFromCmdline(const QByteArray &bytes);

// Lists the calling user's own running qemu-system-* processes under `procRoot` (/proc):
// every numeric directory owned by the caller's uid whose cmdline's first word names a
// qemu-system-* binary, at most 256 of them, in pid order. Processes that vanish while
// being read are skipped. Touches: reads procRoot/PID/cmdline. Errors: Io when procRoot
// cannot be listed.
Result<QList<RunningGuest>> listOwnQemuProcesses(const QString &procRoot = QStringLiteral("/proc"));

}  // namespace netloom::importer
