// SPDX-License-Identifier: GPL-3.0-or-later
// The serial-console terminal widget (TerminalView on libvterm 0.1.4), offscreen: text and
// colours land in the right cells (and are painted), cursor addressing, bounded scrollback
// and the scroll position, the bytes keys and pastes send (bracketed or not), read-only,
// terminal answers, resize, selection and copy, the application's shortcuts not stealing
// keys, and the time a 1 MiB feed takes.
#include "terminalview.h"

#include <QApplication>
#include <QClipboard>
#include <QElapsedTimer>
#include <QImage>
#include <QMenu>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTest>
#include <QVBoxLayout>

#include <memory>

using namespace netloom::gui;

namespace {

QStringList screenLines(const TerminalView &v)
{
    return v.screenText().split(QLatin1Char('\n'));
}

// All bytes emitted since the spy was made, concatenated.
QByteArray sent(const QSignalSpy &spy)
{
    QByteArray out;
    for (const QList<QVariant> &args : spy)
        out += args.at(0).toByteArray();
    return out;
}

// The centre of cell (row, col) in viewport coordinates.
QPoint cellCentre(const TerminalView &v, int row, int col)
{
    const QSize c = v.cellSize();
    return QPoint(TerminalView::kPadding + col * c.width() + c.width() / 2,
                  TerminalView::kPadding + row * c.height() + c.height() / 2);
}

}  // namespace

class TestTerminalView : public QObject {
    Q_OBJECT
private slots:
    void textLandsOnTheScreen()
    {
        TerminalView v;
        v.feed("hello\r\nworld");
        const QStringList lines = screenLines(v);
        QCOMPARE(lines.size(), 24);
        QCOMPARE(lines.at(0), QStringLiteral("hello"));
        QCOMPARE(lines.at(1), QStringLiteral("world"));
        QCOMPARE(lines.at(2), QString());
        QCOMPARE(v.cursorPosition(), QPoint(5, 1));
        // UTF-8, split across two feeds, and a double-width character.
        const QByteArray utf8 = QStringLiteral("\r\ngrüße 日本!").toUtf8();
        v.feed(utf8.left(10));
        v.feed(utf8.mid(10));
        QCOMPARE(screenLines(v).at(2), QStringLiteral("grüße 日本!"));
        QCOMPARE(v.cursorPosition(), QPoint(6 + 4 + 1, 2));
    }

    void coloursAndAttributes()
    {
        TerminalView v;
        // 0 red, 1 bold red (bright), 2 256-colour 196, 3 RGB, 4 blue background,
        // 5 reverse, 6 back to defaults.
        v.feed("\x1b[31mR\x1b[1mB\x1b[0m\x1b[38;5;196mX\x1b[38;2;1;2;3mY\x1b[0;44m \x1b[0;32;7mV\x1b[0mD");
        QCOMPARE(v.foregroundAt(0, 0), QColor(224, 0, 0));
        QCOMPARE(v.foregroundAt(0, 1), QColor(255, 64, 64));
        QCOMPARE(v.foregroundAt(0, 2), QColor(255, 0, 0));
        QCOMPARE(v.foregroundAt(0, 3), QColor(1, 2, 3));
        QCOMPARE(v.backgroundAt(0, 4), QColor(0, 0, 224));
        QCOMPARE(v.backgroundAt(0, 5), QColor(0, 224, 0));  // reverse: green behind
        QCOMPARE(v.foregroundAt(0, 5), QColor(0x10, 0x10, 0x10));
        QCOMPARE(v.foregroundAt(0, 6), QColor(0xd0, 0xd0, 0xd0));  // the view's default
        QCOMPARE(v.backgroundAt(0, 6), QColor(0x10, 0x10, 0x10));
        QVERIFY(!v.foregroundAt(24, 0).isValid());

        // And it is painted: the blue background cell and the default background elsewhere.
        v.resize(v.sizeHint());
        const QImage img = v.viewport()->grab().toImage();
        const QPoint blue = cellCentre(v, 0, 4);
        QCOMPARE(QColor(img.pixel(blue)), QColor(0, 0, 224));
        QCOMPARE(QColor(img.pixel(cellCentre(v, 10, 10))), QColor(0x10, 0x10, 0x10));
        // The red 'R' put some red pixels into its cell.
        bool red = false;
        const QSize c = v.cellSize();
        for (int y = 0; y < c.height(); ++y)
            for (int x = 0; x < c.width(); ++x) {
                const QColor px(img.pixel(TerminalView::kPadding + x, TerminalView::kPadding + y));
                red = red || (px.red() > 120 && px.green() < 60 && px.blue() < 60);
            }
        QVERIFY(red);
    }

    void cursorAddressingAndErase()
    {
        TerminalView v;
        v.feed("abc\r\ndef\r\nghi");
        v.feed("\x1b[2J\x1b[H");
        QCOMPARE(v.cursorPosition(), QPoint(0, 0));
        QCOMPARE(v.screenText().trimmed(), QString());
        v.feed("X\x1b[3;5HZ\x1b[1;3HQ");
        const QStringList lines = screenLines(v);
        QCOMPARE(lines.at(0), QStringLiteral("X Q"));
        QCOMPARE(lines.at(2), QStringLiteral("    Z"));
        QCOMPARE(v.cursorPosition(), QPoint(3, 0));
        v.feed("\x1b[2K");  // erase the line
        QCOMPARE(screenLines(v).at(0), QString());
    }

    void scrollbackIsBoundedAndKeepsTheView()
    {
        TerminalView v;  // 80x24, not shown
        for (int i = 0; i < 100; ++i)
            v.feed(QStringLiteral("line %1\r\n").arg(i).toUtf8());
        QStringList sb = v.scrollbackText();
        QCOMPARE(sb.size(), 100 - 23);
        QCOMPARE(sb.first(), QStringLiteral("line 0"));
        QCOMPARE(sb.last(), QStringLiteral("line 76"));
        QCOMPARE(screenLines(v).at(0), QStringLiteral("line 77"));
        QScrollBar *bar = v.verticalScrollBar();
        QCOMPARE(bar->maximum(), 77);
        QCOMPARE(bar->value(), 77);  // followed the output

        v.setScrollbackLines(10);
        QCOMPARE(v.scrollbackLines(), 10);
        sb = v.scrollbackText();
        QCOMPARE(sb.size(), 10);
        QCOMPARE(sb.first(), QStringLiteral("line 67"));
        for (int i = 100; i < 150; ++i)
            v.feed(QStringLiteral("line %1\r\n").arg(i).toUtf8());
        QCOMPARE(v.scrollbackText().size(), 10);
        QCOMPARE(v.scrollbackText().first(), QStringLiteral("line 117"));
        QCOMPARE(bar->value(), 10);

        // Scrolled up, the view keeps its lines (shifted by the dropped ones) while output
        // arrives; a key press jumps back to the bottom.
        v.setScrollbackLines(1000);
        for (int i = 150; i < 160; ++i)
            v.feed(QStringLiteral("line %1\r\n").arg(i).toUtf8());
        QCOMPARE(bar->value(), 20);
        bar->setValue(5);
        v.feed("more\r\n");
        QCOMPARE(bar->maximum(), 21);
        QCOMPARE(bar->value(), 5);
        v.setScrollbackLines(18);  // drops the 3 oldest: the view shifts with its lines
        QCOMPARE(bar->value(), 2);
        QTest::keyClick(&v, Qt::Key_A);
        QCOMPARE(bar->value(), bar->maximum());

        v.clearScrollback();
        QVERIFY(v.scrollbackText().isEmpty());
        QCOMPARE(bar->maximum(), 0);
        QCOMPARE(screenLines(v).at(22), QStringLiteral("more"));
        v.setScrollbackLines(0);
        v.feed("\r\n\r\n");
        QVERIFY(v.scrollbackText().isEmpty());

        v.clear();
        QVERIFY(v.scrollbackText().isEmpty());
        QCOMPARE(v.screenText().trimmed(), QString());
        QCOMPARE(v.cursorPosition(), QPoint(0, 0));
    }

    void keysBecomeTerminalBytes()
    {
        TerminalView v;
        QSignalSpy spy(&v, &TerminalView::sendBytes);
        auto bytesFor = [&](auto key, Qt::KeyboardModifiers mods = Qt::NoModifier) {
            spy.clear();
            QTest::keyClick(&v, key, mods);
            return sent(spy);
        };
        QCOMPARE(bytesFor('a'), QByteArray("a"));
        QCOMPARE(bytesFor('A', Qt::ShiftModifier), QByteArray("A"));
        QCOMPARE(bytesFor(Qt::Key_Return), QByteArray("\r"));
        QCOMPARE(bytesFor(Qt::Key_Enter, Qt::KeypadModifier), QByteArray("\r"));
        QCOMPARE(bytesFor(Qt::Key_Return, Qt::ShiftModifier), QByteArray("\r"));  // no CSI-u
        QCOMPARE(bytesFor(Qt::Key_Backspace), QByteArray("\x7f"));
        QCOMPARE(bytesFor(Qt::Key_Backspace, Qt::ControlModifier), QByteArray("\x08"));
        QCOMPARE(bytesFor(Qt::Key_Tab), QByteArray("\t"));
        QCOMPARE(bytesFor(Qt::Key_Backtab, Qt::ShiftModifier), QByteArray("\x1b[Z"));
        QCOMPARE(bytesFor(Qt::Key_Escape), QByteArray("\x1b"));
        QCOMPARE(bytesFor(Qt::Key_Up), QByteArray("\x1b[A"));
        QCOMPARE(bytesFor(Qt::Key_Down), QByteArray("\x1b[B"));
        QCOMPARE(bytesFor(Qt::Key_Right), QByteArray("\x1b[C"));
        QCOMPARE(bytesFor(Qt::Key_Left), QByteArray("\x1b[D"));
        QCOMPARE(bytesFor(Qt::Key_Up, Qt::ControlModifier), QByteArray("\x1b[1;5A"));
        QCOMPARE(bytesFor(Qt::Key_Home), QByteArray("\x1b[H"));
        QCOMPARE(bytesFor(Qt::Key_End), QByteArray("\x1b[F"));
        QCOMPARE(bytesFor(Qt::Key_PageUp), QByteArray("\x1b[5~"));
        QCOMPARE(bytesFor(Qt::Key_PageDown), QByteArray("\x1b[6~"));
        QCOMPARE(bytesFor(Qt::Key_Insert), QByteArray("\x1b[2~"));
        QCOMPARE(bytesFor(Qt::Key_Delete), QByteArray("\x1b[3~"));
        QCOMPARE(bytesFor(Qt::Key_F1), QByteArray("\x1bOP"));
        QCOMPARE(bytesFor(Qt::Key_F5), QByteArray("\x1b[15~"));
        QCOMPARE(bytesFor(Qt::Key_F12), QByteArray("\x1b[24~"));
        QCOMPARE(bytesFor(Qt::Key_C, Qt::ControlModifier), QByteArray("\x03"));
        QCOMPARE(bytesFor(Qt::Key_D, Qt::ControlModifier), QByteArray("\x04"));
        QCOMPARE(bytesFor(Qt::Key_M, Qt::ControlModifier), QByteArray("\r"));  // not CSI-u
        QCOMPARE(bytesFor(Qt::Key_BracketLeft, Qt::ControlModifier), QByteArray("\x1b"));
        QCOMPARE(bytesFor(Qt::Key_X, Qt::AltModifier), QByteArray("\x1bx"));  // Alt is meta
        QCOMPARE(bytesFor(Qt::Key_C, Qt::ControlModifier | Qt::AltModifier), QByteArray("\x1b\x03"));
        QCOMPARE(bytesFor(Qt::Key_Shift), QByteArray());
        QCOMPARE(bytesFor(Qt::Key_L, Qt::MetaModifier), QByteArray());  // the desktop's
        // The guest switched to application cursor keys (DECCKM).
        v.feed("\x1b[?1h");
        QCOMPARE(bytesFor(Qt::Key_Up), QByteArray("\x1bOA"));
        // Non-ASCII text goes out as UTF-8.
        spy.clear();
        QKeyEvent ev(QEvent::KeyPress, Qt::Key_unknown, Qt::NoModifier, QStringLiteral("é"));
        QApplication::sendEvent(&v, &ev);
        QCOMPARE(sent(spy), QStringLiteral("é").toUtf8());
    }

    void readOnlySendsNothing()
    {
        TerminalView v;
        QApplication::clipboard()->setText(QStringLiteral("pasted"));
        QSignalSpy spy(&v, &TerminalView::sendBytes);
        v.setReadOnly(true);
        QVERIFY(v.isReadOnly());
        QTest::keyClick(&v, 'a');
        QTest::keyClick(&v, Qt::Key_Return);
        QTest::keyClick(&v, Qt::Key_C, Qt::ControlModifier);
        v.paste();
        v.feed("\x1b[6n");  // a query it would answer
        QCOMPARE(spy.count(), 0);
        v.setReadOnly(false);
        QTest::keyClick(&v, 'a');
        QCOMPARE(sent(spy), QByteArray("a"));
    }

    void answersTheGuestsQueries()
    {
        TerminalView v;
        QSignalSpy spy(&v, &TerminalView::sendBytes);
        v.feed("ab\r\ncd\x1b[6n");  // cursor position report: row 2, column 3
        QCOMPARE(sent(spy), QByteArray("\x1b[2;3R"));
    }

    void pasteIsBracketedOnlyWhenAsked()
    {
        TerminalView v;
        QSignalSpy spy(&v, &TerminalView::sendBytes);
        QApplication::clipboard()->setText(QStringLiteral("ls -l\nexit\r\n\x1b[201~x"));
        v.paste();
        QCOMPARE(sent(spy), QByteArray("ls -l\rexit\r[201~x"));  // newlines as CR, no ESC
        spy.clear();
        v.feed("\x1b[?2004h");
        QTest::keyClick(&v, Qt::Key_V, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(sent(spy), QByteArray("\x1b[200~ls -l\rexit\r[201~x\x1b[201~"));
        spy.clear();
        v.feed("\x1b[?2004l");
        QTest::mouseClick(v.viewport(), Qt::MiddleButton, {}, cellCentre(v, 0, 0));
        QVERIFY(!sent(spy).isEmpty());
        QVERIFY(!sent(spy).contains("\x1b[200~"));
    }

    void sizeFollowsTheWidget()
    {
        TerminalView v;
        QSignalSpy spy(&v, &TerminalView::terminalResized);
        v.show();
        QVERIFY(QTest::qWaitForWindowExposed(&v));
        const QSize cell = v.cellSize();
        const int chrome = v.width() - v.viewport()->width();
        const int chromeH = v.height() - v.viewport()->height();
        v.resize(100 * cell.width() + 2 * TerminalView::kPadding + chrome,
                 30 * cell.height() + 2 * TerminalView::kPadding + chromeH);
        QTRY_COMPARE(v.terminalSize(), QSize(100, 30));
        QVERIFY(!spy.isEmpty());
        QCOMPARE(spy.last().at(0).toInt(), 100);
        QCOMPARE(spy.last().at(1).toInt(), 30);
        for (int i = 0; i < 29; ++i)
            v.feed(QStringLiteral("l%1\r\n").arg(i).toUtf8());
        QVERIFY(v.scrollbackText().isEmpty());
        v.resize(50, 40);  // too small: the minimum
        QTRY_COMPARE(v.terminalSize(), QSize(TerminalScreen::kMinCols, TerminalScreen::kMinRows));
        // Shrinking pushed the top lines into the scrollback (the cursor stays on screen);
        // growing brings them back.
        QCOMPARE(v.scrollbackText().value(0), QStringLiteral("l0"));
        QCOMPARE(v.scrollbackText().size(), 25);
        QCOMPARE(screenLines(v).at(3), QStringLiteral("l28"));
        v.resize(100 * cell.width() + 2 * TerminalView::kPadding + chrome,
                 30 * cell.height() + 2 * TerminalView::kPadding + chromeH);
        QTRY_COMPARE(v.terminalSize(), QSize(100, 30));
        QCOMPARE(screenLines(v).at(0), QStringLiteral("l0"));
        QCOMPARE(screenLines(v).at(28), QStringLiteral("l28"));
        QVERIFY(v.scrollbackText().isEmpty());
    }

    void selectAndCopy()
    {
        TerminalView v;
        v.resize(v.sizeHint());
        v.show();
        QVERIFY(QTest::qWaitForWindowExposed(&v));
        v.feed("hello world-wide/web ok\r\nsecond line");
        QTest::mouseDClick(v.viewport(), Qt::LeftButton, {}, cellCentre(v, 0, 8));
        QCOMPARE(v.selectedText(), QStringLiteral("world-wide/web"));
        QApplication::clipboard()->clear();
        QTest::keyClick(&v, Qt::Key_C, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("world-wide/web"));

        // Drag from the middle of the first line into the second.
        const QSize cell = v.cellSize();
        QTest::mousePress(v.viewport(), Qt::LeftButton, {}, cellCentre(v, 0, 21) - QPoint(cell.width() / 2, 0));
        QMouseEvent move(QEvent::MouseMove, QPointF(cellCentre(v, 1, 6) - QPoint(cell.width() / 2, 0)),
                         QPointF(v.viewport()->mapToGlobal(cellCentre(v, 1, 6))), Qt::NoButton, Qt::LeftButton, {});
        QApplication::sendEvent(v.viewport(), &move);
        QTest::mouseRelease(v.viewport(), Qt::LeftButton, {}, cellCentre(v, 1, 6) - QPoint(cell.width() / 2, 0));
        QCOMPARE(v.selectedText(), QStringLiteral("ok\nsecond"));

        // Output over the selected lines drops the selection; the context menu copies.
        std::unique_ptr<QMenu> menu(v.createContextMenu(nullptr));
        QCOMPARE(menu->actions().size(), 5);  // Copy, Paste, separator, Select All, Clear Scrollback
        QVERIFY(menu->actions().at(0)->isEnabled());
        v.feed("\x1b[1;1Hxx");
        QVERIFY(!v.hasSelection());
        menu.reset(v.createContextMenu(nullptr));
        QVERIFY(!menu->actions().at(0)->isEnabled());
        menu->actions().at(3)->trigger();  // Select All
        QCOMPARE(v.selectedText(), v.screenText());
        menu.reset(v.createContextMenu(nullptr));
        menu->actions().at(0)->trigger();  // Copy
        QVERIFY(QApplication::clipboard()->text().startsWith(QStringLiteral("xxllo world-wide/web ok\nsecond line")));
    }

    void applicationShortcutsDoNotStealKeys()
    {
        QWidget window;
        auto *layout = new QVBoxLayout(&window);
        auto *v = new TerminalView(&window);
        layout->addWidget(v);
        auto *closeAction = new QAction(&window);
        closeAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_W));
        window.addAction(closeAction);
        auto *deleteAction = new QAction(&window);
        deleteAction->setShortcut(QKeySequence(Qt::Key_Delete));
        window.addAction(deleteAction);
        auto *appAction = new QAction(&window);
        appAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_W));
        window.addAction(appAction);
        QSignalSpy closed(closeAction, &QAction::triggered);
        QSignalSpy deleted(deleteAction, &QAction::triggered);
        QSignalSpy app(appAction, &QAction::triggered);
        window.show();
        QApplication::setActiveWindow(&window);
        QVERIFY(QTest::qWaitForWindowActive(&window));
        v->setFocus();
        QSignalSpy spy(v, &TerminalView::sendBytes);

        QTest::keyClick(v, Qt::Key_W, Qt::ControlModifier);
        QTest::keyClick(v, Qt::Key_Delete);
        QCOMPARE(closed.count(), 0);
        QCOMPARE(deleted.count(), 0);
        QCOMPARE(sent(spy), QByteArray("\x17\x1b[3~"));
        // Ctrl+Shift+letters are the application's.
        spy.clear();
        QTest::keyClick(v, Qt::Key_W, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(app.count(), 1);
        QCOMPARE(spy.count(), 0);
        // Read-only: the application's shortcuts work again.
        v->setReadOnly(true);
        QTest::keyClick(v, Qt::Key_W, Qt::ControlModifier);
        QCOMPARE(closed.count(), 1);
    }

    void placeholderUntilFed()
    {
        TerminalView v;
        v.resize(v.sizeHint());
        auto inkInCentre = [&] {
            const QImage img = v.viewport()->grab().toImage();
            const QRect centre(img.width() / 4, img.height() / 2 - v.cellSize().height(), img.width() / 2,
                               2 * v.cellSize().height());
            int ink = 0;
            for (int y = centre.top(); y <= centre.bottom(); ++y)
                for (int x = centre.left(); x <= centre.right(); ++x)
                    ink += QColor(img.pixel(x, y)) != QColor(0x10, 0x10, 0x10) ? 1 : 0;
            return ink;
        };
        QCOMPARE(inkInCentre(), 0);
        v.setPlaceholder(QStringLiteral("Guest is not running"));
        QVERIFY(inkInCentre() > 0);
        v.feed("x");
        QCOMPARE(inkInCentre(), 0);
        v.clear();
        QVERIFY(inkInCentre() > 0);
    }

    void repaintsAreCoalesced()
    {
        TerminalView v;
        v.resize(v.sizeHint());
        v.show();
        QVERIFY(QTest::qWaitForWindowExposed(&v));
        struct PaintCounter : QObject {
            int paints = 0;
            bool eventFilter(QObject *, QEvent *e) override
            {
                paints += e->type() == QEvent::Paint ? 1 : 0;
                return false;
            }
        } counter;
        v.viewport()->installEventFilter(&counter);
        QElapsedTimer t;
        t.start();
        for (int i = 0; i < 300; ++i) {  // a line at a time, the event loop running between
            v.feed(QStringLiteral("line %1\r\n").arg(i).toUtf8());
            QCoreApplication::processEvents();
        }
        const qint64 ms = t.elapsed();
        QTRY_VERIFY(counter.paints > 0);  // the last output gets painted
        qInfo("300 feeds in %lld ms: %d paints", qlonglong(ms), counter.paints);
        QVERIFY(counter.paints <= ms / TerminalView::kRepaintMs + 2);
    }

    void oneMebibyteFeed()
    {
        TerminalView v;
        v.resize(v.sizeHint());
        v.show();
        QVERIFY(QTest::qWaitForWindowExposed(&v));
        QByteArray data;
        int lines = 0;
        while (data.size() < (1 << 20)) {
            data += QStringLiteral("\x1b[3%1mline %2\x1b[0m the quick brown fox jumps over the lazy dog\r\n")
                        .arg(lines % 8).arg(lines).toUtf8();
            ++lines;
        }
        QElapsedTimer t;
        t.start();
        v.feed(data);
        const qint64 fedMs = t.elapsed();
        QCoreApplication::processEvents();
        QTest::qWait(2 * TerminalView::kRepaintMs);
        QCoreApplication::processEvents();
        const qint64 paintedMs = t.elapsed();
        qInfo("fed %lld bytes (%d lines) in %lld ms; painted after %lld ms", qlonglong(data.size()), lines,
              fedMs, paintedMs);
        QVERIFY2(fedMs < 5000, "1 MiB took longer than 5 s");
        QCOMPARE(v.scrollbackText().size(), TerminalScreen::kDefaultScrollback);
        QCOMPARE(v.scrollbackText().last(),
                 QStringLiteral("line %1 the quick brown fox jumps over the lazy dog").arg(lines - 24));
        QCOMPARE(screenLines(v).at(22),
                 QStringLiteral("line %1 the quick brown fox jumps over the lazy dog").arg(lines - 1));
        // Feeding in 4 KiB chunks (as a socket delivers) is not much slower.
        TerminalView w;
        t.restart();
        for (qsizetype off = 0; off < data.size(); off += 4096)
            w.feed(data.mid(off, 4096));
        qInfo("in 4 KiB chunks: %lld ms", qlonglong(t.elapsed()));
        QCOMPARE(w.screenText(), v.screenText());
    }
};

QTEST_MAIN(TestTerminalView)
#include "test_terminalview.moc"
