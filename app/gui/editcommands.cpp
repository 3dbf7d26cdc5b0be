// SPDX-License-Identifier: GPL-3.0-or-later
#include "editcommands.h"

#include "topologydocument.h"

#include <QCoreApplication>

#include <algorithm>

namespace netloom::gui {

AddNodeCommand::AddNodeCommand(TopologyDocument *doc, const model::Node &node, QUndoCommand *parent)
    : QUndoCommand(parent), m_doc(doc), m_node(node)
{
    setText(QCoreApplication::translate("EditCommands", "add %1").arg(node.name));
}

void AddNodeCommand::redo() { m_doc->addNode(m_node); }
void AddNodeCommand::undo()
{
    // Links added after this node were undone first by the stack, so the node is free.
    m_doc->removeNode(m_node.id);
}

RemoveItemsCommand::RemoveItemsCommand(TopologyDocument *doc, const QStringList &nodeIds,
                                       const QStringList &linkIds, QUndoCommand *parent)
    : QUndoCommand(parent), m_doc(doc)
{
    const model::Topology &t = doc->topology();
    for (int i = 0; i < t.links.size(); ++i) {
        const model::Link &l = t.links[i];
        if (linkIds.contains(l.id) || nodeIds.contains(l.a.node) || nodeIds.contains(l.b.node))
            m_links.append({i, l});
    }
    for (int i = 0; i < t.nodes.size(); ++i)
        if (nodeIds.contains(t.nodes[i].id))
            m_nodes.append({i, t.nodes[i]});
    if (m_nodes.size() == 1 && m_links.isEmpty())
        setText(QCoreApplication::translate("EditCommands", "delete %1").arg(m_nodes.first().second.name));
    else
        setText(QCoreApplication::translate("EditCommands", "delete %n item(s)", nullptr, int(m_nodes.size() + m_links.size())));
}

void RemoveItemsCommand::redo()
{
    for (auto it = m_links.crbegin(); it != m_links.crend(); ++it)
        m_doc->removeLink(it->second.id);
    for (auto it = m_nodes.crbegin(); it != m_nodes.crend(); ++it)
        m_doc->removeNode(it->second.id);
}

void RemoveItemsCommand::undo()
{
    for (const auto &[index, node] : m_nodes)
        m_doc->addNode(node, index);
    for (const auto &[index, link] : m_links)
        m_doc->addLink(link, index);
}

MoveNodesCommand::MoveNodesCommand(TopologyDocument *doc, const QList<Move> &moves, int gesture,
                                   QUndoCommand *parent)
    : QUndoCommand(parent), m_doc(doc), m_moves(moves), m_gesture(gesture)
{
    setText(moves.size() == 1 ? QCoreApplication::translate("EditCommands", "move %1").arg(moves.first().id) : QCoreApplication::translate("EditCommands", "move nodes"));
}

void MoveNodesCommand::redo()
{
    for (const Move &m : m_moves)
        m_doc->moveNode(m.id, m.to);
}

void MoveNodesCommand::undo()
{
    for (const Move &m : m_moves)
        m_doc->moveNode(m.id, m.from);
}

bool MoveNodesCommand::mergeWith(const QUndoCommand *other)
{
    const auto *o = static_cast<const MoveNodesCommand *>(other);
    if (m_gesture == 0 || o->m_gesture != m_gesture || o->m_moves.size() != m_moves.size())
        return false;
    for (int i = 0; i < m_moves.size(); ++i)
        if (o->m_moves[i].id != m_moves[i].id)
            return false;
    for (int i = 0; i < m_moves.size(); ++i)
        m_moves[i].to = o->m_moves[i].to;
    return true;
}

SetNodeCommand::SetNodeCommand(TopologyDocument *doc, const model::Node &before, const model::Node &after,
                               QUndoCommand *parent)
    : QUndoCommand(parent), m_doc(doc), m_before(before), m_after(after)
{
    setText(QCoreApplication::translate("EditCommands", "edit %1").arg(after.name));
}

void SetNodeCommand::redo() { m_doc->setNode(m_after); }
void SetNodeCommand::undo() { m_doc->setNode(m_before); }

AddLinkCommand::AddLinkCommand(TopologyDocument *doc, const model::Link &link, QUndoCommand *parent)
    : QUndoCommand(parent), m_doc(doc), m_link(link)
{
    setText(QCoreApplication::translate("EditCommands", "connect %1").arg(link.id));
}

void AddLinkCommand::redo() { m_doc->addLink(m_link); }
void AddLinkCommand::undo() { m_doc->removeLink(m_link.id); }

SetLinkCommand::SetLinkCommand(TopologyDocument *doc, const model::Link &before, const model::Link &after,
                               QUndoCommand *parent)
    : QUndoCommand(parent), m_doc(doc), m_before(before), m_after(after)
{
    setText(QCoreApplication::translate("EditCommands", "edit cable %1").arg(after.id));
}

void SetLinkCommand::redo() { m_doc->setLink(m_after); }
void SetLinkCommand::undo() { m_doc->setLink(m_before); }

SetLinkEmulationCommand::SetLinkEmulationCommand(TopologyDocument *doc, const QString &linkId,
                                                 const model::LinkEmulation &before, const model::LinkEmulation &after,
                                                 QUndoCommand *parent)
    : QUndoCommand(parent), m_doc(doc), m_linkId(linkId), m_before(before), m_after(after)
{
    if (before.up != after.up && before.ab == after.ab && before.ba == after.ba)
        setText(after.up ? QCoreApplication::translate("EditCommands", "set cable %1 up").arg(linkId)
                         : QCoreApplication::translate("EditCommands", "set cable %1 down").arg(linkId));
    else
        setText(QCoreApplication::translate("EditCommands", "edit impairment of cable %1").arg(linkId));
}

void SetLinkEmulationCommand::redo() { m_doc->setLinkEmulation(m_linkId, m_after); }
void SetLinkEmulationCommand::undo() { m_doc->setLinkEmulation(m_linkId, m_before); }

SetTopologyInfoCommand::SetTopologyInfoCommand(TopologyDocument *doc, const QString &name,
                                               const QString &description, QUndoCommand *parent)
    : QUndoCommand(parent), m_doc(doc), m_oldName(doc->topology().name),
      m_oldDescription(doc->topology().description), m_name(name), m_description(description)
{
    setText(QCoreApplication::translate("EditCommands", "edit topology"));
}

void SetTopologyInfoCommand::redo() { m_doc->setTopologyInfo(m_name, m_description); }
void SetTopologyInfoCommand::undo() { m_doc->setTopologyInfo(m_oldName, m_oldDescription); }

}  // namespace netloom::gui
