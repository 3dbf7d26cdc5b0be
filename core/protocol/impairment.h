// SPDX-License-Identifier: GPL-3.0-or-later
// Link impairment (network emulation) settings for one direction of a link: delay, jitter,
// loss (random or Gilbert–Elliott bursts), duplication, corruption and a rate limit.
//
// Design note. One value type serves every place an impairment appears: the topology model
// (per link direction), the switch engine (per port direction), the helper protocol (netem/
// tbf qdiscs on kernel interfaces — the helper validates it like any other request field),
// the exporter (wirefilter and tc arguments), `netloomctl switch --impair` / `netloomctl link`
// and the GUI. It lives in netloom_protocol because the helper links only that library.
//
// The semantics are netem's, so the kernel side and the switch side agree:
//   - delay/jitter: each frame is held delay ± jitter, drawn from `distribution`; frames stay
//     in order (a frame never leaves before the one queued ahead of it) unless `reorder`.
//   - loss: `lossPercent` independent per frame, or a Gilbert–Elliott chain (`burst`):
//     good->bad with probability p, bad->good with r, loss probability lossBad in the bad
//     state and lossGood in the good one. Mean burst length = 1/r frames when lossBad = 100%.
//   - duplicate/corrupt: percent per frame; corruption flips one random bit of the frame.
//   - rate: a token bucket at rateBitsPerSecond (0 = no limit) over a FIFO bounded by
//     queueBytes or queueUs (one of them; neither = 100 ms worth at the rate, at least 64 KiB);
//     a frame that would exceed it is dropped (tail drop).
// All functions are pure. Parsing refuses, with the offending key named, anything outside the
// explicit bounds in `impair` below.
#pragma once

#include "base/result.h"

#include <QJsonObject>
#include <QString>

#include <cstdint>
#include <optional>

namespace netloom::protocol {

namespace impair {
constexpr std::uint32_t kMaxDelayUs = 10'000'000;      // 10 s
constexpr std::uint32_t kMaxJitterUs = 10'000'000;     // 10 s
constexpr std::uint64_t kMinRateBps = 8'000;           // 8 kbit/s
constexpr std::uint64_t kMaxRateBps = 400'000'000'000; // 400 Gbit/s
constexpr std::uint32_t kMinQueueBytes = 1'600;        // one full frame
constexpr std::uint32_t kMaxQueueBytes = 256u << 20;   // 256 MiB
constexpr std::uint32_t kMinQueueUs = 1'000;           // 1 ms
constexpr std::uint32_t kMaxQueueUs = 10'000'000;      // 10 s
constexpr int kMaxSpecChars = 512;                     // a --impair / link spec string
}  // namespace impair

struct GilbertElliott {
    double p = 0;          // % chance good -> bad per frame (0 < p <= 100)
    double r = 100;        // % chance bad -> good per frame (0 < r <= 100)
    double lossBad = 100;  // % loss in the bad state (netem's 1-h)
    double lossGood = 0;   // % loss in the good state (netem's 1-k)
    bool operator==(const GilbertElliott &) const = default;
};

struct Impairment {
    enum class Distribution { Uniform, Normal, Pareto, ParetoNormal };

    std::uint32_t delayUs = 0;
    std::uint32_t jitterUs = 0;
    Distribution distribution = Distribution::Normal;
    bool reorder = false;          // jitter may reorder frames (netem's default); off = in order
    double lossPercent = 0;        // random loss; ignored when `burst` is set
    std::optional<GilbertElliott> burst;
    double duplicatePercent = 0;
    double corruptPercent = 0;
    std::uint64_t rateBitsPerSecond = 0;  // 0 = unlimited
    std::uint32_t queueBytes = 0;  // rate queue bound in bytes (0 = see queueUs / default)
    std::uint32_t queueUs = 0;     // rate queue bound in time at the rate (0 = default)

    // True when nothing is impaired (every field at its neutral value).
    bool isNone() const;
    bool hasLoss() const { return burst.has_value() || lossPercent > 0; }
    // The rate queue's bound in bytes: queueBytes, else queueUs at the rate, else 100 ms at the
    // rate but at least 64 KiB. 0 when there is no rate limit.
    std::uint32_t effectiveQueueBytes() const;
    bool operator==(const Impairment &) const = default;
};

// Port mirroring (the other half of network emulation): which frames of a mirror source are
// copied — received from it, sent to it, or both. One type for the topology model, the switch
// engine and the command lines.
enum class MirrorDirection { Rx, Tx, Both };
// "rx", "tx", "both".
QString mirrorDirectionName(MirrorDirection d);
bool mirrorDirectionFromName(const QString &name, MirrorDirection *out);

// "uniform", "normal", "pareto", "paretonormal" (netem's names).
QString distributionName(Impairment::Distribution d);
bool distributionFromName(const QString &name, Impairment::Distribution *out);

// Checks every bound; the error names the field, e.g.
// "failed to check impairment 'delay': 20 s is above the limit of 10 s".
Status validateImpairment(const Impairment &imp);

// Parses the compact spec used on command lines:
//   delay=20ms,jitter=5ms,dist=normal,reorder,loss=1%,gemodel=P%/R%[/BAD%[/GOOD%]],
//   duplicate=0.5%,corrupt=0.1%,rate=10mbit,queue=64kb|50ms
// Durations take us|ms|s (a bare number is ms); percentages take an optional '%'; rates take
// bit|kbit|mbit|gbit (SI, per second; a bare number is bit/s); queue sizes take b|kb|mb
// (binary) or a duration. "none" alone is the empty impairment. Unknown keys, repeated keys,
// a rate of 0 and values out of bounds are refused, naming the key. Validated on return.
Result<Impairment> parseImpairmentSpec(const QString &spec);
// The canonical spec (parseImpairmentSpec(toSpec(x)) == x); "none" for the empty impairment.
QString toSpec(const Impairment &imp);
// A compact human summary for badges and tables, e.g. "20 ms ± 5, 1% loss, 10 Mbit/s";
// "" for the empty impairment.
QString summary(const Impairment &imp);

// JSON form used by the topology format and the helper protocol (docs/topology-format.md):
// {"delayMs": 20, "jitterMs": 5, "distribution": "normal", "reorder": false,
//  "lossPercent": 1, "gilbertElliott": {"p": 1, "r": 25, "lossBad": 100, "lossGood": 0},
//  "duplicatePercent": 0, "corruptPercent": 0, "rateBitsPerSecond": 10000000,
//  "queueBytes": 0, "queueMs": 0}. Neutral members are omitted on output and default on input.
QJsonObject toJson(const Impairment &imp);
// Strict: unknown members, wrong types and out-of-bound values are refused naming `where`
// and the member. Validated on return.
Result<Impairment> impairmentFromJson(const QJsonObject &o, const QString &where);

}  // namespace netloom::protocol
