// TODO(skeleton): replaced by the real command in this change series.
#include "commands.h"
namespace netloom::cli {
int runPlan(const QStringList &) { printError(QStringLiteral("plan"), QStringLiteral("not built yet")); return ExitFailure; }
}
