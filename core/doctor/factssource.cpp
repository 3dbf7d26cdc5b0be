// SPDX-License-Identifier: GPL-3.0-or-later
#include "factssource.h"

#include "helperclient/helperclient.h"
#include "protocol/hoststatedecode.h"

namespace netloom::doctor {

using namespace protocol;

HelperFactsSource::HelperFactsSource(const QString &socketPath, QObject *parent)
    : FactsSource(parent), m_socketPath(socketPath), m_client(std::make_unique<HelperClient>())
{
}

HelperFactsSource::~HelperFactsSource() = default;

void HelperFactsSource::diagnose(const DiagnoseRequest &request, FactsCallback done)
{
    Request r;
    r.op = Op::Diagnose;
    r.diagnose = request;
    m_client->sendWhenConnected(m_socketPath, r, [done](const Result<QJsonObject> &res) {
        if (!res)
            return done(res.error());
        done(diagnoseFactsFromJson(res->value(QStringLiteral("facts")).toObject()));
    }, kTimeoutMs);
}

void HelperFactsSource::repair(const QString &network, const QList<FilterAcceptSpec> &repairs, bool forwarding,
                               StatusCallback done)
{
    Request st;
    st.op = Op::Status;
    st.network = network;
    m_client->sendWhenConnected(m_socketPath, st, [this, network, repairs, forwarding, done](const Result<QJsonObject> &res) {
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
        m_client->sendWhenConnected(m_socketPath, r,
                                    [done](const Result<QJsonObject> &rr) { done(rr ? Status(ok()) : Status(rr.error())); }, kTimeoutMs);
    }, kTimeoutMs);
}

}  // namespace netloom::doctor
