// SPDX-License-Identifier: GPL-3.0-or-later
// The one place where steps (steps.h) become side effects.
//
// run() applies steps in order; when step k fails, the undo actions of steps k-1..0 run in
// reverse order and the original error is returned with the number of steps rolled back.
// A step that fails must not leave a partial effect (HostOps guarantees that), so its own
// undo is not run. Undo failures are logged and do not stop the rollback. For tests, a
// failure can be injected before step k (setFailAt), which exercises the rollback of every
// prefix of a plan against the real kernel.
#pragma once

#include "hostops.h"
#include "steps.h"

namespace netloom::helper {

class Executor {
public:
    explicit Executor(HostOps &ops) : m_ops(ops) {}

    // Injects a failure before step `index` of every run() (-1 = never). Test mode only.
    void setFailAt(int index) { m_failAt = index; }
    // Kills the whole process with SIGKILL before step `index` of the next run() (index ==
    // the number of steps: after the last one) — a kill -9 at an exact point. Test mode only.
    void setCrashAt(int index) { m_crashAt = index; }
    // Applies all steps or none. Returns the number of steps applied.
    Result<int> run(const QList<Step> &steps);
    // Applies every step, logging and skipping failures (crash recovery). Returns the
    // number of failures.
    int runBestEffort(const QList<Step> &steps);
    // Performs one action.
    Status perform(const Action &action);

private:
    HostOps &m_ops;
    int m_failAt = -1;
    int m_crashAt = -1;
};

}  // namespace netloom::helper
