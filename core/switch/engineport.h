// SPDX-License-Identifier: GPL-3.0-or-later
// SwitchEngine's per-port state on the switch thread, shared by switchengine.cpp and
// switchemulation.cpp. Internal to the engine: nothing outside core/switch includes it.
#pragma once

#include "switchengine.h"

#include "pcapwriter.h"

#include <deque>

namespace netloom::sw {

// Bytes of a frame read in place (vhost-user) that are copied for the decision: Ethernet with
// a tag, the largest IPv4 header and the UDP ports, ND's ICMPv6 type — all the forwarder and
// the snooper look at. Larger frames send the rest from the sender's buffers.
constexpr std::size_t kPeekBytes = 128;

struct SwitchEngine::Port {
    PortId id = kNoPort;
    std::unique_ptr<Transport> transport;
    std::shared_ptr<PortCounters> counters;
    int dataFd = -1, ctlFd = -1;
    bool vnet = false;        // speaks virtio_net_hdr (a tap or a vhost-user port)
    bool offloads = false;    // offloads currently switched on
    bool wantOut = false;
    bool dead = false;
    bool perFrameReads = false;  // transport->perFrameReads(), cached
    bool inPlace = false;        // transport->receivesInPlace(), cached
    bool polled = false;         // in m_polled (the transport wants receive() called again)
    bool burst = false;          // read in batches (frames are arriving back to back)
    std::int64_t lastReadNs = 0;
    // Frames gathered for this egress port during the current ingress batch.
    std::vector<OutFrame> pending;
    std::vector<Cast> pendingCast;
    bool touched = false;
    // Frames waiting for the peer to become writable (copies; bounded).
    struct Queued {
        std::vector<std::uint8_t> bytes;
        Cast cast;
    };
    std::deque<Queued> queue;
    std::size_t queueBytes = 0;
    std::unique_ptr<PcapWriter> capture;
    // Emulation or mirroring configured for this number (see Hooks); null on plain ports.
    Hooks *hooks = nullptr;
};

// Emulation and mirroring of one port number (switch thread only). Lives as long as the
// engine once configured; Port::hooks points here while active() holds.
struct SwitchEngine::Hooks {
    Hooks(std::size_t frames, std::size_t bytes) : outLine(frames, bytes), inLine(frames, bytes) {}
    bool up = true;
    bool egress = false, ingress = false;  // the stage of that direction is not neutral
    ImpairmentStage toPort, fromPort;
    DelayLine outLine, inLine;             // egress frames (tag = Cast), ingress frames
    PortId mirrorTarget = kNoPort;
    bool mirrorRx = false, mirrorTx = false;
    bool active() const
    {
        return !up || egress || ingress || mirrorTarget != kNoPort || !outLine.empty() || !inLine.empty();
    }
};

}  // namespace netloom::sw
