// SPDX-License-Identifier: GPL-3.0-or-later
// The run state a node or cable shows on the canvas (colour ring / cable colour).
#pragma once

#include <QColor>

namespace netloom::gui {

enum class RunColour { None, Stopped, Starting, Running, Error, Paused };

// The colour of a state; invalid for None (nothing is running: the editor look). Pure.
inline QColor runColour(RunColour c)
{
    switch (c) {
    case RunColour::Stopped: return QColor(0x80, 0x88, 0x90);
    case RunColour::Starting: return QColor(0xe0, 0xa0, 0x10);
    case RunColour::Running: return QColor(0x2c, 0xa0, 0x2c);
    case RunColour::Error: return QColor(0xd0, 0x30, 0x30);
    case RunColour::Paused: return QColor(0x30, 0x70, 0xd0);
    case RunColour::None: break;
    }
    return {};
}

}  // namespace netloom::gui
