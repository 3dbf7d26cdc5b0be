// SPDX-License-Identifier: GPL-3.0-or-later
#include "shellhighlighter.h"

namespace netloom::gui {

ShellHighlighter::ShellHighlighter(QTextDocument *document) : QSyntaxHighlighter(document)
{
    QTextCharFormat keyword;
    keyword.setForeground(QColor(0x1a, 0x4f, 0xa0));
    keyword.setFontWeight(QFont::Bold);
    m_rules.append({QRegularExpression(QStringLiteral(
                        "\\b(if|then|else|elif|fi|case|esac|for|while|until|do|done|in|return|exit|set|local|"
                        "export|trap|shift|readonly)\\b")),
                    keyword});
    QTextCharFormat variable;
    variable.setForeground(QColor(0x8a, 0x2b, 0x8a));
    m_rules.append({QRegularExpression(QStringLiteral("\\$\\{?[A-Za-z_][A-Za-z0-9_]*\\}?|\\$[0-9@#?*]")), variable});
    QTextCharFormat function;
    function.setForeground(QColor(0x10, 0x70, 0x60));
    function.setFontWeight(QFont::Bold);
    m_rules.append({QRegularExpression(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*\\s*\\(\\)")), function});
    QTextCharFormat quoted;
    quoted.setForeground(QColor(0xa0, 0x50, 0x10));
    m_rules.append({QRegularExpression(QStringLiteral("'[^']*'|\"(?:[^\"\\\\]|\\\\.)*\"")), quoted});
    m_comment.setForeground(QColor(0x70, 0x78, 0x70));
    m_comment.setFontItalic(true);
}

void ShellHighlighter::highlightBlock(const QString &text)
{
    for (const Rule &rule : std::as_const(m_rules)) {
        auto it = rule.pattern.globalMatch(text);
        while (it.hasNext()) {
            const auto m = it.next();
            setFormat(int(m.capturedStart()), int(m.capturedLength()), rule.format);
        }
    }
    // A '#' that starts a word and is not inside quotes begins a comment.
    bool single = false, dbl = false;
    for (int i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (c == QLatin1Char('\'') && !dbl)
            single = !single;
        else if (c == QLatin1Char('"') && !single)
            dbl = !dbl;
        else if (c == QLatin1Char('#') && !single && !dbl && (i == 0 || text[i - 1].isSpace())) {
            setFormat(i, int(text.size()) - i, m_comment);
            break;
        }
    }
}

}  // namespace netloom::gui
