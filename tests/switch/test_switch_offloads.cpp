// SPDX-License-Identifier: GPL-3.0-or-later
// Offload frames through the engine (issue #12): a port that sends partial checksums and TSO
// super-frames (as a vhost-user guest with CSUM/HOST_TSO does), flooded to a port that takes
// every offload (gets the frame and its header untouched), one that takes checksums only
// (gets TSO cut into segments), one that takes nothing (in-memory) and a real datagram port
// (both get complete frames with valid checksums); a tagged egress always gets completed
// frames; a header whose offsets lie outside its frame is dropped and counted, never sent.
// Then frames read in place (the one-copy path of vhost-user ports), see inPlaceFrames.
#include "framebuilder.h"
#include "offloadframes.h"
#include "testpeers.h"
#include "switch/switchengine.h"
#include "switch/virtionet.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <deque>
#include <mutex>
#include <sys/eventfd.h>
#include <unistd.h>

using namespace netloom::sw;
using namespace netloom::sw::test;
using namespace netloom::test;

namespace {

// An in-memory port with virtio_net_hdr frames: the test pushes frames (with headers) in and
// reads what the engine sent (with the header it came with, zeros for none).
class MemPort : public Transport {
public:
    struct Frame {
        std::vector<std::uint8_t> bytes;
        std::array<std::uint8_t, kVnetHdrLen> hdr{};
    };
    // inPlaceTailPieces > 0: the port reads frames in place (like vhost-user), their bytes
    // after the peek split into that many pieces of its own storage, held until released.
    explicit MemPort(unsigned accepts, int inPlaceTailPieces = 0) : m_accepts(accepts), m_pieces(inPlaceTailPieces)
    {
        m_efd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    }
    ~MemPort() override { ::close(m_efd); }

    // Both called from the test thread while the engine runs.
    void push(const std::vector<std::uint8_t> &f, const std::array<std::uint8_t, kVnetHdrLen> &hdr)
    {
        {
            std::lock_guard<std::mutex> l(m_mutex);
            m_in.push_back({f, hdr});
        }
        const std::uint64_t one = 1;
        (void)!::write(m_efd, &one, sizeof one);
    }
    std::vector<Frame> sent()
    {
        std::lock_guard<std::mutex> l(m_mutex);
        return m_out;
    }

    int dataFd() const override { return m_efd; }
    int receive(std::uint8_t *const *bufs, std::size_t bufSize, std::size_t *lens, int max) override
    {
        std::uint64_t v;
        (void)!::read(m_efd, &v, sizeof v);
        std::lock_guard<std::mutex> l(m_mutex);
        int n = 0;
        while (n < max && n < 8 && !m_in.empty()) {
            const Frame &f = m_in.front();
            if (f.bytes.size() > bufSize)
                return -1;
            std::memcpy(bufs[n], f.bytes.data(), f.bytes.size());
            lens[n] = f.bytes.size();
            m_rxHdr[n] = f.hdr;
            m_in.pop_front();
            ++n;
        }
        return n;
    }
    bool receivesInPlace() const override { return m_pieces > 0; }
    int receiveInPlace(std::uint8_t *const *bufs, std::size_t bufSize, std::size_t peek, InPlaceFrame *frames, int max) override
    {
        std::uint64_t v;
        (void)!::read(m_efd, &v, sizeof v);
        std::lock_guard<std::mutex> l(m_mutex);
        if (!m_held.empty())
            ++m_releaseMissed;
        int n = 0;
        while (n < max && n < 8 && !m_in.empty()) {
            m_held.push_back(std::move(m_in.front()));
            m_in.pop_front();
            Frame &f = m_held.back();
            InPlaceFrame &o = frames[n];
            o.len = f.bytes.size();
            o.tailCount = 0;
            m_rxHdr[n] = f.hdr;
            if (o.len <= peek || m_pieces > InPlaceFrame::kMaxTail) {
                std::memcpy(bufs[n], f.bytes.data(), std::min(o.len, bufSize));
            } else {
                std::memcpy(bufs[n], f.bytes.data(), peek);
                const std::size_t rest = o.len - peek, piece = rest / std::size_t(m_pieces);
                for (int k = 0; k < m_pieces; ++k) {
                    const std::size_t at = peek + std::size_t(k) * piece;
                    o.tail[k] = {f.bytes.data() + at, k == m_pieces - 1 ? o.len - at : piece};
                }
                o.tailCount = m_pieces;
            }
            ++n;
        }
        return n;
    }
    void releaseReceived() override
    {
        std::lock_guard<std::mutex> l(m_mutex);
        m_held.clear();
        ++m_releases;
    }
    // Whether every receiveInPlace was followed by releaseReceived, and how many there were.
    int releases()
    {
        std::lock_guard<std::mutex> l(m_mutex);
        return m_releaseMissed ? -1 : m_releases;
    }
    SendResult send(const OutFrame *frames, int n) override
    {
        std::lock_guard<std::mutex> l(m_mutex);
        for (int i = 0; i < n; ++i) {
            Frame f;
            for (int k = 0; k < frames[i].iovcnt; ++k) {
                const auto *p = static_cast<const std::uint8_t *>(frames[i].iov[k].iov_base);
                f.bytes.insert(f.bytes.end(), p, p + frames[i].iov[k].iov_len);
            }
            if (frames[i].vnetHdr)
                std::memcpy(f.hdr.data(), frames[i].vnetHdr, kVnetHdrLen);
            m_out.push_back(std::move(f));
        }
        SendResult r;
        r.sent = n;
        return r;
    }
    bool vnetHeader() const override { return true; }
    const std::uint8_t *rxVnetHeader(int i) const override { return m_rxHdr[i].data(); }
    unsigned offloadsAccepted() const override { return m_accepts; }
    QString kind() const override { return QStringLiteral("mem"); }
    QString description() const override { return QStringLiteral("in-memory port"); }

private:
    int m_efd = -1;
    unsigned m_accepts;
    int m_pieces = 0;
    std::deque<Frame> m_held;  // frames read in place, until released
    int m_releases = 0, m_releaseMissed = 0;
    std::mutex m_mutex;
    std::deque<Frame> m_in;
    std::vector<Frame> m_out;
    std::array<std::uint8_t, kVnetHdrLen> m_rxHdr[8];
};

std::array<std::uint8_t, kVnetHdrLen> tsoHeader(std::size_t headers, std::size_t csumStart, int mss)
{
    return {kVnetFlagNeedsCsum, kVnetGsoTcpv4, std::uint8_t(headers), 0, std::uint8_t(mss), std::uint8_t(mss >> 8),
            std::uint8_t(csumStart), 0, 16, 0};
}

// Checks that frames are the TSO segments of `super` (IPv4 TCP, untagged unless l2 == 18):
// valid IPv4 and TCP checksums, the payload in order. Returns "" or what is wrong.
QString checkSegments(const std::vector<std::vector<std::uint8_t>> &frames, const std::vector<std::uint8_t> &super,
                      std::size_t l2, int mss)
{
    const std::size_t superL2 = 14, headers = l2 + 20 + 32, superHeaders = superL2 + 20 + 32;
    const std::size_t payload = super.size() - superHeaders;
    if (frames.size() != (payload + std::size_t(mss) - 1) / std::size_t(mss))
        return QStringLiteral("%1 segments").arg(frames.size());
    std::vector<std::uint8_t> data;
    for (const auto &o : frames) {
        if (o.size() <= headers)
            return QStringLiteral("a segment of %1 bytes").arg(o.size());
        const std::size_t chunk = o.size() - headers;
        if (foldSum(o.data() + l2, 20, 0) != 0xffff)
            return QStringLiteral("bad IPv4 header checksum");
        const std::uint32_t pseudo = 6 + std::uint32_t(32 + chunk) + foldSum(o.data() + l2 + 12, 8, 0);
        if (foldSum(o.data() + l2 + 20, 32 + chunk, pseudo) != 0xffff)
            return QStringLiteral("bad TCP checksum");
        data.insert(data.end(), o.begin() + std::ptrdiff_t(headers), o.end());
    }
    if (!std::equal(data.begin(), data.end(), super.begin() + std::ptrdiff_t(superHeaders), super.end()))
        return QStringLiteral("payload differs");
    return {};
}

template <class F>
bool waitFor(F f, int ms = 3000)
{
    QElapsedTimer t;
    t.start();
    while (!f()) {
        if (t.elapsed() > ms)
            return false;
        QThread::msleep(5);
    }
    return true;
}

}  // namespace

class TestSwitchOffloads : public QObject {
    Q_OBJECT
private slots:
    void passThroughOrComplete();
    void inPlaceFrames();
};

void TestSwitchOffloads::passThroughOrComplete()
{
    SwitchEngine engine;
    QVERIFY(engine.start());
    auto *src = new MemPort(kOffloadAll);
    auto *all = new MemPort(kOffloadAll);
    auto *csumOnly = new MemPort(kOffloadCsum);
    auto *none = new MemPort(0);
    auto *trunk = new MemPort(kOffloadAll);
    Peer dgram = dgramPeer(QStringLiteral("dgram"));
    QVERIFY(dgram.fd >= 0);
    QVERIFY(engine.addPort(std::unique_ptr<Transport>(src)));
    QVERIFY(engine.addPort(std::unique_ptr<Transport>(all)));
    QVERIFY(engine.addPort(std::unique_ptr<Transport>(csumOnly)));
    QVERIFY(engine.addPort(std::unique_ptr<Transport>(none)));
    QVERIFY(engine.addPort(std::unique_ptr<Transport>(trunk), {VlanPortConfig::trunk({1}), QStringLiteral("trunk")}));
    QVERIFY(engine.addPort(std::move(dgram.transport)));
    QVERIFY(waitFor([&] { return engine.ports().size() == 6; }));

    // 1. A TSO super-frame (unknown destination: flooded to all five).
    const int mss = 1000;
    auto super = tcpGsoFrame(false, false, 4500);
    const std::uint8_t unknownDst[6] = {0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc};  // flooded
    std::memcpy(super.data(), unknownDst, 6);
    src->push(super, tsoHeader(14 + 20 + 32, 14 + 20, mss));
    QVERIFY(waitFor([&] { return none->sent().size() == 5 && csumOnly->sent().size() == 5 && trunk->sent().size() == 5; }));
    const auto asIs = all->sent();
    QCOMPARE(asIs.size(), std::size_t(1));
    QVERIFY(asIs[0].bytes == super);
    QCOMPARE(asIs[0].hdr, tsoHeader(14 + 20 + 32, 14 + 20, mss));
    const auto plain = [](const std::vector<MemPort::Frame> &v) {
        std::vector<std::vector<std::uint8_t>> out;
        for (const auto &f : v) {
            if (f.hdr != std::array<std::uint8_t, kVnetHdrLen>{})
                return std::vector<std::vector<std::uint8_t>>{};  // a completed frame has no header
            out.push_back(f.bytes);
        }
        return out;
    };
    QCOMPARE(checkSegments(plain(none->sent()), super, 14, mss), QString());
    QCOMPARE(checkSegments(plain(csumOnly->sent()), super, 14, mss), QString());
    // The trunk takes offloads, but the tag moves the header's offsets: completed, tagged.
    auto tagged = plain(trunk->sent());
    QCOMPARE(tagged.size(), std::size_t(5));
    for (auto &f : tagged) {
        QCOMPARE(int(f[12]), 0x81);
        QCOMPARE(int(f[15]), 1);  // VLAN 1
        f.erase(f.begin() + 12, f.begin() + 16);
    }
    QCOMPARE(checkSegments(tagged, super, 14, mss), QString());
    QList<QByteArray> onDgram = readDgrams(dgram.fd, 5);
    QCOMPARE(onDgram.size(), 5);
    std::vector<std::vector<std::uint8_t>> fromDgram;
    for (const QByteArray &b : onDgram)
        fromDgram.emplace_back(b.begin(), b.end());
    QCOMPARE(checkSegments(fromDgram, super, 14, mss), QString());

    // 2. A partial checksum: as it is to the ports taking checksums, completed for the others.
    auto udp = udpFrame(100);
    const std::array<std::uint8_t, kVnetHdrLen> csumHdr{kVnetFlagNeedsCsum, 0, 0, 0, 0, 0, 34, 0, 6, 0};
    // The sender leaves the pseudo-header sum in the field (what referenceUdpChecksum adds).
    std::uint32_t pseudo = 17 + std::uint32_t(udp.size() - 34);
    for (std::size_t i = 26; i < 34; i += 2)
        pseudo += std::uint32_t(udp[i] << 8 | udp[i + 1]);
    while (pseudo >> 16)
        pseudo = (pseudo & 0xffff) + (pseudo >> 16);
    udp[40] = std::uint8_t(pseudo >> 8);
    udp[41] = std::uint8_t(pseudo);
    src->push(udp, csumHdr);
    QVERIFY(waitFor([&] { return none->sent().size() == 6 && all->sent().size() == 2 && csumOnly->sent().size() == 6; }));
    QVERIFY(all->sent()[1].bytes == udp);
    QCOMPARE(all->sent()[1].hdr, csumHdr);
    QVERIFY(csumOnly->sent()[5].bytes == udp);
    const auto done = none->sent()[5];
    QCOMPARE(done.hdr, (std::array<std::uint8_t, kVnetHdrLen>{}));
    QCOMPARE(std::uint16_t(done.bytes[40] << 8 | done.bytes[41]), referenceUdpChecksum(done.bytes));
    onDgram = readDgrams(dgram.fd, 1);
    QCOMPARE(onDgram.size(), 1);
    QCOMPARE(std::uint16_t(std::uint8_t(onDgram[0][40]) << 8 | std::uint8_t(onDgram[0][41])), referenceUdpChecksum(done.bytes));

    // 3. A header pointing outside its frame: passed through to nobody who would have to
    // complete it, counted as the sender's drop.
    src->push(udp, {kVnetFlagNeedsCsum, 0, 0, 0, 0, 0, 200, 0, 6, 0});
    QVERIFY(waitFor([&] {
        for (const PortSnapshot &s : engine.counters())
            if (s.port == 1 && s.values.rxDrops == 1)
                return true;
        return false;
    }));
    QThread::msleep(50);
    QCOMPARE(none->sent().size(), std::size_t(6));
    QVERIFY(readDgrams(dgram.fd, 1, 100).isEmpty());
    engine.stop();
}

// Frames read in place (one copy, as from a vhost-user guest): large frames leave from the
// sender's storage, byte for byte, to a plain port, a datagram port and a trunk (tag inserted
// between the private header copy and the in-place rest); small ones and ones in too many
// pieces are copied whole; a capture on the egress holds whole frames; a DHCP request larger
// than the peek is still snooped; every read is released after the batch was sent.
void TestSwitchOffloads::inPlaceFrames()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    for (const int pieces : {3, InPlaceFrame::kMaxTail + 2}) {
        SwitchEngine engine;
        QSignalSpy events(&engine, &SwitchEngine::addressEvent);
        QVERIFY(engine.start());
        auto *src = new MemPort(0, pieces);
        auto *plainPort = new MemPort(0);
        auto *trunk = new MemPort(0);
        Peer dgram = dgramPeer(QStringLiteral("dgram"));
        QVERIFY(dgram.fd >= 0);
        // Captured where the frames leave (a capture on the sender would copy them whole first).
        const QString pcap = dir.filePath(QStringLiteral("out-%1.pcap").arg(pieces));
        QVERIFY(engine.setCapture(2, pcap));
        QVERIFY(engine.addPort(std::unique_ptr<Transport>(src)));
        QVERIFY(engine.addPort(std::unique_ptr<Transport>(plainPort)));
        QVERIFY(engine.addPort(std::unique_ptr<Transport>(trunk), {VlanPortConfig::trunk({1}), QStringLiteral("trunk")}));
        QVERIFY(engine.addPort(std::move(dgram.transport)));
        QVERIFY(waitFor([&] { return engine.ports().size() == 4; }));

        std::vector<std::vector<std::uint8_t>> sent;
        for (const int size : {1000, 100, 129, 1514}) {
            const QByteArray f = ether(mac("52:54:00:aa:bb:cc"), mac("52:54:00:00:00:01"), 0x0800, QByteArray(size - 14, char(size)));
            std::vector<std::uint8_t> v(f.begin(), f.end());
            for (std::size_t i = 14; i < v.size(); ++i)
                v[i] = std::uint8_t(i * 7 + std::size_t(size));
            sent.push_back(v);
        }
        DhcpFields req;
        req.type = 3;  // DHCPREQUEST
        req.chaddr = mac("52:54:00:00:00:01");
        req.requested = ip4(10, 0, 2, 50);
        req.hostname = "in-place-guest";
        const QByteArray dhcpReq = dhcpFrame(req, mac("52:54:00:00:00:01"));
        QVERIFY(dhcpReq.size() > 128);
        sent.emplace_back(dhcpReq.begin(), dhcpReq.end());
        for (const auto &v : sent)
            src->push(v, {});
        const std::size_t total = sent.size();
        QVERIFY(waitFor([&] { return plainPort->sent().size() == total && trunk->sent().size() == total; }));
        for (std::size_t i = 0; i < total; ++i) {
            QVERIFY(plainPort->sent()[i].bytes == sent[i]);
            auto t = trunk->sent()[i].bytes;
            QCOMPARE(int(t[12]), 0x81);
            t.erase(t.begin() + 12, t.begin() + 16);
            QVERIFY(t == sent[i]);
        }
        const QList<QByteArray> onDgram = readDgrams(dgram.fd, int(total));
        QCOMPARE(std::size_t(onDgram.size()), total);
        for (std::size_t i = 0; i < total; ++i)
            QVERIFY(std::vector<std::uint8_t>(onDgram[qsizetype(i)].begin(), onDgram[qsizetype(i)].end()) == sent[i]);
        QVERIFY(src->releases() > 0);  // -1: a read was not released before the next
        // The DHCP request was snooped from the whole frame (its options lie past the peek).
        QTRY_VERIFY_WITH_TIMEOUT(!events.isEmpty(), 3000);
        bool named = false;
        for (const QList<QVariant> &e : events)
            named = named || e.at(0).value<AddressEvent>().hostname == QLatin1String("in-place-guest");
        QVERIFY(named);
        engine.stop();
        // The capture holds every frame whole: 24-byte file header, 16 bytes per record.
        QFile cap(pcap);
        QVERIFY(cap.open(QIODevice::ReadOnly));
        std::size_t bytes = 0;
        for (const auto &v : sent)
            bytes += 16 + v.size();
        QCOMPARE(std::size_t(cap.size()), 24 + bytes);
        const QByteArray all = cap.readAll();
        QVERIFY(all.contains(QByteArray(reinterpret_cast<const char *>(sent[3].data()), qsizetype(sent[3].size()))));
    }
}

QTEST_GUILESS_MAIN(TestSwitchOffloads)
#include "test_switch_offloads.moc"
