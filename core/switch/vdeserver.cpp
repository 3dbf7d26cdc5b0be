// SPDX-License-Identifier: GPL-3.0-or-later
#include "vdeserver.h"

#include "dgramtransport.h"
#include "vdeprotocol.h"

#include <cerrno>
#include <cstring>
#include <grp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace netloom::sw {

namespace {

QString errnoText(int e) { return QString::fromLocal8Bit(std::strerror(e)); }

bool fillAddress(sockaddr_un *sa, const QByteArray &path)
{
    *sa = {};
    sa->sun_family = AF_UNIX;
    if (path.isEmpty() || std::size_t(path.size()) >= sizeof sa->sun_path)
        return false;
    std::memcpy(sa->sun_path, path.constData(), std::size_t(path.size()));
    return true;
}

}  // namespace

Result<std::unique_ptr<VdeServer>> VdeServer::listen(const VdeServerOptions &options)
{
    const QString verb = QStringLiteral("start VDE switch");
    std::unique_ptr<VdeServer> s(new VdeServer);
    s->m_options = options;
    const QByteArray dir = options.dir.toLocal8Bit();
    // Room for "/ctl" and the per-port "/p<seq>.sock" names inside sun_path.
    if (dir.isEmpty() || dir.size() > 80)
        return Error::failed(ErrorCode::InvalidArgument, verb, options.dir, QStringLiteral("the directory path must be 1..80 bytes"));
    if (options.mode & ~mode_t(0777))
        return Error::failed(ErrorCode::InvalidArgument, verb, options.dir, QStringLiteral("mode %1 has bits outside 0777").arg(options.mode, 0, 8));
    if (!options.group.isEmpty()) {
        const QByteArray g = options.group.toLocal8Bit();
        if (const group *gr = ::getgrnam(g.constData()))
            s->m_gid = gr->gr_gid;
        else {
            bool ok = false;
            const uint v = options.group.toUInt(&ok);
            if (!ok)
                return Error::failed(ErrorCode::NotFound, verb, options.dir, QStringLiteral("no group named '%1'").arg(options.group));
            s->m_gid = gid_t(v);
        }
    }
    const mode_t dirMode = 0700 | ((options.mode & 0060) ? 0070 : 0) | ((options.mode & 0006) ? 0007 : 0);
    if (::mkdir(dir.constData(), dirMode) == 0) {
        s->m_createdDir = true;
        ::chmod(dir.constData(), dirMode);  // not narrowed by the umask
        if (s->m_gid != gid_t(-1) && ::chown(dir.constData(), uid_t(-1), s->m_gid) != 0)
            return Error::failed(ErrorCode::PermissionDenied, verb, options.dir, QStringLiteral("cannot give the directory to group %1: %2").arg(options.group, errnoText(errno)));
    } else if (errno != EEXIST) {
        return Error::failed(ErrorCode::Io, verb, options.dir, errnoText(errno));
    }
    struct stat st {};
    if (::stat(dir.constData(), &st) != 0 || !S_ISDIR(st.st_mode))
        return Error::failed(ErrorCode::InvalidArgument, verb, options.dir, QStringLiteral("not a directory"));

    const QByteArray ctl = dir + "/ctl";
    sockaddr_un sa;
    fillAddress(&sa, ctl);
    s->m_listen = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s->m_listen < 0)
        return Error::failed(ErrorCode::System, verb, options.dir, errnoText(errno));
    if (::bind(s->m_listen, reinterpret_cast<sockaddr *>(&sa), sizeof sa) != 0) {
        if (errno != EADDRINUSE)
            return Error::failed(ErrorCode::Io, verb, options.dir, errnoText(errno));
        // Is someone answering there? If not, the file is stale: replace it.
        const int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        const bool alive = probe >= 0 && ::connect(probe, reinterpret_cast<sockaddr *>(&sa), sizeof sa) == 0;
        if (probe >= 0)
            ::close(probe);
        if (alive)
            return Error::failed(ErrorCode::Conflict, verb, options.dir, QStringLiteral("another switch is listening on %1").arg(QString::fromLocal8Bit(ctl)));
        ::unlink(ctl.constData());
        if (::bind(s->m_listen, reinterpret_cast<sockaddr *>(&sa), sizeof sa) != 0)
            return Error::failed(ErrorCode::Io, verb, options.dir, errnoText(errno));
    }
    ::chmod(ctl.constData(), options.mode);
    if (s->m_gid != gid_t(-1))
        ::chown(ctl.constData(), uid_t(-1), s->m_gid);
    if (::listen(s->m_listen, 64) != 0)
        return Error::failed(ErrorCode::Io, verb, options.dir, errnoText(errno));
    s->m_epoll = ::epoll_create1(EPOLL_CLOEXEC);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = s->m_listen;
    if (s->m_epoll < 0 || ::epoll_ctl(s->m_epoll, EPOLL_CTL_ADD, s->m_listen, &ev) != 0)
        return Error::failed(ErrorCode::System, verb, options.dir, errnoText(errno));
    return s;
}

VdeServer::~VdeServer()
{
    for (const auto &[fd, t] : m_pending)
        ::close(fd);
    if (m_epoll >= 0)
        ::close(m_epoll);
    if (m_listen >= 0) {
        ::close(m_listen);
        const QByteArray dir = m_options.dir.toLocal8Bit();
        ::unlink((dir + "/ctl").constData());
        if (m_createdDir)
            ::rmdir(dir.constData());  // only if empty: ports remove their own sockets
    }
}

void VdeServer::dropPending(int fd)
{
    ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);
    ::close(fd);
    m_pending.erase(fd);
}

void VdeServer::acceptAll(std::int64_t nowNs)
{
    while (true) {
        const int fd = ::accept4(m_listen, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return;
        if (int(m_pending.size()) >= kMaxPending) {
            // Bound: drop the oldest handshake in progress.
            int oldest = m_pending.begin()->first;
            for (const auto &[pfd, t] : m_pending)
                if (t < m_pending[oldest])
                    oldest = pfd;
            dropPending(oldest);
        }
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLRDHUP;
        ev.data.fd = fd;
        ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev);
        m_pending[fd] = nowNs;
    }
}

void VdeServer::process(std::int64_t nowNs, const ReservePort &reserve, std::vector<Accepted> *accepted, QStringList *errors)
{
    epoll_event evs[16];
    const int n = ::epoll_wait(m_epoll, evs, 16, 0);
    for (int i = 0; i < n; ++i) {
        const int fd = evs[i].data.fd;
        if (fd == m_listen) {
            acceptAll(nowNs);
            continue;
        }
        if (!m_pending.count(fd))
            continue;
        ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);
        m_pending.erase(fd);
        Result<Accepted> r = handshake(fd, reserve);
        if (r) {
            accepted->push_back(std::move(r.value()));
        } else {
            ::close(fd);
            errors->append(r.error().message);
        }
    }
}

void VdeServer::expire(std::int64_t nowNs)
{
    std::vector<int> old;
    for (const auto &[fd, t] : m_pending)
        if (nowNs - t > kHandshakeTimeoutNs)
            old.push_back(fd);
    for (int fd : old)
        dropPending(fd);
}

Result<VdeServer::Accepted> VdeServer::handshake(int fd, const ReservePort &reserve)
{
    const QString verb = QStringLiteral("accept VDE client");
    std::uint8_t buf[kVdeMaxRequestLen];
    ssize_t len;
    do {
        len = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    } while (len < 0 && errno == EINTR);
    if (len <= 0)
        return Error::failed(ErrorCode::Protocol, verb, m_options.dir, len == 0 ? QStringLiteral("client closed before sending a request") : errnoText(errno));
    auto req = parseVdeRequest(buf, std::size_t(len), m_options.maxPort);
    if (!req)
        return req.error();

    ucred cred{};
    socklen_t credLen = sizeof cred;
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &credLen) != 0)
        return Error::failed(ErrorCode::System, verb, m_options.dir, QStringLiteral("SO_PEERCRED: %1").arg(errnoText(errno)));
    const QString client = QString::fromLocal8Bit(req->clientPath);
    struct stat st {};
    if (::lstat(req->clientPath.constData(), &st) != 0 || !S_ISSOCK(st.st_mode))
        return Error::failed(ErrorCode::Protocol, verb, client, QStringLiteral("the client's data socket does not exist or is not a socket"));
    if (cred.uid != 0 && st.st_uid != cred.uid)
        return Error::failed(ErrorCode::PermissionDenied, verb, client,
                             QStringLiteral("data socket belongs to uid %1, not to the connecting uid %2").arg(st.st_uid).arg(cred.uid));

    const PortId port = reserve(req->requestedPort);
    if (port == kNoPort)
        return Error::failed(ErrorCode::Conflict, verb, client,
                             req->requestedPort ? QStringLiteral("port %1 is in use").arg(req->requestedPort) : QStringLiteral("no free port"));

    const QByteArray dataPath = m_options.dir.toLocal8Bit() + "/p" + QByteArray::number(++m_seq) + ".sock";
    sockaddr_un local, remote;
    if (!fillAddress(&local, dataPath) || !fillAddress(&remote, req->clientPath))
        return Error::failed(ErrorCode::InvalidArgument, verb, client, QStringLiteral("socket path too long"));
    const int data = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (data < 0)
        return Error::failed(ErrorCode::System, verb, client, errnoText(errno));
    ::unlink(dataPath.constData());
    if (::bind(data, reinterpret_cast<sockaddr *>(&local), sizeof local) != 0
        || ::connect(data, reinterpret_cast<sockaddr *>(&remote), sizeof remote) != 0) {
        const int e = errno;
        ::close(data);
        ::unlink(dataPath.constData());
        return Error::failed(ErrorCode::Io, verb, client, errnoText(e));
    }
    ::chmod(dataPath.constData(), m_options.mode);
    if (m_gid != gid_t(-1))
        ::chown(dataPath.constData(), uid_t(-1), m_gid);
    enlargeSocketBuffers(data);
    const QByteArray reply = buildVdeReply(dataPath);
    if (::send(fd, reply.constData(), std::size_t(reply.size()), MSG_DONTWAIT | MSG_NOSIGNAL) != reply.size()) {
        const int e = errno;
        ::close(data);
        ::unlink(dataPath.constData());
        return Error::failed(ErrorCode::Io, verb, client, QStringLiteral("sending the reply: %1").arg(errnoText(e)));
    }
    QString descr = req->description.isEmpty() ? QStringLiteral("vde client") : req->description;
    descr += QStringLiteral(" (pid %1, uid %2)").arg(cred.pid).arg(cred.uid);
    Accepted a;
    a.port = port;
    a.transport = std::make_unique<DgramTransport>(data, fd, QStringLiteral("vde"), descr, QString::fromLocal8Bit(dataPath));
    return a;
}

}  // namespace netloom::sw
