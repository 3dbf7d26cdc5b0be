// SPDX-License-Identifier: GPL-3.0-or-later
// BootEnabler: enables, disables and lists topologies at boot (issue #16 part 2) —
// the one executor behind `netloomctl enable/disable/list-enabled` (which wait for it in a
// local event loop) and the GUI's Run > Start at Boot (which does not wait).
//
// Design note. Each operation is a short asynchronous sequence over the two halves described
// in bootenable.h: the helper's boot record (HelperClient, ops enable/disable/enabled) and the
// user unit (`systemctl --user enable|disable`, a QProcess). Enabling is all or nothing: when
// the unit cannot be enabled, the boot record just stored is removed again. Exactly one
// finished()/listed() follows each call, never inside the call; one operation at a time
// (a second call while busy fails at once with Busy). Widget-free.
#pragma once

#include "base/result.h"
#include "runtime/bootenable.h"

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>

#include <functional>

class QProcess;

namespace netloom {
class HelperClient;
}

namespace netloom::runtime {

// One topology enabled at boot (either half).
struct EnabledTopology {
    QString topology;     // absolute path
    QString network;      // "" when the helper has no record
    bool hostSide = false;    // the helper has a boot record
    bool active = false;      // its network exists now
    QString boot;             // what the helper's last start did with it ("" if nothing)
    bool unitEnabled = false;
    QString unit;             // upUnitName(topology)
    QJsonObject toJson() const;
};

// What an enable or disable did.
struct BootOutcome {
    QString topologyPath;
    QString name;            // enable only
    QString network;         // "" when there was no host side
    bool hostSide = false;   // the helper's record was written (enable) or removed (disable)
    QString unit;
    bool unitChanged = false;
    bool invalidInput = false;  // the file could not be loaded, validated or planned
};

class BootEnabler : public QObject {
    Q_OBJECT
public:
    static constexpr int kHelperTimeoutMs = 30000;
    static constexpr int kSystemctlTimeoutMs = 30000;

    explicit BootEnabler(const QString &helperSocket, QObject *parent = nullptr);
    ~BootEnabler() override;

    // Another helper socket (the next call connects there).
    void setHelperSocket(const QString &path);
    // Whether the user unit is touched (default true; `--no-unit` sets false).
    void setManageUnit(bool on) { m_manageUnit = on; }
    // The user's unit directory read by list() and disable() (default userUnitDir()).
    void setUnitDir(const QString &dir) { m_unitDir = dir; }
    bool busy() const { return m_busy; }

    // Enables `path` (see the design note). Touches: reads the file, the helper, systemctl.
    void enable(const QString &path);
    // Disables `path` (which need not exist any more). NotFound when neither half is enabled.
    void disable(const QString &path);
    // Lists the caller's enabled topologies; a helper that cannot be reached is reported in
    // listed()'s helperError while the units are still listed.
    void list();

Q_SIGNALS:
    void finished(const netloom::Status &status, const netloom::runtime::BootOutcome &outcome);
    void listed(const QList<netloom::runtime::EnabledTopology> &topologies, const QString &helperError);

private:
    // Connects (first use) and sends `r`; `done` runs once with the answer or the error.
    void helperCall(const protocol::Request &r, std::function<void(const Result<QJsonObject> &)> done);
    // `systemctl --user enable|disable -- unit`; `done` runs once.
    void systemctl(const QString &unit, bool enabled, std::function<void(const Status &)> done);
    void finish(const Status &status);
    // Rows from the helper's `enabled` answer (or none) and the unit directory.
    QList<EnabledTopology> merge(const Result<QJsonObject> &helperAnswer) const;

    QString m_socket;
    QString m_unitDir;
    bool m_manageUnit = true;
    bool m_busy = false;
    bool m_dying = false;  // in the destructor: answers that still come are dropped
    BootOutcome m_outcome;
    QPointer<HelperClient> m_client;
    QPointer<QProcess> m_process;
};

}  // namespace netloom::runtime
