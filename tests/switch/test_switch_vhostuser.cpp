// SPDX-License-Identifier: GPL-3.0-or-later
// vhost-user backend protocol (issue #12): a fake frontend in the test (socketpair, memfd
// guest memory, sendmsg with descriptors) replays the message sequence QEMU 7.2 sends for a
// virtio-net device (shared/notes/vhost-user.md) against VhostUserSession and checks the
// replies, the exposed ring state and the translated pointers; then hostile messages, each of
// which must end the session without leaking a descriptor; then the listener and connector.
#include "switch/vhostuserlistener.h"
#include "switch/vhostusermessage.h"
#include "switch/vhostusersession.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include <cstring>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <vector>

using namespace netloom;
using namespace netloom::sw;
using Req = VhostUserRequest;

namespace {

int countFds() { return int(QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::NoDotAndDotDot | QDir::AllEntries).size()); }

// Guest RAM for the fake frontend: a memfd, also mapped here so the test can write patterns.
struct GuestRam {
    int fd = -1;
    std::uint8_t *map = nullptr;
    std::size_t size = 0;
    explicit GuestRam(std::size_t bytes) : size(bytes)
    {
        fd = ::memfd_create("vhost-test-ram", MFD_CLOEXEC);
        if (fd >= 0 && ::ftruncate(fd, off_t(bytes)) == 0)
            map = static_cast<std::uint8_t *>(::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
    }
    ~GuestRam()
    {
        if (map && map != MAP_FAILED)
            ::munmap(map, size);
        if (fd >= 0)
            ::close(fd);
    }
};

struct Frontend {
    int sv[2] = {-1, -1};
    std::unique_ptr<VhostUserSession> session;
    Frontend()
    {
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0)
            session = std::make_unique<VhostUserSession>(sv[0], QStringLiteral("test.sock"));
    }
    ~Frontend()
    {
        session.reset();
        if (sv[1] >= 0)
            ::close(sv[1]);
    }
    // Sends bytes with descriptors attached to the first byte (the test keeps its own copies).
    bool send(const QByteArray &bytes, const std::vector<int> &fds = {})
    {
        iovec iov{const_cast<char *>(bytes.constData()), std::size_t(bytes.size())};
        msghdr mh{};
        mh.msg_iov = &iov;
        mh.msg_iovlen = 1;
        std::vector<char> control(CMSG_SPACE(sizeof(int) * fds.size() + 1), 0);
        if (!fds.empty()) {
            mh.msg_control = control.data();
            mh.msg_controllen = CMSG_SPACE(sizeof(int) * fds.size());
            cmsghdr *c = CMSG_FIRSTHDR(&mh);
            c->cmsg_level = SOL_SOCKET;
            c->cmsg_type = SCM_RIGHTS;
            c->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
            std::memcpy(CMSG_DATA(c), fds.data(), sizeof(int) * fds.size());
        }
        return ::sendmsg(sv[1], &mh, MSG_NOSIGNAL) == bytes.size();
    }
    Status request(Req r, const QByteArray &payload = {}, const std::vector<int> &fds = {}, bool needReply = false)
    {
        if (!send(buildVhostUserRequest(r, payload, needReply), fds))
            return Error{ErrorCode::Io, QStringLiteral("test: sendmsg failed")};
        return session->process();
    }
    // Reads one reply (header + payload) if one is waiting.
    bool readReply(std::uint32_t *request, QByteArray *payload)
    {
        pollfd p{sv[1], POLLIN, 0};
        if (::poll(&p, 1, 1000) != 1)
            return false;
        std::uint32_t h[3];
        if (::recv(sv[1], h, sizeof h, MSG_WAITALL) != sizeof h)
            return false;
        if (h[1] != (vhostuser::kVersion | vhostuser::kFlagReply) || h[2] > 64)
            return false;
        *request = h[0];
        payload->resize(int(h[2]));
        return h[2] == 0 || ::recv(sv[1], payload->data(), h[2], MSG_WAITALL) == ssize_t(h[2]);
    }
    bool noReply()
    {
        pollfd p{sv[1], POLLIN, 0};
        return ::poll(&p, 1, 0) == 0;
    }
    std::uint64_t replyU64(Req expect)
    {
        std::uint32_t r = 0;
        QByteArray p;
        if (!readReply(&r, &p) || r != std::uint32_t(expect) || p.size() != 8)
            return ~std::uint64_t(0) - 1;
        std::uint64_t v;
        std::memcpy(&v, p.constData(), 8);
        return v;
    }
};

constexpr std::uint64_t kUva = 0x7f1200000000ull;
constexpr std::uint64_t kMiB = 1 << 20;
constexpr std::uint64_t kGuestFeatures = vfeat::kNetCsum | vfeat::kNetGuestCsum | vfeat::kNetGuestTso4
    | vfeat::kNetHostTso4 | vfeat::kNetMrgRxbuf | vfeat::kIndirectDesc | vfeat::kEventIdx
    | vhostuser::kUserFProtocolFeatures | vfeat::kVersion1;

// Two regions of one memfd, like QEMU's split of a pc guest: gpa [0, 1M) at file offset 0,
// gpa [4G, 4G+1M) at file offset 1M; QEMU's virtual addresses follow the file offsets.
QByteArray twoRegions(std::uint64_t uvaBase = kUva)
{
    VhostUserRegion r[2];
    r[0] = {0, kMiB, uvaBase, 0};
    r[1] = {0x100000000ull, kMiB, uvaBase + kMiB, kMiB};
    return vhostUserPayloadMemory(r, 2);
}

// Ring i's areas: desc at file offset 0x10000 + i*0x10000, avail +0x4000, used +0x8000 (region 0).
VhostUserVringAddr ringAddr(int i, std::uint64_t uvaBase = kUva)
{
    VhostUserVringAddr a;
    a.index = std::uint32_t(i);
    a.desc = uvaBase + 0x10000 + std::uint64_t(i) * 0x10000;
    a.avail = a.desc + 0x4000;
    a.used = a.desc + 0x8000;
    return a;
}

}  // namespace

class TestSwitchVhostUser : public QObject {
    Q_OBJECT

private slots:
    void parserBounds();
    void qemuSequence();
    void partialReadsAndEarlyAddr();
    void hostile_data();
    void hostile();
    void tooManyFds();
    void listenerAndConnector();
};

void TestSwitchVhostUser::parserBounds()
{
    const QByteArray ok = buildVhostUserRequest(Req::SetVringNum, vhostUserPayloadState(1, 1024));
    auto h = parseVhostUserHeader(reinterpret_cast<const std::uint8_t *>(ok.constData()), 12);
    QVERIFY(h);
    QCOMPARE(h->size, 8u);
    auto m = parseVhostUserMessage(*h, reinterpret_cast<const std::uint8_t *>(ok.constData()) + 12, 8, 0);
    QVERIFY(m);
    QCOMPARE(m->state.num, 1024u);
    QVERIFY(!parseVhostUserMessage(*h, reinterpret_cast<const std::uint8_t *>(ok.constData()) + 12, 8, 1));
    const QByteArray big = buildVhostUserRequest(Req::SetVringNum, vhostUserPayloadState(0, 65536));
    h = parseVhostUserHeader(reinterpret_cast<const std::uint8_t *>(big.constData()), 12);
    QVERIFY(!parseVhostUserMessage(*h, reinterpret_cast<const std::uint8_t *>(big.constData()) + 12, 8, 0));
    const QByteArray max = buildVhostUserRequest(Req::SetVringNum, vhostUserPayloadState(0, 32768));
    QVERIFY(parseVhostUserMessage(*h, reinterpret_cast<const std::uint8_t *>(max.constData()) + 12, 8, 0));
    // The error names the request.
    const QByteArray kick = buildVhostUserRequest(Req::SetVringKick, vhostUserPayloadU64(0));
    h = parseVhostUserHeader(reinterpret_cast<const std::uint8_t *>(kick.constData()), 12);
    auto e = parseVhostUserMessage(*h, reinterpret_cast<const std::uint8_t *>(kick.constData()) + 12, 8, 0);
    QVERIFY(!e);
    QVERIFY2(e.error().message.contains(QLatin1String("SET_VRING_KICK")), qPrintable(e.error().message));
    QVERIFY(parseVhostUserMessage(*h, reinterpret_cast<const std::uint8_t *>(vhostUserPayloadU64(0x100).constData()), 8, 0));
    const std::uint8_t shortHead[11] = {};
    QVERIFY(!parseVhostUserHeader(shortHead, sizeof shortHead));
}

void TestSwitchVhostUser::qemuSequence()
{
    const int before = countFds();
    {
        GuestRam ram(2 * kMiB);
        GuestRam ram2(2 * kMiB);
        QVERIFY(ram.map && ram.map != MAP_FAILED && ram2.map && ram2.map != MAP_FAILED);
        Frontend fe;
        QVERIFY(fe.session);
        std::vector<int> changed;
        std::vector<int> stopped;
        fe.session->setRingChanged([&](int i) { changed.push_back(i); });
        fe.session->setStopRing([&](int i) {
            stopped.push_back(i);
            return std::uint16_t(42 + i);
        });

        // Connect: features, protocol features, queue count, owner.
        QVERIFY(fe.request(Req::GetFeatures));
        QCOMPARE(fe.replyU64(Req::GetFeatures), vhostuser::kOfferedFeatures);
        QVERIFY(fe.request(Req::GetProtocolFeatures));
        QCOMPARE(fe.replyU64(Req::GetProtocolFeatures), vhostuser::kProtocolFMq | vhostuser::kProtocolFReplyAck);
        QVERIFY(fe.request(Req::SetProtocolFeatures, vhostUserPayloadU64(vhostuser::kOfferedProtocolFeatures)));
        QVERIFY(fe.noReply());
        QVERIFY(fe.request(Req::GetQueueNum));
        QCOMPARE(fe.replyU64(Req::GetQueueNum), 1u);
        QVERIFY(fe.request(Req::SetOwner));
        QVERIFY(fe.session->owned());
        QVERIFY(fe.request(Req::GetFeatures));
        QCOMPARE(fe.replyU64(Req::GetFeatures), vhostuser::kOfferedFeatures);
        // Per ring, several times: call, err, enable.
        for (int round = 0; round < 3; ++round)
            for (int i = 0; i < 2; ++i) {
                const int call = ::eventfd(0, EFD_CLOEXEC), err = ::eventfd(0, EFD_CLOEXEC);
                QVERIFY(fe.request(Req::SetVringCall, vhostUserPayloadU64(std::uint64_t(i)), {call}));
                QVERIFY(fe.request(Req::SetVringErr, vhostUserPayloadU64(std::uint64_t(i)), {err}));
                QVERIFY(fe.request(Req::SetVringEnable, vhostUserPayloadState(std::uint32_t(i), 1)));
                ::close(call);
                ::close(err);
                QVERIFY(fe.session->ring(i).callFd >= 0);
                QVERIFY(fe.session->ring(i).errFd >= 0);
                QVERIFY(!fe.session->ring(i).started);
            }
        QVERIFY(fe.noReply());

        // Driver start: features (acked), memory table (acked), then the rings.
        QVERIFY(fe.request(Req::SetFeatures, vhostUserPayloadU64(kGuestFeatures), {}, true));
        QCOMPARE(fe.replyU64(Req::SetFeatures), 0u);
        QCOMPARE(fe.session->features(), kGuestFeatures);
        QVERIFY(fe.request(Req::SetMemTable, twoRegions(), {ram.fd, ram.fd}, true));
        QCOMPARE(fe.replyU64(Req::SetMemTable), 0u);
        QCOMPARE(fe.session->memory().count(), 2);
        // A pattern written through the frontend's mapping reads back through GuestMemory.
        std::memcpy(ram.map + kMiB + 0x123, "netloom", 8);
        const std::uint8_t *viaGpa = fe.session->memory().gpa(0x100000000ull + 0x123, 8);
        QVERIFY(viaGpa);
        QCOMPARE(std::memcmp(viaGpa, "netloom", 8), 0);
        QVERIFY(!fe.session->memory().gpa(0x100000000ull + kMiB - 4, 8));  // crosses the end

        for (int i = 0; i < 2; ++i) {
            const int kick = ::eventfd(0, EFD_CLOEXEC), call = ::eventfd(0, EFD_CLOEXEC);
            QVERIFY(fe.request(Req::SetVringNum, vhostUserPayloadState(std::uint32_t(i), 256)));
            QVERIFY(fe.request(Req::SetVringBase, vhostUserPayloadState(std::uint32_t(i), 7)));
            QVERIFY(fe.request(Req::SetVringAddr, vhostUserPayloadAddr(ringAddr(i))));
            QVERIFY(!fe.session->ring(i).started);  // no kick yet
            const std::uint64_t changesBefore = fe.session->ring(i).changes;
            QVERIFY(fe.request(Req::SetVringKick, vhostUserPayloadU64(std::uint64_t(i)), {kick}));
            QVERIFY(fe.session->ring(i).changes > changesBefore);
            QVERIFY(fe.request(Req::SetVringCall, vhostUserPayloadU64(std::uint64_t(i)), {call}));
            ::close(kick);
            ::close(call);
            const VhostUserRing &r = fe.session->ring(i);
            QVERIFY(r.started);
            QVERIFY(r.enabled);
            QCOMPARE(r.num, 256u);
            QCOMPARE(r.base, std::uint16_t(7));
            QVERIFY(r.kickFd >= 0 && r.callFd >= 0);
            std::memset(ram.map + 0x10000 + std::size_t(i) * 0x10000, 0xa0 + i, 16);
            std::memset(ram.map + 0x14000 + std::size_t(i) * 0x10000, 0xb0 + i, 2);
            std::memset(ram.map + 0x18000 + std::size_t(i) * 0x10000, 0xc0 + i, 2);
            QCOMPARE(int(r.desc[0]), 0xa0 + i);
            QCOMPARE(int(r.avail[1]), 0xb0 + i);
            QCOMPARE(int(r.used[1]), 0xc0 + i);
        }
        QVERIFY(!changed.empty());

        // Repeated SET_MEM_TABLE: a new memfd with the same layout; the rings follow.
        const std::uint8_t *oldDesc = fe.session->ring(1).desc;
        std::memset(ram2.map + 0x20000, 0x5a, 16);
        QVERIFY(fe.request(Req::SetMemTable, twoRegions(), {ram2.fd, ram2.fd}, true));
        QCOMPARE(fe.replyU64(Req::SetMemTable), 0u);
        QVERIFY(fe.session->ring(1).desc != oldDesc);
        QCOMPARE(int(fe.session->ring(1).desc[0]), 0x5a);
        QVERIFY(fe.session->ring(0).started && fe.session->ring(1).started);

        // SET_VRING_ENABLE 0 stops a ring without losing its state; 1 starts it again.
        QVERIFY(fe.request(Req::SetVringEnable, vhostUserPayloadState(1, 0)));
        QVERIFY(!fe.session->ring(1).started);
        QVERIFY(fe.request(Req::SetVringEnable, vhostUserPayloadState(1, 1)));
        QVERIFY(fe.session->ring(1).started);

        // Reset: GET_VRING_BASE stops the ring and replies the data plane's next avail index.
        QVERIFY(fe.request(Req::GetVringBase, vhostUserPayloadState(0, 0)));
        std::uint32_t req = 0;
        QByteArray p;
        QVERIFY(fe.readReply(&req, &p));
        QCOMPARE(req, std::uint32_t(Req::GetVringBase));
        QCOMPARE(p, vhostUserPayloadState(0, 42));
        QCOMPARE(stopped, std::vector<int>{0});
        QVERIFY(!fe.session->ring(0).started);
        QCOMPARE(fe.session->ring(0).kickFd, -1);
        QVERIFY(fe.session->ring(1).started);
        // A stopped ring is not asked again: the stored base is replied.
        QVERIFY(fe.request(Req::GetVringBase, vhostUserPayloadState(0, 0)));
        QVERIFY(fe.readReply(&req, &p));
        QCOMPARE(p, vhostUserPayloadState(0, 42));
        QCOMPARE(stopped.size(), std::size_t(1));
        // A new kick restarts it.
        const int kick = ::eventfd(0, EFD_CLOEXEC);
        QVERIFY(fe.request(Req::SetVringKick, vhostUserPayloadU64(0), {kick}));
        ::close(kick);
        QVERIFY(fe.session->ring(0).started);
        QVERIFY(fe.noReply());

        // The frontend goes away: the session reports it.
        ::close(fe.sv[1]);
        fe.sv[1] = -1;
        Status s = fe.session->process();
        QVERIFY(!s);
        QCOMPARE(s.error().code, ErrorCode::Io);
    }
    QCOMPARE(countFds(), before);
}

void TestSwitchVhostUser::partialReadsAndEarlyAddr()
{
    const int before = countFds();
    {
        GuestRam ram(2 * kMiB);
        Frontend fe;
        QVERIFY(fe.request(Req::SetFeatures, vhostUserPayloadU64(kGuestFeatures & ~vhostuser::kUserFProtocolFeatures)));
        // Addresses before the table: kept, translated when the table arrives.
        QVERIFY(fe.request(Req::SetVringNum, vhostUserPayloadState(0, 1024)));
        QVERIFY(fe.request(Req::SetVringAddr, vhostUserPayloadAddr(ringAddr(0))));
        QVERIFY(!fe.session->ring(0).desc);
        // The table arrives one byte at a time (descriptors with the first byte).
        const QByteArray mt = buildVhostUserRequest(Req::SetMemTable, twoRegions());
        QVERIFY(fe.send(mt.left(1), {ram.fd, ram.fd}));
        QVERIFY(fe.session->process());
        for (int i = 1; i < mt.size(); ++i) {
            QVERIFY(fe.send(mt.mid(i, 1)));
            QVERIFY(fe.session->process());
        }
        QVERIFY(fe.session->ring(0).desc);
        QCOMPARE(fe.session->ring(0).desc, fe.session->memory().uva(ringAddr(0).desc, 16));
        // Without PROTOCOL_FEATURES a ring is enabled at once; a NOFD kick means polling.
        QVERIFY(fe.request(Req::SetVringKick, vhostUserPayloadU64(vhostuser::kVringNoFd)));
        QVERIFY(fe.session->ring(0).started);
        QCOMPARE(fe.session->ring(0).kickFd, -1);
        // A later table that no longer holds the ring is refused; the old one stays.
        VhostUserRegion r{0, kMiB, kUva + kMiB, kMiB};
        Status s = fe.request(Req::SetMemTable, vhostUserPayloadMemory(&r, 1), {ram.fd});
        QVERIFY(!s);
        QVERIFY2(s.error().message.contains(QLatin1String("SET_MEM_TABLE")), qPrintable(s.error().message));
        QCOMPARE(fe.session->memory().count(), 2);
    }
    QCOMPARE(countFds(), before);
}

void TestSwitchVhostUser::hostile_data()
{
    QTest::addColumn<QByteArray>("setup");  // what runs first (a valid memory table or nothing)
    QTest::addColumn<QByteArray>("message");
    QTest::addColumn<int>("fds");          // 0 none, 1 one eventfd, 2 the memfd, 3 the memfd twice
    QTest::addColumn<QString>("mentions");

    const QByteArray noSetup;
    const QByteArray table = buildVhostUserRequest(Req::SetMemTable, twoRegions());
    auto hdr = [](std::uint32_t req, std::uint32_t flags, std::uint32_t size) {
        QByteArray b;
        b.append(reinterpret_cast<const char *>(&req), 4);
        b.append(reinterpret_cast<const char *>(&flags), 4);
        b.append(reinterpret_cast<const char *>(&size), 4);
        return b;
    };
    QTest::newRow("oversize") << noSetup << hdr(2, 1, 5000) + QByteArray(5000, 0) << 0 << "exceeds";
    QTest::newRow("version 0") << noSetup << hdr(1, 0, 0) << 0 << "version";
    QTest::newRow("reply flag") << noSetup << hdr(1, 5, 0) << 0 << "REPLY";
    QTest::newRow("unknown request") << noSetup << hdr(99, 1, 0) << 0 << "request 99";
    QTest::newRow("log base") << noSetup << buildVhostUserRequest(Req::SetLogBase, vhostUserPayloadU64(0)) << 0 << "SET_LOG_BASE";
    QTest::newRow("payload too short") << noSetup << hdr(2, 1, 4) + QByteArray(4, 0) << 0 << "expected 8";
    QTest::newRow("payload on a get") << noSetup << hdr(1, 1, 8) + QByteArray(8, 0) << 0 << "GET_FEATURES";
    QTest::newRow("kick without fd") << noSetup << buildVhostUserRequest(Req::SetVringKick, vhostUserPayloadU64(0)) << 0 << "descriptors";
    QTest::newRow("extra fd") << noSetup << buildVhostUserRequest(Req::SetFeatures, vhostUserPayloadU64(0)) << 1 << "descriptors";
    QTest::newRow("nofd with fd") << noSetup << buildVhostUserRequest(Req::SetVringCall, vhostUserPayloadU64(0x100)) << 1 << "descriptors";
    QTest::newRow("kick ring 2") << noSetup << buildVhostUserRequest(Req::SetVringKick, vhostUserPayloadU64(2)) << 1 << "ring index 2";
    QTest::newRow("kick stray bits") << noSetup << buildVhostUserRequest(Req::SetVringKick, vhostUserPayloadU64(0x10000)) << 1 << "unknown bits";
    QTest::newRow("num ring 2") << noSetup << buildVhostUserRequest(Req::SetVringNum, vhostUserPayloadState(2, 256)) << 0 << "ring index 2";
    QTest::newRow("num 100") << noSetup << buildVhostUserRequest(Req::SetVringNum, vhostUserPayloadState(0, 100)) << 0 << "power of two";
    QTest::newRow("num 0") << noSetup << buildVhostUserRequest(Req::SetVringNum, vhostUserPayloadState(0, 0)) << 0 << "power of two";
    QTest::newRow("base 65536") << noSetup << buildVhostUserRequest(Req::SetVringBase, vhostUserPayloadState(0, 65536)) << 0 << "65535";
    QTest::newRow("enable 2") << noSetup << buildVhostUserRequest(Req::SetVringEnable, vhostUserPayloadState(0, 2)) << 0 << "enable";
    QTest::newRow("feature not offered") << noSetup << buildVhostUserRequest(Req::SetFeatures, vhostUserPayloadU64(vfeat::kVersion1 | (1ull << 26))) << 0 << "not offered";
    QTest::newRow("protocol feature not offered") << noSetup << buildVhostUserRequest(Req::SetProtocolFeatures, vhostUserPayloadU64(1ull << 1)) << 0 << "not offered";
    QTest::newRow("mem table missing fd") << noSetup << table << 2 << "descriptors";
    VhostUserRegion beyond{0, kMiB, kUva, kMiB + 4096};  // the memfd is 2 MiB
    QTest::newRow("region beyond memfd") << noSetup << buildVhostUserRequest(Req::SetMemTable, vhostUserPayloadMemory(&beyond, 1), true) << 2 << "beyond";
    VhostUserRegion ovGpa{~std::uint64_t(0) - 10, 4096, kUva, 0};
    QTest::newRow("gpa overflow") << noSetup << buildVhostUserRequest(Req::SetMemTable, vhostUserPayloadMemory(&ovGpa, 1)) << 2 << "overflows";
    VhostUserRegion ovOff{0, 4096, kUva, ~std::uint64_t(0) - 10};
    QTest::newRow("offset overflow") << noSetup << buildVhostUserRequest(Req::SetMemTable, vhostUserPayloadMemory(&ovOff, 1)) << 2 << "overflows";
    VhostUserRegion zero{0, 0, kUva, 0};
    QTest::newRow("region size 0") << noSetup << buildVhostUserRequest(Req::SetMemTable, vhostUserPayloadMemory(&zero, 1)) << 2 << "size 0";
    VhostUserRegion overlap[2] = {{0, kMiB, kUva, 0}, {4096, kMiB, kUva + kMiB, kMiB}};
    QTest::newRow("regions overlap") << noSetup << buildVhostUserRequest(Req::SetMemTable, vhostUserPayloadMemory(overlap, 2)) << 3 << "overlap";
    QTest::newRow("9 regions") << noSetup << hdr(5, 1, 8 + 9 * 32) + vhostUserPayloadU64(9) + QByteArray(9 * 32, 0) << 0 << "regions";
    QTest::newRow("memory from an eventfd") << noSetup << buildVhostUserRequest(Req::SetMemTable, vhostUserPayloadMemory(&beyond, 1)) << 1 << "not a memory file";
    VhostUserVringAddr outside = ringAddr(0);
    outside.used = kUva + kMiB - 8;  // 6+8*num bytes do not fit before the region's end
    QTest::newRow("used outside") << table << buildVhostUserRequest(Req::SetVringAddr, vhostUserPayloadAddr(outside)) << 0 << "outside";
    VhostUserVringAddr misaligned = ringAddr(0);
    misaligned.desc += 8;
    QTest::newRow("desc misaligned") << table << buildVhostUserRequest(Req::SetVringAddr, vhostUserPayloadAddr(misaligned)) << 0 << "misaligned";
    VhostUserVringAddr logged = ringAddr(0);
    logged.flags = 1;
    QTest::newRow("vring log flag") << table << buildVhostUserRequest(Req::SetVringAddr, vhostUserPayloadAddr(logged)) << 0 << "logging";
    QTest::newRow("addr ring 2") << table << buildVhostUserRequest(Req::SetVringAddr, vhostUserPayloadAddr(ringAddr(2))) << 0 << "ring index 2";
}

void TestSwitchVhostUser::hostile()
{
    QFETCH(QByteArray, setup);
    QFETCH(QByteArray, message);
    QFETCH(int, fds);
    QFETCH(QString, mentions);
    const int before = countFds();
    {
        GuestRam ram(2 * kMiB);
        QVERIFY(ram.fd >= 0);
        Frontend fe;
        if (!setup.isEmpty()) {
            QVERIFY(fe.send(setup, {ram.fd, ram.fd}));
            QVERIFY(fe.session->process());
            QVERIFY(fe.request(Req::SetVringNum, vhostUserPayloadState(0, 256)));
        }
        std::vector<int> attach;
        const int ev = ::eventfd(0, EFD_CLOEXEC);
        if (fds == 1)
            attach = {ev};
        else if (fds == 2)
            attach = {ram.fd};
        else if (fds == 3)
            attach = {ram.fd, ram.fd};
        QVERIFY(fe.send(message, attach));
        ::close(ev);
        const Status s = fe.session->process();
        QVERIFY2(!s, "a hostile message was accepted");
        QVERIFY2(s.error().message.contains(mentions), qPrintable(s.error().message));
        QVERIFY2(s.error().message.contains(QLatin1String("test.sock")), qPrintable(s.error().message));
    }
    QCOMPARE(countFds(), before);
}

void TestSwitchVhostUser::tooManyFds()
{
    const int before = countFds();
    {
        Frontend fe;
        std::vector<int> evs;
        for (int i = 0; i < 9; ++i)
            evs.push_back(::eventfd(0, EFD_CLOEXEC));
        QVERIFY(fe.send(buildVhostUserRequest(Req::SetFeatures, vhostUserPayloadU64(0)), evs));
        for (int e : evs)
            ::close(e);
        const Status s = fe.session->process();
        QVERIFY(!s);
        QVERIFY2(s.error().message.contains(QLatin1String("descriptors")), qPrintable(s.error().message));
    }
    QCOMPARE(countFds(), before);

    // A failed request with NEED_REPLY under REPLY_ACK gets a nonzero ack before the end.
    {
        GuestRam ram(kMiB);
        Frontend fe;
        QVERIFY(fe.request(Req::SetProtocolFeatures, vhostUserPayloadU64(vhostuser::kProtocolFReplyAck)));
        VhostUserRegion beyond{0, kMiB, kUva, 4096};
        QVERIFY(!fe.request(Req::SetMemTable, vhostUserPayloadMemory(&beyond, 1), {ram.fd}, true));
        QCOMPARE(fe.replyU64(Req::SetMemTable), 1u);
    }
    QCOMPARE(countFds(), before);
}

void TestSwitchVhostUser::listenerAndConnector()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("port.sock"));
    const int before = countFds();
    {
        auto conn = connectVhostUser(path);
        QVERIFY(!conn);
        QCOMPARE(conn.error().code, ErrorCode::NotFound);

        auto l = VhostUserListener::listen(path);
        QVERIFY2(l, l ? "" : qPrintable(l.error().message));
        struct stat st {};
        QCOMPARE(::stat(path.toLocal8Bit().constData(), &st), 0);
        QCOMPARE(st.st_mode & 0777, mode_t(0600));
        // A second listener on a live path is a conflict.
        auto l2 = VhostUserListener::listen(path);
        QVERIFY(!l2);
        QCOMPARE(l2.error().code, ErrorCode::Conflict);

        // That probe connected and left; its connection is accepted like any other (its
        // session would end at once with "closed"), then the listener is free again.
        auto probe = (*l)->accept();
        QVERIFY(probe && *probe >= 0);
        ::close(*probe);
        (*l)->release();
        auto none = (*l)->accept();
        QVERIFY(none);
        QCOMPARE(*none, -1);
        auto c1 = connectVhostUser(path);
        QVERIFY(c1);
        auto a1 = (*l)->accept();
        QVERIFY(a1 && *a1 >= 0);
        // The accepted fd carries a session: a request and its reply.
        {
            VhostUserSession s(*a1, path);
            const QByteArray get = buildVhostUserRequest(Req::GetQueueNum, {});
            QCOMPARE(::send(*c1, get.constData(), std::size_t(get.size()), 0), ssize_t(get.size()));
            pollfd p{*a1, POLLIN, 0};
            QCOMPARE(::poll(&p, 1, 1000), 1);
            QVERIFY(s.process());
            std::uint8_t buf[20];
            p = {*c1, POLLIN, 0};
            QCOMPARE(::poll(&p, 1, 1000), 1);
            QCOMPARE(::recv(*c1, buf, sizeof buf, 0), ssize_t(20));

            // One frontend at a time: a second one is refused while the first is served.
            auto c2 = connectVhostUser(path);
            QVERIFY(c2);
            auto a2 = (*l)->accept();
            QVERIFY(!a2);
            QCOMPARE(a2.error().code, ErrorCode::Conflict);
            ::close(*c2);
        }
        ::close(*c1);
        (*l)->release();
        auto c3 = connectVhostUser(path);
        QVERIFY(c3);
        auto a3 = (*l)->accept();
        QVERIFY(a3 && *a3 >= 0);
        ::close(*a3);
        ::close(*c3);
        l->reset();
        QVERIFY(!QFile::exists(path));

        // A stale socket file (its owner is gone) is replaced.
        const int stale = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un sa{};
        sa.sun_family = AF_UNIX;
        std::strncpy(sa.sun_path, path.toLocal8Bit().constData(), sizeof sa.sun_path - 1);
        QCOMPARE(::bind(stale, reinterpret_cast<sockaddr *>(&sa), sizeof sa), 0);
        ::close(stale);
        QVERIFY(QFile::exists(path));
        auto l3 = VhostUserListener::listen(path, 0660);
        QVERIFY2(l3, l3 ? "" : qPrintable(l3.error().message));
        QCOMPARE(::stat(path.toLocal8Bit().constData(), &st), 0);
        QCOMPARE(st.st_mode & 0777, mode_t(0660));
        // A path that is not a socket is left alone.
        const QString plain = dir.filePath(QStringLiteral("plain"));
        QFile f(plain);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        QVERIFY(!VhostUserListener::listen(plain));
        QVERIFY(QFile::exists(plain));
    }
    QCOMPARE(countFds(), before);
}

QTEST_GUILESS_MAIN(TestSwitchVhostUser)
#include "test_switch_vhostuser.moc"
