// netloom: the Qt Widgets editor. Usage: netloom [FILE]
#include "helperstatuswidget.h"
#include "mainwindow.h"
#include "translations.h"

#include <QApplication>
#include <QCommandLineParser>

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
    parser.process(app);

    netloom::gui::MainWindow window;
    window.show();
    const QStringList files = parser.positionalArguments();
    if (files.size() > 1) {
        window.log(QApplication::translate("main", "only one file can be opened; ignoring the others"));
    }
    if (files.isEmpty() || !window.openFile(files.first(), true))
        window.newDocument(true);
    window.helperStatus()->check();
    return app.exec();
}
