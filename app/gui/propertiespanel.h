// SPDX-License-Identifier: GPL-3.0-or-later
// The properties panel: a form for the selected node, cable, or (with nothing selected)
// the topology itself, with the validator's messages shown inline.
//
// Design note. Forms are built from a list of fields, each a widget plus two functions:
// write (model value -> widget) and read (widget -> model value, or an error sentence for
// input that cannot be represented, e.g. "abc" as a VLAN list). Every commit gesture
// (Enter/focus loss, toggling, picking from a list) reads ALL fields into a copy of the
// current node or link and, if anything differs, pushes ONE SetNodeCommand/SetLinkCommand
// on the undo stack — the panel never writes the document directly. When the document
// changes (undo, a move, a new NIC) the form is refreshed from the model, and rebuilt if
// the node's shape (type, NIC count) changed. Each field knows its JSON path suffix, so an
// issue whose path ends in it marks that widget and puts the message in its tooltip.
// Composite editors are fields too: a cable's Impairment section (emulationeditor.h, path
// "emulation"), a netloom switch's port-mirroring table (mirrortable.h, "switch.mirrors") and a
// host port's port-forwards table (forwardtable.h, "hostPort.nat.forwards").
// An edit of a cable that changes only its emulation is pushed as a SetLinkEmulationCommand.
#pragma once

#include "forwardtable.h"
#include "model/validator.h"

#include <QLabel>
#include <QPointer>
#include <QWidget>

#include <functional>

class QFormLayout;
class QUndoStack;
class QScrollArea;

namespace netloom::gui {

class TopologyDocument;

class PropertiesPanel : public QWidget {
    Q_OBJECT
public:
    static constexpr int kMaxListedIssues = 20;

    PropertiesPanel(TopologyDocument *doc, QUndoStack *undo, QWidget *parent = nullptr);

    // Shows node or link `id` ("" = the topology). Unknown ids show the topology.
    void showItem(const QString &id);
    QString currentId() const { return m_id; }
    // Shows the latest validation results (and marks the fields they name).
    void setIssues(const QList<model::Issue> &issues);
    // The text of the inline message area (for tests and accessibility).
    QString messagesText() const { return m_messages->text(); }
    // Scrolls to the field with JSON path suffix `path` (e.g. "emulation" for a cable's
    // Impairment section) and gives it the keyboard focus. Returns false when the current
    // form has no such field.
    bool focusField(const QString &path);
    // Where a gateway's forwards table gets its State column from while the topology runs
    // (one RowState per forward of the gateway node passed in; the main window asks the
    // runtime). Unset or returning {}: the column stays empty.
    using ForwardStatusSource = std::function<QList<ForwardTable::RowState>(const model::Node &gateway)>;
    void setForwardStatusSource(ForwardStatusSource source) { m_forwardStatus = std::move(source); }
    // Asks the source again for the gateway shown (a no-op for other items). Touches only the
    // table's State column.
    void refreshForwardStates();

signals:
    // The user pressed "Create…" beside a guest disk that does not exist.
    void createDisksRequested();

private:
    struct Field {
        QWidget *widget = nullptr;
        QString path;  // JSON path suffix, e.g. "hostPort.dhcp.rangeStart"
        std::function<void()> write;
        std::function<QString()> read;  // applies the widget to m_editNode/m_editLink
        QString hint;                   // tooltip when there is no issue to show
    };
    enum class Target { Topology, Node, Link };

    void rebuild();
    void refresh();
    void commit();
    void updateMessages();
    QString shapeKey() const;
    bool showsSwitch() const;  // the form is a switch's (its mirror table lists its cables)

    // Field builders; each adds a labelled row and registers the field. `set` functions
    // return "" or an error sentence for input that cannot be represented.
    void addLine(const QString &label, const QString &path, std::function<QString()> get,
                 std::function<QString(const QString &)> set);
    void addText(const QString &label, const QString &path, std::function<QString &()> ref);
    void addCheck(const QString &label, const QString &path, std::function<bool &()> ref);
    void addSpin(const QString &label, const QString &path, int min, int max, std::function<int()> get,
                 std::function<void(int)> set);
    void addInt(const QString &label, const QString &path, int min, int max, std::function<int &()> ref);
    void addChoice(const QString &label, const QString &path, const QStringList &values,
                   const QStringList &labels, std::function<QString()> get, std::function<void(const QString &)> set);
    void addList(const QString &label, const QString &path, std::function<QStringList &()> ref);
    // A file path with a Browse… button (an open-file dialog with `filter`); a picked file is
    // stored relative to the topology's folder when under it. `get`/`set` as for addLine.
    // With `creatable`, a "Create…" button shows while the named file does not exist.
    void addPath(const QString &label, const QString &path, const QString &filter, std::function<QString()> get,
                 std::function<QString(const QString &)> set, bool creatable = false);
    void addPathText(const QString &label, const QString &path, const QString &filter, std::function<QString &()> ref);
    void addNote(const QString &text);
    // Sets the placeholder text of the last field added (a line edit).
    void setPlaceholder(const QString &text);
    void buildNodeFields();
    void buildLinkFields();
    void buildEndpointVlan(const QString &side, bool sideA);
    void addEmulation(const QString &nameA, const QString &nameB);
    void addMirrors();
    // A host port's port-forwards table (forwardtable.h, path "hostPort.nat.forwards").
    void addForwards();

    TopologyDocument *m_doc;
    QUndoStack *m_undo;
    QString m_id;
    Target m_target = Target::Topology;
    QString m_shape;
    QList<Field> m_fields;
    QList<model::Issue> m_issues;
    QLabel *m_title = nullptr;
    QLabel *m_messages = nullptr;
    QWidget *m_form = nullptr;
    QFormLayout *m_layout = nullptr;
    QScrollArea *m_scroll = nullptr;
    bool m_updating = false;

    // Scratch copies the read functions write into during commit().
    model::Node m_editNode;
    model::Link m_editLink;
    QString m_editName, m_editDescription;
    bool m_vxlanScratch = false;
    ForwardStatusSource m_forwardStatus;
    QPointer<ForwardTable> m_forwardTable;  // the current form's, if any
};

}  // namespace netloom::gui
