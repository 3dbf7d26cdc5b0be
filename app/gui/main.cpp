// SPDX-License-Identifier: GPL-3.0-or-later
// netloom: the Qt Widgets editor. Usage: netloom [--helper-socket PATH] [--tcg] [--start]
// [--console GUEST[:serial][:window]]... [--screenshot-after SECONDS:FILE [--screenshot-screen]]
// [FILE]
#include "consolearea.h"
#include "guestconsole.h"
#include "helperprobe.h"
#include "helperstatuswidget.h"
#include "mainwindow.h"
#include "runcontroller.h"
#include "translations.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QPixmap>
#include <QScreen>
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
    const QCommandLineOption console(QStringLiteral("console"),
                                     QApplication::translate("main", "Open GUEST's console as soon as it runs; GUEST:serial opens its "
                                                                     "serial console, :window in a window of its own. Repeatable."),
                                     QStringLiteral("GUEST[:serial][:window]"));
    const QCommandLineOption wholeScreen(QStringLiteral("screenshot-screen"),
                                         QApplication::translate("main", "With --screenshot-after: save the whole screen, detached "
                                                                         "console windows included."));
    parser.addOptions({helperSocket, tcg, start, shot, console, wholeScreen});
    // A bad command line is one line and exit code 2, as for netloomctl; process() then
    // handles --help, --help-all and --version.
    if (!parser.parse(QApplication::arguments())) {
        QString message = parser.errorText();  // "Missing value after '--x'."
        if (message.endsWith(u'.'))
            message.chop(1);
        if (const QStringList unknown = parser.unknownOptionNames(); !unknown.isEmpty())
            message = QStringLiteral("unknown option '%1%2'")
                          .arg(unknown.first().size() == 1 ? QStringLiteral("-") : QStringLiteral("--"), unknown.first());
        std::fprintf(stderr, "netloom: %s (see 'netloom --help')\n", qPrintable(message));
        return 2;
    }
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
    // --console: each guest's console opens once, the first time the guest runs.
    for (const QString &spec : parser.values(console)) {
        const QStringList parts = spec.split(u':');
        const QString guest = parts.value(0);
        const bool serial = parts.contains(QStringLiteral("serial"));
        const bool detached = parts.contains(QStringLiteral("window"));
        auto opened = std::make_shared<bool>(false);
        QObject::connect(window.runController(), &netloom::gui::RunController::nodeStateChanged, &window,
                         [&window, guest, serial, detached, opened](const QString &node, netloom::runtime::NodeState state, const QString &) {
                             if (*opened || node != guest || state != netloom::runtime::NodeState::Up)
                                 return;
                             *opened = true;
                             netloom::gui::GuestConsole *c = window.openConsole(guest, serial);
                             if (c && detached) {
                                 window.consoleArea()->detach(c);
                                 c->resize(760, 560);
                                 c->move(window.geometry().right() - 340, window.geometry().top() + 100);
                             }
                         });
    }
    if (parser.isSet(shot)) {
        const QString v = parser.value(shot);
        bool ok = false;
        const int secs = v.section(u':', 0, 0).toInt(&ok);
        const QString file = v.section(u':', 1);
        if (!ok || secs < 0 || secs > 3600 || file.isEmpty()) {
            std::fprintf(stderr, "netloom: failed to parse --screenshot-after '%s': expected SECONDS:FILE\n", qPrintable(v));
            return 2;
        }
        const bool screen = parser.isSet(wholeScreen);
        QTimer::singleShot(secs * 1000, &window, [&window, file, screen] {
            const QPixmap pixmap = screen && window.screen() ? window.screen()->grabWindow(0) : window.grab();
            if (!pixmap.save(file))
                std::fprintf(stderr, "netloom: failed to save screenshot '%s'\n", qPrintable(file));
        });
    }
    return app.exec();
}
