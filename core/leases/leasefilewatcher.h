// SPDX-License-Identifier: GPL-3.0-or-later
// LeaseFileWatcher: turns a dnsmasq lease file into FileSnapshot events for the tracker.
//
// Design note. dnsmasq rewrites the file in place (truncate + write) on every change, and
// the file may not exist yet when watching starts, so the watcher listens to both the file
// and its directory (QFileSystemWatcher), re-adds the file after it is replaced, and also
// polls the file's metadata (inode, size, mtime) on a timer in case inotify is unavailable
// or events were lost. Every trigger only (re)starts a debounce timer — but a change is never
// delayed by more than 4 debounce periods, so a file rewritten continuously is still read.
// When it fires the file is read (bounded by the parser's maxBytes), parsed and — only if
// its bytes changed since the last read — published as one snapshot. A missing file reads as empty (dnsmasq has no leases). Runs on the thread that
// owns it; no blocking beyond reading a file of at most 1 MiB.
#pragma once

#include "dnsmasqleasefile.h"
#include "lease.h"

#include <QByteArray>
#include <QFileSystemWatcher>
#include <QObject>
#include <QTimer>

namespace netloom::leases {

class LeaseFileWatcher : public QObject {
    Q_OBJECT
public:
    struct Options {
        int debounceMs = 150;    // quiet time after the last change before reading
        int pollMs = 2000;       // fallback polling interval (0 = no polling)
        LeaseFileLimits limits;
    };

    LeaseFileWatcher(const QString &path, const Options &options, QObject *parent = nullptr);
    explicit LeaseFileWatcher(const QString &path, QObject *parent = nullptr);

    const QString &path() const { return m_path; }

    // Starts watching and schedules a first read. Idempotent.
    void start();
    // Stops watching and polling; no more signals until start().
    void stop();
    // Reads and parses the file now, emitting snapshot() if its contents changed (or
    // readFailed()). Returns true when the read succeeded.
    bool readNow();

signals:
    // A FileSnapshot event (timeMs = when the file was read) with the file's IPv4 leases.
    void snapshot(const netloom::leases::LeaseEvent &event);
    // Skipped lines of the last read ("line N: reason"), when there were any.
    void problems(const QStringList &problems);
    // The file could not be read or exceeded a limit: "failed to read lease file '...': ...".
    void readFailed(const QString &message);

private:
    void onFsChange();
    void onPoll();
    void rearm();
    QString statSignature() const;

    QString m_path;
    Options m_options;
    QFileSystemWatcher m_fs;
    QTimer m_debounce;
    QTimer m_poll;
    QByteArray m_lastBytes;
    QString m_lastStat;
    qint64 m_pendingSinceMs = 0;
    bool m_haveLast = false;
    bool m_running = false;
};

}  // namespace netloom::leases
