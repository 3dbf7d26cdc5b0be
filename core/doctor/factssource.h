// SPDX-License-Identifier: GPL-3.0-or-later
// Where the NAT doctor's facts come from, asynchronously (for the GUI; the CLI calls the
// helper directly). HelperFactsSource asks the helper (ops `diagnose`, `status` and
// `repair`) over its own connection, made on first use and again after a failed connect
// (HelperClient::sendWhenConnected); tests use a fake. Widget-free.
#pragma once

#include "base/result.h"
#include "protocol/diagnose.h"
#include "protocol/hoststate.h"

#include <QObject>
#include <QString>

#include <functional>
#include <memory>

namespace netloom {
class HelperClient;
}

namespace netloom::doctor {

class FactsSource : public QObject {
    Q_OBJECT
public:
    using FactsCallback = std::function<void(const Result<protocol::DiagnoseFacts> &)>;
    using StatusCallback = std::function<void(const Status &)>;
    using QObject::QObject;
    ~FactsSource() override = default;
    // Gathers the facts for `request`; `done` runs exactly once (later, never inside).
    virtual void diagnose(const protocol::DiagnoseRequest &request, FactsCallback done) = 0;
    // Adds `repairs` to the running network's (keeping those it has) and, with `forwarding`,
    // sets IPv4 forwarding again; `done` runs exactly once.
    virtual void repair(const QString &network, const QList<protocol::FilterAcceptSpec> &repairs, bool forwarding,
                        StatusCallback done) = 0;
};

class HelperFactsSource : public FactsSource {
    Q_OBJECT
public:
    static constexpr int kTimeoutMs = 30000;  // diagnose is bounded by the helper (≈ 20 s)
    explicit HelperFactsSource(const QString &socketPath, QObject *parent = nullptr);
    ~HelperFactsSource() override;
    void diagnose(const protocol::DiagnoseRequest &request, FactsCallback done) override;
    void repair(const QString &network, const QList<protocol::FilterAcceptSpec> &repairs, bool forwarding,
                StatusCallback done) override;

private:
    QString m_socketPath;
    std::unique_ptr<HelperClient> m_client;  // connects on first use (sendWhenConnected)
};

}  // namespace netloom::doctor
