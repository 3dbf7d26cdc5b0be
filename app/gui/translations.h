// SPDX-License-Identifier: GPL-3.0-or-later
// Loading the UI translation that matches a locale.
#pragma once

#include <QLocale>

namespace netloom::gui {

// Installs Netloom's translation for `locale` (netloom_<lang>.qm from the installed
// translations directory, else the embedded :/i18n copy) and Qt's
// own (from the Qt translations directory) into the application, replacing any installed
// earlier by this function. Returns true if Netloom's translation was found. English needs
// none and returns false. Touches: QCoreApplication's translator list.
bool installTranslations(const QLocale &locale);

}  // namespace netloom::gui
