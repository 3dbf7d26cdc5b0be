// TODO(skeleton): replaced by the real command in this change series.
#include "commands.h"
namespace netloom::cli {
int runExport(const QStringList &) { printError(QStringLiteral("export"), QStringLiteral("not built yet")); return ExitFailure; }
}
