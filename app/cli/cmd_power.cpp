// SPDX-License-Identifier: GPL-3.0-or-later
// netloomctl power: pause, resume, reset, power down (ACPI, then the stop ladder) or force off
// a guest of a running topology.
#include "commands.h"

#include "controlquery.h"
#include "runtime/runtime.h"

#include <QJsonObject>

namespace netloom::cli {

int runPower(const QStringList &args)
{
    ControlCommand c;
    c.op = QStringLiteral("power");
    c.what = QStringLiteral("Acts on the power of GUEST (its node id or name). ACTION: pause (stop its\n"
                            "CPUs), resume, reset (hard reset), powerdown (ACPI power button, then QMP\n"
                            "quit, SIGTERM, SIGKILL after their timeouts), force-off (kill QEMU now)");
    c.positionals = {QStringLiteral("node"), QStringLiteral("action")};
    c.positionalLabels = {QStringLiteral("GUEST"), QStringLiteral("ACTION")};
    c.check = [](const QJsonObject &r) {
        return runtime::powerActionFromName(r.value(QStringLiteral("action")).toString())
                   ? QString()
                   : QStringLiteral("ACTION must be pause, resume, reset, powerdown or force-off, not '%1'")
                         .arg(r.value(QStringLiteral("action")).toString());
    };
    c.formatTable = [](const QJsonObject &r) {
        return QStringLiteral("%1: %2 requested\n").arg(r.value(QStringLiteral("node")).toString(), r.value(QStringLiteral("action")).toString());
    };
    return runControlQuery(c, args);
}

}  // namespace netloom::cli
