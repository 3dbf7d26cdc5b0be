// SPDX-License-Identifier: GPL-3.0-or-later
// Undo commands of the editor. Every edit of the document is one of these (DESIGN.md §8).
//
// Design note. Commands hold ids and value copies (Node, Link), never pointers to scene
// items or to nodes inside the topology, so they stay valid across any sequence of
// undo/redo. Each redo()/undo() calls the document's id-based mutators. The moves of one
// drag gesture (same gesture number, same nodes) merge into one command (mergeWith, id
// kMoveCommandId), so dragging a node around is one undo step and the next drag another; compound edits (connecting a guest that needs a new NIC,
// deleting nodes with their cables) are parent commands with children, which QUndoStack
// runs in order and undoes in reverse.
#pragma once

#include "model/topology.h"

#include <QHash>
#include <QList>
#include <QPointF>
#include <QUndoCommand>

namespace netloom::gui {

class TopologyDocument;

constexpr int kMoveCommandId = 0x4e4c01;

// Adds one node.
class AddNodeCommand : public QUndoCommand {
public:
    AddNodeCommand(TopologyDocument *doc, const model::Node &node, QUndoCommand *parent = nullptr);
    void redo() override;
    void undo() override;

private:
    TopologyDocument *m_doc;
    model::Node m_node;
};

// Removes nodes and links (links first; every link touching a removed node is removed
// too). Undo restores them at their former indices.
class RemoveItemsCommand : public QUndoCommand {
public:
    RemoveItemsCommand(TopologyDocument *doc, const QStringList &nodeIds, const QStringList &linkIds,
                       QUndoCommand *parent = nullptr);
    void redo() override;
    void undo() override;

private:
    TopologyDocument *m_doc;
    QList<QPair<int, model::Node>> m_nodes;  // (index, node) in ascending index order
    QList<QPair<int, model::Link>> m_links;
};

// Moves nodes to new positions. Moves of the same node set within one gesture (> 0)
// merge; gesture 0 never merges.
class MoveNodesCommand : public QUndoCommand {
public:
    struct Move {
        QString id;
        QPointF from;
        QPointF to;
    };
    MoveNodesCommand(TopologyDocument *doc, const QList<Move> &moves, int gesture = 0,
                     QUndoCommand *parent = nullptr);
    void redo() override;
    void undo() override;
    int id() const override { return kMoveCommandId; }
    bool mergeWith(const QUndoCommand *other) override;

private:
    TopologyDocument *m_doc;
    QList<Move> m_moves;
    int m_gesture;
};

// Replaces a node's contents (properties panel edits).
class SetNodeCommand : public QUndoCommand {
public:
    SetNodeCommand(TopologyDocument *doc, const model::Node &before, const model::Node &after,
                   QUndoCommand *parent = nullptr);
    void redo() override;
    void undo() override;

private:
    TopologyDocument *m_doc;
    model::Node m_before;
    model::Node m_after;
};

// Adds one link.
class AddLinkCommand : public QUndoCommand {
public:
    AddLinkCommand(TopologyDocument *doc, const model::Link &link, QUndoCommand *parent = nullptr);
    void redo() override;
    void undo() override;

private:
    TopologyDocument *m_doc;
    model::Link m_link;
};

// Replaces a link's contents (VLAN settings, tap name).
class SetLinkCommand : public QUndoCommand {
public:
    SetLinkCommand(TopologyDocument *doc, const model::Link &before, const model::Link &after,
                   QUndoCommand *parent = nullptr);
    void redo() override;
    void undo() override;

private:
    TopologyDocument *m_doc;
    model::Link m_before;
    model::Link m_after;
};

// Replaces a link's network emulation only (impairment edits, Set link up/down), by link
// id: undo restores the emulation it replaced and touches nothing else of the link.
class SetLinkEmulationCommand : public QUndoCommand {
public:
    SetLinkEmulationCommand(TopologyDocument *doc, const QString &linkId, const model::LinkEmulation &before,
                            const model::LinkEmulation &after, QUndoCommand *parent = nullptr);
    void redo() override;
    void undo() override;

private:
    TopologyDocument *m_doc;
    QString m_linkId;
    model::LinkEmulation m_before;
    model::LinkEmulation m_after;
};

// Changes the topology's name and description.
class SetTopologyInfoCommand : public QUndoCommand {
public:
    SetTopologyInfoCommand(TopologyDocument *doc, const QString &name, const QString &description,
                           QUndoCommand *parent = nullptr);
    void redo() override;
    void undo() override;

private:
    TopologyDocument *m_doc;
    QString m_oldName, m_oldDescription, m_name, m_description;
};

}  // namespace netloom::gui
