// SPDX-License-Identifier: GPL-3.0-or-later
// netloomctl screenshot: saves the screen of a guest of a running topology as PNG (QMP
// screendump through the runtime's control socket).
#include "commands.h"

#include "controlquery.h"

#include <QFileInfo>
#include <QJsonObject>

namespace netloom::cli {

int runScreenshot(const QStringList &args)
{
    ControlCommand c;
    c.op = QStringLiteral("screenshot");
    c.what = QStringLiteral("Saves the screen of GUEST (its node id or name) as a PNG file");
    c.positionals = {QStringLiteral("node"), QStringLiteral("file")};
    c.positionalLabels = {QStringLiteral("GUEST"), QStringLiteral("FILE.png")};
    // QEMU writes the file: make the path independent of its working directory.
    c.positionalValue = [](const QString &key, const QString &value) {
        return key == QLatin1String("file") ? QFileInfo(value).absoluteFilePath() : value;
    };
    c.formatTable = [](const QJsonObject &r) {
        return QStringLiteral("saved the screen of '%1' to %2\n")
            .arg(r.value(QStringLiteral("node")).toString(), r.value(QStringLiteral("file")).toString());
    };
    return runControlQuery(c, args);
}

}  // namespace netloom::cli
