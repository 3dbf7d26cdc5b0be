// SPDX-License-Identifier: GPL-3.0-or-later
// The POSIX shell-word tokenizer of the importer (issue #15).
//
// Design note. Importing means reading scripts people wrote for /bin/sh, so the words must
// be split exactly as sh splits them — but nothing may ever run. tokenizeShell() turns
// script text into a flat list of tokens: words (kept as parts, so that expansion can happen
// later against the variables assigned so far) and operators (; ;; & && | || ( ) newline and
// redirections). It understands '…', "…", backslash escapes, line continuations, comments,
// $VAR, ${VAR}, ${VAR:-default}, ${VAR:=default} and here-documents. $(…), `…` and $((…)) are recognised and
// bounded but never executed: such a part is marked so the caller reports the command as
// "not understood". Every token carries the line it starts on.
//
// Bounds: input of at most kMaxInputBytes (refused with LimitExceeded), no NUL bytes
// (refused: not a text script), at most kMaxTokens tokens, substitution nesting of at most
// kMaxNesting. The tokenizer is one linear pass. An unterminated quote or substitution does
// not fail the whole input: the tokens before it are returned together with a `problem`
// naming the line, so the commands before it can still be imported.
#pragma once

#include "base/result.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace netloom::importer {

namespace shlimits {
constexpr qsizetype kMaxInputBytes = 4 * 1024 * 1024;
constexpr qsizetype kMaxTokens = 4 * 1024 * 1024;
constexpr int kMaxNesting = 32;
}  // namespace shlimits

// One piece of a word. Literal text from quotes keeps `quoted` so that field splitting
// after expansion only applies to unquoted expansions.
struct WordPart {
    enum class Kind {
        Literal,      // text as written (quotes and escapes removed)
        Variable,     // $NAME / ${NAME}: text = NAME
        VariableDefault,  // ${NAME:-word}, ${NAME-word}, ${NAME:=word}: text = NAME, fallback = word
        Substitution, // $(…), `…`, $((…)) or an unsupported ${…} form: never executed
    };
    Kind kind = Kind::Literal;
    QString text;
    QString fallback;
    bool assign = false;    // VariableDefault of the ${NAME:=word} form: also assigns
    bool quoted = false;
    bool operator==(const WordPart &) const = default;
};

struct Token {
    enum class Kind { Word, Operator, Newline };
    Kind kind = Kind::Word;
    QList<WordPart> parts;  // Word
    QString op;             // Operator: ";", ";;", "&", "&&", "|", "||", "(", ")",
                            // "<", ">", ">>", ">|", "<>", "<&", ">&", "<<", "<<-"
                            // (a leading file descriptor number is part of op: "2>")
    QString raw;            // Word: the source text as written (for reports)
    QString heredoc;        // Operator "<<"/"<<-": the document's body
    int line = 1;           // 1-based line the token starts on
    bool operator==(const Token &) const = default;

    bool isWord() const { return kind == Kind::Word; }
    bool isOp(const char *o) const { return kind == Kind::Operator && op == QLatin1String(o); }
    // True when the word is a single unquoted literal equal to `w` (reserved words).
    bool isPlain(const char *w) const;
    // The word's text when it has no expansions and no quotes at all, else "".
    QString plainText() const;
};

struct TokenizeResult {
    QList<Token> tokens;
    QString problem;        // "" or why tokenizing stopped early (unterminated quote, ...)
    int problemLine = 0;
};

// Splits `text` into tokens (see the design note). Returns the tokens, or an Error:
// LimitExceeded (more than kMaxInputBytes bytes, or more than kMaxTokens tokens),
// InvalidArgument (NUL bytes: binary data, not a script). Pure.
Result<TokenizeResult> tokenizeShell(const QByteArray &text);

}  // namespace netloom::importer
