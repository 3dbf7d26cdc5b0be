// SPDX-License-Identifier: GPL-3.0-or-later
#include "helperstatuswidget.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProcess>
#include <QTimer>
#include <QToolButton>

namespace netloom::gui {

QString describeHelperStatus(const HelperStatus &s)
{
    QString reach;
    switch (s.reach) {
    case HelperStatus::Reach::Unknown: reach = HelperStatusWidget::tr("checking\u2026"); break;
    case HelperStatus::Reach::NotRunning: reach = HelperStatusWidget::tr("not running"); break;
    case HelperStatus::Reach::Reachable: reach = HelperStatusWidget::tr("running"); break;
    case HelperStatus::Reach::Broken: reach = HelperStatusWidget::tr("not answering correctly"); break;
    }
    QString auth;
    switch (s.auth) {
    case HelperStatus::Auth::Unknown: auth = HelperStatusWidget::tr("authorization unknown"); break;
    case HelperStatus::Auth::Yes: auth = HelperStatusWidget::tr("authorized"); break;
    case HelperStatus::Auth::AfterAuthentication: auth = HelperStatusWidget::tr("authorized after a password prompt"); break;
    case HelperStatus::Auth::No: auth = HelperStatusWidget::tr("not authorized"); break;
    }
    return HelperStatusWidget::tr("Helper: %1, %2").arg(reach, auth);
}

HelperStatusWidget::HelperStatusWidget(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("helperStatus"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 0, 4, 0);
    m_dot = new QLabel(this);
    m_dot->setFixedSize(12, 12);
    layout->addWidget(m_dot);
    m_label = new QLabel(this);
    m_label->setObjectName(QStringLiteral("helperStatusText"));
    layout->addWidget(m_label);
    m_check = new QToolButton(this);
    m_check->setObjectName(QStringLiteral("helperCheck"));
    m_check->setText(tr("Check"));
    m_check->setToolTip(tr("Ask the helper and polkit again"));
    layout->addWidget(m_check);
    m_start = new QToolButton(this);
    m_start->setObjectName(QStringLiteral("helperStart"));
    m_start->setText(tr("Start helper"));
    layout->addWidget(m_start);
    connect(m_check, &QToolButton::clicked, this, &HelperStatusWidget::check);
    connect(m_start, &QToolButton::clicked, this, &HelperStatusWidget::startHelper);
    connect(&m_probe, &HelperProbe::finished, this, &HelperStatusWidget::showStatus);
    showStatus(HelperStatus{});
    m_label->setText(tr("Helper: not checked yet"));
}

QString HelperStatusWidget::text() const
{
    return m_label->text();
}

QStringList HelperStatusWidget::startCommand() const
{
    return helperStartCommand(m_probe.socketPath(), helperUnitInstalled(), defaultHelperPath());
}

void HelperStatusWidget::check()
{
    m_check->setEnabled(false);
    m_label->setText(tr("Helper: checking\u2026"));
    m_probe.probe();
}

void HelperStatusWidget::startHelper()
{
    const QStringList argv = startCommand();
    emit message(tr("Starting the helper: %1").arg(argv.join(QLatin1Char(' '))));
    auto *proc = new QProcess(this);
    proc->setProgram(argv.first());
    proc->setArguments(argv.mid(1));
    if (argv.first() == QLatin1String("pkexec")) {
        // The helper keeps running: detach it, then look again once it had time to listen.
        if (!proc->startDetached())
            emit message(tr("failed to start '%1': %2").arg(argv.first(), proc->errorString()));
        proc->deleteLater();
        QTimer::singleShot(3000, this, &HelperStatusWidget::check);
        return;
    }
    connect(proc, &QProcess::finished, this, [this, proc](int code, QProcess::ExitStatus) {
        const QString err = QString::fromLocal8Bit(proc->readAllStandardError()).trimmed().left(500);
        if (code != 0)
            emit message(tr("failed to start 'netloom-helper.socket': %1").arg(err.isEmpty() ? tr("exit code %1").arg(code) : err));
        proc->deleteLater();
        check();
    });
    connect(proc, &QProcess::errorOccurred, this, [this, proc](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart) {
            emit message(tr("failed to start '%1': %2").arg(proc->program(), proc->errorString()));
            proc->deleteLater();
        }
    });
    proc->start();
}

void HelperStatusWidget::showStatus(const HelperStatus &s)
{
    m_check->setEnabled(true);
    m_label->setText(describeHelperStatus(s));
    QColor color(0x90, 0x90, 0x90);
    if (s.reach == HelperStatus::Reach::Reachable)
        color = s.auth == HelperStatus::Auth::No ? QColor(0xe0, 0xa0, 0x10) : QColor(0x20, 0xa0, 0x40);
    else if (s.reach == HelperStatus::Reach::NotRunning || s.reach == HelperStatus::Reach::Broken)
        color = QColor(0xd0, 0x30, 0x30);
    m_dot->setStyleSheet(QStringLiteral("background:%1; border-radius:6px;").arg(color.name()));
    m_label->setToolTip(s.detail);
    m_start->setVisible(s.reach == HelperStatus::Reach::NotRunning || s.reach == HelperStatus::Reach::Broken);
    m_start->setToolTip(tr("Runs: %1").arg(startCommand().join(QLatin1Char(' '))));
    if (s.reach != HelperStatus::Reach::Unknown && !s.detail.isEmpty())
        emit message(describeHelperStatus(s) + QStringLiteral(" (") + s.detail + QLatin1Char(')'));
}

}  // namespace netloom::gui
