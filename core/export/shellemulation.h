// SPDX-License-Identifier: GPL-3.0-or-later
// Network emulation in exported scripts (shellexporter.h): the argument lists of the stock
// tools that reproduce an impairment, built as plain words (the renderer quotes them).
//
// Design note. Netloom-switch ports are emulated with VDE's `wirefilter` (vde2) between the
// port of the switch and what is plugged into it; the kernel side with `tc` qdiscs — a netem
// qdisc at the root (delay, jitter, loss, Gilbert-Elliott, duplication, corruption) and, for a
// rate, a tbf child; ingress through an IFB device that a u32 match-all filter redirects to.
// wirefilter cannot say everything netem can; the differences become notes the script carries
// as comments:
//   - jitter distributions: wirefilter has uniform (U) and normal (N); pareto and
//     paretonormal are approximated by normal;
//   - Gilbert-Elliott: wirefilter's model has a mean loss rate and a mean burst length; p and
//     r map to loss = p/(p+r) and burst = 1/r exactly only for lossBad 100% and lossGood 0%;
//   - corruption: wirefilter counts damaged bits per megabyte, not frames; the percentage is
//     converted assuming 1500-byte frames (one bit per corrupted frame);
//   - reordering: wirefilter keeps order unless -N, which applies to both directions.
// A port or link that is down is 100% loss in wirefilter (the script cannot take a QEMU NIC's
// carrier away: QEMU has no option for it).
// All functions are pure.
#pragma once

#include "protocol/hoststate.h"
#include "protocol/impairment.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace netloom::exporter {

// The wirefilter options for a wire whose left side sends `lr` and right side `rl` (as its
// -l/-L/-d/-D/-b/-c/-n/-N options with LR/RL prefixes). `down`: 100% loss both ways instead
// of any loss. Appends an English note per approximation to *notes (may be null).
QStringList wirefilterOptions(const protocol::Impairment &lr, const protocol::Impairment &rl, bool down, QStringList *notes);

// The tc commands (argv lists without "tc") that put impairment `imp` on the root of `ifname`:
// `qdisc replace ... root handle 1: netem ...` and, with a rate, `qdisc replace ... parent 1:1
// handle 2: tbf ...`; with jitter that must keep frame order and no rate, a pfifo child
// instead. Empty for the none impairment.
QList<QStringList> tcRootCommands(const QString &ifname, const protocol::Impairment &imp);

// The tc commands that redirect what arrives on spec.ifname to spec.ifbIfname (ingress qdisc
// and a u32 match-all mirred filter); the IFB device itself is made with `ip link add ... type
// ifb` and then gets tcRootCommands(ifb, spec.ingress).
QList<QStringList> tcIngressRedirect(const protocol::ImpairmentSpec &spec);

// A number for a tool option: up to 3 decimals, trailing zeros cut ("20", "0.5", "1.125").
QString toolNumber(double v);

}  // namespace netloom::exporter
