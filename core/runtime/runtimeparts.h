// SPDX-License-Identifier: GPL-3.0-or-later
// Internal to core/runtime: what the Runtime keeps per running switch and guest. Shared by
// runtime.cpp (start/stop) and runtimecontrol.cpp (per-node control, edits).
#pragma once

#include "leases/leasefilewatcher.h"
#include "leases/leasetracker.h"
#include "qemu/qemusupervisor.h"
#include "runtime.h"
#include "switch/portcounters.h"
#include "switch/switchengine.h"

#include <QHash>

#include <memory>

namespace netloom::runtime {

struct Runtime::SwitchRt {
    plan::SwitchPlan plan;
    std::unique_ptr<sw::SwitchEngine> engine;
    leases::LeaseTracker *tracker = nullptr;     // child of the runtime
    leases::LeaseFileWatcher *watcher = nullptr; // child of the runtime
    sw::CounterSampler sampler;
    QHash<quint32, QString> owners;              // port id -> "alpha/net0", "tap loomx", ...
};

struct Runtime::GuestRt {
    plan::GuestPlan plan;
    qemu::QemuSupervisor *sup = nullptr;  // child of the runtime; replaced on restart
};

}  // namespace netloom::runtime
