// SPDX-License-Identifier: GPL-3.0-or-later
#include "terminalscreen.h"

#include <vterm.h>

#include <algorithm>

namespace netloom::gui {

namespace {

constexpr std::uint32_t kKindMask = 0xff000000u;
constexpr char32_t kWideTailChar = 0xffffffffu;  // libvterm's marker for the right half

std::uint32_t tagColour(const VTermColor &c, bool foreground)
{
    if (foreground ? VTERM_COLOR_IS_DEFAULT_FG(&c) : VTERM_COLOR_IS_DEFAULT_BG(&c))
        return TerminalScreen::kColourDefault;
    if (VTERM_COLOR_IS_INDEXED(&c))
        return TerminalScreen::kColourIndexed | c.indexed.idx;
    return TerminalScreen::kColourRgb | (std::uint32_t(c.rgb.red) << 16) | (std::uint32_t(c.rgb.green) << 8)
        | std::uint32_t(c.rgb.blue);
}

VTermColor untagColour(std::uint32_t tagged, const VTermColor &dflt)
{
    VTermColor c = dflt;
    switch (tagged & kKindMask) {
    case TerminalScreen::kColourIndexed:
        vterm_color_indexed(&c, std::uint8_t(tagged & 0xff));
        break;
    case TerminalScreen::kColourRgb:
        vterm_color_rgb(&c, std::uint8_t(tagged >> 16), std::uint8_t(tagged >> 8), std::uint8_t(tagged));
        break;
    default:
        break;
    }
    return c;
}

TerminalCell toCell(const VTermScreenCell &c)
{
    TerminalCell t;
    t.fg = tagColour(c.fg, true);
    t.bg = tagColour(c.bg, false);
    if (c.chars[0] == kWideTailChar) {
        t.attrs = TerminalCell::WideTail;
        return t;
    }
    t.ch = c.chars[0];
    t.comb = c.chars[0] != 0 ? c.chars[1] : 0;  // chars end at the first 0
    t.width = c.width == 2 ? 2 : 1;
    std::uint8_t a = 0;
    if (c.attrs.bold) a |= TerminalCell::Bold;
    if (c.attrs.underline) a |= TerminalCell::Underline;
    if (c.attrs.italic) a |= TerminalCell::Italic;
    if (c.attrs.reverse) a |= TerminalCell::Reverse;
    if (c.attrs.strike) a |= TerminalCell::Strike;
    t.attrs = a;
    return t;
}

bool isBlank(const TerminalCell &c)
{
    return (c.ch == 0 || c.ch == U' ') && c.comb == 0 && c.bg == TerminalScreen::kColourDefault
        && (c.attrs & (TerminalCell::Reverse | TerminalCell::Underline | TerminalCell::Strike | TerminalCell::WideTail)) == 0;
}

void appendUcs4(QString *s, char32_t c)
{
    if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        c = 0xfffd;
    if (c > 0xffff) {
        s->append(QChar::highSurrogate(c));
        s->append(QChar::lowSurrogate(c));
    } else {
        s->append(QChar(char16_t(c)));
    }
}

bool isPrintable(char32_t c)
{
    return c >= 0x20 && c != 0x7f && !(c >= 0x80 && c < 0xa0);
}

// What a key press means to the terminal.
struct KeyAction {
    enum Kind { None, Key, Char, Text } kind = None;
    VTermKey key = VTERM_KEY_NONE;
    char32_t ch = 0;
    int mod = VTERM_MOD_NONE;
};

// The C0 control character for Ctrl+key, or -1.
int controlChar(int key)
{
    if (key >= Qt::Key_A && key <= Qt::Key_Z)
        return key - Qt::Key_A + 1;
    switch (key) {
    case Qt::Key_At: case Qt::Key_Space: return 0;
    case Qt::Key_BracketLeft: return 0x1b;
    case Qt::Key_Backslash: return 0x1c;
    case Qt::Key_BracketRight: return 0x1d;
    case Qt::Key_AsciiCircum: return 0x1e;
    case Qt::Key_Underscore: return 0x1f;
    case Qt::Key_Question: return 0x7f;
    default: return -1;
    }
}

KeyAction classifyKey(int key, Qt::KeyboardModifiers mods, const QString &text)
{
    if (mods & Qt::MetaModifier)
        return {};
    const int shift = (mods & Qt::ShiftModifier) ? VTERM_MOD_SHIFT : 0;
    const int alt = (mods & Qt::AltModifier) ? VTERM_MOD_ALT : 0;
    const int ctrl = (mods & Qt::ControlModifier) ? VTERM_MOD_CTRL : 0;
    const int all = shift | alt | ctrl;
    auto keyAction = [](VTermKey k, int mod) { return KeyAction{KeyAction::Key, k, 0, mod}; };
    switch (key) {
    case Qt::Key_Return: case Qt::Key_Enter: return keyAction(VTERM_KEY_ENTER, alt);
    case Qt::Key_Tab: return keyAction(VTERM_KEY_TAB, shift | alt);
    case Qt::Key_Backtab: return keyAction(VTERM_KEY_TAB, VTERM_MOD_SHIFT | alt);
    case Qt::Key_Backspace:
        if (ctrl)
            return KeyAction{KeyAction::Char, VTERM_KEY_NONE, 0x08, alt};
        return keyAction(VTERM_KEY_BACKSPACE, alt);
    case Qt::Key_Escape: return keyAction(VTERM_KEY_ESCAPE, alt);
    case Qt::Key_Up: return keyAction(VTERM_KEY_UP, all);
    case Qt::Key_Down: return keyAction(VTERM_KEY_DOWN, all);
    case Qt::Key_Left: return keyAction(VTERM_KEY_LEFT, all);
    case Qt::Key_Right: return keyAction(VTERM_KEY_RIGHT, all);
    case Qt::Key_Insert: return keyAction(VTERM_KEY_INS, all);
    case Qt::Key_Delete: return keyAction(VTERM_KEY_DEL, all);
    case Qt::Key_Home: return keyAction(VTERM_KEY_HOME, all);
    case Qt::Key_End: return keyAction(VTERM_KEY_END, all);
    case Qt::Key_PageUp: return keyAction(VTERM_KEY_PAGEUP, all);
    case Qt::Key_PageDown: return keyAction(VTERM_KEY_PAGEDOWN, all);
    default:
        break;
    }
    if (key >= Qt::Key_F1 && key <= Qt::Key_F12)
        return keyAction(VTermKey(VTERM_KEY_FUNCTION(key - Qt::Key_F1 + 1)), all);
    if (ctrl) {
        const int c = controlChar(key);
        if (c >= 0)
            return KeyAction{KeyAction::Char, VTERM_KEY_NONE, char32_t(c), alt};
    }
    for (const char32_t c : text.toUcs4())
        if (isPrintable(c))
            return KeyAction{KeyAction::Text, VTERM_KEY_NONE, 0, alt};
    return {};
}

}  // namespace

// libvterm's screen callbacks; `user` is the TerminalScreen.
struct TerminalScreenCallbacks {
    static TerminalScreen *self(void *user) { return static_cast<TerminalScreen *>(user); }

    static int damage(VTermRect r, void *user)
    {
        self(user)->addDamage(QRect(r.start_col, r.start_row, r.end_col - r.start_col, r.end_row - r.start_row));
        return 1;
    }
    static int moveCursor(VTermPos pos, VTermPos oldpos, int visible, void *user)
    {
        TerminalScreen *s = self(user);
        s->addDamage(QRect(oldpos.col, oldpos.row, 1, 1));
        s->addDamage(QRect(pos.col, pos.row, 1, 1));
        s->m_cursor = QPoint(pos.col, pos.row);
        s->m_cursorVisible = visible != 0;
        return 1;
    }
    static int setTermProp(VTermProp prop, VTermValue *val, void *user)
    {
        TerminalScreen *s = self(user);
        if (prop == VTERM_PROP_CURSORVISIBLE) {
            s->m_cursorVisible = val->boolean != 0;
            s->addDamage(QRect(s->m_cursor, QSize(1, 1)));
        }
        return 1;
    }
    static int pushLine(int cols, const VTermScreenCell *cells, void *user)
    {
        TerminalScreen *s = self(user);
        std::vector<TerminalCell> line;
        line.reserve(std::size_t(cols));
        for (int i = 0; i < cols; ++i)
            line.push_back(toCell(cells[i]));
        while (!line.empty() && isBlank(line.back()))
            line.pop_back();
        line.shrink_to_fit();
        s->m_scrollback.push_back(std::move(line));
        ++s->m_pushed;
        s->trimScrollback();
        return 1;
    }
    static int popLine(int cols, VTermScreenCell *cells, void *user)
    {
        TerminalScreen *s = self(user);
        if (s->m_scrollback.empty())
            return 0;
        VTermColor dfg, dbg;
        vterm_state_get_default_colors(s->m_state, &dfg, &dbg);
        const std::vector<TerminalCell> &line = s->m_scrollback.back();
        for (int i = 0; i < cols; ++i) {
            VTermScreenCell &c = cells[i];
            c = VTermScreenCell{};
            c.width = 1;  // libvterm steps through the row by width: never 0
            c.fg = dfg;
            c.bg = dbg;
            if (std::size_t(i) >= line.size())
                continue;
            const TerminalCell &t = line[std::size_t(i)];
            c.fg = untagColour(t.fg, dfg);
            c.bg = untagColour(t.bg, dbg);
            if (t.attrs & TerminalCell::WideTail)
                continue;
            c.chars[0] = t.ch;
            c.chars[1] = t.ch != 0 ? t.comb : 0;
            c.width = char(t.width == 2 && i + 1 < cols ? 2 : 1);
            c.attrs.bold = (t.attrs & TerminalCell::Bold) ? 1 : 0;
            c.attrs.underline = (t.attrs & TerminalCell::Underline) ? 1 : 0;
            c.attrs.italic = (t.attrs & TerminalCell::Italic) ? 1 : 0;
            c.attrs.reverse = (t.attrs & TerminalCell::Reverse) ? 1 : 0;
            c.attrs.strike = (t.attrs & TerminalCell::Strike) ? 1 : 0;
        }
        s->m_scrollback.pop_back();
        return 1;
    }
    static void output(const char *bytes, size_t len, void *user)
    {
        self(user)->m_output.append(bytes, qsizetype(len));
    }

    static const VTermScreenCallbacks *table()
    {
        static const VTermScreenCallbacks callbacks = {
            .damage = &damage,
            .moverect = nullptr,  // libvterm damages the moved area instead
            .movecursor = &moveCursor,
            .settermprop = &setTermProp,
            .bell = nullptr,
            .resize = nullptr,
            .sb_pushline = &pushLine,
            .sb_popline = &popLine,
        };
        return &callbacks;
    }
};

TerminalScreen::TerminalScreen(int cols, int rows)
    : m_cols(std::clamp(cols, kMinCols, kMaxCols))
    , m_rows(std::clamp(rows, kMinRows, kMaxRows))
{
    m_vt = vterm_new(m_rows, m_cols);
    vterm_set_utf8(m_vt, 1);
    vterm_output_set_callback(m_vt, &TerminalScreenCallbacks::output, this);
    m_state = vterm_obtain_state(m_vt);
    vterm_state_set_bold_highbright(m_state, 1);
    m_screen = vterm_obtain_screen(m_vt);
    vterm_screen_set_callbacks(m_screen, TerminalScreenCallbacks::table(), this);
    vterm_screen_set_damage_merge(m_screen, VTERM_DAMAGE_SCREEN);
    vterm_screen_enable_altscreen(m_screen, 1);
    vterm_screen_reset(m_screen, 1);
    for (int i = 0; i < 256; ++i) {
        VTermColor c;
        vterm_color_indexed(&c, std::uint8_t(i));
        vterm_state_convert_color_to_rgb(m_state, &c);
        m_palette[i] = qRgb(c.rgb.red, c.rgb.green, c.rgb.blue);
    }
    m_damage = QRect();
}

TerminalScreen::~TerminalScreen()
{
    vterm_free(m_vt);
}

bool TerminalScreen::resize(int cols, int rows)
{
    cols = std::clamp(cols, kMinCols, kMaxCols);
    rows = std::clamp(rows, kMinRows, kMaxRows);
    if (cols == m_cols && rows == m_rows)
        return false;
    m_cols = cols;
    m_rows = rows;
    vterm_set_size(m_vt, rows, cols);
    vterm_screen_flush_damage(m_screen);
    addDamage(QRect(0, 0, cols, rows));
    return true;
}

void TerminalScreen::feed(const char *bytes, std::size_t len)
{
    if (len == 0)
        return;
    vterm_input_write(m_vt, bytes, len);
    vterm_screen_flush_damage(m_screen);
}

void TerminalScreen::reset()
{
    vterm_screen_reset(m_screen, 1);
    clearScrollback();
    m_cursor = cursor();  // a reset homes the cursor without a movecursor callback
    m_cursorVisible = true;
    addDamage(QRect(0, 0, m_cols, m_rows));
}

QPoint TerminalScreen::cursor() const
{
    VTermPos pos;
    vterm_state_get_cursorpos(m_state, &pos);
    return QPoint(pos.col, pos.row);
}

bool TerminalScreen::handlesKey(int key, Qt::KeyboardModifiers mods, const QString &text)
{
    return classifyKey(key, mods, text).kind != KeyAction::None;
}

bool TerminalScreen::keyPress(int key, Qt::KeyboardModifiers mods, const QString &text)
{
    const KeyAction a = classifyKey(key, mods, text);
    const auto mod = VTermModifier(a.mod);
    switch (a.kind) {
    case KeyAction::None:
        return false;
    case KeyAction::Key:
        vterm_keyboard_key(m_vt, a.key, mod);
        return true;
    case KeyAction::Char:
        vterm_keyboard_unichar(m_vt, a.ch, mod);
        return true;
    case KeyAction::Text:
        for (const char32_t c : text.toUcs4())
            if (isPrintable(c))
                vterm_keyboard_unichar(m_vt, c, mod);
        return true;
    }
    return false;
}

bool TerminalScreen::typeText(const QString &text)
{
    bool any = false;
    for (const char32_t c : text.toUcs4()) {
        if (!isPrintable(c))
            continue;
        vterm_keyboard_unichar(m_vt, c, VTERM_MOD_NONE);
        any = true;
    }
    return any;
}

bool TerminalScreen::paste(const QString &text)
{
    QString t = text.left(kMaxPasteChars);
    if (!t.isEmpty() && t.back().isHighSurrogate())
        t.chop(1);
    t.replace(QStringLiteral("\r\n"), QStringLiteral("\r"));
    t.replace(QLatin1Char('\n'), QLatin1Char('\r'));
    QString clean;
    clean.reserve(t.size());
    for (const QChar c : t)
        if (c == QLatin1Char('\r') || c == QLatin1Char('\t') || isPrintable(c.unicode()))
            clean.append(c);
    if (clean.isEmpty())
        return false;
    vterm_keyboard_start_paste(m_vt);  // ESC [200~ only in bracketed-paste mode
    m_output.append(clean.toUtf8());
    vterm_keyboard_end_paste(m_vt);
    return true;
}

QByteArray TerminalScreen::takeOutput()
{
    QByteArray out;
    out.swap(m_output);
    return out;
}

void TerminalScreen::setScrollbackLimit(int lines)
{
    m_scrollbackLimit = std::clamp(lines, 0, kMaxScrollback);
    trimScrollback();
}

void TerminalScreen::trimScrollback()
{
    while (int(m_scrollback.size()) > m_scrollbackLimit) {
        m_scrollback.pop_front();
        ++m_dropped;
    }
}

void TerminalScreen::clearScrollback()
{
    m_dropped += int(m_scrollback.size());
    m_scrollback.clear();
}

QStringList TerminalScreen::scrollbackText() const
{
    QStringList out;
    out.reserve(scrollbackCount());
    for (int i = 0; i < scrollbackCount(); ++i)
        out.append(lineText(i));
    return out;
}

void TerminalScreen::lineCells(int line, std::vector<TerminalCell> *out) const
{
    out->clear();
    if (line < 0 || line >= lineCount())
        return;
    if (line < scrollbackCount()) {
        *out = m_scrollback[std::size_t(line)];
        return;
    }
    const int row = line - scrollbackCount();
    out->reserve(std::size_t(m_cols));
    for (int col = 0; col < m_cols; ++col) {
        VTermScreenCell c;
        vterm_screen_get_cell(m_screen, VTermPos{row, col}, &c);
        out->push_back(toCell(c));
    }
}

QString TerminalScreen::lineText(int line, int fromCol, int toCol) const
{
    std::vector<TerminalCell> cells;
    lineCells(line, &cells);
    QString s;
    const int end = std::min(toCol, int(cells.size()));
    for (int col = std::max(0, fromCol); col < end; ++col) {
        const TerminalCell &c = cells[std::size_t(col)];
        if (c.attrs & TerminalCell::WideTail)
            continue;
        appendUcs4(&s, c.ch == 0 ? U' ' : c.ch);
        if (c.comb != 0)
            appendUcs4(&s, c.comb);
    }
    while (s.endsWith(QLatin1Char(' ')))
        s.chop(1);
    return s;
}

QString TerminalScreen::screenText() const
{
    QStringList lines;
    lines.reserve(m_rows);
    for (int row = 0; row < m_rows; ++row)
        lines.append(lineText(scrollbackCount() + row));
    return lines.join(QLatin1Char('\n'));
}

QColor TerminalScreen::colour(std::uint32_t tagged, bool foreground) const
{
    switch (tagged & kKindMask) {
    case kColourIndexed:
        return QColor(m_palette[tagged & 0xff]);
    case kColourRgb:
        return QColor(QRgb(0xff000000u | (tagged & 0xffffffu)));
    default:
        return foreground ? m_defaultFg : m_defaultBg;
    }
}

void TerminalScreen::setDefaultColours(const QColor &fg, const QColor &bg)
{
    m_defaultFg = fg;
    m_defaultBg = bg;
    addDamage(QRect(0, 0, m_cols, m_rows));
}

QRect TerminalScreen::takeDamage()
{
    const QRect d = m_damage.intersected(QRect(0, 0, m_cols, m_rows));
    m_damage = QRect();
    return d;
}

int TerminalScreen::takePushedLines()
{
    return std::exchange(m_pushed, 0);
}

int TerminalScreen::takeDroppedLines()
{
    return std::exchange(m_dropped, 0);
}

}  // namespace netloom::gui
