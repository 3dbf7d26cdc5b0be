// SPDX-License-Identifier: GPL-3.0-or-later
#include "emulationeditor.h"

#include "impairmentform.h"

#include <QCheckBox>
#include <QSignalBlocker>
#include <QTabWidget>
#include <QVBoxLayout>

namespace netloom::gui {

EmulationEditor::EmulationEditor(QWidget *parent) : QGroupBox(tr("Impairment"), parent)
{
    setObjectName(QStringLiteral("field.emulation"));
    auto *layout = new QVBoxLayout(this);
    m_up = new QCheckBox(tr("Link up"), this);
    m_up->setObjectName(QStringLiteral("emulationUp"));
    m_up->setToolTip(tr("A cable set down carries nothing in either direction; a guest on it loses its carrier"));
    m_same = new QCheckBox(tr("Same in both directions"), this);
    m_same->setObjectName(QStringLiteral("emulationSame"));
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("emulationDirections"));
    m_ab = new ImpairmentForm(m_tabs);
    m_ab->setObjectName(QStringLiteral("impairment.ab"));
    m_ba = new ImpairmentForm(m_tabs);
    m_ba->setObjectName(QStringLiteral("impairment.ba"));
    m_tabs->addTab(m_ab, QString());
    m_tabs->addTab(m_ba, QString());
    layout->addWidget(m_up);
    layout->addWidget(m_same);
    layout->addWidget(m_tabs);
    setFocusProxy(m_ab);
    m_same->setChecked(true);

    connect(m_up, &QCheckBox::toggled, this, &EmulationEditor::edited);
    connect(m_same, &QCheckBox::toggled, this, [this] {
        updateTabs();
        emit edited();
    });
    connect(m_ab, &ImpairmentForm::edited, this, &EmulationEditor::edited);
    connect(m_ba, &ImpairmentForm::edited, this, &EmulationEditor::edited);
    setEndNames(QStringLiteral("a"), QStringLiteral("b"));
}

void EmulationEditor::setEndNames(const QString &a, const QString &b)
{
    m_a = a;
    m_b = b;
    updateTabs();
}

void EmulationEditor::updateTabs()
{
    const bool same = m_same->isChecked();
    m_tabs->setTabText(0, same ? tr("Both directions") : QStringLiteral("%1 \u2192 %2").arg(m_a, m_b));
    m_tabs->setTabText(1, QStringLiteral("%1 \u2192 %2").arg(m_b, m_a));
    m_tabs->setTabVisible(1, !same);
    if (same)
        m_tabs->setCurrentIndex(0);
}

void EmulationEditor::setEmulation(const model::LinkEmulation &e)
{
    const QSignalBlocker blockUp(m_up);
    const QSignalBlocker blockSame(m_same);
    m_up->setChecked(e.up);
    if (e.ab != e.ba)
        m_same->setChecked(false);
    else if (!m_shown)
        m_same->setChecked(true);
    m_shown = true;
    m_ab->setImpairment(e.ab);
    m_ba->setImpairment(e.ba);
    updateTabs();
}

bool EmulationEditor::sameBothWays() const
{
    return m_same->isChecked();
}

Result<model::LinkEmulation> EmulationEditor::readInto(const model::LinkEmulation &base) const
{
    model::LinkEmulation e = base;
    e.up = m_up->isChecked();
    const bool same = m_same->isChecked();
    const Result<protocol::Impairment> ab = m_ab->readInto(base.ab);
    if (!ab)
        return same ? ab.error() : ab.error().context(m_tabs->tabText(0));
    e.ab = *ab;
    if (same) {
        e.ba = *ab;
        return e;
    }
    const Result<protocol::Impairment> ba = m_ba->readInto(base.ba);
    if (!ba)
        return ba.error().context(m_tabs->tabText(1));
    e.ba = *ba;
    return e;
}

}  // namespace netloom::gui
