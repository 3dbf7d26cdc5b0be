// SPDX-License-Identifier: GPL-3.0-or-later
// The guest console's key translation (app/gui/keymap.h): Qt keys and evdev codes to QEMU
// qnum scancodes, keysyms, and text decomposed into US-layout strokes. The expected values
// are XT set 1 scancodes (E0-prefixed keys as 0x80 | code) and X11 keysyms.
#include "keymap.h"

#include <QTest>

using namespace netloom::gui;
using namespace netloom::gui::keymap;

class TestKeymap : public QObject {
    Q_OBJECT
private slots:
    void lettersAndDigits()
    {
        QCOMPARE(qnumFromQtKey(Qt::Key_A), 0x1eu);
        QCOMPARE(qnumFromQtKey(Qt::Key_Q), 0x10u);
        QCOMPARE(qnumFromQtKey(Qt::Key_Z), 0x2cu);
        QCOMPARE(qnumFromQtKey(Qt::Key_M), 0x32u);
        QCOMPARE(qnumFromQtKey(Qt::Key_1), 0x02u);
        QCOMPARE(qnumFromQtKey(Qt::Key_9), 0x0au);
        QCOMPARE(qnumFromQtKey(Qt::Key_0), 0x0bu);
        QCOMPARE(qnumFromQtKey(Qt::Key_Space), 0x39u);
        // Shifted symbols are their base key; Shift travels as its own key.
        QCOMPARE(qnumFromQtKey(Qt::Key_Exclam), 0x02u);
        QCOMPARE(qnumFromQtKey(Qt::Key_Question), 0x35u);
        QCOMPARE(qnumFromQtKey(Qt::Key_BraceLeft), 0x1au);
        QCOMPARE(qnumFromQtKey(Qt::Key_AsciiTilde), 0x29u);
    }

    void specialKeys()
    {
        QCOMPARE(qnumFromQtKey(Qt::Key_Return), 0x1cu);
        QCOMPARE(qnumFromQtKey(Qt::Key_Enter, true), 0x9cu);  // keypad Enter
        QCOMPARE(qnumFromQtKey(Qt::Key_Escape), 0x01u);
        QCOMPARE(qnumFromQtKey(Qt::Key_Backspace), 0x0eu);
        QCOMPARE(qnumFromQtKey(Qt::Key_Tab), 0x0fu);
        QCOMPARE(qnumFromQtKey(Qt::Key_Up), 0xc8u);
        QCOMPARE(qnumFromQtKey(Qt::Key_Down), 0xd0u);
        QCOMPARE(qnumFromQtKey(Qt::Key_Left), 0xcbu);
        QCOMPARE(qnumFromQtKey(Qt::Key_Right), 0xcdu);
        QCOMPARE(qnumFromQtKey(Qt::Key_Home), 0xc7u);
        QCOMPARE(qnumFromQtKey(Qt::Key_PageDown), 0xd1u);
        QCOMPARE(qnumFromQtKey(Qt::Key_Insert), 0xd2u);
        QCOMPARE(qnumFromQtKey(Qt::Key_Delete), 0xd3u);
        QCOMPARE(qnumFromQtKey(Qt::Key_Control), 0x1du);
        QCOMPARE(qnumFromQtKey(Qt::Key_Alt), 0x38u);
        QCOMPARE(qnumFromQtKey(Qt::Key_Shift), 0x2au);
        QCOMPARE(qnumFromQtKey(Qt::Key_AltGr), 0xb8u);
        QCOMPARE(qnumFromQtKey(Qt::Key_Meta), 0xdbu);
        QCOMPARE(qnumFromQtKey(Qt::Key_Print), 0xb7u);
        QCOMPARE(qnumFromQtKey(Qt::Key_unknown), 0u);
        QCOMPARE(qnumFromQtKey(Qt::Key_Adiaeresis), 0u);  // not on a US keyboard
    }

    void functionKeys()
    {
        const quint32 expected[] = {0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x40, 0x41, 0x42, 0x43, 0x44, 0x57, 0x58};
        for (int n = 1; n <= 12; ++n) {
            QCOMPARE(qnumFromQtKey(Qt::Key_F1 + n - 1), expected[n - 1]);
            QCOMPARE(qnumForFunctionKey(n), expected[n - 1]);
            QCOMPARE(keysymFromQtKey(Qt::Key_F1 + n - 1, QString()), quint32(0xffbe + n - 1));
        }
        QCOMPARE(qnumForFunctionKey(13), 0u);
    }

    void keypad()
    {
        QCOMPARE(qnumFromQtKey(Qt::Key_7, true), 0x47u);
        QCOMPARE(qnumFromQtKey(Qt::Key_0, true), 0x52u);
        QCOMPARE(qnumFromQtKey(Qt::Key_Slash, true), 0xb5u);
        QCOMPARE(qnumFromQtKey(Qt::Key_Asterisk, true), 0x37u);
        QCOMPARE(qnumFromQtKey(Qt::Key_7), 0x08u);  // the main-block 7
        QCOMPARE(keysymFromQtKey(Qt::Key_5, QStringLiteral("5"), false, true), 0xffb5u);
        QCOMPARE(keysymFromQtKey(Qt::Key_Enter, QStringLiteral("\r"), false, true), 0xff8du);
    }

    void keysyms()
    {
        QCOMPARE(keysymFromQtKey(Qt::Key_A, QStringLiteral("a")), quint32('a'));
        QCOMPARE(keysymFromQtKey(Qt::Key_A, QStringLiteral("A"), true), quint32('A'));
        // Ctrl+A reports the control character as text: the key decides.
        QCOMPARE(keysymFromQtKey(Qt::Key_A, QStringLiteral("\x01")), quint32('a'));
        QCOMPARE(keysymFromQtKey(Qt::Key_A, QString(), true), quint32('A'));
        QCOMPARE(keysymFromQtKey(Qt::Key_Exclam, QStringLiteral("!"), true), quint32('!'));
        QCOMPARE(keysymFromQtKey(Qt::Key_Return, QStringLiteral("\r")), 0xff0du);
        QCOMPARE(keysymFromQtKey(Qt::Key_Escape, QStringLiteral("\x1b")), 0xff1bu);
        QCOMPARE(keysymFromQtKey(Qt::Key_Backspace, QStringLiteral("\b")), 0xff08u);
        QCOMPARE(keysymFromQtKey(Qt::Key_Tab, QStringLiteral("\t")), 0xff09u);
        QCOMPARE(keysymFromQtKey(Qt::Key_Delete, QString()), 0xffffu);
        QCOMPARE(keysymFromQtKey(Qt::Key_Up, QString()), 0xff52u);
        QCOMPARE(keysymFromQtKey(Qt::Key_Left, QString()), 0xff51u);
        QCOMPARE(keysymFromQtKey(Qt::Key_Control, QString()), 0xffe3u);
        QCOMPARE(keysymFromQtKey(Qt::Key_Shift, QString()), 0xffe1u);
        QCOMPARE(keysymFromQtKey(Qt::Key_Alt, QString()), 0xffe9u);
        // Latin-1 text gives its code point, other text the Unicode keysym.
        QCOMPARE(keysymFromQtKey(Qt::Key_Adiaeresis, QStringLiteral("\u00e4")), 0xe4u);
        QCOMPARE(keysymFromQtKey(Qt::Key_unknown, QStringLiteral("\u20ac")), 0x010020acu);
        QCOMPARE(keysymFromQtKey(Qt::Key_unknown, QString()), 0u);
    }

    void keysymForQnumReversesTheTables()
    {
        QCOMPARE(keysymForQnum(0x1e), quint32('a'));
        QCOMPARE(keysymForQnum(0x02), quint32('1'));
        QCOMPARE(keysymForQnum(kQnumCtrlL), 0xffe3u);
        QCOMPARE(keysymForQnum(kQnumAltL), 0xffe9u);
        QCOMPARE(keysymForQnum(kQnumDelete), 0xffffu);
        QCOMPARE(keysymForQnum(kQnumBackspace), 0xff08u);
        QCOMPARE(keysymForQnum(0x3b), 0xffbeu);  // F1
        QCOMPARE(keysymForQnum(0x58), 0xffc9u);  // F12
        QCOMPARE(keysymForQnum(kQnumPrintScreen), 0xff61u);
        QCOMPARE(keysymForQnum(0), 0u);
        QCOMPARE(keysymForQnum(0x7f), 0u);
    }

    void modifiers()
    {
        QCOMPARE(modifierQnum(Qt::Key_Shift), 0x2au);
        QCOMPARE(modifierQnum(Qt::Key_Control), 0x1du);
        QCOMPARE(modifierQnum(Qt::Key_Alt), 0x38u);
        QCOMPARE(modifierQnum(Qt::Key_AltGr), 0xb8u);
        QCOMPARE(modifierQnum(Qt::Key_A), 0u);
    }

    void evdevToQnum()
    {
        // evdev 1..83 are XT set 1 codes unchanged.
        for (quint32 c = 1; c <= 83; ++c)
            QCOMPARE(qnumFromEvdev(c), c);
        QCOMPARE(qnumFromEvdev(28), 0x1cu);   // KEY_ENTER
        QCOMPARE(qnumFromEvdev(84), 0u);      // no key
        QCOMPARE(qnumFromEvdev(86), 0x56u);   // KEY_102ND
        QCOMPARE(qnumFromEvdev(87), 0x57u);   // KEY_F11
        QCOMPARE(qnumFromEvdev(88), 0x58u);   // KEY_F12
        QCOMPARE(qnumFromEvdev(96), 0x9cu);   // KEY_KPENTER
        QCOMPARE(qnumFromEvdev(97), 0x9du);   // KEY_RIGHTCTRL
        QCOMPARE(qnumFromEvdev(98), 0xb5u);   // KEY_KPSLASH
        QCOMPARE(qnumFromEvdev(99), 0xb7u);   // KEY_SYSRQ = PrintScreen
        QCOMPARE(qnumFromEvdev(100), 0xb8u);  // KEY_RIGHTALT
        QCOMPARE(qnumFromEvdev(102), 0xc7u);  // KEY_HOME
        QCOMPARE(qnumFromEvdev(103), 0xc8u);  // KEY_UP
        QCOMPARE(qnumFromEvdev(105), 0xcbu);  // KEY_LEFT
        QCOMPARE(qnumFromEvdev(106), 0xcdu);  // KEY_RIGHT
        QCOMPARE(qnumFromEvdev(108), 0xd0u);  // KEY_DOWN
        QCOMPARE(qnumFromEvdev(111), 0xd3u);  // KEY_DELETE
        QCOMPARE(qnumFromEvdev(119), 0xc6u);  // KEY_PAUSE
        QCOMPARE(qnumFromEvdev(125), 0xdbu);  // KEY_LEFTMETA
        QCOMPARE(qnumFromEvdev(127), 0xddu);  // KEY_COMPOSE
        QCOMPARE(qnumFromEvdev(0), 0u);
        QCOMPARE(qnumFromEvdev(0x2ff), 0u);
        // Physical key and US-layout fallback agree on the main block.
        QCOMPARE(qnumFromEvdev(30), qnumFromQtKey(Qt::Key_A));
        QCOMPARE(qnumFromEvdev(103), qnumFromQtKey(Qt::Key_Up));
        QCOMPARE(qnumFromEvdev(111), qnumFromQtKey(Qt::Key_Delete));
    }

    void textDecomposition()
    {
        const TypedText t = decomposeText(QStringLiteral("Hi!"), 100);
        QCOMPARE(t.skipped, 0);
        QCOMPARE(t.strokes.size(), 3);
        QCOMPARE(t.strokes[0], (Stroke{0x23, quint32('H'), true}));
        QCOMPARE(t.strokes[1], (Stroke{0x17, quint32('i'), false}));
        QCOMPARE(t.strokes[2], (Stroke{0x02, quint32('!'), true}));
    }

    void textNewlinesTabsAndUntypable()
    {
        const TypedText t = decomposeText(QStringLiteral("a\r\nb\n\tü€c"), 100);
        QCOMPARE(t.skipped, 2);  // ü and €
        QCOMPARE(t.strokes.size(), 6);
        QCOMPARE(t.strokes[1].qnum, kQnumReturn);  // "\r\n" is one Return
        QCOMPARE(t.strokes[2].qnum, 0x30u);        // b
        QCOMPARE(t.strokes[3].qnum, kQnumReturn);
        QCOMPARE(t.strokes[4].qnum, 0x0fu);        // Tab
        QCOMPARE(t.strokes[5].qnum, 0x2eu);        // c
    }

    void textIsBounded()
    {
        const TypedText t = decomposeText(QString(10, QLatin1Char('x')), 4);
        QCOMPARE(t.strokes.size(), 4);
        QCOMPARE(t.skipped, 6);
        QCOMPARE(decomposeText(QStringLiteral("x"), -1).strokes.size(), 0);
    }

    void everyPrintableAsciiIsTypable()
    {
        for (char16_t c = 0x20; c < 0x7f; ++c) {
            Stroke s;
            QVERIFY2(strokeForChar(QChar(c), &s), qPrintable(QString(QChar(c))));
            QVERIFY(s.qnum != 0);
            QCOMPARE(s.keysym, quint32(c));
            // The stroke's key, read back as a Qt key, is the same key.
            if (c >= 'a' && c <= 'z')
                QCOMPARE(s.qnum, qnumFromQtKey(Qt::Key_A + (c - 'a')));
        }
        Stroke s;
        QVERIFY(!strokeForChar(QChar(0x7f), &s));
        QVERIFY(!strokeForChar(QChar(0xe9), &s));
    }
};

QTEST_APPLESS_MAIN(TestKeymap)
#include "test_keymap.moc"
