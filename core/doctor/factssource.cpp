// SPDX-License-Identifier: GPL-3.0-or-later
#include "factssource.h"

#include "helperclient/helperclient.h"
#include "protocol/hoststatedecode.h"

namespace netloom::doctor {

using namespace protocol;

HelperFactsSource::HelperFactsSource(const QString &socketPath, QObject *parent) : FactsSource(parent), m_socketPath(socketPath) {}

HelperFactsSource::~HelperFactsSource() = default;

void HelperFactsSource::whenConnected(std::function<void()> send, std::function<void(const Error &)> fail)
{
    if (m_client && m_client->isConnected()) {
        send();
        return;
    }
    m_waiting.append({std::move(send), std::move(fail)});
    if (m_client)
        return;  // connecting
    m_client = std::make_unique<HelperClient>();
    connect(m_client.get(), &HelperClient::connected, this, [this] {
        const auto waiting = std::exchange(m_waiting, {});
        for (const auto &w : waiting)
            w.first();
    });
    connect(m_client.get(), &HelperClient::errorOccurred, this, [this](const Error &e) {
        const auto waiting = std::exchange(m_waiting, {});
        m_client.release()->deleteLater();  // reconnect on the next request
        for (const auto &w : waiting)
            w.second(e);
    });
    m_client->connectToHelper(m_socketPath);
}

void HelperFactsSource::diagnose(const DiagnoseRequest &request, FactsCallback done)
{
    whenConnected(
        [this, request, done] {
            Request r;
            r.op = Op::Diagnose;
            r.diagnose = request;
            m_client->send(r, [done](const Result<QJsonObject> &res) {
                if (!res)
                    return done(res.error());
                done(diagnoseFactsFromJson(res->value(QStringLiteral("facts")).toObject()));
            }, kTimeoutMs);
        },
        [done](const Error &e) { done(e); });
}

void HelperFactsSource::repair(const QString &network, const QList<FilterAcceptSpec> &repairs, bool forwarding,
                               StatusCallback done)
{
    whenConnected(
        [this, network, repairs, forwarding, done] {
            Request st;
            st.op = Op::Status;
            st.network = network;
            m_client->send(st, [this, network, repairs, forwarding, done](const Result<QJsonObject> &res) {
                if (!res)
                    return done(res.error());
                auto state = hostStateFromJson(res->value(QStringLiteral("state")).toObject());
                if (!state)
                    return done(state.error());
                Request r;
                r.op = Op::Repair;
                r.network = network;
                r.repairs = state->filterAccepts;
                for (const FilterAcceptSpec &f : repairs)
                    if (!r.repairs.contains(f))
                        r.repairs.append(f);
                r.repairForwarding = forwarding;
                if (!m_client)
                    return done(Error{ErrorCode::Io, QStringLiteral("failed to repair '%1': the helper connection closed").arg(network)});
                m_client->send(r, [done](const Result<QJsonObject> &rr) { done(rr ? Status(ok()) : Status(rr.error())); }, kTimeoutMs);
            });
        },
        [done](const Error &e) { done(e); });
}

}  // namespace netloom::doctor
