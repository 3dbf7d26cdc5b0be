// SPDX-License-Identifier: GPL-3.0-or-later
#include "import/shellscript.h"

#include <QHash>
#include <QRegularExpression>
#include <QSet>

namespace netloom::importer {

namespace {

struct Var {
    QString value;
    QString taint;  // "" or why the value is unknown (it came from a substitution)
};

struct Func {
    QString name;
    qsizetype begin = 0;
    qsizetype end = 0;
    bool called = false;
};

struct Ctx {
    bool active = true;
    QString why;    // Skipped reason (inactive) or a note (active)
};

// sh pattern matching for case: * ? and [...] (ranges and ! negation), backslash escapes.
bool globMatch(QStringView pat, QStringView s, int budget = 100000)
{
    qsizetype p = 0, i = 0, starP = -1, starI = 0;
    while (i < s.size()) {
        if (--budget < 0)
            return false;
        if (p < pat.size() && pat[p] == QLatin1Char('*')) {
            starP = p++;
            starI = i;
            continue;
        }
        bool ok = false;
        qsizetype next = p + 1;
        if (p < pat.size()) {
            const QChar c = pat[p];
            if (c == QLatin1Char('?')) {
                ok = true;
            } else if (c == QLatin1Char('[')) {
                qsizetype k = p + 1;
                bool neg = k < pat.size() && (pat[k] == QLatin1Char('!') || pat[k] == QLatin1Char('^'));
                if (neg)
                    ++k;
                bool hit = false;
                const qsizetype first = k;
                while (k < pat.size() && (pat[k] != QLatin1Char(']') || k == first)) {
                    if (k + 2 < pat.size() && pat[k + 1] == QLatin1Char('-') && pat[k + 2] != QLatin1Char(']')) {
                        hit = hit || (s[i] >= pat[k] && s[i] <= pat[k + 2]);
                        k += 3;
                    } else {
                        hit = hit || s[i] == pat[k];
                        ++k;
                    }
                }
                if (k < pat.size()) {
                    ok = hit != neg;
                    next = k + 1;
                } else {
                    ok = s[i] == c;  // no closing bracket: a literal '['
                }
            } else if (c == QLatin1Char('\\') && p + 1 < pat.size()) {
                ok = s[i] == pat[p + 1];
                next = p + 2;
            } else {
                ok = s[i] == c;
            }
        }
        if (ok) {
            p = next;
            ++i;
        } else if (starP >= 0) {
            p = starP + 1;
            i = ++starI;
        } else {
            return false;
        }
    }
    while (p < pat.size() && pat[p] == QLatin1Char('*'))
        ++p;
    return p == pat.size();
}

bool isSeparator(const Token &t)
{
    if (t.kind == Token::Kind::Newline)
        return true;
    return t.kind == Token::Kind::Operator
           && (t.op == QLatin1String(";") || t.op == QLatin1String("&") || t.op == QLatin1String("&&")
               || t.op == QLatin1String("||") || t.op == QLatin1String("|"));
}

bool isRedirect(const Token &t)
{
    return t.kind == Token::Kind::Operator && (t.op.contains(QLatin1Char('<')) || t.op.contains(QLatin1Char('>')));
}

bool isName(const QString &s)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
    return re.match(s).hasMatch();
}

// Length of "NAME=" at the start of an assignment word, or 0.
qsizetype assignmentPrefix(const Token &t)
{
    if (!t.isWord() || t.parts.isEmpty() || t.parts[0].kind != WordPart::Kind::Literal || t.parts[0].quoted)
        return 0;
    const QString &s = t.parts[0].text;
    const qsizetype eq = s.indexOf(QLatin1Char('='));
    return eq > 0 && isName(s.left(eq)) ? eq + 1 : 0;
}

class Walker {
public:
    Walker(const TokenizeResult &tr, const WalkOptions &o) : m_t(tr.tokens), m_opt(o), m_end(tr.tokens.size()) {}

    void run()
    {
        parseList(Ctx{}, {}, false);
        for (Func &f : m_funcOrder) {
            if (m_funcs.value(f.name).called)
                continue;
            m_pos = f.begin;
            m_end = f.end;
            parseList(Ctx{false, QStringLiteral("in function '%1', which the start path never calls").arg(f.name)}, {}, false);
        }
    }

    QList<ShellCommand> out;

private:
    bool atEnd() const { return m_pos >= m_end; }
    const Token &cur() const { return m_t[m_pos]; }
    bool curIsWord(const char *w) const { return !atEnd() && cur().isPlain(w); }
    void skipNewlines()
    {
        while (!atEnd() && (cur().kind == Token::Kind::Newline || cur().isOp(";")))
            ++m_pos;
    }

    void notUnderstood(int line, const QString &text, const QString &why)
    {
        if (!m_emit)
            return;
        ShellCommand c;
        c.line = line;
        c.text = text;
        c.state = ShellCommand::State::NotUnderstood;
        c.why = why;
        out.append(c);
    }

    // Reports a line of the script's structure (case, function definition, loop).
    void structure(int line, const QString &text, const Ctx &ctx, const QString &what, bool followed)
    {
        if (!m_emit)
            return;
        ShellCommand c;
        c.line = line;
        c.text = text;
        c.structural = true;
        c.state = ctx.active && followed ? ShellCommand::State::Active : ShellCommand::State::Skipped;
        c.why = ctx.active ? what : ctx.why;
        out.append(c);
    }

    // Skips to the end of the current line (error recovery).
    void skipLine()
    {
        while (!atEnd() && cur().kind != Token::Kind::Newline)
            ++m_pos;
    }

    void parseList(const Ctx &ctx, const QSet<QString> &stops, bool parenStops);
    void parseCommand(const Ctx &ctx);
    void parseSimple(const Ctx &ctx);
    void parseCase(const Ctx &ctx);
    void parseIf(const Ctx &ctx);
    void parseLoop(const Ctx &ctx);
    void parseFunction(const Ctx &ctx, const QString &name);
    void skipTrailingRedirects()
    {
        while (!atEnd() && isRedirect(cur())) {
            ++m_pos;
            if (!atEnd() && cur().isWord())
                ++m_pos;
        }
    }
    bool expect(const char *word, int line)
    {
        skipNewlines();
        if (curIsWord(word)) {
            ++m_pos;
            return true;
        }
        notUnderstood(line, QString(), QStringLiteral("expected '%1' to close the construct opened here").arg(QLatin1String(word)));
        return false;
    }

    // Expands one word. split: field splitting of unquoted expansions (not for assignments).
    // Appends to `fields`; sets *problem when the value cannot be known; adds notes.
    void expand(const Token &t, bool split, QStringList *fields, QString *problem, QStringList *notes);
    QString subjectOf(const Token &t);
    static bool isPositional(const QString &n)
    {
        return !n.isEmpty() && (n.front().isDigit() || n == QLatin1String("@") || n == QLatin1String("*") || n == QLatin1String("#")
                                || n == QLatin1String("?") || n == QLatin1String("$") || n == QLatin1String("!") || n == QLatin1String("-"));
    }
    // The value of a positional/special parameter inside a function call; *set = false
    // outside functions (the script's own arguments are not known) or beyond the arguments.
    QString positional(const QString &n, bool *set) const
    {
        *set = false;
        if (m_args.isEmpty())
            return {};
        const QStringList &a = m_args.last();
        if (n == QLatin1String("@") || n == QLatin1String("*")) {
            *set = true;
            return a.join(QLatin1Char(' '));
        }
        if (n == QLatin1String("#")) {
            *set = true;
            return QString::number(a.size());
        }
        bool ok = false;
        const int k = n.toInt(&ok);
        if (ok && k >= 1 && k <= a.size()) {
            *set = true;
            return a[k - 1];
        }
        *set = ok && k >= 1;  // a missing argument is empty
        return {};
    }

    const QList<Token> &m_t;
    WalkOptions m_opt;
    qsizetype m_pos = 0;
    qsizetype m_end;
    bool m_emit = true;
    int m_depth = 0;
    int m_callDepth = 0;
    int m_calls = 0;
    qsizetype m_viaCalls = 0;      // simple commands walked inside function calls
    bool m_callLimitReported = false;
    qsizetype m_expanded = 0;
    QHash<QString, Var> m_vars;
    QHash<QString, Func> m_funcs;
    QList<Func> m_funcOrder;
    QList<QStringList> m_args;     // positional parameters of the function calls being walked
    bool m_afterOr = false;        // the command being parsed follows "||"
    bool m_activeNow = false;      // the simple command being expanded would run
    QSet<QString> m_orCalled;      // functions already walked after "||"
};

void Walker::expand(const Token &t, bool split, QStringList *fields, QString *problem, QStringList *notes)
{
    if (m_expanded > shlimits::kMaxExpandedChars) {
        if (problem->isEmpty())
            *problem = QStringLiteral("the script expands to more than %1 characters in all").arg(shlimits::kMaxExpandedChars);
        return;
    }
    QString field;
    bool started = false;
    auto addText = [&](const QString &s, bool quoted) {
        m_expanded += s.size();
        if (quoted || !split) {
            field += s;
            started = started || quoted || !s.isEmpty();
            return;
        }
        static const QRegularExpression blanks(QStringLiteral("[ \t\n]+"));
        const QStringList pieces = s.split(blanks);
        for (qsizetype k = 0; k < pieces.size(); ++k) {
            if (k > 0 && started) {
                fields->append(field);
                field.clear();
                started = false;
            }
            if (!pieces[k].isEmpty()) {
                field += pieces[k];
                started = true;
            }
        }
    };
    for (const WordPart &p : t.parts) {
        switch (p.kind) {
        case WordPart::Kind::Literal:
            m_expanded += p.text.size();
            field += p.text;
            started = true;
            break;
        case WordPart::Kind::Variable:
        case WordPart::Kind::VariableDefault: {
            if (isPositional(p.text)) {
                bool set = false;
                const QString v = positional(p.text, &set);
                if (set && !(p.kind == WordPart::Kind::VariableDefault && v.isEmpty())) {
                    addText(v, p.quoted && p.text != QLatin1String("@"));
                    break;
                }
                if (p.kind == WordPart::Kind::VariableDefault) {
                    addText(p.fallback, p.quoted);
                    break;
                }
                if (!p.text.front().isDigit() || p.text == QLatin1String("0")) {
                    if (p.text == QLatin1String("#"))
                        addText(QStringLiteral("0"), p.quoted);
                    else if (p.text != QLatin1String("@") && p.text != QLatin1String("*"))
                        started = true;  // $?, $$, $!, $-: an (unknown) value, kept as nothing
                    break;
                }
            }
            auto it = m_vars.constFind(p.text);
            if (it != m_vars.constEnd() && !(p.kind == WordPart::Kind::VariableDefault && it->value.isEmpty())) {
                if (!it->taint.isEmpty() && problem->isEmpty())
                    *problem = QStringLiteral("$%1 %2").arg(p.text, it->taint);
                addText(it->value, p.quoted);
            } else if (p.kind == WordPart::Kind::VariableDefault) {
                if (p.assign && m_activeNow)
                    m_vars[p.text] = Var{p.fallback.left(shlimits::kMaxValueChars), QString()};
                addText(p.fallback, p.quoted);
            } else {
                const QString asWritten = QStringLiteral("${%1}").arg(p.text);
                notes->append(QStringLiteral("$%1 is not set by the script; kept as written").arg(p.text));
                field += asWritten;
                started = true;
            }
            break;
        }
        case WordPart::Kind::Substitution:
            if (problem->isEmpty())
                *problem = QStringLiteral("%1 is a command substitution or expansion that Netloom does not run")
                               .arg(p.text.size() > 60 ? p.text.left(60) + QStringLiteral("…") : p.text);
            field += p.text;
            started = true;
            break;
        }
        if (m_expanded > shlimits::kMaxExpandedChars)
            break;
    }
    if (started)
        fields->append(field);
}

// The value a case subject stands for: $1, $*, $@ and unset variables are the case value.
QString Walker::subjectOf(const Token &t)
{
    if (t.parts.size() == 1 && (t.parts[0].kind == WordPart::Kind::Variable || t.parts[0].kind == WordPart::Kind::VariableDefault)) {
        const QString &n = t.parts[0].text;
        if (isPositional(n)) {
            bool set = false;
            const QString v = positional(n, &set);
            if (!set || v.isEmpty())
                return m_opt.caseValue;
        } else if (!m_vars.contains(n) || !m_vars.value(n).taint.isEmpty()) {
            return m_opt.caseValue;
        }
    }
    QStringList f;
    QString problem;
    QStringList notes;
    expand(t, false, &f, &problem, &notes);
    if (!problem.isEmpty())
        return m_opt.caseValue;
    return f.join(QLatin1Char(' '));
}

void Walker::parseList(const Ctx &ctx, const QSet<QString> &stops, bool parenStops)
{
    while (true) {
        bool afterOr = false;
        while (!atEnd() && isSeparator(cur())) {
            afterOr = cur().isOp("||");
            ++m_pos;
        }
        if (atEnd())
            return;
        const Token &t = cur();
        if (t.isOp(";;"))
            return;
        if (t.isOp(")")) {
            if (parenStops)
                return;
            notUnderstood(t.line, QStringLiteral(")"), QStringLiteral("unexpected ')'"));
            ++m_pos;
            continue;
        }
        if (t.isWord()) {
            const QString w = t.plainText();
            if (stops.contains(w))
                return;
            static const QSet<QString> closers{QStringLiteral("then"), QStringLiteral("elif"), QStringLiteral("else"),
                                               QStringLiteral("fi"), QStringLiteral("do"), QStringLiteral("done"),
                                               QStringLiteral("esac"), QStringLiteral("}"), QStringLiteral("in")};
            if (closers.contains(w) && w != QLatin1String("in")) {
                notUnderstood(t.line, w, QStringLiteral("unexpected '%1'").arg(w));
                ++m_pos;
                continue;
            }
        }
        const qsizetype before = m_pos;
        m_afterOr = afterOr;
        parseCommand(ctx);
        m_afterOr = false;
        if (m_pos == before)
            ++m_pos;  // always make progress
    }
}

void Walker::parseCommand(const Ctx &ctx)
{
    const Token &t = cur();
    if (m_depth >= shlimits::kMaxDepth) {
        notUnderstood(t.line, QString(), QStringLiteral("constructs nested more than %1 levels deep; the rest is not read").arg(shlimits::kMaxDepth));
        m_pos = m_end;
        return;
    }
    ++m_depth;
    if (t.isOp("(")) {
        ++m_pos;
        parseList(ctx, {}, true);
        if (!atEnd() && cur().isOp(")"))
            ++m_pos;
        skipTrailingRedirects();
    } else if (t.isPlain("case")) {
        parseCase(ctx);
    } else if (t.isPlain("if")) {
        parseIf(ctx);
    } else if (t.isPlain("while") || t.isPlain("until") || t.isPlain("for")) {
        parseLoop(ctx);
    } else if (t.isPlain("{")) {
        const int line = t.line;
        ++m_pos;
        parseList(ctx, {QStringLiteral("}")}, false);
        expect("}", line);
        skipTrailingRedirects();
    } else if (t.isPlain("function") && m_pos + 1 < m_end && isName(m_t[m_pos + 1].plainText())) {
        const QString name = m_t[m_pos + 1].plainText();
        m_pos += 2;
        if (m_pos + 1 < m_end && cur().isOp("(") && m_t[m_pos + 1].isOp(")"))
            m_pos += 2;
        parseFunction(ctx, name);
    } else if (t.isWord() && isName(t.plainText()) && m_pos + 2 < m_end && m_t[m_pos + 1].isOp("(") && m_t[m_pos + 2].isOp(")")) {
        const QString name = t.plainText();
        m_pos += 3;
        parseFunction(ctx, name);
    } else {
        parseSimple(ctx);
    }
    --m_depth;
}

void Walker::parseFunction(const Ctx &ctx, const QString &name)
{
    structure(m_pos > 0 ? m_t[m_pos - 1].line : 1, name + QStringLiteral("()"), ctx,
              QStringLiteral("defines the function '%1' (its commands are listed where it is called)").arg(name), true);
    skipNewlines();
    const qsizetype begin = m_pos;
    const bool wasEmitting = m_emit;
    m_emit = false;  // syntax only: the body is walked where the function is called
    if (!atEnd())
        parseCommand(Ctx{false, QString()});
    m_emit = wasEmitting;
    if (m_emit && ctx.active && !m_funcs.contains(name)) {
        Func f{name, begin, m_pos, false};
        m_funcs.insert(name, f);
        m_funcOrder.append(f);
    } else if (m_emit && !ctx.active) {
        // A definition on a path that does not run: its body is reported as skipped.
        const qsizetype after = m_pos;
        const qsizetype end = m_end;
        m_pos = begin;
        m_end = after;
        parseList(Ctx{false, ctx.why}, {}, false);
        m_pos = after;
        m_end = end;
    }
}

void Walker::parseCase(const Ctx &ctx)
{
    const int line = cur().line;
    ++m_pos;
    if (atEnd() || !cur().isWord()) {
        notUnderstood(line, QStringLiteral("case"), QStringLiteral("a case without a subject"));
        skipLine();
        return;
    }
    const QString subject = subjectOf(cur());
    structure(line, QStringLiteral("case %1 in").arg(cur().raw), ctx,
              QStringLiteral("rc-style case: only the first branch matching '%1' is followed").arg(subject), true);
    ++m_pos;
    if (!expect("in", line))
        return;
    bool matched = false;
    while (true) {
        skipNewlines();
        if (atEnd()) {
            notUnderstood(line, QStringLiteral("case"), QStringLiteral("a case without 'esac'"));
            return;
        }
        if (curIsWord("esac")) {
            ++m_pos;
            skipTrailingRedirects();
            return;
        }
        // pattern list
        if (cur().isOp("("))
            ++m_pos;
        QStringList patterns;
        while (!atEnd() && cur().isWord()) {
            QStringList f;
            QString problem;
            QStringList notes;
            expand(cur(), false, &f, &problem, &notes);
            patterns.append(f.join(QString()));
            ++m_pos;
            if (!atEnd() && cur().isOp("|"))
                ++m_pos;
            else
                break;
        }
        if (atEnd() || !cur().isOp(")")) {
            notUnderstood(atEnd() ? line : cur().line, QString(), QStringLiteral("a case pattern without ')'"));
            skipLine();
            continue;
        }
        ++m_pos;
        bool hit = false;
        for (const QString &p : patterns)
            hit = hit || globMatch(p, subject);
        const bool runs = ctx.active && !matched && hit;
        matched = matched || hit;
        Ctx inner = ctx;
        if (!runs && ctx.active) {
            inner.active = false;
            inner.why = QStringLiteral("in the '%1)' branch of the case on line %2 (only the '%3' branch builds the graph)")
                            .arg(patterns.join(QLatin1Char('|')))
                            .arg(line)
                            .arg(subject);
        }
        parseList(inner, {QStringLiteral("esac")}, false);
        if (!atEnd() && cur().isOp(";;"))
            ++m_pos;
    }
}

void Walker::parseIf(const Ctx &ctx)
{
    const int line = cur().line;
    ++m_pos;
    const Ctx cond{false, ctx.active ? QStringLiteral("the condition of the if on line %1 (not evaluated; its then-branch is assumed to run)").arg(line) : ctx.why};
    parseList(cond, {QStringLiteral("then")}, false);
    if (!expect("then", line))
        return;
    Ctx then = ctx;
    if (ctx.active)
        then.why = QStringLiteral("inside the if on line %1, assumed to run").arg(line);
    parseList(then, {QStringLiteral("elif"), QStringLiteral("else"), QStringLiteral("fi")}, false);
    const Ctx other{false, ctx.active ? QStringLiteral("in an elif/else branch of the if on line %1 (the then-branch is assumed to run)").arg(line) : ctx.why};
    while (curIsWord("elif")) {
        ++m_pos;
        parseList(other, {QStringLiteral("then")}, false);
        if (!expect("then", line))
            return;
        parseList(other, {QStringLiteral("elif"), QStringLiteral("else"), QStringLiteral("fi")}, false);
    }
    if (curIsWord("else")) {
        ++m_pos;
        parseList(other, {QStringLiteral("fi")}, false);
    }
    expect("fi", line);
    skipTrailingRedirects();
}

void Walker::parseLoop(const Ctx &ctx)
{
    const int line = cur().line;
    const bool isFor = cur().isPlain("for");
    structure(line, cur().plainText(), ctx, QStringLiteral("a loop: not followed (its commands are listed as skipped)"), false);
    ++m_pos;
    const Ctx inner{false, ctx.active ? QStringLiteral("inside the loop on line %1 (loops are not followed)").arg(line) : ctx.why};
    if (isFor) {
        // for NAME [in WORD...] ; do
        while (!atEnd() && !curIsWord("do"))
            ++m_pos;
    } else {
        parseList(inner, {QStringLiteral("do")}, false);
    }
    if (!expect("do", line))
        return;
    parseList(inner, {QStringLiteral("done")}, false);
    expect("done", line);
    skipTrailingRedirects();
}

void Walker::parseSimple(const Ctx &ctx)
{
    const qsizetype first = m_pos;
    QList<const Token *> words;
    QList<std::pair<const Token *, const Token *>> redirs;
    while (!atEnd()) {
        const Token &t = cur();
        if (isSeparator(t) || t.isOp(";;") || t.isOp("(") || t.isOp(")"))
            break;
        if (isRedirect(t)) {
            const Token *target = (m_pos + 1 < m_end && m_t[m_pos + 1].isWord()) ? &m_t[m_pos + 1] : nullptr;
            redirs.append(std::make_pair(&t, target));
            m_pos += target ? 2 : 1;
            continue;
        }
        words.append(&t);
        ++m_pos;
    }
    if (!m_emit)
        return;
    m_activeNow = ctx.active;
    ShellCommand c;
    c.line = m_t[first].line;
    for (qsizetype k = first; k < m_pos && c.text.size() < 300; ++k) {
        const Token &t = m_t[k];
        if (!c.text.isEmpty())
            c.text += QLatin1Char(' ');
        c.text += t.isWord() ? t.raw : t.op;
    }
    if (c.text.size() > 300)
        c.text = c.text.left(300) + QStringLiteral(" …");
    QString problem;
    QStringList notes;
    // Leading assignments.
    qsizetype w = 0;
    QList<std::pair<QString, QString>> assigns;
    bool onlyAssignments = true;
    for (const Token *t : words)
        onlyAssignments = onlyAssignments && assignmentPrefix(*t) > 0;
    for (; w < words.size(); ++w) {
        const qsizetype eq = assignmentPrefix(*words[w]);
        if (!eq)
            break;
        QStringList f;
        QString p;
        expand(*words[w], false, &f, &p, &notes);
        const QString all = f.join(QString());
        assigns.append({all.left(eq - 1), all.mid(eq)});
        if (!p.isEmpty() && ctx.active)
            m_vars[all.left(eq - 1)] = Var{all.mid(eq, shlimits::kMaxValueChars), QStringLiteral("comes from: %1").arg(p.left(200))};
        else if (ctx.active && onlyAssignments && problem.isEmpty())
            m_vars[all.left(eq - 1)] = all.size() - eq > shlimits::kMaxValueChars
                                           ? Var{QString(), QStringLiteral("is longer than %1 characters").arg(shlimits::kMaxValueChars)}
                                           : Var{all.mid(eq), QString()};
        if (problem.isEmpty())
            problem = p;
    }
    c.assignmentsOnly = w == words.size() && !assigns.isEmpty();
    for (; w < words.size(); ++w) {
        expand(*words[w], true, &c.argv, &problem, &notes);
        if (c.argv.size() > shlimits::kMaxExpandedWords || m_expanded > shlimits::kMaxExpandedChars) {
            problem = QStringLiteral("the command expands beyond the importer's bounds (%1 words, %2 characters in all)")
                          .arg(shlimits::kMaxExpandedWords)
                          .arg(shlimits::kMaxExpandedChars);
            c.argv.clear();
            break;
        }
    }
    for (const auto &[op, target] : redirs) {
        Redirect r;
        r.op = op->op;
        if (target) {
            QStringList f;
            QString p;
            expand(*target, false, &f, &p, &notes);
            r.target = f.join(QString());
        }
        r.heredoc = op->heredoc;
        c.redirects.append(r);
    }
    if (c.assignmentsOnly)
        for (const auto &a : assigns)
            c.argv.append(a.first + QLatin1Char('=') + a.second);
    // export/readonly/local NAME=value act as assignments.
    const bool declares = !c.argv.isEmpty()
                          && (c.argv[0] == QLatin1String("export") || c.argv[0] == QLatin1String("readonly")
                              || c.argv[0] == QLatin1String("local"));
    if (ctx.active && problem.isEmpty()) {
        auto assign = [&](const QString &name, const QString &value) {
            if (value.size() > shlimits::kMaxValueChars) {
                m_vars[name] = Var{QString(), QStringLiteral("is longer than %1 characters").arg(shlimits::kMaxValueChars)};
                return;
            }
            m_vars[name] = Var{value, QString()};
        };
        if (declares)
            for (qsizetype k = 1; k < c.argv.size(); ++k) {
                const qsizetype eq = c.argv[k].indexOf(QLatin1Char('='));
                if (eq > 0 && isName(c.argv[k].left(eq)))
                    assign(c.argv[k].left(eq), c.argv[k].mid(eq + 1));
            }
    }
    if (!ctx.active) {
        c.state = ShellCommand::State::Skipped;
        c.why = ctx.why;
    } else if (!problem.isEmpty()) {
        c.state = ShellCommand::State::NotUnderstood;
        c.why = problem;
    } else {
        c.state = ShellCommand::State::Active;
        notes.removeDuplicates();
        if (!ctx.why.isEmpty())
            notes.prepend(ctx.why);
        c.why = notes.join(QStringLiteral("; "));
    }
    if (c.argv.isEmpty() && c.redirects.isEmpty() && !c.assignmentsOnly && c.state == ShellCommand::State::Active)
        return;  // nothing at all (an empty expansion)
    const bool call = ctx.active && c.state == ShellCommand::State::Active && !c.argv.isEmpty() && m_funcs.contains(c.argv[0]);
    const bool repeatOr = call && m_afterOr && m_orCalled.contains(c.argv[0]);
    if (m_callDepth > 0)
        ++m_viaCalls;
    const bool overLimit = call && !repeatOr
                           && (m_callDepth >= shlimits::kMaxCallDepth || m_calls >= shlimits::kMaxCalls
                               || m_viaCalls > shlimits::kMaxCallCommands);
    if (overLimit) {
        // Once a bound is hit no further call is followed, and it is said once.
        if (!m_callLimitReported)
            notUnderstood(c.line, c.text,
                          QStringLiteral("functions call each other more than %1 levels deep, %2 times or %3 commands in all; "
                                         "this and further calls are not followed")
                              .arg(shlimits::kMaxCallDepth).arg(shlimits::kMaxCalls).arg(shlimits::kMaxCallCommands));
        m_callLimitReported = true;
        return;
    }
    if (m_viaCalls > shlimits::kMaxCallCommands)
        return;  // past the bound, commands inside calls are no longer listed
    if (repeatOr)
        c.why = QStringLiteral("calls the function '%1' after || again (its commands are listed where it was first called that way)").arg(c.argv[0]);
    else if (call)
        c.why = QStringLiteral("calls the function '%1' (its commands follow)").arg(c.argv[0]);
    out.append(c);
    if (repeatOr)
        return;
    if (call && m_afterOr)
        m_orCalled.insert(c.argv[0]);
    if (call) {
        ++m_calls;
        Func &f = m_funcs[c.argv[0]];
        f.called = true;
        const qsizetype pos = m_pos;
        const qsizetype end = m_end;
        m_pos = f.begin;
        m_end = f.end;
        ++m_callDepth;
        m_args.append(c.argv.mid(1));
        parseList(Ctx{true, QString()}, {}, false);
        m_args.removeLast();
        --m_callDepth;
        m_pos = pos;
        m_end = end;
    }
}

}  // namespace

WalkResult walkShell(const TokenizeResult &tokens, const WalkOptions &options)
{
    Walker w(tokens, options);
    w.run();
    WalkResult r;
    r.commands = std::move(w.out);
    if (!tokens.problem.isEmpty()) {
        ShellCommand c;
        c.line = tokens.problemLine;
        c.text = QStringLiteral("(the rest of the input from line %1)").arg(tokens.problemLine);
        c.state = ShellCommand::State::NotUnderstood;
        c.why = tokens.problem + QStringLiteral("; nothing after it was read");
        r.commands.append(c);
    }
    return r;
}

}  // namespace netloom::importer
