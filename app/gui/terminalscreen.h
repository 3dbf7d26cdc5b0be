// SPDX-License-Identifier: GPL-3.0-or-later
// The emulator behind the serial-console terminal (issue "Guest consoles"): libvterm 0.1.4
// plus a bounded scrollback, with no widget in it (TerminalView draws it and feeds it events).
//
// Design note. libvterm keeps the visible screen; this class owns the VTerm and everything
// libvterm leaves to its user:
//  - Scrollback: lines that scroll off the top arrive through sb_pushline and are kept in a
//    deque of compact cells (TerminalCell, 20 bytes: the base character, one combining mark,
//    colours as tagged 32-bit values, attribute bits), trailing blanks trimmed, bounded by
//    scrollbackLimit() (default kDefaultScrollback, at most kMaxScrollback). sb_popline hands
//    them back when the screen grows. Further combining marks are dropped there. Memory is
//    at most lines x columns x 20 bytes (10000 x 80: 16 MB; blank tails are not stored).
//  - A "document" view of it all: document line d < scrollbackCount() is a scrollback line,
//    the rest are the screen's rows. A line keeps its document index while it scrolls from the
//    screen into the scrollback; only dropping the oldest lines shifts indices (counted, see
//    takeDroppedLines) so the view can keep its scroll position and selection steady.
//  - Damage is merged by libvterm into one rectangle per feed (VTERM_DAMAGE_SCREEN, flushed at
//    the end of feed/resize/reset) and handed out through takeDamage(): the view repaints
//    that, on its own timer.
//  - Keys: Qt key events are mapped to vterm_keyboard_key / vterm_keyboard_unichar, and the
//    bytes libvterm produces (also its answers to the guest's queries, e.g. cursor position
//    reports) collect in an output buffer taken by takeOutput(). libvterm 0.1.4 encodes
//    Shift/Ctrl+Enter, Backspace, Escape and Ctrl+Tab, and Ctrl+I/J/M/[, as CSI-u sequences
//    that a serial getty does not understand; those modifiers are dropped (Ctrl+letter is sent
//    as the C0 control character, Ctrl+Backspace as ^H). Alt is meta (an ESC prefix). Keys
//    with the Meta (Super) modifier are left to the desktop and the application.
//  - Paste goes through vterm_keyboard_start/end_paste, which add the bracketed-paste
//    markers only when the guest turned that mode on. Pasted newlines become CR, other control
//    characters are removed (so pasted text cannot end a bracketed paste or inject escapes),
//    and a paste is cut at kMaxPasteChars.
// Sizes are clamped to [kMinCols..kMaxCols] x [kMinRows..kMaxRows]. Everything runs on the
// caller's thread; the input is processed synchronously (libvterm parses several MB/s).
#pragma once

#include <QByteArray>
#include <QColor>
#include <QPoint>
#include <QRect>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <deque>
#include <vector>

struct VTerm;
struct VTermScreen;
struct VTermState;

namespace netloom::gui {

// One character cell. Colours are tagged values (see TerminalScreen::colour): the top byte is
// the kind (default, palette index, RGB), the rest the index or 0xRRGGBB.
struct TerminalCell {
    enum Attr : std::uint8_t {
        Bold = 1, Underline = 2, Italic = 4, Reverse = 8, Strike = 16,
        WideTail = 32,  // the right half of a double-width character: draw nothing
    };
    char32_t ch = 0;    // 0 = empty (drawn as a space)
    char32_t comb = 0;  // first combining mark, 0 if none
    std::uint32_t fg = 0, bg = 0;
    std::uint8_t attrs = 0;
    std::uint8_t width = 1;  // 2 for a double-width character
};

class TerminalScreen {
public:
    static constexpr int kMinCols = 20, kMinRows = 5;
    static constexpr int kMaxCols = 1000, kMaxRows = 500;
    static constexpr int kDefaultScrollback = 10000;
    static constexpr int kMaxScrollback = 100000;
    static constexpr int kMaxPasteChars = 1 << 20;

    // Tagged colour kinds (the top byte of TerminalCell::fg/bg).
    static constexpr std::uint32_t kColourDefault = 0, kColourIndexed = 1u << 24, kColourRgb = 2u << 24;

    // A UTF-8 terminal of cols x rows (clamped), cursor home, alternate screen enabled.
    TerminalScreen(int cols, int rows);
    ~TerminalScreen();
    TerminalScreen(const TerminalScreen &) = delete;
    TerminalScreen &operator=(const TerminalScreen &) = delete;

    int cols() const { return m_cols; }
    int rows() const { return m_rows; }
    // Resizes the terminal to cols x rows (clamped). Returns true when the size changed.
    // libvterm may push lines into the scrollback (shrink) or pull them back (grow), and
    // damages the screen.
    bool resize(int cols, int rows);

    // Runs guest output through the emulator. May add scrollback lines (and drop old ones),
    // damage, move the cursor and append answers to the output buffer.
    void feed(const char *bytes, std::size_t len);
    void feed(const QByteArray &bytes) { feed(bytes.constData(), std::size_t(bytes.size())); }
    // Hard reset: clears the screen, the scrollback, modes and attributes; cursor home.
    void reset();

    // Maps a key press (Qt key code, modifiers, the event's text) to terminal bytes and
    // appends them to the output buffer. Returns false (and appends nothing) for keys the
    // terminal does not use (bare modifiers, keys without text or mapping).
    bool keyPress(int key, Qt::KeyboardModifiers mods, const QString &text);
    // True when keyPress would use this key. Pure.
    static bool handlesKey(int key, Qt::KeyboardModifiers mods, const QString &text);
    // Appends committed text (an input method's) as typed characters. Returns whether any.
    bool typeText(const QString &text);
    // Appends `text` as a paste (see the design note). Returns whether anything was appended.
    bool paste(const QString &text);
    // Returns and empties the bytes to send to the guest.
    QByteArray takeOutput();

    // Scrollback.
    int scrollbackCount() const { return int(m_scrollback.size()); }
    int scrollbackLimit() const { return m_scrollbackLimit; }
    // Sets the bound (clamped to [0, kMaxScrollback]); drops the oldest lines beyond it.
    void setScrollbackLimit(int lines);
    void clearScrollback();
    // Oldest-first scrollback lines as text (trailing spaces trimmed).
    QStringList scrollbackText() const;

    // The document: scrollback lines then the screen's rows.
    int lineCount() const { return scrollbackCount() + m_rows; }
    // Fills `out` with the cells of document line `line` (a screen row has cols() cells, a
    // scrollback line as many as were kept, possibly fewer). Empty for a line out of range.
    void lineCells(int line, std::vector<TerminalCell> *out) const;
    // Text of document line `line`, cells [fromCol, toCol), trailing spaces trimmed.
    QString lineText(int line, int fromCol = 0, int toCol = kMaxCols) const;
    // The screen's rows joined by '\n', trailing spaces of each trimmed.
    QString screenText() const;

    // Cursor position on the screen (x = column, y = row) and whether the guest shows it.
    QPoint cursor() const;
    bool cursorVisible() const { return m_cursorVisible; }

    // The colour a tagged cell colour stands for; default colours come from setDefaultColours.
    QColor colour(std::uint32_t tagged, bool foreground) const;
    void setDefaultColours(const QColor &fg, const QColor &bg);
    QColor defaultForeground() const { return m_defaultFg; }
    QColor defaultBackground() const { return m_defaultBg; }

    // Returns and resets the damaged screen area (cells; x = column, y = row) since the last
    // call; invalid if none.
    QRect takeDamage();
    // Returns and resets the number of lines that scrolled into the scrollback since the last
    // call, and the number of oldest lines that were dropped from it.
    int takePushedLines();
    int takeDroppedLines();

private:
    // libvterm's callbacks (terminalscreen.cpp) reach the members below.
    friend struct TerminalScreenCallbacks;

    void trimScrollback();
    void addDamage(const QRect &r) { m_damage = m_damage.isValid() ? m_damage.united(r) : r; }

    VTerm *m_vt = nullptr;
    VTermScreen *m_screen = nullptr;
    VTermState *m_state = nullptr;
    int m_cols = 0, m_rows = 0;
    std::deque<std::vector<TerminalCell>> m_scrollback;
    int m_scrollbackLimit = kDefaultScrollback;
    QByteArray m_output;
    QRect m_damage;
    int m_pushed = 0, m_dropped = 0;
    QPoint m_cursor;  // as of the last movecursor callback (for damage)
    bool m_cursorVisible = true;
    QColor m_defaultFg{0xd0, 0xd0, 0xd0}, m_defaultBg{0x10, 0x10, 0x10};
    QRgb m_palette[256] = {};
};

}  // namespace netloom::gui
