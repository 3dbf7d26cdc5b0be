// SPDX-License-Identifier: GPL-3.0-or-later
// test_consoleguest: the console test guest (tests/guests/consoleguest.S) against the contract
// in its header. The image must be a boot disk; under QEMU (TCG, pc, VGA, serial on a socket
// chardev with a log file, QMP) it must print its boot and ready lines, echo serial bytes and
// keys (QMP send-key), switch VGA modes on g/v/t and show colourful screens of the expected
// sizes (QMP screendump). One guest serves all test functions, in declaration order.
#include "qemu/qmpclient.h"

#include "common/testutil.h"

#include <QElapsedTimer>
#include <QImage>
#include <QJsonArray>
#include <QLocalSocket>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <memory>
#include <optional>
#include <utility>

#include <sys/prctl.h>

using namespace netloom;
using namespace netloom::qemu;

namespace {

constexpr qsizetype kImageBytes = 17 * 512;  // boot sector + 16 loaded sectors
constexpr int kBootTimeoutMs = 20000;        // < 1 s on an idle machine; CI runners are slow
constexpr int kReplyTimeoutMs = 5000;        // the guest polls every timer tick (55 ms)
constexpr int kQuitTimeoutMs = 10000;        // QMP quit until QEMU has exited
constexpr int kQuietMs = 150;                // how long "no further output" is watched
constexpr qsizetype kMaxSerialBytes = 64 * 1024;

const QByteArray kBootLine = "netloom-consoleguest: boot\r\n";
const QByteArray kReadyLine = "netloom-consoleguest: ready\r\n";

// Runs a QMP command and waits (bounded) for its callback.
Result<QJsonValue> call(QmpClient &c, const QString &cmd, const QJsonObject &args = {})
{
    auto out = std::make_shared<std::optional<Result<QJsonValue>>>();
    c.execute(cmd, args, [out](const Result<QJsonValue> &r) { *out = r; }, kReplyTimeoutMs);
    QElapsedTimer t;
    t.start();
    while (!out->has_value() && t.elapsed() < kReplyTimeoutMs + 2000)
        QTest::qWait(5);
    if (!out->has_value())
        return Error{ErrorCode::Internal, QStringLiteral("callback never ran for %1").arg(cmd)};
    return **out;
}

// What a screendump shows: its size, the share of non-black pixels and the number of
// distinct colours, both over every 4th pixel of every 4th row.
struct Screen {
    QSize size;
    double nonBlack = 0;
    int colours = 0;
    QImage image;
};

Screen describe(const QImage &img)
{
    Screen s;
    s.size = img.size();
    s.image = img.convertToFormat(QImage::Format_RGB32);
    QSet<QRgb> colours;
    qsizetype samples = 0;
    qsizetype lit = 0;
    for (int y = 0; y < s.image.height(); y += 4) {
        for (int x = 0; x < s.image.width(); x += 4) {
            const QRgb px = s.image.pixel(x, y) & 0xFFFFFFu;
            ++samples;
            lit += px != 0 ? 1 : 0;
            colours.insert(px);
        }
    }
    s.nonBlack = samples > 0 ? double(lit) / double(samples) : 0;
    s.colours = int(colours.size());
    return s;
}

// True when rows [from, to) of two same-sized images are identical.
bool sameRows(const QImage &a, const QImage &b, int from, int to)
{
    if (a.size() != b.size())
        return false;
    for (int y = from; y < to; ++y)
        for (int x = 0; x < a.width(); ++x)
            if (a.pixel(x, y) != b.pixel(x, y))
                return false;
    return true;
}

QString joined(const QList<QByteArray> &lines)
{
    QStringList s;
    for (const QByteArray &l : lines)
        s.append(QString::fromLatin1(l.toPercentEncoding(" :<>=")));
    return s.join(QStringLiteral(" | "));
}

// One running guest: QEMU in a temporary directory, its QMP client and serial socket.
// Destroying it kills QEMU (if still running) and removes the directory.
struct Guest {
    QTemporaryDir dir;
    QProcess qemu;
    QmpClient qmp;
    QLocalSocket serial;
    QByteArray pending;  // serial bytes not yet split into lines
    qint64 readyMs = -1;
    int dumps = 0;

    ~Guest()
    {
        serial.abort();
        qmp.close();
        if (qemu.state() != QProcess::NotRunning) {
            qemu.kill();
            qemu.waitForFinished(5000);
        }
    }

    QString path(const QString &name) const { return dir.filePath(name); }

    // Waits up to `timeoutMs` for `n` more complete CRLF lines and returns those that came
    // (without CRLF).
    QList<QByteArray> takeLines(int n, int timeoutMs = kReplyTimeoutMs)
    {
        QList<QByteArray> out;
        QElapsedTimer t;
        t.start();
        for (;;) {
            while (out.size() < n) {
                const qsizetype end = pending.indexOf("\r\n");
                if (end < 0)
                    break;
                out.append(pending.left(end));
                pending.remove(0, end + 2);
            }
            if (out.size() >= n || t.elapsed() > timeoutMs || pending.size() > kMaxSerialBytes)
                return out;
            serial.waitForReadyRead(20);
            pending += serial.readAll();
        }
    }

    // Returns whatever the guest sends within kQuietMs (expected: nothing).
    QByteArray stray()
    {
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < kQuietMs) {
            serial.waitForReadyRead(20);
            pending += serial.readAll();
        }
        return std::exchange(pending, QByteArray());
    }

    // Sends `bytes` on the serial line; "" if exactly `expected` came back, else why not.
    QString serialExchange(const QByteArray &bytes, const QList<QByteArray> &expected)
    {
        if (serial.write(bytes) != bytes.size() || !serial.waitForBytesWritten(kReplyTimeoutMs))
            return QStringLiteral("failed to write to the serial socket: %1").arg(serial.errorString());
        const QList<QByteArray> got = takeLines(int(expected.size()));
        if (got != expected)
            return QStringLiteral("sent %1, expected [%2], got [%3] + '%4'")
                .arg(QString::fromLatin1(bytes.toPercentEncoding()), joined(expected), joined(got),
                     QString::fromLatin1(pending.toPercentEncoding()));
        return {};
    }

    // Presses the QMP qcodes together (send-key); "" if exactly `expected` came back.
    QString keyExchange(const QStringList &qcodes, const QList<QByteArray> &expected)
    {
        QJsonArray keys;
        for (const QString &k : qcodes)
            keys.append(QJsonObject{{QStringLiteral("type"), QStringLiteral("qcode")}, {QStringLiteral("data"), k}});
        const auto r = call(qmp, QStringLiteral("send-key"), {{QStringLiteral("keys"), keys}});
        if (!r)
            return r.error().message;
        const QList<QByteArray> got = takeLines(int(expected.size()));
        if (got != expected)
            return QStringLiteral("pressed %1, expected [%2], got [%3] + '%4'")
                .arg(qcodes.join(QLatin1Char('+')), joined(expected), joined(got),
                     QString::fromLatin1(pending.toPercentEncoding()));
        return {};
    }

    // Takes a QMP screendump (PNG); a null image (and the reason in *why) on failure.
    Screen screendump(QString *why)
    {
        const QString file = path(QStringLiteral("screen%1.png").arg(++dumps));
        const auto r = call(qmp, QStringLiteral("screendump"),
                            {{QStringLiteral("filename"), file}, {QStringLiteral("format"), QStringLiteral("png")}});
        if (!r) {
            *why = r.error().message;
            return {};
        }
        QImage img;
        if (!img.load(file, "PNG")) {
            *why = QStringLiteral("failed to load '%1' as PNG").arg(file);
            return {};
        }
        return describe(img);
    }
};

}  // namespace

// Fails the test with the reason when `expr` (a QString) is not empty.
#define VERIFY_NO_ERROR(expr)                                 \
    do {                                                      \
        const QString why_ = (expr);                          \
        QVERIFY2(why_.isEmpty(), qPrintable(why_));           \
    } while (false)

class TestConsoleGuest : public QObject {
    Q_OBJECT
    std::unique_ptr<Guest> g;

private slots:
    void initTestCase()
    {
        const QString image = QStringLiteral(NETLOOM_CONSOLEGUEST_IMG);
        if (image.isEmpty())
            test::skipTest(QStringLiteral("consoleguest.img was not built (binutils missing at configure time)"));
        // A boot disk: whole sectors, the boot signature at 510.
        const QByteArray bytes = test::readFile(image);
        QCOMPARE(bytes.size(), kImageBytes);
        QCOMPARE(quint8(bytes.at(510)), quint8(0x55));
        QCOMPARE(quint8(bytes.at(511)), quint8(0xAA));

        const QString qemuBin = test::requireTool(QStringLiteral("qemu-system-x86_64"));
        g = std::make_unique<Guest>();
        QVERIFY(g->dir.isValid());
        const QString serialSock = g->path(QStringLiteral("serial"));
        const QString serialLog = g->path(QStringLiteral("serial.log"));
        g->qemu.setProcessChannelMode(QProcess::MergedChannels);
        g->qemu.setWorkingDirectory(g->dir.path());
        // QEMU dies with the test, even when CTest kills the test at its timeout.
        g->qemu.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
        QElapsedTimer boot;
        boot.start();
        g->qemu.start(qemuBin,
                      {QStringLiteral("-accel"), QStringLiteral("tcg"), QStringLiteral("-machine"), QStringLiteral("pc"),
                       QStringLiteral("-m"), QStringLiteral("32"), QStringLiteral("-nodefaults"),
                       QStringLiteral("-no-user-config"), QStringLiteral("-display"), QStringLiteral("none"),
                       QStringLiteral("-vnc"), QStringLiteral("none"), QStringLiteral("-device"), QStringLiteral("VGA"),
                       QStringLiteral("-drive"), QStringLiteral("file=%1,format=raw,if=ide,snapshot=on").arg(image),
                       QStringLiteral("-chardev"),
                       QStringLiteral("socket,id=serial0,path=%1,server=on,wait=off,logfile=%2,logappend=on")
                           .arg(serialSock, serialLog),
                       QStringLiteral("-serial"), QStringLiteral("chardev:serial0"), QStringLiteral("-qmp"),
                       QStringLiteral("unix:%1,server=on,wait=off").arg(g->path(QStringLiteral("qmp")))});
        QVERIFY2(g->qemu.waitForStarted(5000), qPrintable(g->qemu.errorString()));

        // Both lines come before any client is attached: only the log file keeps them.
        QByteArray log;
        while (!log.contains(kReadyLine) && boot.elapsed() < kBootTimeoutMs
               && g->qemu.state() == QProcess::Running) {
            QTest::qWait(10);
            log = test::readFile(serialLog);
        }
        g->readyMs = boot.elapsed();
        QVERIFY2(log.contains(kReadyLine), qPrintable(QStringLiteral("no ready line after %1 ms; log '%2'; qemu: %3")
                                                          .arg(g->readyMs)
                                                          .arg(QString::fromLatin1(log.toPercentEncoding()),
                                                               QString::fromLocal8Bit(g->qemu.readAll()))));
        QCOMPARE(log, kBootLine + kReadyLine);
        qInfo("guest ready %lld ms after QEMU started", g->readyMs);

        g->serial.connectToServer(serialSock);
        QVERIFY2(g->serial.waitForConnected(5000), qPrintable(g->serial.errorString()));
        g->qmp.connectToSocket(g->path(QStringLiteral("qmp")), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(g->qmp.state() == QmpClient::State::Ready, 7000);
    }

    // Every byte comes back as "serial:<char>" or "serial:XX"; nothing else is sent.
    void serialEcho()
    {
        VERIFY_NO_ERROR(g->serialExchange("x", {"serial:x"}));
        VERIFY_NO_ERROR(g->serialExchange("\r", {"serial:0D"}));
        VERIFY_NO_ERROR(g->serialExchange("\x80", {"serial:80"}));
        VERIFY_NO_ERROR(g->serialExchange("q~", {"serial:q", "serial:~"}));
        QCOMPARE(g->stray(), QByteArray());
    }

    // g, v, t from the serial line switch the mode; each screen is colourful and the size
    // the VNC client will see.
    void modesFromSerial()
    {
        QString why;
        VERIFY_NO_ERROR(g->serialExchange("g", {"serial:g", "mode:13"}));
        Screen s = g->screendump(&why);
        QVERIFY2(why.isEmpty(), qPrintable(why));
        QCOMPARE(s.size, QSize(640, 400));  // 320x200, doubled by QEMU's VGA
        QVERIFY2(s.nonBlack > 0.99, qPrintable(QString::number(s.nonBlack)));
        QVERIFY2(s.colours >= 20, qPrintable(QString::number(s.colours)));

        VERIFY_NO_ERROR(g->serialExchange("v", {"serial:v", "mode:12"}));
        s = g->screendump(&why);
        QVERIFY2(why.isEmpty(), qPrintable(why));
        QCOMPARE(s.size, QSize(640, 480));
        QVERIFY2(s.nonBlack > 0.99, qPrintable(QString::number(s.nonBlack)));
        QVERIFY2(s.colours >= 15, qPrintable(QString::number(s.colours)));

        VERIFY_NO_ERROR(g->serialExchange("t", {"serial:t", "mode:3"}));
        s = g->screendump(&why);
        QVERIFY2(why.isEmpty(), qPrintable(why));
        QCOMPARE(s.size, QSize(720, 400));
        QVERIFY2(s.nonBlack > 0.9, qPrintable(QString::number(s.nonBlack)));
        QVERIFY2(s.colours >= 8, qPrintable(QString::number(s.colours)));
        QCOMPARE(g->stray(), QByteArray());
    }

    // Keys pressed through QMP come out as "key:..." lines and switch modes too.
    void keyboard()
    {
        VERIFY_NO_ERROR(g->keyExchange({QStringLiteral("a")}, {"key:a"}));
        VERIFY_NO_ERROR(g->keyExchange({QStringLiteral("ret")}, {"key:<ENTER>"}));
        VERIFY_NO_ERROR(g->keyExchange({QStringLiteral("shift"), QStringLiteral("a")}, {"key:A"}));
        VERIFY_NO_ERROR(g->keyExchange({QStringLiteral("backspace")}, {"key:<BS>"}));
        VERIFY_NO_ERROR(g->keyExchange({QStringLiteral("esc")}, {"key:<ESC>"}));
        VERIFY_NO_ERROR(g->keyExchange({QStringLiteral("tab")}, {"key:<TAB>"}));
        VERIFY_NO_ERROR(g->keyExchange({QStringLiteral("ctrl"), QStringLiteral("c")}, {"key:<03>"}));
        VERIFY_NO_ERROR(g->keyExchange({QStringLiteral("f1")}, {"key:sc=3B"}));
        VERIFY_NO_ERROR(g->keyExchange({QStringLiteral("g")}, {"key:g", "mode:13"}));
        QString why;
        const Screen s = g->screendump(&why);
        QVERIFY2(why.isEmpty(), qPrintable(why));
        QCOMPARE(s.size, QSize(640, 400));
        VERIFY_NO_ERROR(g->keyExchange({QStringLiteral("t")}, {"key:t", "mode:3"}));
        QCOMPARE(g->stray(), QByteArray());
    }

    // Typed characters appear on the last text row (16 pixel rows of 400) and Enter clears it.
    void keyEchoOnScreen()
    {
        QString why;
        VERIFY_NO_ERROR(g->serialExchange("t", {"serial:t", "mode:3"}));
        const Screen before = g->screendump(&why);
        QVERIFY2(why.isEmpty(), qPrintable(why));
        VERIFY_NO_ERROR(g->keyExchange({QStringLiteral("h")}, {"key:h"}));
        VERIFY_NO_ERROR(g->keyExchange({QStringLiteral("i")}, {"key:i"}));
        const Screen typed = g->screendump(&why);
        QVERIFY2(why.isEmpty(), qPrintable(why));
        QVERIFY(sameRows(before.image, typed.image, 0, 384));
        QVERIFY(!sameRows(before.image, typed.image, 384, 400));
        VERIFY_NO_ERROR(g->keyExchange({QStringLiteral("ret")}, {"key:<ENTER>"}));
        const Screen cleared = g->screendump(&why);
        QVERIFY2(why.isEmpty(), qPrintable(why));
        QVERIFY(sameRows(before.image, cleared.image, 0, 400));
    }

    void cleanupTestCase()
    {
        if (!g)
            return;
        if (g->qmp.state() == QmpClient::State::Ready) {
            QVERIFY(call(g->qmp, QStringLiteral("quit")).isOk());
            // The event loop of call() may already have seen QEMU exit (then waitForFinished
            // would return false).
            QVERIFY(g->qemu.state() == QProcess::NotRunning || g->qemu.waitForFinished(kQuitTimeoutMs));
            QCOMPARE(g->qemu.exitStatus(), QProcess::NormalExit);
            QCOMPARE(g->qemu.exitCode(), 0);
        }
        g.reset();
    }
};

QTEST_GUILESS_MAIN(TestConsoleGuest)
#include "test_consoleguest.moc"
