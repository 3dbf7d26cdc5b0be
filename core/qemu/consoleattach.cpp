// SPDX-License-Identifier: GPL-3.0-or-later
#include "consoleattach.h"

#include "qmpclient.h"

#include <QJsonObject>
#include <QPointer>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <unistd.h>

namespace netloom::qemu {

void attachConsoleClient(QmpClient *qmp, const QString &protocol, std::function<void(Result<int>)> done, int timeoutMs)
{
    const QString verb = QStringLiteral("attach console");
    if (!qmp || qmp->state() != QmpClient::State::Ready) {
        done(Error::failed(ErrorCode::Conflict, verb, protocol, QStringLiteral("QEMU's monitor is not connected")));
        return;
    }
    int pair[2] = {-1, -1};
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
        done(Error::failed(ErrorCode::System, verb, protocol, QString::fromLocal8Bit(std::strerror(errno))));
        return;
    }
    static std::atomic<quint64> counter{0};
    const QString fdname = QStringLiteral("netloom-console-%1").arg(++counter);
    const int keep = pair[0];
    const int give = pair[1];
    QPointer<QmpClient> guard(qmp);
    qmp->executeWithFd(
        QStringLiteral("getfd"), QJsonObject{{QStringLiteral("fdname"), fdname}}, give,
        [guard, protocol, fdname, keep, give, done, verb, timeoutMs](const Result<QJsonValue> &got) {
            ::close(give);  // QEMU has its own copy now (or none, on failure)
            if (!got || !guard) {
                ::close(keep);
                done(Error::failed(ErrorCode::Io, verb, protocol, got ? QStringLiteral("QEMU's monitor went away") : got.error().message));
                return;
            }
            const QJsonObject args{{QStringLiteral("protocol"), protocol},
                                   {QStringLiteral("fdname"), fdname},
                                   {QStringLiteral("skipauth"), true}};
            guard->execute(
                QStringLiteral("add_client"), args,
                [guard, protocol, fdname, keep, done, verb](const Result<QJsonValue> &added) {
                    if (added) {
                        done(keep);
                        return;
                    }
                    ::close(keep);
                    // A refused add_client leaves the descriptor registered in QEMU.
                    if (guard)
                        guard->execute(QStringLiteral("closefd"), QJsonObject{{QStringLiteral("fdname"), fdname}},
                                       [](const Result<QJsonValue> &) {});
                    done(Error::failed(ErrorCode::Conflict, verb, protocol, added.error().message));
                },
                timeoutMs);
        },
        timeoutMs);
}

}  // namespace netloom::qemu
