// SPDX-License-Identifier: GPL-3.0-or-later
// ScopedNetns: a network namespace that a test creates and always removes.
//
// Name: "nlt-<tag>-<pid>-<n>" (at most 15 bytes of tag are kept). The destructor kills every
// process still inside (ip netns pids) and deletes the namespace, so a failed QVERIFY
// cleans up too; a crashed test is mopped up by the netns-cleanup CTest fixture
// (tests/common/cleanup-netns.sh). Nothing here touches the root namespace.
#pragma once

#include "testutil.h"

#include <QString>
#include <QStringList>

#include <netinet/in.h>

namespace netloom::test {

class ScopedNetns {
public:
    // Creates the namespace and brings its loopback up. Check ok() before use.
    explicit ScopedNetns(const QString &tag);
    ~ScopedNetns();
    ScopedNetns(const ScopedNetns &) = delete;
    ScopedNetns &operator=(const ScopedNetns &) = delete;

    bool ok() const { return m_ok; }
    const QString &name() const { return m_name; }
    QString error() const { return m_error; }

    // Runs argv inside the namespace (ip netns exec NAME argv...), bounded by timeoutMs.
    CommandResult exec(const QStringList &argv, int timeoutMs = 30000) const;
    // Runs a /bin/sh -c script inside the namespace (test scaffolding only).
    CommandResult sh(const QString &script, int timeoutMs = 30000) const;
    // Argv prefix that runs a command inside the namespace: {"ip","netns","exec",NAME}.
    QStringList prefix() const;
    // PIDs of processes running inside.
    QList<int> pids() const;

private:
    QString m_name;
    QString m_error;
    bool m_ok = false;
};

// What busybox ping reported: "N packets transmitted, M packets received" and
// "round-trip min/avg/max = a/b/c ms" (-1 when absent: no reply).
struct PingStats {
    int sent = 0;
    int received = 0;
    double minMs = -1;
    double avgMs = -1;
    QString output;  // the whole output and exit, for failure messages
};

// `count` ICMP echo requests from inside `ns` to `ip`, `interval` seconds apart (busybox ping
// -q, waiting 1 s for the last reply), bounded by count + 5 seconds; parses the summary.
PingStats ping(const ScopedNetns &ns, const QString &ip, int count, const QString &interval = QStringLiteral("0.2"));

// A non-blocking socket (`family`, `type`) created inside namespace `ns`: it stays there
// while the test uses it from its own namespace. -1 on error.
int socketIn(const ScopedNetns &ns, int type, int family = AF_INET);

// The IPv4 socket address ip:port ("10.0.2.15", 80).
sockaddr_in addr(const char *ip, quint16 port);
// The IPv6 socket address [ip]:port ("fd42:1::15", 80).
sockaddr_in6 addr6(const char *ip, quint16 port);

// A file descriptor closed when it goes out of scope (-1 = none).
struct Fd {
    int fd = -1;
    Fd() = default;
    explicit Fd(int f) : fd(f) {}
    Fd(const Fd &) = delete;
    Fd &operator=(const Fd &) = delete;
    ~Fd();
};

}  // namespace netloom::test
