// SPDX-License-Identifier: GPL-3.0-or-later
// Test harness for the switch: runs `netloomctl switch --json` as user nobody inside a test
// namespace and collects its JSON lines; drives vde_plug clients over their stdin/stdout
// (2-byte big-endian length before each frame). Test scaffolding only.
#pragma once

#include "common/netns.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QProcess>
#include <QString>
#include <QTemporaryDir>

#include <functional>
#include <memory>

namespace netloom::test {

constexpr int kNobody = 65534;

// Argv prefix running a command as nobody inside ns.
QStringList asNobody(const ScopedNetns &ns);

// A directory nobody may write in (mode 0755, owned by nobody); removed at destruction.
class NobodyDir {
public:
    NobodyDir();
    bool ok() const { return m_dir.isValid(); }
    QString path() const { return m_dir.path(); }
    QString file(const QString &name) const { return m_dir.filePath(name); }

private:
    QTemporaryDir m_dir;
};

class SwitchProcess {
public:
    // Starts `netloomctl switch <args> --json` as nobody inside ns and waits for "ready".
    SwitchProcess(const ScopedNetns &ns, const QStringList &args);
    ~SwitchProcess();
    bool ok() const { return m_ok; }
    QString error() const { return m_error; }

    // Waits until a line matching `pred` has arrived (looking at every line so far).
    // Returns it, or an empty object on timeout.
    QJsonObject waitFor(const std::function<bool(const QJsonObject &)> &pred, int timeoutMs);
    // Every line received so far.
    QList<QJsonObject> lines();
    // Sends SIGUSR1 and waits for the counters line it produces; returns port -> counters.
    QMap<int, QJsonObject> counters(int timeoutMs = 3000);
    qint64 pid() const { return m_proc.processId(); }
    QByteArray stderrText() { return m_err + m_proc.readAllStandardError(); }
    // SIGTERM and wait; returns the exit code (-1 on a crash or timeout).
    int stop(int timeoutMs = 5000);

private:
    void pump(int ms);
    QProcess m_proc;
    QByteArray m_buf, m_err;
    QList<QJsonObject> m_lines;
    bool m_ok = false;
    QString m_error;
};

class VdePlugClient {
public:
    // Runs `vde_plug URL` as nobody in ns; frames go through its stdin/stdout.
    VdePlugClient(const ScopedNetns &ns, const QString &url);
    ~VdePlugClient();
    bool waitStarted() { return m_proc.waitForStarted(5000); }
    void send(const QByteArray &frame);
    // Frames received so far (after waiting up to timeoutMs for at least `atLeast`).
    QList<QByteArray> receive(int atLeast, int timeoutMs);
    void close();

private:
    QProcess m_proc;
    QByteArray m_buf;
    QList<QByteArray> m_frames;
};

}  // namespace netloom::test
