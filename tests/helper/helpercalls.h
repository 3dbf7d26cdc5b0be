// SPDX-License-Identifier: GPL-3.0-or-later
// Synchronous helper requests for the netns tests (apply/teardown with a 30 s bound) and a
// QVERIFY for Result values that prints the error message.
#pragma once

#include "helperclient/helperclient.h"
#include "protocol/hoststate.h"

#include <QJsonObject>
#include <QTest>

namespace netloom::helper::test {

inline Result<QJsonObject> applyNow(HelperClient &c, const QString &network, const protocol::HostState &s,
                                    bool persistent = false)
{
    protocol::Request r;
    r.op = protocol::Op::Apply;
    r.network = network;
    r.state = s;
    r.persistent = persistent;
    return c.call(r, 30000);
}

inline Result<QJsonObject> teardownNow(HelperClient &c, const QString &network)
{
    protocol::Request r;
    r.op = protocol::Op::Teardown;
    r.network = network;
    return c.call(r, 30000);
}

}  // namespace netloom::helper::test

#define VERIFY_OK(expr)                                                                                      \
    do {                                                                                                     \
        const auto &res_ = (expr);                                                                           \
        QVERIFY2(res_.isOk(), res_.isOk() ? "" : qPrintable(res_.error().message));                          \
    } while (0)
