// SPDX-License-Identifier: GPL-3.0-or-later
#include "cliparser.h"

#include "commands.h"

#include <QCoreApplication>

#include <utility>

namespace netloom::cli {

namespace {

const QString kHelp = QStringLiteral("help");
const QString kVersion = QStringLiteral("version");

}  // namespace

QStringList commonOptionNames()
{
    return {QStringLiteral("-h"), QStringLiteral("--help"), QStringLiteral("--version")};
}

CliOption flagOption(const QStringList &names, const QString &description)
{
    CliOption o{QCommandLineOption(names, description), Complete::None, {}};
    return o;
}

CliOption valueOption(const QStringList &names, const QString &valueName, const QString &description, Complete complete,
                      const QStringList &words)
{
    CliOption o{QCommandLineOption(names, description, valueName), complete, words};
    return o;
}

CliOption helperSocketOption()
{
    return valueOption({QStringLiteral("helper-socket")}, QStringLiteral("PATH"),
                       QStringLiteral("The helper's socket (default /run/netloom/helper.sock)."), Complete::File);
}

CliPositional positionalArg(const QString &name, const QString &description, Complete complete, const QStringList &words)
{
    CliPositional p{name, description, complete, words};
    return p;
}

CliParser::CliParser(CliSpec spec) : m_spec(std::move(spec))
{
    m_parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsCompactedShortOptions);
    m_parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsOptions);
    m_parser.setApplicationDescription(m_spec.description);
    m_parser.addOption(QCommandLineOption({QStringLiteral("h"), kHelp}, QStringLiteral("Show this help and exit.")));
    m_parser.addOption(QCommandLineOption(kVersion, QStringLiteral("Show the version of netloomctl and exit.")));
    for (const CliOption &o : m_spec.options)
        m_parser.addOption(o.option);
    for (const CliPositional &p : m_spec.positionals)
        m_parser.addPositionalArgument(p.name, p.description, p.name);
}

std::optional<int> CliParser::parse(const QStringList &args)
{
    // QCommandLineParser skips the first word (the program).
    if (!m_parser.parse(QStringList{QStringLiteral("netloomctl")} + args)) {
        QString message;
        const QStringList unknown = m_parser.unknownOptionNames();
        if (!unknown.isEmpty()) {
            const QString &name = unknown.first();
            message = QStringLiteral("unknown option '%1%2'").arg(name.size() == 1 ? QStringLiteral("-") : QStringLiteral("--"), name);
        } else {
            // "Missing value after '--x'." / "Unexpected value after '--x'."
            message = m_parser.errorText();
            if (message.endsWith(u'.'))
                message.chop(1);
            if (!message.isEmpty())
                message[0] = message[0].toLower();
        }
        return usageError(QStringLiteral("%1 (see 'netloomctl %2 --help')").arg(message, m_spec.command));
    }
    if (m_parser.isSet(kHelp)) {
        printOut(helpText());
        return int(ExitOk);
    }
    if (m_parser.isSet(kVersion)) {
        printOut(QStringLiteral("netloomctl %1\n").arg(QCoreApplication::applicationVersion()));
        return int(ExitOk);
    }
    return std::nullopt;
}

int CliParser::usageError(const QString &message) const
{
    printError(m_spec.command, message);
    return ExitUsage;
}

QString CliParser::helpText() const
{
    // Qt's layout (options and arguments in aligned, wrapped columns) under our usage line.
    QString text = m_parser.helpText();
    const qsizetype firstLine = text.indexOf(u'\n');
    text = QStringLiteral("usage: netloomctl %1 %2\n\n").arg(m_spec.command, m_spec.synopsis) + (firstLine < 0 ? QString() : text.mid(firstLine + 1));
    if (!m_spec.footer.isEmpty())
        text += u'\n' + m_spec.footer + (m_spec.footer.endsWith(u'\n') ? QString() : QStringLiteral("\n"));
    return text;
}

}  // namespace netloom::cli
