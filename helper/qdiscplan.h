// SPDX-License-Identifier: GPL-3.0-or-later
// QdiscPlan: which kernel qdiscs realize one direction of an Impairment, with every number
// the kernel needs — pure, so it is unit-tested without a kernel.
//
// Design note. netem does delay, jitter, loss (random or Gilbert–Elliott), duplication and
// corruption; a rate limit is a tbf (token bucket over a byte-bounded FIFO, tail drop:
// exactly the Impairment's "rate" semantics) as netem's child, or the root alone when
// nothing but a rate is asked for (then netem is not needed at all). netem's own "rate"
// option is not used for the limit: its queue bound is netem's packet limit, not the
// Impairment's bytes, and it shapes after the delay line instead of bounding a queue.
//
// Order. netem keeps delayed frames in a tree sorted by send time, so jitter reorders
// (netem's default, what `reorder` asks for). Frames stay in order (reorder=false) through
// netem's rate path: with a rate set, each frame's send time is measured from the last
// queued frame's, i.e. max(last, now + delay). The rate used for that, kInOrderRateBytes,
// is so high that serialization adds no time (1500 bytes take 0 ns), so it orders without
// shaping. A pfifo child does not help: since the tree was introduced the child only ever
// sees frames after their (reordered) send time.
//
// Distribution tables. netem draws jitter from a table of 16-bit values (scaled by 8192 =
// one standard deviation). Like tc, the helper reads iproute2's tables (normal, pareto,
// paretonormal .dist files; see LinuxHostOps); the uniform table is generated here (evenly
// spaced values over ±1 sigma), so a change of distribution always replaces the kernel's
// table — netem keeps the old table when a change carries none.
#pragma once

#include "base/result.h"
#include "protocol/impairment.h"

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <optional>
#include <vector>

namespace netloom::helper {

namespace qdisc {
constexpr std::uint32_t kNetemLimitPackets = 10'000;   // netem's delay line (tc's default is 1000)
constexpr std::uint64_t kInOrderRateBytes = 1ull << 50;  // bytes/s: orders, does not shape
constexpr std::uint32_t kMaxBurstBytes = 64u << 20;     // token bucket bound
constexpr int kDistScale = 8192;                        // NETEM_DIST_SCALE
constexpr int kDistMaxEntries = 16384;                  // NETEM_DIST_MAX
constexpr int kUniformEntries = 4096;
constexpr qint64 kMaxDistFileBytes = 512 * 1024;
constexpr std::uint32_t kRootHandle = 0x10000;   // 1:
constexpr std::uint32_t kChildHandle = 0x20000;  // 2:, netem's child at 1:1
constexpr std::uint32_t kChildParent = 0x10001;  // 1:1
}  // namespace qdisc

// netem's Gilbert–Elliott model (TCA_NETEM_LOSS / NETEM_LOSS_GE), probabilities scaled to
// 0..UINT32_MAX: p good->bad, r bad->good, h = 1 - loss in bad, k1 = loss in good.
struct GeProbabilities {
    std::uint32_t p = 0, r = 0, h = 0, k1 = 0;
    bool operator==(const GeProbabilities &) const = default;
};

struct NetemParams {
    std::int64_t latencyNs = 0;
    std::int64_t jitterNs = 0;
    std::uint32_t limitPackets = qdisc::kNetemLimitPackets;
    std::uint32_t loss = 0;        // random loss (0..UINT32_MAX), 0 when `gilbertElliott`
    std::optional<GeProbabilities> gilbertElliott;
    std::uint32_t duplicate = 0;
    std::uint32_t corrupt = 0;
    std::uint64_t rateBytes = 0;   // kInOrderRateBytes to keep order under jitter, else 0
    // The jitter distribution when jitter > 0 (a table is then always sent).
    std::optional<protocol::Impairment::Distribution> distribution;
    bool operator==(const NetemParams &) const = default;
};

struct TbfParams {
    std::uint64_t rateBytes = 0;   // bytes per second
    std::uint32_t burstBytes = 0;  // bucket: 1 ms at the rate, at least two full frames
    std::uint32_t limitBytes = 0;  // FIFO bound (Impairment::effectiveQueueBytes)
    bool operator==(const TbfParams &) const = default;
};

// Root = netem when set (tbf, if any, is its child at 1:1), else tbf alone.
struct QdiscPlan {
    std::optional<NetemParams> netem;
    std::optional<TbfParams> tbf;
    bool isEmpty() const { return !netem && !tbf; }
    // "netem delay=…ns … | tbf rate=…B/s burst=… limit=…" (tests and logs).
    QString describe() const;
};

// The qdiscs for one direction; `frameBytes` is the largest frame on the interface.
// An empty plan for the empty impairment. Expects a validated impairment.
QdiscPlan planQdiscs(const protocol::Impairment &imp, std::uint32_t frameBytes);
// A percentage as netem's probability (100% = UINT32_MAX), clamped to 0..100.
std::uint32_t netemProbability(double percent);
// "normal.dist", "pareto.dist", "paretonormal.dist"; "" for uniform (generated).
QString distributionFile(protocol::Impairment::Distribution d);
// The generated uniform table (kUniformEntries values evenly spread over ±kDistScale).
std::vector<std::int16_t> uniformTable();
// Parses an iproute2 .dist file the way tc reads it: whitespace-separated integers, lines
// starting with '#' ignored; each value must fit 16 bits, 1..kDistMaxEntries values, at
// most kMaxDistFileBytes. `name` is used in errors.
Result<std::vector<std::int16_t>> parseDistributionTable(const QByteArray &text, const QString &name);

}  // namespace netloom::helper
