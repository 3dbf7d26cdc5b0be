// netloom: the Qt Widgets editor. Usage: netloom [--helper-socket PATH] [--tcg] [--start]
// [--screenshot-after SECONDS FILE] [FILE]
#include "helperprobe.h"
#include "helperstatuswidget.h"
#include "mainwindow.h"
#include "runcontroller.h"
#include "translations.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include <cstdio>

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
