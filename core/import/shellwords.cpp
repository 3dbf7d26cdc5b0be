// SPDX-License-Identifier: GPL-3.0-or-later
#include "import/shellwords.h"

namespace netloom::importer {

bool Token::isPlain(const char *w) const
{
    return kind == Kind::Word && parts.size() == 1 && parts[0].kind == WordPart::Kind::Literal && !parts[0].quoted
           && parts[0].text == QLatin1String(w);
}

QString Token::plainText() const
{
    if (kind != Kind::Word || parts.size() != 1 || parts[0].kind != WordPart::Kind::Literal || parts[0].quoted)
        return {};
    return parts[0].text;
}

namespace {

bool isNameStart(QChar c) { return c.isLetter() || c == QLatin1Char('_'); }
bool isNameChar(QChar c) { return c.isLetterOrNumber() || c == QLatin1Char('_'); }
bool isOperatorChar(QChar c)
{
    return c == QLatin1Char(';') || c == QLatin1Char('&') || c == QLatin1Char('|') || c == QLatin1Char('(')
           || c == QLatin1Char(')') || c == QLatin1Char('<') || c == QLatin1Char('>');
}

class Lexer {
public:
    explicit Lexer(const QString &s) : m_s(s) {}

    Result<TokenizeResult> run();

private:
    QChar at(qsizetype i) const { return i < m_s.size() ? m_s[i] : QChar(); }
    void addLiteral(const QString &text, bool quoted);
    void addLiteral(QChar c, bool quoted) { addLiteral(QString(c), quoted); }
    void endWord();
    bool push(Token t);
    void fail(const QString &why, int line)
    {
        if (m_out.problem.isEmpty()) {
            m_out.problem = why;
            m_out.problemLine = line;
        }
    }
    // Reads an expansion starting at m_i (on '$'); appends a part. Returns false on an
    // unterminated construct (problem set).
    bool readDollar(bool quoted);
    // Scans a $( … ) / $(( … )) body starting after the opening parenthesis at `open`;
    // returns the index just past the matching ')' or -1.
    qsizetype matchParen(qsizetype from);
    bool readBackquote(bool quoted);
    bool readSingle();
    bool readDouble();
    void readOperator();
    void readHeredocs();

    const QString &m_s;
    qsizetype m_i = 0;
    int m_line = 1;
    TokenizeResult m_out;
    bool m_inWord = false;
    qsizetype m_wordStart = 0;
    int m_wordLine = 1;
    Token m_word;
    QList<qsizetype> m_pendingHeredocs;  // indexes of "<<" operators waiting for their body
    bool m_tooMany = false;
};

void Lexer::addLiteral(const QString &text, bool quoted)
{
    if (!m_inWord) {
        m_inWord = true;
        m_wordStart = m_i;
        m_wordLine = m_line;
        m_word = Token{};
        m_word.line = m_line;
    }
    if (!m_word.parts.isEmpty() && m_word.parts.last().kind == WordPart::Kind::Literal && m_word.parts.last().quoted == quoted)
        m_word.parts.last().text += text;
    else
        m_word.parts.append(WordPart{WordPart::Kind::Literal, text, {}, false, quoted});
}

void Lexer::endWord()
{
    if (!m_inWord)
        return;
    m_inWord = false;
    m_word.raw = m_s.mid(m_wordStart, m_i - m_wordStart);
    m_word.line = m_wordLine;
    push(std::move(m_word));
    m_word = Token{};
}

bool Lexer::push(Token t)
{
    if (m_out.tokens.size() >= shlimits::kMaxTokens) {
        m_tooMany = true;
        return false;
    }
    m_out.tokens.append(std::move(t));
    return true;
}

qsizetype Lexer::matchParen(qsizetype from)
{
    int depth = 1;
    qsizetype i = from;
    while (i < m_s.size()) {
        const QChar c = m_s[i];
        if (c == QLatin1Char('\\')) {
            i += 2;
            continue;
        }
        if (c == QLatin1Char('\'')) {
            const qsizetype e = m_s.indexOf(QLatin1Char('\''), i + 1);
            if (e < 0)
                return -1;
            i = e + 1;
            continue;
        }
        if (c == QLatin1Char('('))
            ++depth;
        else if (c == QLatin1Char(')') && --depth == 0)
            return i + 1;
        if (depth > shlimits::kMaxNesting)
            return -2;
        ++i;
    }
    return -1;
}

bool Lexer::readDollar(bool quoted)
{
    const qsizetype start = m_i;
    const int line = m_line;
    const QChar n = at(m_i + 1);
    auto appendPart = [&](WordPart p) {
        if (!m_inWord) {
            m_inWord = true;
            m_wordStart = start;
            m_wordLine = line;
            m_word = Token{};
        }
        m_word.parts.append(std::move(p));
    };
    if (n == QLatin1Char('(')) {
        const qsizetype end = matchParen(m_i + 2);
        if (end == -2) {
            fail(QStringLiteral("command substitution nested more than %1 levels deep").arg(shlimits::kMaxNesting), line);
            return false;
        }
        if (end < 0) {
            fail(QStringLiteral("unterminated $( … ) command substitution"), line);
            return false;
        }
        const QString body = m_s.mid(start, end - start);
        m_line += int(body.count(QLatin1Char('\n')));
        appendPart(WordPart{WordPart::Kind::Substitution, body, {}, false, quoted});
        m_i = end;
        return true;
    }
    if (n == QLatin1Char('{')) {
        const qsizetype close = m_s.indexOf(QLatin1Char('}'), m_i + 2);
        if (close < 0) {
            fail(QStringLiteral("unterminated ${ … } parameter expansion"), line);
            return false;
        }
        const QString inner = m_s.mid(m_i + 2, close - m_i - 2);
        m_line += int(inner.count(QLatin1Char('\n')));
        m_i = close + 1;
        qsizetype k = 0;
        if (!inner.isEmpty() && isNameStart(inner[0])) {
            while (k < inner.size() && isNameChar(inner[k]))
                ++k;
        } else {
            while (k < inner.size() && inner[k].isDigit())
                ++k;
        }
        const QString name = inner.left(k);
        const QString rest = inner.mid(k);
        if (!name.isEmpty() && rest.isEmpty()) {
            appendPart(WordPart{WordPart::Kind::Variable, name, {}, false, quoted});
        } else if (!name.isEmpty() && (rest.startsWith(QLatin1String(":-")) || rest.startsWith(QLatin1Char('-'))
                                       || rest.startsWith(QLatin1String(":=")) || rest.startsWith(QLatin1Char('=')))
                   && !rest.contains(QLatin1Char('$')) && !rest.contains(QLatin1Char('`')) && !rest.contains(QLatin1Char('\\'))) {
            // A fallback in one pair of quotes ('…' or "…") or none at all.
            QString fallback = rest.mid(rest.startsWith(QLatin1Char(':')) ? 2 : 1);
            const bool wrapped = fallback.size() >= 2 && (fallback.front() == QLatin1Char('\'') || fallback.front() == QLatin1Char('"'))
                                 && fallback.back() == fallback.front() && fallback.count(fallback.front()) == 2;
            if (wrapped)
                fallback = fallback.mid(1, fallback.size() - 2);
            if (!wrapped && (fallback.contains(QLatin1Char('\'')) || fallback.contains(QLatin1Char('"'))))
                appendPart(WordPart{WordPart::Kind::Substitution, m_s.mid(start, m_i - start), {}, false, quoted});
            else
                appendPart(WordPart{WordPart::Kind::VariableDefault, name, fallback, rest.contains(QLatin1Char('=')) && rest.indexOf(QLatin1Char('=')) <= 1, quoted});
        } else {
            appendPart(WordPart{WordPart::Kind::Substitution, m_s.mid(start, m_i - start), {}, false, quoted});
        }
        return true;
    }
    if (isNameStart(n)) {
        qsizetype k = m_i + 1;
        while (k < m_s.size() && isNameChar(m_s[k]))
            ++k;
        appendPart(WordPart{WordPart::Kind::Variable, m_s.mid(m_i + 1, k - m_i - 1), {}, false, quoted});
        m_i = k;
        return true;
    }
    if (n.isDigit() || n == QLatin1Char('@') || n == QLatin1Char('*') || n == QLatin1Char('#') || n == QLatin1Char('?')
        || n == QLatin1Char('-') || n == QLatin1Char('$') || n == QLatin1Char('!')) {
        appendPart(WordPart{WordPart::Kind::Variable, QString(n), {}, false, quoted});
        m_i += 2;
        return true;
    }
    addLiteral(QLatin1Char('$'), quoted);
    ++m_i;
    return true;
}

bool Lexer::readBackquote(bool quoted)
{
    const qsizetype start = m_i;
    const int line = m_line;
    qsizetype i = m_i + 1;
    while (i < m_s.size() && m_s[i] != QLatin1Char('`'))
        i += m_s[i] == QLatin1Char('\\') ? 2 : 1;
    if (i >= m_s.size()) {
        fail(QStringLiteral("unterminated ` … ` command substitution"), line);
        return false;
    }
    const QString body = m_s.mid(start, i + 1 - start);
    m_line += int(body.count(QLatin1Char('\n')));
    if (!m_inWord) {
        m_inWord = true;
        m_wordStart = start;
        m_wordLine = line;
        m_word = Token{};
    }
    m_word.parts.append(WordPart{WordPart::Kind::Substitution, body, {}, false, quoted});
    m_i = i + 1;
    return true;
}

bool Lexer::readSingle()
{
    const qsizetype close = m_s.indexOf(QLatin1Char('\''), m_i + 1);
    if (close < 0) {
        fail(QStringLiteral("unterminated single quote (')"), m_line);
        return false;
    }
    const QString body = m_s.mid(m_i + 1, close - m_i - 1);
    addLiteral(body, true);
    m_line += int(body.count(QLatin1Char('\n')));
    m_i = close + 1;
    return true;
}

bool Lexer::readDouble()
{
    const int line = m_line;
    const qsizetype open = m_i;
    const bool wasInWord = m_inWord;
    ++m_i;
    while (m_i < m_s.size()) {
        const QChar c = m_s[m_i];
        if (c == QLatin1Char('"')) {
            if (!m_inWord)  // "" is an (empty) word
                addLiteral(QString(), true);
            if (!wasInWord) {
                m_wordStart = open;
                m_wordLine = line;
            }
            ++m_i;
            return true;
        }
        if (c == QLatin1Char('\\')) {
            const QChar n = at(m_i + 1);
            if (n == QLatin1Char('\n')) {
                ++m_line;
                m_i += 2;
            } else if (n == QLatin1Char('$') || n == QLatin1Char('`') || n == QLatin1Char('"') || n == QLatin1Char('\\')) {
                addLiteral(n, true);
                m_i += 2;
            } else {
                addLiteral(c, true);
                ++m_i;
            }
            continue;
        }
        if (c == QLatin1Char('$')) {
            if (!readDollar(true))
                return false;
            continue;
        }
        if (c == QLatin1Char('`')) {
            if (!readBackquote(true))
                return false;
            continue;
        }
        if (c == QLatin1Char('\n'))
            ++m_line;
        addLiteral(c, true);
        ++m_i;
    }
    fail(QStringLiteral("unterminated double quote (\")"), line);
    return false;
}

void Lexer::readOperator()
{
    static const char *const ops[] = {";;", "&&", "||", "<<-", "<<", ">>", ">|", "<>", "<&", ">&",
                                      ";", "&", "|", "(", ")", "<", ">"};
    Token t;
    t.kind = Token::Kind::Operator;
    t.line = m_line;
    // A word of digits right before a redirection is its file descriptor ("2>").
    QString fd;
    if (m_inWord && (m_s[m_i] == QLatin1Char('<') || m_s[m_i] == QLatin1Char('>')) && m_word.parts.size() == 1
        && m_word.parts[0].kind == WordPart::Kind::Literal && !m_word.parts[0].quoted
        && m_word.parts[0].text.size() <= 2 && m_s.mid(m_wordStart, m_i - m_wordStart) == m_word.parts[0].text) {
        bool digits = true;
        for (QChar c : m_word.parts[0].text)
            digits = digits && c.isDigit();
        if (digits) {
            fd = m_word.parts[0].text;
            m_inWord = false;
            m_word = Token{};
        }
    }
    endWord();
    for (const char *op : ops) {
        const QLatin1String o(op);
        if (QStringView(m_s).mid(m_i).startsWith(o)) {
            t.op = fd + o;
            m_i += o.size();
            break;
        }
    }
    if (t.op.endsWith(QLatin1String("<<")) || t.op.endsWith(QLatin1String("<<-")))
        m_pendingHeredocs.append(m_out.tokens.size());
    push(std::move(t));
}

void Lexer::readHeredocs()
{
    // m_i is just past a newline. Each pending "<<" gets the lines up to its delimiter.
    for (qsizetype opIndex : m_pendingHeredocs) {
        if (opIndex + 1 >= m_out.tokens.size() || !m_out.tokens[opIndex + 1].isWord())
            continue;
        QString delim;
        for (const WordPart &p : m_out.tokens[opIndex + 1].parts)
            delim += p.kind == WordPart::Kind::Literal ? p.text : p.text;
        const bool stripTabs = m_out.tokens[opIndex].op.endsWith(QLatin1String("<<-"));
        QString body;
        while (m_i < m_s.size()) {
            qsizetype e = m_s.indexOf(QLatin1Char('\n'), m_i);
            if (e < 0)
                e = m_s.size();
            QString line = m_s.mid(m_i, e - m_i);
            m_i = qMin(e + 1, m_s.size());
            ++m_line;
            if (stripTabs)
                while (line.startsWith(QLatin1Char('\t')))
                    line.remove(0, 1);
            if (line == delim)
                break;
            body += line + QLatin1Char('\n');
        }
        m_out.tokens[opIndex].heredoc = body;
    }
    m_pendingHeredocs.clear();
}

Result<TokenizeResult> Lexer::run()
{
    while (m_i < m_s.size() && m_out.problem.isEmpty() && !m_tooMany) {
        const QChar c = m_s[m_i];
        if (c == QLatin1Char(' ') || c == QLatin1Char('\t') || c == QLatin1Char('\r')) {
            endWord();
            ++m_i;
        } else if (c == QLatin1Char('\n')) {
            endWord();
            Token t;
            t.kind = Token::Kind::Newline;
            t.line = m_line;
            push(std::move(t));
            ++m_i;
            ++m_line;
            if (!m_pendingHeredocs.isEmpty())
                readHeredocs();
        } else if (c == QLatin1Char('#') && !m_inWord) {
            while (m_i < m_s.size() && m_s[m_i] != QLatin1Char('\n'))
                ++m_i;
        } else if (c == QLatin1Char('\\')) {
            const QChar n = at(m_i + 1);
            if (n == QLatin1Char('\n')) {
                m_i += 2;
                ++m_line;
            } else if (n.isNull()) {
                addLiteral(c, false);
                ++m_i;
            } else {
                addLiteral(n, true);
                m_i += 2;
            }
        } else if (c == QLatin1Char('\'')) {
            readSingle();
        } else if (c == QLatin1Char('"')) {
            readDouble();
        } else if (c == QLatin1Char('$')) {
            readDollar(false);
        } else if (c == QLatin1Char('`')) {
            readBackquote(false);
        } else if (isOperatorChar(c)) {
            readOperator();
        } else {
            addLiteral(c, false);
            ++m_i;
        }
    }
    if (m_tooMany)
        return Error::failed(ErrorCode::LimitExceeded, QStringLiteral("parse"), QStringLiteral("script"),
                             QStringLiteral("more than %1 words and operators").arg(shlimits::kMaxTokens));
    if (m_out.problem.isEmpty()) {
        endWord();
    } else {
        // The command the problem is in is dropped as a whole, with the rest of the input.
        m_inWord = false;
        while (!m_out.tokens.isEmpty() && m_out.tokens.last().kind != Token::Kind::Newline)
            m_out.tokens.removeLast();
    }
    return std::move(m_out);
}

}  // namespace

Result<TokenizeResult> tokenizeShell(const QByteArray &text)
{
    if (text.size() > shlimits::kMaxInputBytes)
        return Error::failed(ErrorCode::LimitExceeded, QStringLiteral("read"), QStringLiteral("script"),
                             QStringLiteral("%1 bytes is more than the %2 MiB an imported script may have")
                                 .arg(text.size()).arg(shlimits::kMaxInputBytes / (1024 * 1024)));
    if (text.contains('\0'))
        return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("read"), QStringLiteral("script"),
                             QStringLiteral("it contains NUL bytes: binary data, not a shell script or configuration file"));
    const QString s = QString::fromUtf8(text);
    Lexer lexer(s);
    return lexer.run();
}

}  // namespace netloom::importer
