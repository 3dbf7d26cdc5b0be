// SPDX-License-Identifier: GPL-3.0-or-later
#include "taprelay.h"

#include <QFile>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <future>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <unistd.h>

namespace netloom::helper::test {

namespace {

int openTap(const QString &name, QString *error)
{
    const int fd = ::open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        *error = QStringLiteral("open /dev/net/tun: %1").arg(QString::fromLocal8Bit(std::strerror(errno)));
        return -1;
    }
    struct ifreq ifr {};
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    const QByteArray n = name.toLatin1();
    std::memcpy(ifr.ifr_name, n.constData(), size_t(std::min<qsizetype>(n.size(), IFNAMSIZ - 1)));
    if (::ioctl(fd, TUNSETIFF, &ifr) != 0) {
        *error = QStringLiteral("TUNSETIFF %1: %2").arg(name, QString::fromLocal8Bit(std::strerror(errno)));
        ::close(fd);
        return -1;
    }
    return fd;
}

bool enterNs(const QString &ns, QString *error)
{
    const int fd = ::open(QFile::encodeName(QStringLiteral("/run/netns/") + ns).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::setns(fd, CLONE_NEWNET) != 0) {
        *error = QStringLiteral("setns %1: %2").arg(ns, QString::fromLocal8Bit(std::strerror(errno)));
        if (fd >= 0)
            ::close(fd);
        return false;
    }
    ::close(fd);
    return true;
}

}  // namespace

TapRelay::~TapRelay() { stop(); }

QString TapRelay::start(const QString &hostNs, const QString &hostTap, const QString &guestNs, const QString &guestTap)
{
    std::promise<QString> ready;
    auto readyFuture = ready.get_future();
    m_thread = std::thread([this, hostNs, hostTap, guestNs, guestTap, &ready] {
        QString error;
        if (!enterNs(hostNs, &error) || (m_a = openTap(hostTap, &error)) < 0 || !enterNs(guestNs, &error)
            || (m_b = openTap(guestTap, &error)) < 0) {
            ready.set_value(error);
            return;
        }
        ready.set_value(QString());
        char buf[65536];
        while (!m_stop.load()) {
            struct pollfd p[2] = {{m_a, POLLIN, 0}, {m_b, POLLIN, 0}};
            if (::poll(p, 2, 50) <= 0)
                continue;
            for (int i = 0; i < 2; ++i) {
                if (!(p[i].revents & POLLIN))
                    continue;
                const ssize_t n = ::read(p[i].fd, buf, sizeof buf);
                if (n > 0 && ::write(i == 0 ? m_b : m_a, buf, size_t(n)) == n)
                    ++m_frames;
            }
        }
    });
    const QString error = readyFuture.get();
    if (!error.isEmpty())
        stop();
    return error;
}

void TapRelay::stop()
{
    m_stop = true;
    if (m_thread.joinable())
        m_thread.join();
    if (m_a >= 0)
        ::close(m_a);
    if (m_b >= 0)
        ::close(m_b);
    m_a = m_b = -1;
}

}  // namespace netloom::helper::test
