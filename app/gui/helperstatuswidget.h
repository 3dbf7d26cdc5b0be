// SPDX-License-Identifier: GPL-3.0-or-later
// The helper status indicator (status bar): reachable / authorized / not running, a
// "Check" button and a one-click "Start helper" (systemd socket unit or pkexec, argv only).
#pragma once

#include "helperprobe.h"

#include <QWidget>

class QLabel;
class QToolButton;

namespace netloom::gui {

class HelperStatusWidget : public QWidget {
    Q_OBJECT
public:
    explicit HelperStatusWidget(QWidget *parent = nullptr);

    HelperProbe *probe() { return &m_probe; }
    QString text() const;
    // The command the Start button runs (for the tooltip and tests).
    QStringList startCommand() const;

public slots:
    void check();
    void startHelper();

signals:
    // One line for the log dock.
    void message(const QString &text);

private:
    void showStatus(const HelperStatus &s);

    HelperProbe m_probe;
    QLabel *m_dot = nullptr;
    QLabel *m_label = nullptr;
    QToolButton *m_check = nullptr;
    QToolButton *m_start = nullptr;
};

// Human-readable summary of a status, e.g. "Helper: running, authorized". Translated.
QString describeHelperStatus(const HelperStatus &s);

}  // namespace netloom::gui
