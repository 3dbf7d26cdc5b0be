// SPDX-License-Identifier: GPL-3.0-or-later
// Key translation tables for the guest console; see keymap.h.
#include "keymap.h"

#include <Qt>

namespace netloom::gui::keymap {

namespace {

// One printable ASCII character on a US keyboard: its key and whether Shift is needed.
struct UsKey {
    char ch;
    quint8 qnum;
    bool shift;
};

// The US layout, written from the XT set 1 codes of the main block.
constexpr UsKey kUsKeys[] = {
    {' ', 0x39, false},
    {'1', 0x02, false}, {'!', 0x02, true},
    {'2', 0x03, false}, {'@', 0x03, true},
    {'3', 0x04, false}, {'#', 0x04, true},
    {'4', 0x05, false}, {'$', 0x05, true},
    {'5', 0x06, false}, {'%', 0x06, true},
    {'6', 0x07, false}, {'^', 0x07, true},
    {'7', 0x08, false}, {'&', 0x08, true},
    {'8', 0x09, false}, {'*', 0x09, true},
    {'9', 0x0a, false}, {'(', 0x0a, true},
    {'0', 0x0b, false}, {')', 0x0b, true},
    {'-', 0x0c, false}, {'_', 0x0c, true},
    {'=', 0x0d, false}, {'+', 0x0d, true},
    {'q', 0x10, false}, {'w', 0x11, false}, {'e', 0x12, false}, {'r', 0x13, false},
    {'t', 0x14, false}, {'y', 0x15, false}, {'u', 0x16, false}, {'i', 0x17, false},
    {'o', 0x18, false}, {'p', 0x19, false},
    {'[', 0x1a, false}, {'{', 0x1a, true},
    {']', 0x1b, false}, {'}', 0x1b, true},
    {'a', 0x1e, false}, {'s', 0x1f, false}, {'d', 0x20, false}, {'f', 0x21, false},
    {'g', 0x22, false}, {'h', 0x23, false}, {'j', 0x24, false}, {'k', 0x25, false},
    {'l', 0x26, false},
    {';', 0x27, false}, {':', 0x27, true},
    {'\'', 0x28, false}, {'"', 0x28, true},
    {'`', 0x29, false}, {'~', 0x29, true},
    {'\\', 0x2b, false}, {'|', 0x2b, true},
    {'z', 0x2c, false}, {'x', 0x2d, false}, {'c', 0x2e, false}, {'v', 0x2f, false},
    {'b', 0x30, false}, {'n', 0x31, false}, {'m', 0x32, false},
    {',', 0x33, false}, {'<', 0x33, true},
    {'.', 0x34, false}, {'>', 0x34, true},
    {'/', 0x35, false}, {'?', 0x35, true},
};

// Looks up a printable ASCII character (upper-case letters: the lower-case key + Shift).
bool usKey(char c, UsKey *out)
{
    if (c >= 'A' && c <= 'Z') {
        if (!usKey(char(c - 'A' + 'a'), out))
            return false;
        out->ch = c;
        out->shift = true;
        return true;
    }
    for (const UsKey &k : kUsKeys) {
        if (k.ch == c) {
            *out = k;
            return true;
        }
    }
    return false;
}

// Non-printable keys: Qt key, qnum, keysym.
struct SpecialKey {
    int qtKey;
    quint32 qnum;
    quint32 keysym;
};

constexpr SpecialKey kSpecialKeys[] = {
    {Qt::Key_Escape, 0x01, 0xff1b},
    {Qt::Key_Backspace, 0x0e, 0xff08},
    {Qt::Key_Tab, 0x0f, 0xff09},
    {Qt::Key_Backtab, 0x0f, 0xff09},  // Shift+Tab: Shift travels as its own key
    {Qt::Key_Return, 0x1c, 0xff0d},
    {Qt::Key_Enter, 0x9c, 0xff8d},    // keypad Enter
    {Qt::Key_Control, 0x1d, 0xffe3},
    {Qt::Key_Shift, 0x2a, 0xffe1},
    {Qt::Key_Alt, 0x38, 0xffe9},
    {Qt::Key_AltGr, 0xb8, 0xfe03},    // right Alt; keysym ISO_Level3_Shift
    {Qt::Key_Meta, 0xdb, 0xffeb},     // the "Windows" key on X11 (Super_L)
    {Qt::Key_Super_L, 0xdb, 0xffeb},
    {Qt::Key_Super_R, 0xdc, 0xffec},
    {Qt::Key_Menu, 0xdd, 0xff67},
    {Qt::Key_CapsLock, 0x3a, 0xffe5},
    {Qt::Key_NumLock, 0x45, 0xff7f},
    {Qt::Key_ScrollLock, 0x46, 0xff14},
    {Qt::Key_Print, 0xb7, 0xff61},
    {Qt::Key_SysReq, 0x54, 0xff15},
    {Qt::Key_Pause, 0xc6, 0xff13},
    {Qt::Key_Home, 0xc7, 0xff50},
    {Qt::Key_Up, 0xc8, 0xff52},
    {Qt::Key_PageUp, 0xc9, 0xff55},
    {Qt::Key_Left, 0xcb, 0xff51},
    {Qt::Key_Right, 0xcd, 0xff53},
    {Qt::Key_End, 0xcf, 0xff57},
    {Qt::Key_Down, 0xd0, 0xff54},
    {Qt::Key_PageDown, 0xd1, 0xff56},
    {Qt::Key_Insert, 0xd2, 0xff63},
    {Qt::Key_Delete, 0xd3, 0xffff},
};

const SpecialKey *specialKey(int qtKey)
{
    for (const SpecialKey &k : kSpecialKeys)
        if (k.qtKey == qtKey)
            return &k;
    return nullptr;
}

// Keypad keys (Qt::KeypadModifier set): the character Qt reports, qnum, keysym.
struct KeypadKey {
    char ch;
    quint32 qnum;
    quint32 keysym;
};

constexpr KeypadKey kKeypadKeys[] = {
    {'7', 0x47, 0xffb7}, {'8', 0x48, 0xffb8}, {'9', 0x49, 0xffb9}, {'-', 0x4a, 0xffad},
    {'4', 0x4b, 0xffb4}, {'5', 0x4c, 0xffb5}, {'6', 0x4d, 0xffb6}, {'+', 0x4e, 0xffab},
    {'1', 0x4f, 0xffb1}, {'2', 0x50, 0xffb2}, {'3', 0x51, 0xffb3}, {'0', 0x52, 0xffb0},
    {'.', 0x53, 0xffae}, {'*', 0x37, 0xffaa}, {'/', 0xb5, 0xffaf},
};

const KeypadKey *keypadKey(int qtKey)
{
    if (qtKey < 0x20 || qtKey > 0x7e)
        return nullptr;
    for (const KeypadKey &k : kKeypadKeys)
        if (k.ch == char(qtKey))
            return &k;
    return nullptr;
}

// evdev codes above 88 that have an XT scancode (the XT-KBD column of keymaps.csv, with
// the E0 prefix folded into bit 7).
struct EvdevKey {
    quint16 evdev;
    quint8 qnum;
};

constexpr EvdevKey kEvdevHigh[] = {
    {85, 0x76},   // KEY_ZENKAKUHANKAKU
    {86, 0x56},   // KEY_102ND (the extra key left of Z on ISO keyboards)
    {87, 0x57},   // KEY_F11
    {88, 0x58},   // KEY_F12
    {89, 0x73},   // KEY_RO
    {90, 0x78},   // KEY_KATAKANA
    {91, 0x77},   // KEY_HIRAGANA
    {92, 0x79},   // KEY_HENKAN
    {93, 0x70},   // KEY_KATAKANAHIRAGANA
    {94, 0x7b},   // KEY_MUHENKAN
    {95, 0x5c},   // KEY_KPJPCOMMA
    {96, 0x9c},   // KEY_KPENTER
    {97, 0x9d},   // KEY_RIGHTCTRL
    {98, 0xb5},   // KEY_KPSLASH
    {99, 0xb7},   // KEY_SYSRQ: the PrintScreen key (see the header)
    {100, 0xb8},  // KEY_RIGHTALT
    {102, 0xc7},  // KEY_HOME
    {103, 0xc8},  // KEY_UP
    {104, 0xc9},  // KEY_PAGEUP
    {105, 0xcb},  // KEY_LEFT
    {106, 0xcd},  // KEY_RIGHT
    {107, 0xcf},  // KEY_END
    {108, 0xd0},  // KEY_DOWN
    {109, 0xd1},  // KEY_PAGEDOWN
    {110, 0xd2},  // KEY_INSERT
    {111, 0xd3},  // KEY_DELETE
    {113, 0xa0},  // KEY_MUTE
    {114, 0xae},  // KEY_VOLUMEDOWN
    {115, 0xb0},  // KEY_VOLUMEUP
    {116, 0xde},  // KEY_POWER
    {117, 0x59},  // KEY_KPEQUAL
    {119, 0xc6},  // KEY_PAUSE
    {121, 0x7e},  // KEY_KPCOMMA
    {124, 0x7d},  // KEY_YEN
    {125, 0xdb},  // KEY_LEFTMETA
    {126, 0xdc},  // KEY_RIGHTMETA
    {127, 0xdd},  // KEY_COMPOSE (the menu key)
    {142, 0xdf},  // KEY_SLEEP
    {143, 0xe3},  // KEY_WAKEUP
    {183, 0x5d},  // KEY_F13
    {184, 0x5e},  // KEY_F14
    {185, 0x5f},  // KEY_F15
};

}  // namespace

quint32 qnumForFunctionKey(int n)
{
    if (n >= 1 && n <= 10)
        return quint32(0x3b + n - 1);
    if (n == 11)
        return 0x57;
    if (n == 12)
        return 0x58;
    return 0;
}

quint32 qnumFromEvdev(quint32 evdev)
{
    if (evdev >= 1 && evdev <= 83)
        return evdev;
    for (const EvdevKey &k : kEvdevHigh)
        if (k.evdev == evdev)
            return k.qnum;
    return 0;
}

quint32 qnumFromQtKey(int qtKey, bool keypad)
{
    if (keypad) {
        if (const KeypadKey *k = keypadKey(qtKey))
            return k->qnum;
        if (qtKey == Qt::Key_Enter || qtKey == Qt::Key_Return)
            return 0x9c;
    }
    if (qtKey >= Qt::Key_F1 && qtKey <= Qt::Key_F12)
        return qnumForFunctionKey(qtKey - Qt::Key_F1 + 1);
    if (const SpecialKey *s = specialKey(qtKey))
        return s->qnum;
    if (qtKey >= 0x20 && qtKey <= 0x7e) {
        // Qt::Key values of printable ASCII are the characters, letters upper-case.
        char c = char(qtKey);
        if (c >= 'A' && c <= 'Z')
            c = char(c - 'A' + 'a');
        UsKey k{};
        if (usKey(c, &k))
            return k.qnum;
    }
    return 0;
}

quint32 keysymFromQtKey(int qtKey, const QString &text, bool shift, bool keypad)
{
    if (keypad) {
        if (const KeypadKey *k = keypadKey(qtKey))
            return k->keysym;
        if (qtKey == Qt::Key_Enter || qtKey == Qt::Key_Return)
            return 0xff8d;
    }
    if (qtKey >= Qt::Key_F1 && qtKey <= Qt::Key_F35)
        return quint32(0xffbe + (qtKey - Qt::Key_F1));
    if (const SpecialKey *s = specialKey(qtKey))
        return s->keysym;
    if (text.size() == 1) {
        const char16_t u = text.at(0).unicode();
        if (u >= 0x20 && u != 0x7f && !(u >= 0x80 && u < 0xa0))
            return u <= 0xff ? quint32(u) : (0x01000000u | u);
    }
    if (qtKey >= 0x20 && qtKey <= 0x7e) {
        if (qtKey >= 'A' && qtKey <= 'Z' && !shift)
            return quint32(qtKey - 'A' + 'a');
        return quint32(qtKey);
    }
    // Other Latin-1 keys (Qt::Key_Adiaeresis, ...) carry their upper-case code point.
    if (qtKey >= 0xa0 && qtKey <= 0xff)
        return quint32(qtKey);
    return 0;
}

quint32 keysymForQnum(quint32 qnum)
{
    if (qnum == 0)
        return 0;
    for (int n = 1; n <= 12; ++n)
        if (qnumForFunctionKey(n) == qnum)
            return quint32(0xffbe + n - 1);
    for (const SpecialKey &k : kSpecialKeys)
        if (k.qnum == qnum)
            return k.keysym;
    for (const UsKey &k : kUsKeys)
        if (k.qnum == qnum && !k.shift)
            return quint32(uchar(k.ch));
    for (const KeypadKey &k : kKeypadKeys)
        if (k.qnum == qnum)
            return k.keysym;
    return 0;
}

quint32 modifierQnum(int qtKey)
{
    switch (qtKey) {
    case Qt::Key_Shift:
    case Qt::Key_Control:
    case Qt::Key_Alt:
    case Qt::Key_AltGr:
    case Qt::Key_Meta:
    case Qt::Key_Super_L:
    case Qt::Key_Super_R:
        return specialKey(qtKey)->qnum;
    default:
        return 0;
    }
}

bool strokeForChar(QChar c, Stroke *out)
{
    const char16_t u = c.unicode();
    if (u == '\n' || u == '\r') {
        *out = Stroke{kQnumReturn, kKeysymReturn, false};
        return true;
    }
    if (u == '\t') {
        *out = Stroke{0x0f, 0xff09, false};
        return true;
    }
    if (u < 0x20 || u > 0x7e)
        return false;
    UsKey k{};
    if (!usKey(char(u), &k))
        return false;
    *out = Stroke{k.qnum, quint32(u), k.shift};
    return true;
}

TypedText decomposeText(const QString &text, int maxChars)
{
    TypedText out;
    const int n = int(qMin<qsizetype>(text.size(), qMax(0, maxChars)));
    out.skipped = int(text.size()) - n;
    out.strokes.reserve(n);
    for (int i = 0; i < n; ++i) {
        const QChar c = text.at(i);
        if (c == QLatin1Char('\n') && i > 0 && text.at(i - 1) == QLatin1Char('\r'))
            continue;  // "\r\n": the '\r' already gave the Return
        Stroke s;
        if (strokeForChar(c, &s))
            out.strokes.append(s);
        else
            ++out.skipped;
    }
    return out;
}

}  // namespace netloom::gui::keymap
