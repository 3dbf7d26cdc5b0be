// SPDX-License-Identifier: GPL-3.0-or-later
#include "terminalview.h"

#include <QApplication>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QFontDatabase>
#include <QFontMetrics>
#include <QInputMethodEvent>
#include <QKeyEvent>
#include <QMenu>
#include <QMimeData>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>

#include <algorithm>
#include <cstring>
#include <memory>

namespace netloom::gui {

namespace {

// Characters a double-click word extends over, besides letters and digits.
bool isWordChar(const TerminalCell &c)
{
    if (c.attrs & TerminalCell::WideTail)
        return true;
    if (c.ch == 0)
        return false;
    if (QChar::isLetterOrNumber(c.ch))
        return true;
    return c.ch < 0x80 && std::strchr("-._~/@+%#", int(c.ch)) != nullptr;
}

bool isCtrlShift(Qt::KeyboardModifiers mods)
{
    const auto m = mods & (Qt::ControlModifier | Qt::ShiftModifier | Qt::AltModifier | Qt::MetaModifier);
    return m == (Qt::ControlModifier | Qt::ShiftModifier);
}

}  // namespace

TerminalView::TerminalView(QWidget *parent, int scrollbackLines)
    : QAbstractScrollArea(parent)
    , m_screen(80, 24)
{
    m_screen.setScrollbackLimit(scrollbackLines);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_InputMethodEnabled);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOn);  // no width change when scrollback appears
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    viewport()->setCursor(Qt::IBeamCursor);
    viewport()->setAttribute(Qt::WA_OpaquePaintEvent);
    verticalScrollBar()->setSingleStep(1);
    m_repaintTimer.setSingleShot(true);
    m_repaintTimer.setInterval(kRepaintMs);
    connect(&m_repaintTimer, &QTimer::timeout, this, &TerminalView::repaintDamage);
    updateMetrics();
    m_screen.takeDamage();
    syncScrollBar(true, 0);
}

TerminalView::~TerminalView() = default;

void TerminalView::feed(const QByteArray &bytes)
{
    if (bytes.isEmpty())
        return;
    const bool stick = atBottom();
    if (!m_fed) {
        m_fed = true;
        m_dirtyAll = true;  // the placeholder goes away
    }
    m_screen.feed(bytes);
    afterEmulation(stick);
}

void TerminalView::clear()
{
    m_screen.reset();
    m_fed = false;
    m_hasSelection = m_selecting = false;
    afterEmulation(true);
    m_dirtyAll = true;
}

void TerminalView::setReadOnly(bool readOnly)
{
    m_readOnly = readOnly;
    setAttribute(Qt::WA_InputMethodEnabled, !readOnly);
    m_screen.takeOutput();  // nothing queued while writable is sent later
    viewport()->update();
}

void TerminalView::setPlaceholder(const QString &text)
{
    m_placeholder = text;
    viewport()->update();
}

void TerminalView::setScrollbackLines(int lines)
{
    const bool stick = atBottom();
    m_screen.setScrollbackLimit(lines);
    afterEmulation(stick);
}

void TerminalView::flushOutput()
{
    const QByteArray out = m_screen.takeOutput();
    if (!out.isEmpty() && !m_readOnly)
        emit sendBytes(out);
}

void TerminalView::afterEmulation(bool stickToBottom)
{
    const int pushed = m_screen.takePushedLines();
    const int dropped = m_screen.takeDroppedLines();
    const QRect damage = m_screen.takeDamage();

    if (m_hasSelection || m_selecting) {
        m_selAnchor.ry() -= dropped;
        m_selEnd.ry() -= dropped;
        const auto [start, end] = selectionRange();
        bool drop = start.y() < 0;
        if (damage.isValid()) {
            const int first = m_screen.scrollbackCount() + damage.top();
            const int last = m_screen.scrollbackCount() + damage.bottom();
            if (start.y() <= last && (end.y() > first || (end.y() == first && end.x() > 0)))
                drop = true;
        }
        if (drop)
            m_hasSelection = m_selecting = false;
    }

    syncScrollBar(stickToBottom, dropped);
    if (pushed > 0 || dropped > 0 || (damage.isValid() && !atBottom()))
        m_dirtyAll = true;
    else if (damage.isValid())
        m_dirtyCells = m_dirtyCells.isValid() ? m_dirtyCells.united(damage) : damage;
    if ((m_dirtyAll || m_dirtyCells.isValid()) && !m_repaintTimer.isActive())
        m_repaintTimer.start();
    flushOutput();
}

void TerminalView::repaintDamage()
{
    if (m_dirtyAll) {
        viewport()->update();
    } else if (m_dirtyCells.isValid()) {
        // Whole rows: bold or italic glyphs may reach past their cells.
        const int viewRow = m_dirtyCells.top() + m_screen.scrollbackCount() - topLine();
        viewport()->update(QRect(0, kPadding + viewRow * m_cellHeight, viewport()->width(),
                                 m_dirtyCells.height() * m_cellHeight));
    }
    m_dirtyAll = false;
    m_dirtyCells = QRect();
}

void TerminalView::updateMetrics()
{
    const QFont base = font();
    for (int i = 0; i < 4; ++i) {
        m_fonts[i] = base;
        m_fonts[i].setBold(i & 1);
        m_fonts[i].setItalic(i & 2);
    }
    const QFontMetrics fm(base);
    m_cellWidth = std::max(1, fm.horizontalAdvance(QLatin1Char('M')));
    m_cellHeight = std::max(1, fm.height());
    m_ascent = fm.ascent();
}

void TerminalView::updateTerminalSize()
{
    if (!isVisible())
        return;  // 80x24 until shown: a hidden widget's geometry is not yet its own
    const QSize vp = viewport()->size();
    const int cols = (vp.width() - 2 * kPadding) / m_cellWidth;
    const int rows = (vp.height() - 2 * kPadding) / m_cellHeight;
    const bool stick = atBottom();
    if (!m_screen.resize(cols, rows))
        return;
    afterEmulation(stick);
    m_dirtyAll = true;
    emit terminalResized(m_screen.cols(), m_screen.rows());
}

void TerminalView::syncScrollBar(bool stickToBottom, int dropped)
{
    QScrollBar *sb = verticalScrollBar();
    const int n = m_screen.scrollbackCount();
    const int old = sb->value();
    const int top = stickToBottom ? n : std::max(0, old - dropped);
    m_syncingScrollBar = true;  // the caller schedules the repaint
    sb->setRange(0, n);
    sb->setPageStep(m_screen.rows());
    sb->setValue(top);
    m_syncingScrollBar = false;
    if (top != old)
        m_dirtyAll = true;
}

bool TerminalView::atBottom() const
{
    return verticalScrollBar()->value() >= verticalScrollBar()->maximum();
}

int TerminalView::topLine() const
{
    return verticalScrollBar()->value();
}

void TerminalView::scrollToBottom()
{
    verticalScrollBar()->setValue(verticalScrollBar()->maximum());
}

void TerminalView::scrollContentsBy(int, int)
{
    if (!m_syncingScrollBar)
        viewport()->update();
}

QColor TerminalView::foregroundAt(int row, int col) const
{
    if (row < 0 || row >= m_screen.rows() || col < 0 || col >= m_screen.cols())
        return {};
    m_screen.lineCells(m_screen.scrollbackCount() + row, &m_lineScratch);
    const TerminalCell &c = m_lineScratch[std::size_t(col)];
    return (c.attrs & TerminalCell::Reverse) ? m_screen.colour(c.bg, false) : m_screen.colour(c.fg, true);
}

QColor TerminalView::backgroundAt(int row, int col) const
{
    if (row < 0 || row >= m_screen.rows() || col < 0 || col >= m_screen.cols())
        return {};
    m_screen.lineCells(m_screen.scrollbackCount() + row, &m_lineScratch);
    const TerminalCell &c = m_lineScratch[std::size_t(col)];
    return (c.attrs & TerminalCell::Reverse) ? m_screen.colour(c.fg, true) : m_screen.colour(c.bg, false);
}

QSize TerminalView::sizeHint() const
{
    const int frame = 2 * frameWidth();
    return QSize(80 * m_cellWidth + 2 * kPadding + frame + verticalScrollBar()->sizeHint().width(),
                 24 * m_cellHeight + 2 * kPadding + frame);
}

// ---- painting

void TerminalView::paintEvent(QPaintEvent *e)
{
    QPainter p(viewport());
    const QRect clip = e->rect();
    p.fillRect(clip, m_screen.defaultBackground());
    const int top = topLine();
    const int firstRow = std::max(0, (clip.top() - kPadding) / m_cellHeight);
    const int lastRow = std::min(m_screen.rows() - 1, (clip.bottom() - kPadding) / m_cellHeight);
    for (int r = firstRow; r <= lastRow; ++r) {
        const int line = top + r;
        if (line >= m_screen.lineCount())
            break;
        drawLine(p, r, line, clip);
    }
    if (!m_fed && !m_placeholder.isEmpty()) {
        QColor c = m_screen.defaultForeground();
        c.setAlpha(160);
        p.setPen(c);
        p.setFont(font());
        p.drawText(viewport()->rect().adjusted(kPadding, kPadding, -kPadding, -kPadding),
                   Qt::AlignCenter | Qt::TextWordWrap, m_placeholder);
    }
}

void TerminalView::drawLine(QPainter &p, int viewRow, int line, const QRect &clip)
{
    m_screen.lineCells(line, &m_lineScratch);
    const std::vector<TerminalCell> &cells = m_lineScratch;
    const int y = kPadding + viewRow * m_cellHeight;
    const bool cursorLine = m_fed && m_screen.cursorVisible()
        && line == m_screen.scrollbackCount() + m_screen.cursor().y();
    const int cursorCol = cursorLine ? m_screen.cursor().x() : -1;
    const bool focused = hasFocus();
    const QColor selBg = palette().color(QPalette::Highlight);
    const QColor selFg = palette().color(QPalette::HighlightedText);
    const int ncols = std::min(int(cells.size()), m_screen.cols());

    struct Style {
        QColor fg, bg;
        int font = 0;
        std::uint8_t lines = 0;  // Underline | Strike
        bool operator==(const Style &o) const { return fg == o.fg && bg == o.bg && font == o.font && lines == o.lines; }
    };
    auto styleOf = [&](int col) {
        const TerminalCell &c = cells[std::size_t(col)];
        Style s;
        s.fg = m_screen.colour(c.fg, true);
        s.bg = m_screen.colour(c.bg, false);
        if (c.attrs & TerminalCell::Reverse)
            std::swap(s.fg, s.bg);
        if (isSelected(line, col)) {
            s.fg = selFg;
            s.bg = selBg;
        }
        if (col == cursorCol && focused)
            std::swap(s.fg, s.bg);
        s.font = ((c.attrs & TerminalCell::Bold) ? 1 : 0) | ((c.attrs & TerminalCell::Italic) ? 2 : 0);
        s.lines = c.attrs & (TerminalCell::Underline | TerminalCell::Strike);
        return s;
    };
    // A run: cells of one style, plain ASCII (non-ASCII and wide glyphs are drawn one per
    // run so a fallback font's advance cannot push the rest off the grid), not the cursor.
    auto simple = [&](int col) {
        const TerminalCell &c = cells[std::size_t(col)];
        return col != cursorCol && c.width == 1 && c.comb == 0 && c.ch < 0x80 && !(c.attrs & TerminalCell::WideTail);
    };
    const int firstCol = std::max(0, (clip.left() - kPadding) / m_cellWidth);
    const int lastCol = std::min(ncols - 1, (clip.right() - kPadding) / m_cellWidth + 1);
    int col = firstCol;
    while (col <= lastCol) {
        const Style s = styleOf(col);
        const int start = col;
        QString text;
        if (simple(col)) {
            while (col <= lastCol && simple(col) && styleOf(col) == s) {
                const char32_t ch = cells[std::size_t(col)].ch;
                text.append(QChar(ch == 0 ? u' ' : char16_t(ch)));
                ++col;
            }
        } else {
            const TerminalCell &c = cells[std::size_t(col)];
            if (!(c.attrs & TerminalCell::WideTail)) {
                text = c.ch == 0 ? QStringLiteral(" ") : QString::fromUcs4(&c.ch, 1);
                if (c.comb != 0)
                    text += QString::fromUcs4(&c.comb, 1);
            }
            ++col;
            if (c.width == 2 && col < ncols && (cells[std::size_t(col)].attrs & TerminalCell::WideTail))
                ++col;
        }
        const QRect box(kPadding + start * m_cellWidth, y, (col - start) * m_cellWidth, m_cellHeight);
        if (s.bg != m_screen.defaultBackground())
            p.fillRect(box, s.bg);
        if (!text.trimmed().isEmpty()) {
            p.setFont(m_fonts[s.font]);
            p.setPen(s.fg);
            p.drawText(QPoint(box.left(), y + m_ascent), text);
        }
        if (s.lines) {
            p.setPen(s.fg);
            if (s.lines & TerminalCell::Underline)
                p.drawLine(box.left(), y + m_ascent + 1, box.right(), y + m_ascent + 1);
            if (s.lines & TerminalCell::Strike)
                p.drawLine(box.left(), y + m_cellHeight / 2, box.right(), y + m_cellHeight / 2);
        }
        if (start == cursorCol && !focused) {  // hollow cursor without focus
            p.setPen(s.fg);
            p.setBrush(Qt::NoBrush);
            p.drawRect(box.adjusted(0, 0, -1, -1));
        }
    }
}

// ---- keys

bool TerminalView::event(QEvent *e)
{
    if (e->type() == QEvent::ShortcutOverride) {
        auto *ke = static_cast<QKeyEvent *>(e);
        const int key = ke->key();
        const auto mods = ke->modifiers();
        bool claim = false;
        if (isCtrlShift(mods) && (key == Qt::Key_C || key == Qt::Key_V))
            claim = true;
        else if (mods == Qt::ShiftModifier && (key == Qt::Key_PageUp || key == Qt::Key_PageDown))
            claim = true;
        else if (isCtrlShift(mods) && key >= Qt::Key_A && key <= Qt::Key_Z)
            claim = false;  // the application's shortcuts first
        else if (!m_readOnly)
            claim = TerminalScreen::handlesKey(key, mods, ke->text());
        if (claim) {
            e->accept();
            return true;
        }
    }
    return QAbstractScrollArea::event(e);
}

void TerminalView::keyPressEvent(QKeyEvent *e)
{
    const int key = e->key();
    const auto mods = e->modifiers();
    if (isCtrlShift(mods) && key == Qt::Key_C) {
        copy();
        return;
    }
    if (isCtrlShift(mods) && key == Qt::Key_V) {
        paste();
        return;
    }
    if (mods == Qt::ShiftModifier && (key == Qt::Key_PageUp || key == Qt::Key_PageDown)) {
        verticalScrollBar()->triggerAction(key == Qt::Key_PageUp ? QAbstractSlider::SliderPageStepSub
                                                                 : QAbstractSlider::SliderPageStepAdd);
        return;
    }
    if (!m_readOnly && m_screen.keyPress(key, mods, e->text())) {
        scrollToBottom();
        flushOutput();
        e->accept();
        return;
    }
    QAbstractScrollArea::keyPressEvent(e);
}

void TerminalView::inputMethodEvent(QInputMethodEvent *e)
{
    if (!m_readOnly && m_screen.typeText(e->commitString())) {
        scrollToBottom();
        flushOutput();
    }
    e->accept();
}

bool TerminalView::focusNextPrevChild(bool next)
{
    if (m_readOnly)
        return QAbstractScrollArea::focusNextPrevChild(next);
    return false;  // Tab and Shift+Tab are the guest's
}

void TerminalView::focusInEvent(QFocusEvent *e)
{
    QAbstractScrollArea::focusInEvent(e);
    viewport()->update();  // solid cursor
}

void TerminalView::focusOutEvent(QFocusEvent *e)
{
    QAbstractScrollArea::focusOutEvent(e);
    viewport()->update();  // hollow cursor
}

void TerminalView::changeEvent(QEvent *e)
{
    QAbstractScrollArea::changeEvent(e);
    if (e->type() == QEvent::FontChange) {
        updateMetrics();
        updateTerminalSize();
        viewport()->update();
    }
}

void TerminalView::resizeEvent(QResizeEvent *e)
{
    QAbstractScrollArea::resizeEvent(e);
    updateTerminalSize();
}

void TerminalView::showEvent(QShowEvent *e)
{
    QAbstractScrollArea::showEvent(e);
    updateTerminalSize();
}

// ---- selection and clipboard

QPoint TerminalView::edgeAt(const QPoint &pos) const
{
    const int line = topLine() + (pos.y() - kPadding) / m_cellHeight - (pos.y() < kPadding ? 1 : 0);
    const int col = (pos.x() - kPadding + m_cellWidth / 2) / m_cellWidth;
    return QPoint(std::clamp(col, 0, m_screen.cols()), std::clamp(line, 0, m_screen.lineCount() - 1));
}

QPoint TerminalView::cellAt(const QPoint &pos) const
{
    const QPoint edge = edgeAt(pos);
    const int col = std::max(0, pos.x() - kPadding) / m_cellWidth;
    return QPoint(std::clamp(col, 0, m_screen.cols() - 1), edge.y());
}

std::pair<QPoint, QPoint> TerminalView::selectionRange() const
{
    const bool ordered = m_selAnchor.y() < m_selEnd.y()
        || (m_selAnchor.y() == m_selEnd.y() && m_selAnchor.x() <= m_selEnd.x());
    return ordered ? std::pair{m_selAnchor, m_selEnd} : std::pair{m_selEnd, m_selAnchor};
}

bool TerminalView::isSelected(int line, int col) const
{
    if (!m_hasSelection)
        return false;
    const auto [s, e] = selectionRange();
    const bool afterStart = line > s.y() || (line == s.y() && col >= s.x());
    const bool beforeEnd = line < e.y() || (line == e.y() && col < e.x());
    return afterStart && beforeEnd;
}

QString TerminalView::selectedText() const
{
    if (!m_hasSelection)
        return {};
    const auto [s, e] = selectionRange();
    QStringList lines;
    for (int line = s.y(); line <= e.y(); ++line)
        lines.append(m_screen.lineText(line, line == s.y() ? s.x() : 0,
                                       line == e.y() ? e.x() : TerminalScreen::kMaxCols));
    return lines.join(QLatin1Char('\n'));
}

void TerminalView::selectWordAt(const QPoint &cell)
{
    m_screen.lineCells(cell.y(), &m_lineScratch);
    const std::vector<TerminalCell> &cells = m_lineScratch;
    int col = cell.x();
    if (col >= int(cells.size()) || !isWordChar(cells[std::size_t(col)])) {
        clearSelection();
        return;
    }
    int start = col, end = col + 1;
    while (start > 0 && isWordChar(cells[std::size_t(start - 1)]))
        --start;
    while (end < int(cells.size()) && isWordChar(cells[std::size_t(end)]))
        ++end;
    m_selAnchor = QPoint(start, cell.y());
    m_selEnd = QPoint(end, cell.y());
    m_hasSelection = true;
    viewport()->update();
}

void TerminalView::selectAll()
{
    m_selAnchor = QPoint(0, 0);
    m_selEnd = QPoint(TerminalScreen::kMaxCols, m_screen.lineCount() - 1);
    m_hasSelection = true;
    m_selecting = false;
    viewport()->update();
}

void TerminalView::clearSelection()
{
    if (!m_hasSelection && !m_selecting)
        return;
    m_hasSelection = m_selecting = false;
    viewport()->update();
}

void TerminalView::copy()
{
    if (m_hasSelection)
        QGuiApplication::clipboard()->setText(selectedText());
}

void TerminalView::paste()
{
    pasteText(QGuiApplication::clipboard()->text());
}

void TerminalView::pasteText(const QString &text)
{
    if (m_readOnly || !m_screen.paste(text))
        return;
    scrollToBottom();
    flushOutput();
}

void TerminalView::clearScrollback()
{
    m_screen.clearScrollback();
    afterEmulation(true);
    m_dirtyAll = true;
}

void TerminalView::mousePressEvent(QMouseEvent *e)
{
    if (e->button() == Qt::LeftButton) {
        clearSelection();
        m_selAnchor = m_selEnd = edgeAt(e->position().toPoint());
        m_selecting = true;
        return;
    }
    if (e->button() == Qt::MiddleButton) {
        QClipboard *cb = QGuiApplication::clipboard();
        pasteText(cb->supportsSelection() ? cb->text(QClipboard::Selection) : cb->text());
        return;
    }
    QAbstractScrollArea::mousePressEvent(e);
}

void TerminalView::mouseMoveEvent(QMouseEvent *e)
{
    if (!m_selecting || !(e->buttons() & Qt::LeftButton))
        return;
    const QPoint pos = e->position().toPoint();
    if (pos.y() < 0)
        verticalScrollBar()->triggerAction(QAbstractSlider::SliderSingleStepSub);
    else if (pos.y() >= viewport()->height())
        verticalScrollBar()->triggerAction(QAbstractSlider::SliderSingleStepAdd);
    m_selEnd = edgeAt(pos);
    m_hasSelection = m_selEnd != m_selAnchor;
    viewport()->update();
}

void TerminalView::mouseReleaseEvent(QMouseEvent *e)
{
    if (e->button() == Qt::MiddleButton) {
        e->accept();  // the press pasted
        return;
    }
    if (e->button() != Qt::LeftButton) {
        QAbstractScrollArea::mouseReleaseEvent(e);
        return;
    }
    m_selecting = false;
    QClipboard *cb = QGuiApplication::clipboard();
    if (m_hasSelection && cb->supportsSelection())
        cb->setText(selectedText(), QClipboard::Selection);
}

void TerminalView::mouseDoubleClickEvent(QMouseEvent *e)
{
    if (e->button() != Qt::LeftButton) {
        QAbstractScrollArea::mouseDoubleClickEvent(e);
        return;
    }
    m_selecting = false;
    selectWordAt(cellAt(e->position().toPoint()));
    QClipboard *cb = QGuiApplication::clipboard();
    if (m_hasSelection && cb->supportsSelection())
        cb->setText(selectedText(), QClipboard::Selection);
}

QMenu *TerminalView::createContextMenu(QWidget *parent)
{
    auto *menu = new QMenu(parent);
    QAction *copyAction = menu->addAction(tr("Copy"));
    copyAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    copyAction->setShortcutVisibleInContextMenu(true);
    copyAction->setEnabled(m_hasSelection);
    connect(copyAction, &QAction::triggered, this, &TerminalView::copy);
    QAction *pasteAction = menu->addAction(tr("Paste"));
    pasteAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_V));
    pasteAction->setShortcutVisibleInContextMenu(true);
    pasteAction->setEnabled(!m_readOnly && !QGuiApplication::clipboard()->text().isEmpty());
    connect(pasteAction, &QAction::triggered, this, &TerminalView::paste);
    menu->addSeparator();
    connect(menu->addAction(tr("Select All")), &QAction::triggered, this, &TerminalView::selectAll);
    QAction *clearAction = menu->addAction(tr("Clear Scrollback"));
    clearAction->setEnabled(m_screen.scrollbackCount() > 0);
    connect(clearAction, &QAction::triggered, this, &TerminalView::clearScrollback);
    return menu;
}

void TerminalView::contextMenuEvent(QContextMenuEvent *e)
{
    const std::unique_ptr<QMenu> menu(createContextMenu(this));
    menu->exec(e->globalPos());
}

}  // namespace netloom::gui
