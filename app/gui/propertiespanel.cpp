// SPDX-License-Identifier: GPL-3.0-or-later
#include "propertiespanel.h"

#include "editcommands.h"
#include "nodekinds.h"
#include "qemu/diskimage.h"
#include "topologydocument.h"

#include <QCheckBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QPushButton>
#include <QComboBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QScrollArea>
#include <QSpinBox>
#include <QUndoStack>
#include <QVBoxLayout>

namespace netloom::gui {

using model::Node;
using model::NodeType;

PropertiesPanel::PropertiesPanel(TopologyDocument *doc, QUndoStack *undo, QWidget *parent)
    : QWidget(parent), m_doc(doc), m_undo(undo)
{
    setObjectName(QStringLiteral("properties"));
    auto *layout = new QVBoxLayout(this);
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("propertiesTitle"));
    QFont f = m_title->font();
    f.setBold(true);
    m_title->setFont(f);
    layout->addWidget(m_title);
    m_scroll = new QScrollArea(this);
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    layout->addWidget(m_scroll, 1);
    m_messages = new QLabel(this);
    m_messages->setObjectName(QStringLiteral("propertiesMessages"));
    m_messages->setWordWrap(true);
    m_messages->setTextFormat(Qt::RichText);
    layout->addWidget(m_messages);

    auto follow = [this](const QString &id) {
        if (id == m_id)
            refresh();
    };
    connect(doc, &TopologyDocument::nodeChanged, this, follow);
    connect(doc, &TopologyDocument::linkChanged, this, follow);
    connect(doc, &TopologyDocument::nodeRemoved, this, [this](const QString &id) {
        if (id == m_id)
            showItem(QString());
    });
    connect(doc, &TopologyDocument::linkRemoved, this, [this](const QString &id) {
        if (id == m_id)
            showItem(QString());
        else if (showsSwitch())
            refresh();  // a switch's mirror table offers its cables
    });
    connect(doc, &TopologyDocument::linkAdded, this, [this] {
        if (showsSwitch())
            refresh();
    });
    connect(doc, &TopologyDocument::topologyChanged, this, [this] {
        if (m_target == Target::Topology)
            refresh();
    });
    connect(doc, &TopologyDocument::documentReset, this, [this] { showItem(QString()); });
    showItem(QString());
}

void PropertiesPanel::showItem(const QString &id)
{
    m_id = id;
    if (m_doc->topology().node(id))
        m_target = Target::Node;
    else if (m_doc->topology().link(id))
        m_target = Target::Link;
    else {
        m_target = Target::Topology;
        m_id.clear();
    }
    rebuild();
}

QString PropertiesPanel::shapeKey() const
{
    if (m_target == Target::Node) {
        const Node *n = m_doc->topology().node(m_id);
        if (!n)
            return {};
        // Everything that changes which fields exist (not their values).
        QString nicModes;
        for (const model::NicConfig &nic : n->guest.nics)
            nicModes += model::nicModeName(nic.mode) + QLatin1Char(',');
        return QStringLiteral("node/%1/%2/%3/%4/%5").arg(kindName(kindOf(*n)), nicModes)
            .arg(n->remote.vxlan.has_value()).arg(n->guest.disks.size() > 1).arg(n->guest.uefi.has_value());
    }
    if (m_target == Target::Link)
        return QStringLiteral("link/") + m_id;
    return QStringLiteral("topology");
}

void PropertiesPanel::rebuild()
{
    m_updating = true;
    m_fields.clear();
    m_form = new QWidget;
    m_layout = new QFormLayout(m_form);
    m_layout->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_layout->setRowWrapPolicy(QFormLayout::WrapLongRows);  // narrow panel: label above field
    m_shape = shapeKey();
    switch (m_target) {
    case Target::Topology:
        m_title->setText(tr("Topology"));
        addLine(tr("Name"), QStringLiteral("name"), [this] { return m_editName; },
                [this](const QString &v) { m_editName = v; return QString(); });
        addLine(tr("Description"), QStringLiteral("description"), [this] { return m_editDescription; },
                [this](const QString &v) { m_editDescription = v; return QString(); });
        addNote(tr("Select a node or cable to edit it."));
        break;
    case Target::Node:
        buildNodeFields();
        break;
    case Target::Link:
        buildLinkFields();
        break;
    }
    m_scroll->setWidget(m_form);  // deletes the previous form
    m_updating = false;
    refresh();
}

void PropertiesPanel::refresh()
{
    if (shapeKey() != m_shape) {
        rebuild();
        return;
    }
    m_updating = true;
    const model::Topology &t = m_doc->topology();
    if (m_target == Target::Node)
        m_editNode = *t.node(m_id);
    else if (m_target == Target::Link)
        m_editLink = *t.link(m_id);
    m_editName = t.name;
    m_editDescription = t.description;
    if (m_target == Target::Node)
        m_title->setText(QStringLiteral("%1 \u2014 %2").arg(kindLabel(kindOf(m_editNode)), m_editNode.name));
    else if (m_target == Target::Link)
        m_title->setText(tr("Cable %1").arg(m_id));
    for (Field &f : m_fields)
        f.write();
    m_updating = false;
    updateMessages();
}

void PropertiesPanel::commit()
{
    if (m_updating)
        return;
    const model::Topology &t = m_doc->topology();
    QStringList errors;
    if (m_target == Target::Node) {
        const Node *before = t.node(m_id);
        if (!before)
            return;
        m_editNode = *before;
        for (Field &f : m_fields)
            if (const QString e = f.read(); !e.isEmpty())
                errors.append(e);
        if (errors.isEmpty() && !(m_editNode == *before))
            m_undo->push(new SetNodeCommand(m_doc, *before, m_editNode));
    } else if (m_target == Target::Link) {
        const model::Link *before = t.link(m_id);
        if (!before)
            return;
        m_editLink = *before;
        for (Field &f : m_fields)
            if (const QString e = f.read(); !e.isEmpty())
                errors.append(e);
        model::Link sameButEmulation = m_editLink;
        sameButEmulation.emulation = before->emulation;
        if (errors.isEmpty() && !(m_editLink == *before)) {
            if (sameButEmulation == *before)  // an impairment or up/down edit: only that
                m_undo->push(new SetLinkEmulationCommand(m_doc, m_id, before->emulation, m_editLink.emulation));
            else
                m_undo->push(new SetLinkCommand(m_doc, *before, m_editLink));
        }
    } else {
        m_editName = t.name;
        m_editDescription = t.description;
        for (Field &f : m_fields)
            f.read();
        if (m_editName != t.name || m_editDescription != t.description)
            m_undo->push(new SetTopologyInfoCommand(m_doc, m_editName, m_editDescription));
    }
    if (!errors.isEmpty()) {
        m_messages->setText(QStringLiteral("<span style='color:#c02020'>%1</span>")
                                .arg(errors.join(QStringLiteral("<br>")).toHtmlEscaped()));
    }
}

bool PropertiesPanel::showsSwitch() const
{
    const Node *n = m_target == Target::Node ? m_doc->topology().node(m_id) : nullptr;
    return n && n->type == NodeType::Switch;
}

bool PropertiesPanel::focusField(const QString &path)
{
    for (const Field &f : std::as_const(m_fields))
        if (f.path == path) {
            m_scroll->ensureWidgetVisible(f.widget);
            f.widget->setFocus(Qt::OtherFocusReason);
            return true;
        }
    return false;
}

void PropertiesPanel::setIssues(const QList<model::Issue> &issues)
{
    m_issues = issues;
    updateMessages();
}

void PropertiesPanel::updateMessages()
{
    QStringList lines;
    for (Field &f : m_fields) {
        f.widget->setStyleSheet(QString());
        f.widget->setToolTip(f.hint);
    }
    int errors = 0, warnings = 0;
    for (const model::Issue &issue : std::as_const(m_issues)) {
        const bool error = issue.severity == model::Issue::Severity::Error;
        (error ? errors : warnings)++;
        const bool mine = (m_target == Target::Node && issue.nodeId == m_id)
                          || (m_target == Target::Link && issue.linkId == m_id)
                          || (m_target == Target::Topology && issue.nodeId.isEmpty() && issue.linkId.isEmpty());
        if (!mine)
            continue;
        lines.append(QStringLiteral("<span style='color:%1'>%2: %3</span>")
                         .arg(error ? QStringLiteral("#c02020") : QStringLiteral("#a06000"),
                              error ? tr("Error") : tr("Warning"), issue.message.toHtmlEscaped()));
        for (Field &f : m_fields) {
            if (issue.path.endsWith(QLatin1Char('.') + f.path) || issue.path == f.path) {
                f.widget->setStyleSheet(error ? QStringLiteral("border: 1px solid #c02020;")
                                              : QStringLiteral("border: 1px solid #d09000;"));
                f.widget->setToolTip(issue.message);
            }
        }
    }
    if (m_target == Target::Topology && (errors || warnings)) {
        // The overview names where the problems are (bounded: the first kMaxListedIssues).
        QStringList where;
        for (const model::Issue &issue : std::as_const(m_issues)) {
            if (issue.nodeId.isEmpty() && issue.linkId.isEmpty())
                continue;  // already listed above as the topology's own
            if (where.size() == kMaxListedIssues) {
                where.append(QStringLiteral("\u2026"));
                break;
            }
            const model::Node *n = m_doc->topology().node(issue.nodeId);
            const QString subject = n ? n->name : issue.linkId.isEmpty() ? issue.nodeId : issue.linkId;
            where.append(QStringLiteral("<span style='color:%1'>%2: %3</span>")
                             .arg(issue.severity == model::Issue::Severity::Error ? QStringLiteral("#c02020")
                                                                                  : QStringLiteral("#a06000"),
                                  subject.toHtmlEscaped(), issue.message.toHtmlEscaped()));
        }
        lines.append(where);
        lines.prepend(tr("The topology has %1 error(s) and %2 warning(s).").arg(errors).arg(warnings));
    }
    if (lines.isEmpty() && m_target != Target::Topology)
        lines.append(QStringLiteral("<span style='color:#208020'>%1</span>").arg(tr("No problems found.")));
    m_messages->setText(lines.join(QStringLiteral("<br>")));
}

// --- field builders ----------------------------------------------------------------------

void PropertiesPanel::addLine(const QString &label, const QString &path, std::function<QString()> get,
                              std::function<QString(const QString &)> set)
{
    auto *edit = new QLineEdit(m_form);
    edit->setObjectName(QStringLiteral("field.") + path);
    edit->setMaxLength(model::limits::kMaxStringChars);
    m_layout->addRow(label, edit);
    connect(edit, &QLineEdit::editingFinished, this, &PropertiesPanel::commit);
    m_fields.append({edit, path, [edit, get] { edit->setText(get()); },
                     [edit, set] { return set(edit->text()); }, {}});
}

void PropertiesPanel::addPath(const QString &label, const QString &path, const QString &filter,
                              std::function<QString()> get, std::function<QString(const QString &)> set, bool creatable)
{
    auto *row = new QWidget(m_form);
    auto *h = new QHBoxLayout(row);
    h->setContentsMargins(0, 0, 0, 0);
    auto *edit = new QLineEdit(row);
    edit->setObjectName(QStringLiteral("field.") + path);
    edit->setMaxLength(model::limits::kMaxStringChars);
    h->addWidget(edit, 1);
    auto *browse = new QPushButton(tr("Browse…"), row);
    browse->setObjectName(QStringLiteral("browse.") + path);
    h->addWidget(browse);
    QPushButton *create = nullptr;
    if (creatable) {
        create = new QPushButton(tr("Create…"), row);
        create->setObjectName(QStringLiteral("create.") + path);
        create->setToolTip(tr("The file does not exist: make a new, empty disk there"));
        h->addWidget(create);
        connect(create, &QPushButton::clicked, this, &PropertiesPanel::createDisksRequested);
    }
    m_layout->addRow(label, row);
    connect(edit, &QLineEdit::editingFinished, this, &PropertiesPanel::commit);
    connect(browse, &QPushButton::clicked, this, [this, edit, label, filter] {
        const QString dir = m_doc->baseDir();
        const QString current = edit->text().trimmed();
        const QString start = current.isEmpty() ? dir : qemu::resolveTopologyPath(current, dir);
        const QString picked = QFileDialog::getOpenFileName(this, label, start, filter);
        if (picked.isEmpty())
            return;
        edit->setText(qemu::topologyRelativePath(picked, dir));
        commit();
    });
    auto updateCreate = [this, edit, create] {
        if (!create)
            return;
        const QString p = edit->text().trimmed();
        create->setVisible(!p.isEmpty() && !QFileInfo::exists(qemu::resolveTopologyPath(p, m_doc->baseDir())));
    };
    m_fields.append({edit, path, [edit, get, updateCreate] {
                         edit->setText(get());
                         updateCreate();
                     },
                     [edit, set] { return set(edit->text()); }, {}});
}

void PropertiesPanel::addPathText(const QString &label, const QString &path, const QString &filter,
                                  std::function<QString &()> ref)
{
    addPath(label, path, filter, [ref] { return ref(); }, [ref](const QString &v) {
        ref() = v.trimmed();
        return QString();
    });
}

void PropertiesPanel::addText(const QString &label, const QString &path, std::function<QString &()> ref)
{
    addLine(label, path, [ref] { return ref(); }, [ref](const QString &v) {
        ref() = v.trimmed();
        return QString();
    });
}

void PropertiesPanel::addCheck(const QString &label, const QString &path, std::function<bool &()> ref)
{
    auto *box = new QCheckBox(m_form);
    box->setObjectName(QStringLiteral("field.") + path);
    m_layout->addRow(label, box);
    connect(box, &QCheckBox::toggled, this, &PropertiesPanel::commit);
    m_fields.append({box, path, [box, ref] { box->setChecked(ref()); }, [box, ref] {
                         ref() = box->isChecked();
                         return QString();
                     }, {}});
}

void PropertiesPanel::addSpin(const QString &label, const QString &path, int min, int max,
                              std::function<int()> get, std::function<void(int)> set)
{
    auto *spin = new QSpinBox(m_form);
    spin->setObjectName(QStringLiteral("field.") + path);
    spin->setRange(min, max);
    spin->setKeyboardTracking(false);
    m_layout->addRow(label, spin);
    connect(spin, &QSpinBox::editingFinished, this, &PropertiesPanel::commit);
    m_fields.append({spin, path, [spin, get] { spin->setValue(get()); }, [spin, set] {
                         set(spin->value());
                         return QString();
                     }, {}});
}

void PropertiesPanel::addInt(const QString &label, const QString &path, int min, int max,
                             std::function<int &()> ref)
{
    addSpin(label, path, min, max, [ref] { return ref(); }, [ref](int v) { ref() = v; });
}

void PropertiesPanel::addChoice(const QString &label, const QString &path, const QStringList &values,
                                const QStringList &labels, std::function<QString()> get,
                                std::function<void(const QString &)> set)
{
    auto *combo = new QComboBox(m_form);
    combo->setObjectName(QStringLiteral("field.") + path);
    for (int i = 0; i < values.size(); ++i)
        combo->addItem(labels.value(i, values[i]), values[i]);
    m_layout->addRow(label, combo);
    connect(combo, &QComboBox::activated, this, &PropertiesPanel::commit);
    m_fields.append({combo, path, [combo, get] { combo->setCurrentIndex(std::max(0, combo->findData(get()))); },
                     [combo, set] {
                         set(combo->currentData().toString());
                         return QString();
                     }, {}});
}

void PropertiesPanel::addList(const QString &label, const QString &path, std::function<QStringList &()> ref)
{
    addLine(label, path, [ref] { return ref().join(QStringLiteral(", ")); }, [ref, label](const QString &v) {
        QStringList items;
        for (const QString &s : v.split(QLatin1Char(','), Qt::SkipEmptyParts))
            if (!s.trimmed().isEmpty())
                items.append(s.trimmed());
        if (items.size() > model::limits::kMaxListItems)
            return tr("failed to set '%1': more than %2 items").arg(label).arg(model::limits::kMaxListItems);
        ref() = items;
        return QString();
    });
}

void PropertiesPanel::setPlaceholder(const QString &text)
{
    if (auto *edit = qobject_cast<QLineEdit *>(m_fields.last().widget))
        edit->setPlaceholderText(text);
}

void PropertiesPanel::addNote(const QString &text)
{
    auto *note = new QLabel(text, m_form);
    note->setWordWrap(true);
    note->setEnabled(false);
    m_layout->addRow(note);
}

}  // namespace netloom::gui
