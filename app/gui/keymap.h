// SPDX-License-Identifier: GPL-3.0-or-later
// Key translation for the graphical guest console (issue "Guest consoles"): Qt key events
// and typed text -> QEMU "qnum" scancodes plus X11 keysyms, as the VNC extended key event
// (QEMU's extension, pseudo-encoding -258) carries both.
//
// Design note. QEMU's VNC server acts on the scancode when the client uses the extended
// key event, so the scancode is what matters: the guest applies its own layout, and QEMU
// needs no `-k` keymap. The keysym only serves servers without the extension (plain RFB
// KeyEvent). Scancodes come from two sources:
//   - the physical key, when the platform reports it: on xcb nativeScanCode() - 8 is the
//     Linux evdev code, translated by qnumFromEvdev (evdev 1-88 equal XT set 1; extended
//     keys are 0x80 | the XT code after the E0 prefix; the reference is QEMU's keycodemapdb
//     data/keymaps.csv, the table here is written from its XT-KBD column);
//   - otherwise (offscreen, Wayland without native codes) the Qt::Key, read as a key on a
//     US layout by qnumFromQtKey (shifted symbols map to their base key: the user's Shift
//     is sent as its own key event).
// Text typed into the guest ("paste as keystrokes") is decomposed with the same US table
// into strokes, each optionally wrapped in Shift; characters that the US layout cannot
// type are skipped and counted. Everything here is pure (no I/O, no state), so it is unit
// tested directly (tests/gui/test_keymap.cpp).
//
// One deliberate choice: evdev KEY_SYSRQ (99), the key labelled PrintScreen, maps to qnum
// 0xb7 (E0 37, what a PC keyboard sends for PrintScreen); QEMU's PS/2 model turns it into
// the SysRq code 0x54 itself while Alt is held.
#pragma once

#include <QList>
#include <QString>
#include <QtGlobal>

namespace netloom::gui::keymap {

// Qnum codes of the keys the console presses on its own (send-key menu, typed text).
constexpr quint32 kQnumShiftL = 0x2a;
constexpr quint32 kQnumCtrlL = 0x1d;
constexpr quint32 kQnumAltL = 0x38;
constexpr quint32 kQnumDelete = 0xd3;
constexpr quint32 kQnumBackspace = 0x0e;
constexpr quint32 kQnumReturn = 0x1c;
constexpr quint32 kQnumPrintScreen = 0xb7;
// qnum of F1..F12 (n in 1..12); 0 outside that range.
quint32 qnumForFunctionKey(int n);

// X11 keysyms used by the console itself.
constexpr quint32 kKeysymShiftL = 0xffe1;
constexpr quint32 kKeysymReturn = 0xff0d;

// The qnum scancode of Linux evdev key code `evdev` (e.g. 28 KEY_ENTER -> 0x1c,
// 103 KEY_UP -> 0xc8); 0 when the key has no XT scancode. Pure.
quint32 qnumFromEvdev(quint32 evdev);

// The qnum scancode of `qtKey` read as a key of a US keyboard; `keypad` selects the
// numeric-keypad variant of digits, operators and Enter (Qt::KeypadModifier). Shifted
// symbols give their base key (Qt::Key_Exclam -> the '1' key, 0x02). 0 when unknown. Pure.
quint32 qnumFromQtKey(int qtKey, bool keypad = false);

// The X11 keysym for a Qt key event: a single printable character in `text` gives its
// Latin-1 code (or 0x01000000 | UCS for other characters); otherwise special keys give
// their XK_ value (Return 0xff0d, Left 0xff51, F1 0xffbe, ...) and printable Qt keys their
// ASCII code, letters lower-cased unless `shift`. `keypad` selects the XK_KP_ variants.
// 0 when unknown. Pure.
quint32 keysymFromQtKey(int qtKey, const QString &text, bool shift = false, bool keypad = false);

// The keysym a key produces unshifted, by its qnum (0x1e -> 'a', 0x1d -> Control_L,
// 0xd3 -> Delete); used for servers without the extended key event. 0 when unknown. Pure.
quint32 keysymForQnum(quint32 qnum);

// The qnum of the key on which the modifier `qtKey` (Key_Shift, Key_Control, Key_Alt,
// Key_AltGr, Key_Meta, Key_Super_L/R) sits; 0 if `qtKey` is not a modifier. Pure.
quint32 modifierQnum(int qtKey);

// One key to press (and release) to type a character on a US layout.
struct Stroke {
    quint32 qnum = 0;
    quint32 keysym = 0;
    bool shift = false;  // hold Shift around the key
    bool operator==(const Stroke &o) const = default;
};

// The stroke that types `c` on a US layout ('\n' and '\r' are Return, '\t' Tab); returns
// false (and leaves *out alone) when the layout has no key for it. Pure.
bool strokeForChar(QChar c, Stroke *out);

struct TypedText {
    QList<Stroke> strokes;
    int skipped = 0;  // characters with no US key (not counted: the '\n' of a "\r\n")
};

// Decomposes `text` into strokes, at most `maxChars` characters of it (the rest counts as
// skipped). "\r\n" gives one Return. Pure.
TypedText decomposeText(const QString &text, int maxChars);

}  // namespace netloom::gui::keymap
