// SPDX-License-Identifier: GPL-3.0-or-later
#include "translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QTranslator>

namespace netloom::gui {

bool installTranslations(const QLocale &locale)
{
    static QTranslator *ours = nullptr;
    static QTranslator *qt = nullptr;
    for (QTranslator **t : {&ours, &qt}) {
        if (*t) {
            QCoreApplication::removeTranslator(*t);
            delete *t;
            *t = nullptr;
        }
    }
    auto *mine = new QTranslator(QCoreApplication::instance());
    // An installed translation (share/netloom/translations) wins over the embedded one, so
    // a distribution can update translations without rebuilding.
    const bool found =
        mine->load(locale, QStringLiteral("netloom"), QStringLiteral("_"), QStringLiteral(NETLOOM_TRANSLATIONSDIR))
        || mine->load(locale, QStringLiteral("netloom"), QStringLiteral("_"), QStringLiteral(":/i18n"));
    if (found) {
        QCoreApplication::installTranslator(mine);
        ours = mine;
    } else {
        delete mine;
    }
    auto *base = new QTranslator(QCoreApplication::instance());
    if (base->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                   QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
        QCoreApplication::installTranslator(base);
        qt = base;
    } else {
        delete base;
    }
    return found;
}

}  // namespace netloom::gui
