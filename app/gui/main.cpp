// netloom: the Qt Widgets editor. Usage: netloom [--helper-socket PATH] [--tcg] [--start]
// [--screenshot-after SECONDS FILE] [FILE]
#include "helperprobe.h"
#include "helperstatuswidget.h"
#include "mainwindow.h"
#include "runcontroller.h"
#include "translations.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QSocketNotifier>
#include <QTimer>

#include <csignal>
#include <cstdio>
#include <memory>

#include <fcntl.h>
#include <unistd.h>

namespace {
int g_signalPipe[2] = {-1, -1};
void onSignal(int sig)
{
    const char c = char(sig);
    [[maybe_unused]] const ssize_t n = ::write(g_signalPipe[1], &c, 1);
}
}  // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("netloom"));
    QApplication::setOrganizationName(QStringLiteral("netloom"));
    QApplication::setApplicationDisplayName(QStringLiteral("Netloom"));
    QApplication::setApplicationVersion(QStringLiteral(NETLOOM_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("netloom"));
    netloom::gui::installTranslations(QLocale());

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Draw and export virtual networks of QEMU guests."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("file"), QApplication::translate("main", "Topology file to open."),
                                 QStringLiteral("[FILE]"));
    const QCommandLineOption helperSocket(QStringLiteral("helper-socket"),
                                          QApplication::translate("main", "The privileged helper's socket."),
                                          QStringLiteral("PATH"));
    const QCommandLineOption tcg(QStringLiteral("tcg"), QApplication::translate("main", "Never use KVM for guests."));
    const QCommandLineOption start(QStringLiteral("start"), QApplication::translate("main", "Start the topology once it is open."));
    const QCommandLineOption shot(QStringLiteral("screenshot-after"),
                                  QApplication::translate("main", "Save a PNG of the window to FILE after SECONDS (then keep running)."),
                                  QStringLiteral("SECONDS:FILE"));
    parser.addOptions({helperSocket, tcg, start, shot});
    parser.process(app);

    netloom::gui::MainWindow window;
    if (parser.isSet(helperSocket))
        window.helperStatus()->probe()->setSocketPath(parser.value(helperSocket));
    window.runController()->setForceTcg(parser.isSet(tcg));
    window.show();
    const QStringList files = parser.positionalArguments();
    if (files.size() > 1) {
        window.log(QApplication::translate("main", "only one file can be opened; ignoring the others"));
    }
    if (files.isEmpty() || !window.openFile(files.first(), true))
        window.newDocument(true);
    window.helperStatus()->check();
    // SIGTERM/SIGINT/SIGHUP (logout, Ctrl-C in a terminal): close the window as the user
    // would, which stops a running topology in order first. A second signal quits at once.
    std::unique_ptr<QSocketNotifier> notifier;
    if (::pipe2(g_signalPipe, O_CLOEXEC | O_NONBLOCK) == 0) {
        struct sigaction sa {};
        sa.sa_handler = onSignal;
        ::sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESTART;
        for (int sig : {SIGINT, SIGTERM, SIGHUP})
            ::sigaction(sig, &sa, nullptr);
        notifier = std::make_unique<QSocketNotifier>(g_signalPipe[0], QSocketNotifier::Read);
        int seen = 0;
        QObject::connect(notifier.get(), &QSocketNotifier::activated, &window, [&window, seen]() mutable {
            char c;
            while (::read(g_signalPipe[0], &c, 1) == 1)
                ++seen;
            if (seen > 1)
                QCoreApplication::exit(1);
            else
                window.close();
        });
    }
    if (parser.isSet(start))
        QTimer::singleShot(0, &window, [&window] { window.startRun(); });
    if (parser.isSet(shot)) {
        const QString v = parser.value(shot);
        bool ok = false;
        const int secs = v.section(u':', 0, 0).toInt(&ok);
        const QString file = v.section(u':', 1);
        if (!ok || secs < 0 || secs > 3600 || file.isEmpty()) {
            std::fprintf(stderr, "netloom: failed to parse --screenshot-after '%s': expected SECONDS:FILE\n", qPrintable(v));
            return 2;
        }
        QTimer::singleShot(secs * 1000, &window, [&window, file] {
            if (!window.grab().save(file))
                std::fprintf(stderr, "netloom: failed to save screenshot '%s'\n", qPrintable(file));
        });
    }
    return app.exec();
}
