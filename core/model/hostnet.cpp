// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/hostnet.h"

namespace netloom::model {

HostNetReader::~HostNetReader() = default;

QString describeRoute(const HostRoute &r)
{
    QString kind = QStringLiteral("route");
    if (!r.type.isEmpty() && r.type != QLatin1String("unicast"))
        kind = r.type + QStringLiteral(" route");
    QString text = QStringLiteral("%1 %2").arg(kind, r.dst.networkString());
    if (!r.ifname.isEmpty())
        text += QStringLiteral(" on interface '%1'").arg(r.ifname);
    if (r.table != 254 && r.table != 255)
        text += QStringLiteral(" (table %1)").arg(r.table);
    return text;
}

}  // namespace netloom::model
