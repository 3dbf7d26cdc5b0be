// SPDX-License-Identifier: GPL-3.0-or-later
// The serial-console terminal widget (issue "Guest consoles"): shows a QEMU guest's serial
// console and turns the user's keys into bytes for it. The caller moves the bytes: guest
// output into feed(), sendBytes() out to the guest.
//
// Design note. The emulation (libvterm, scrollback, key encoding) lives in TerminalScreen;
// this widget only draws it and turns Qt events into its calls.
//  - Drawing: the view shows a window onto the "document" (scrollback lines, then the
//    screen's rows); the vertical scroll bar's value is the first document line shown, its
//    maximum the scrollback size. New output keeps the view at the bottom only if it was
//    there; otherwise the shown lines stay put (shifted when the oldest are dropped). A key
//    the terminal uses jumps to the bottom.
//  - Repaints are coalesced: feed() only collects the damaged cell rectangle; a single-shot
//    timer (kRepaintMs, so at most ~60 repaints a second whatever the data rate) turns it
//    into one viewport update of just those cells (the whole viewport when scrolled up or
//    when lines scrolled). feed() itself parses synchronously: libvterm is fast (the test
//    measures 1 MiB), and the caller reads the guest in bounded chunks anyway.
//  - Keys: event(ShortcutOverride) claims every key the terminal uses, so the application's
//    shortcuts (Ctrl+W, Delete, Alt+letter mnemonics, ...) do not steal the guest's keys.
//    Ctrl+Shift+C/V (copy/paste) are handled here; other Ctrl+Shift+letters are left to the
//    application's shortcuts first and only reach the guest (as the control character) when
//    none takes them. Shift+PageUp/PageDown scroll the view. Tab never moves the focus.
//  - Selection is kept in document coordinates (line, column edge), so it stays on its text
//    while that scrolls into the scrollback; it is dropped when output damages the screen
//    lines it covers, or when its lines leave the scrollback.
//  - Read-only (guest not running): keys and pastes send nothing; selection and copy work.
// Not done: mouse reporting to the guest, the terminal bell, window title (OSC 0/2),
// reflow of wrapped lines on resize (libvterm 0.1.4 has none), blinking.
#pragma once

#include "terminalscreen.h"

#include <QAbstractScrollArea>
#include <QPoint>
#include <QTimer>

#include <QFont>

#include <utility>
#include <vector>

class QMenu;
class QPainter;

namespace netloom::gui {

class TerminalView : public QAbstractScrollArea {
    Q_OBJECT
public:
    static constexpr int kRepaintMs = 16;
    static constexpr int kPadding = 2;  // pixels around the cell grid

    // An 80x24 terminal (until shown; then it follows the viewport's size), `scrollbackLines` lines of scrollback.
    explicit TerminalView(QWidget *parent = nullptr, int scrollbackLines = TerminalScreen::kDefaultScrollback);
    ~TerminalView() override;

    // Feeds guest output into the emulator; schedules a repaint of the damaged cells and
    // emits sendBytes with any answer the emulator owes the guest (unless read-only).
    void feed(const QByteArray &bytes);
    // Resets the terminal: empty screen and scrollback, no selection; the placeholder shows
    // again until the next feed.
    void clear();

    // Keys and pastes send nothing while read-only (e.g. the guest is not running).
    void setReadOnly(bool readOnly);
    bool isReadOnly() const { return m_readOnly; }
    // The message drawn centred while nothing has been fed ("" for none).
    void setPlaceholder(const QString &text);
    QString placeholder() const { return m_placeholder; }

    // The scrollback bound (clamped to [0, TerminalScreen::kMaxScrollback]); drops the
    // oldest lines beyond it.
    void setScrollbackLines(int lines);
    int scrollbackLines() const { return m_screen.scrollbackLimit(); }

    // Terminal size in cells: width = columns, height = rows.
    QSize terminalSize() const { return QSize(m_screen.cols(), m_screen.rows()); }
    // One character cell in pixels (from the font); the grid starts kPadding from the
    // viewport's top left corner.
    QSize cellSize() const { return QSize(m_cellWidth, m_cellHeight); }

    // The screen as text (rows joined by '\n', trailing spaces trimmed) and the scrollback,
    // oldest line first.
    QString screenText() const { return m_screen.screenText(); }
    QStringList scrollbackText() const { return m_screen.scrollbackText(); }
    // The selected text (lines joined by '\n', trailing spaces trimmed), "" if none.
    QString selectedText() const;
    bool hasSelection() const { return m_hasSelection; }

    // Inspection (tests, accessibility): the colours a screen cell is drawn with, reverse
    // video applied, selection not; invalid outside the screen. The cursor (x = column).
    QColor foregroundAt(int row, int col) const;
    QColor backgroundAt(int row, int col) const;
    QPoint cursorPosition() const { return m_screen.cursor(); }

    // The context menu's actions (Copy, Paste, Select All, Clear Scrollback) in a new menu
    // owned by the caller; the lead may add its own actions.
    QMenu *createContextMenu(QWidget *parent);

    QSize sizeHint() const override;

public slots:
    // Copies the selection to the clipboard (nothing without a selection).
    void copy();
    // Sends the clipboard's text as a paste (nothing when read-only).
    void paste();
    // Selects the scrollback and the screen.
    void selectAll();
    void clearSelection();
    // Empties the scrollback (the screen stays).
    void clearScrollback();
    // Scrolls the view to the newest line.
    void scrollToBottom();

signals:
    // Bytes for the guest: what the user typed or pasted, encoded by libvterm, and the
    // emulator's answers to the guest's queries.
    void sendBytes(const QByteArray &bytes);
    // The terminal's size in cells changed (the widget was resized).
    void terminalResized(int cols, int rows);

protected:
    bool event(QEvent *e) override;
    void paintEvent(QPaintEvent *e) override;
    void resizeEvent(QResizeEvent *e) override;
    void showEvent(QShowEvent *e) override;
    void keyPressEvent(QKeyEvent *e) override;
    void inputMethodEvent(QInputMethodEvent *e) override;
    void mousePressEvent(QMouseEvent *e) override;
    void mouseMoveEvent(QMouseEvent *e) override;
    void mouseReleaseEvent(QMouseEvent *e) override;
    void mouseDoubleClickEvent(QMouseEvent *e) override;
    void contextMenuEvent(QContextMenuEvent *e) override;
    void focusInEvent(QFocusEvent *e) override;
    void focusOutEvent(QFocusEvent *e) override;
    void changeEvent(QEvent *e) override;
    void scrollContentsBy(int dx, int dy) override;
    bool focusNextPrevChild(bool next) override;

private:
    // Sends the emulator's pending output (dropped when read-only).
    void flushOutput();
    // Applies what the last emulator call did: scrollback growth/drops to the scroll bar and
    // the selection, damage to the repaint schedule.
    void afterEmulation(bool stickToBottom);
    void repaintDamage();
    void updateMetrics();
    void updateTerminalSize();
    void syncScrollBar(bool stickToBottom, int dropped);
    bool atBottom() const;
    int topLine() const;
    // Document position under a viewport point: y = line, x = column edge (rounded) or the
    // cell (floored).
    QPoint edgeAt(const QPoint &pos) const;
    QPoint cellAt(const QPoint &pos) const;
    // Normalised selection [start, end) in (line, column) order.
    std::pair<QPoint, QPoint> selectionRange() const;
    bool isSelected(int line, int col) const;
    void selectWordAt(const QPoint &cell);
    void pasteText(const QString &text);
    void drawLine(QPainter &p, int viewRow, int line, const QRect &clip);

    TerminalScreen m_screen;
    mutable std::vector<TerminalCell> m_lineScratch;  // reused by drawLine
    QFont m_fonts[4];  // regular, bold, italic, bold italic
    QTimer m_repaintTimer;
    QRect m_dirtyCells;  // screen cells to repaint
    bool m_dirtyAll = false;
    bool m_syncingScrollBar = false;  // syncScrollBar moves it: repaint on the timer
    int m_cellWidth = 8, m_cellHeight = 16, m_ascent = 12;
    bool m_fed = false;
    bool m_readOnly = false;
    QString m_placeholder;
    // Selection: document (x = column edge, y = line).
    QPoint m_selAnchor, m_selEnd;
    bool m_hasSelection = false;
    bool m_selecting = false;
};

}  // namespace netloom::gui
