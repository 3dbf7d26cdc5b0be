// SPDX-License-Identifier: GPL-3.0-or-later
#include "leasefilewatcher.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>

#include <sys/stat.h>

namespace netloom::leases {

LeaseFileWatcher::LeaseFileWatcher(const QString &path, const Options &options, QObject *parent)
    : QObject(parent), m_path(path), m_options(options)
{
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(options.debounceMs);
    connect(&m_debounce, &QTimer::timeout, this, [this] { readNow(); });
    m_poll.setInterval(options.pollMs > 0 ? options.pollMs : 1000);
    connect(&m_poll, &QTimer::timeout, this, &LeaseFileWatcher::onPoll);
    connect(&m_fs, &QFileSystemWatcher::fileChanged, this, &LeaseFileWatcher::onFsChange);
    connect(&m_fs, &QFileSystemWatcher::directoryChanged, this, &LeaseFileWatcher::onFsChange);
}

LeaseFileWatcher::LeaseFileWatcher(const QString &path, QObject *parent)
    : LeaseFileWatcher(path, Options{}, parent)
{
}

void LeaseFileWatcher::start()
{
    if (m_running)
        return;
    m_running = true;
    rearm();
    if (m_options.pollMs > 0)
        m_poll.start();
    m_debounce.start();
}

void LeaseFileWatcher::stop()
{
    m_running = false;
    m_poll.stop();
    m_debounce.stop();
    if (!m_fs.files().isEmpty())
        m_fs.removePaths(m_fs.files());
    if (!m_fs.directories().isEmpty())
        m_fs.removePaths(m_fs.directories());
}

void LeaseFileWatcher::rearm()
{
    const QFileInfo info(m_path);
    const QString dir = info.absolutePath();
    if (!m_fs.directories().contains(dir) && QFileInfo(dir).isDir())
        m_fs.addPath(dir);
    if (!m_fs.files().contains(m_path) && info.exists())
        m_fs.addPath(m_path);
}

void LeaseFileWatcher::onFsChange()
{
    if (!m_running)
        return;
    rearm();  // the file may have been created or replaced
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (!m_debounce.isActive()) {
        m_pendingSinceMs = now;
        m_debounce.start();
    } else if (now - m_pendingSinceMs < 4 * qint64(m_options.debounceMs)) {
        m_debounce.start();  // restart: wait for quiet
    }
}

QString LeaseFileWatcher::statSignature() const
{
    struct stat st {};
    if (::stat(QFile::encodeName(m_path).constData(), &st) != 0)
        return QString();
    return QStringLiteral("%1:%2:%3.%4")
        .arg(qulonglong(st.st_ino))
        .arg(qlonglong(st.st_size))
        .arg(qlonglong(st.st_mtim.tv_sec))
        .arg(qlonglong(st.st_mtim.tv_nsec));
}

void LeaseFileWatcher::onPoll()
{
    if (statSignature() != m_lastStat)
        onFsChange();
}

bool LeaseFileWatcher::readNow()
{
    m_lastStat = statSignature();
    QByteArray bytes;
    QFile file(m_path);
    if (file.exists()) {
        if (!file.open(QIODevice::ReadOnly)) {
            emit readFailed(Error::failed(ErrorCode::Io, QStringLiteral("read lease file"), m_path,
                                          file.errorString())
                                .message);
            return false;
        }
        bytes = file.read(m_options.limits.maxBytes + 1);
    }
    if (m_haveLast && bytes == m_lastBytes)
        return true;
    auto parsed = parseDnsmasqLeaseFile(bytes, m_path, m_options.limits);
    if (!parsed) {
        emit readFailed(parsed.error().message);
        return false;
    }
    m_lastBytes = bytes;
    m_haveLast = true;
    if (!parsed->problems.isEmpty())
        emit problems(parsed->problems);
    LeaseEvent ev;
    ev.kind = LeaseEventKind::FileSnapshot;
    ev.timeMs = QDateTime::currentMSecsSinceEpoch();
    ev.fileLeases = parsed->leases;
    ev.fileLeases6 = parsed->leases6;
    emit snapshot(ev);
    return true;
}

}  // namespace netloom::leases
