// SPDX-License-Identifier: GPL-3.0-or-later
// Syntax highlighting for exported POSIX sh scripts: comments, quoted strings, $variables
// and shell keywords. Purely cosmetic; works line by line (single quotes do not span lines
// in the exporter's output, except inside here-documents, which stay unhighlighted).
#pragma once

#include <QRegularExpression>
#include <QSyntaxHighlighter>

namespace netloom::gui {

class ShellHighlighter : public QSyntaxHighlighter {
    Q_OBJECT
public:
    explicit ShellHighlighter(QTextDocument *document);

protected:
    void highlightBlock(const QString &text) override;

private:
    struct Rule {
        QRegularExpression pattern;
        QTextCharFormat format;
    };
    QList<Rule> m_rules;
    QTextCharFormat m_comment;
};

}  // namespace netloom::gui
