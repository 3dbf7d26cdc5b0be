// TODO(skeleton): replaced by the real command in this change series.
#include "commands.h"
namespace netloom::cli {
int runValidate(const QStringList &) { printError(QStringLiteral("validate"), QStringLiteral("not built yet")); return ExitFailure; }
}
