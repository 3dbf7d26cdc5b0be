// SPDX-License-Identifier: GPL-3.0-or-later
// Asks the privileged helper whether it is there and whether we may use it.
//
// Design note. Two independent questions, both asynchronous and bounded in time:
//   1. reachable: connect to the helper socket with HelperClient (core/helperclient) and
//      exchange one `hello` request/response.
//   2. authorized: ask polkit (org.freedesktop.PolicyKit1.Authority.CheckAuthorization,
//      no user interaction) whether this process may perform "org.netloom.manage" — the
//      same action the helper checks on every apply. The answer is three-way: yes,
//      "after authentication" (polkit will ask for a password on Start), or no; a polkit
//      that cannot be asked gives "unknown", never a guess.
// helperStartCommand() is the pure part of "start it for me": the argv that starts the
// helper through systemd socket activation when the unit is installed, else via pkexec.
#pragma once

#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QTimer>

namespace netloom {
class HelperClient;
}

namespace netloom::gui {

inline constexpr const char *kDefaultHelperSocket = "/run/netloom/helper.sock";
inline constexpr const char *kManageAction = "org.netloom.manage";

struct HelperStatus {
    enum class Reach { Unknown, NotRunning, Reachable, Broken };
    enum class Auth { Unknown, Yes, AfterAuthentication, No };
    Reach reach = Reach::Unknown;
    Auth auth = Auth::Unknown;
    int protocolVersion = 0;
    QString detail;  // one sentence: why not reachable / what polkit said
};

// The argv that starts the helper listening on `socketPath`: `systemctl start
// netloom-helper.socket` if `unitInstalled` and the socket is the default one, else
// `pkexec <helperPath> --socket <socketPath>`. Pure.
QStringList helperStartCommand(const QString &socketPath, bool unitInstalled, const QString &helperPath);
// True if a netloom-helper.socket unit file exists in the usual systemd directories.
bool helperUnitInstalled();
// The installed helper binary (libexec), or the one next to a build tree's app/gui.
QString defaultHelperPath();

class HelperProbe : public QObject {
    Q_OBJECT
public:
    static constexpr int kTimeoutMs = 3000;

    explicit HelperProbe(QObject *parent = nullptr);
    void setSocketPath(const QString &path) { m_socketPath = path; }
    QString socketPath() const { return m_socketPath; }
    // Starts both checks; finished() follows asynchronously within kTimeoutMs.
    void probe();
    bool busy() const { return m_pending > 0; }
    const HelperStatus &status() const { return m_status; }

signals:
    void finished(const netloom::gui::HelperStatus &status);

private:
    void probeSocket();
    void probeAuthorization();
    void socketDone(HelperStatus::Reach reach, const QString &detail, int version = 0);
    void partDone();

    QString m_socketPath = QString::fromLatin1(kDefaultHelperSocket);
    HelperStatus m_status;
    QPointer<HelperClient> m_client;
    bool m_connected = false;
    bool m_socketPending = false;
    QTimer m_timeout;
    int m_pending = 0;
};

}  // namespace netloom::gui
