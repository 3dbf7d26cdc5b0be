// SPDX-License-Identifier: GPL-3.0-or-later
#include "topologydocument.h"

#include <QDir>
#include <QFileInfo>

namespace netloom::gui {

TopologyDocument::TopologyDocument(QObject *parent) : QObject(parent)
{
    m_topology.name = QStringLiteral("untitled");
}

void TopologyDocument::setFilePath(const QString &path)
{
    if (path == m_filePath)
        return;
    m_filePath = path;
    emit filePathChanged(path);
}

void TopologyDocument::reset(const model::Topology &topology, const QString &filePath)
{
    m_topology = topology;
    m_filePath = filePath;
    emit documentReset();
    emit filePathChanged(filePath);
    emit contentChanged();
}

int TopologyDocument::nodeIndex(const QString &id) const
{
    for (int i = 0; i < m_topology.nodes.size(); ++i)
        if (m_topology.nodes[i].id == id)
            return i;
    return -1;
}

int TopologyDocument::linkIndex(const QString &id) const
{
    for (int i = 0; i < m_topology.links.size(); ++i)
        if (m_topology.links[i].id == id)
            return i;
    return -1;
}

bool TopologyDocument::addNode(const model::Node &node, int index)
{
    if (node.id.isEmpty() || nodeIndex(node.id) >= 0)
        return false;
    if (index < 0 || index > m_topology.nodes.size())
        index = int(m_topology.nodes.size());
    m_topology.nodes.insert(index, node);
    emit nodeAdded(node.id);
    emit contentChanged();
    return true;
}

int TopologyDocument::removeNode(const QString &id)
{
    const int i = nodeIndex(id);
    if (i < 0 || !m_topology.linksOf(id).isEmpty())
        return -1;
    m_topology.nodes.removeAt(i);
    emit nodeRemoved(id);
    emit contentChanged();
    return i;
}

bool TopologyDocument::setNode(const model::Node &node)
{
    const int i = nodeIndex(node.id);
    if (i < 0)
        return false;
    if (m_topology.nodes[i] == node)
        return true;
    m_topology.nodes[i] = node;
    emit nodeChanged(node.id);
    emit contentChanged();
    return true;
}

bool TopologyDocument::moveNode(const QString &id, QPointF pos)
{
    const int i = nodeIndex(id);
    if (i < 0)
        return false;
    if (m_topology.nodes[i].position == pos)
        return true;
    m_topology.nodes[i].position = pos;
    emit nodeMoved(id);
    emit contentChanged();
    return true;
}

bool TopologyDocument::addLink(const model::Link &link, int index)
{
    if (link.id.isEmpty() || linkIndex(link.id) >= 0 || nodeIndex(link.a.node) < 0
        || nodeIndex(link.b.node) < 0)
        return false;
    if (index < 0 || index > m_topology.links.size())
        index = int(m_topology.links.size());
    m_topology.links.insert(index, link);
    emit linkAdded(link.id);
    emit contentChanged();
    return true;
}

int TopologyDocument::removeLink(const QString &id)
{
    const int i = linkIndex(id);
    if (i < 0)
        return -1;
    m_topology.links.removeAt(i);
    emit linkRemoved(id);
    emit contentChanged();
    return i;
}

bool TopologyDocument::setLink(const model::Link &link)
{
    const int i = linkIndex(link.id);
    if (i < 0 || nodeIndex(link.a.node) < 0 || nodeIndex(link.b.node) < 0)
        return false;
    if (m_topology.links[i] == link)
        return true;
    m_topology.links[i] = link;
    emit linkChanged(link.id);
    emit contentChanged();
    return true;
}

bool TopologyDocument::setLinkEmulation(const QString &id, const model::LinkEmulation &emulation)
{
    const int i = linkIndex(id);
    if (i < 0)
        return false;
    if (m_topology.links[i].emulation == emulation)
        return true;
    m_topology.links[i].emulation = emulation;
    emit linkChanged(id);
    emit contentChanged();
    return true;
}

void TopologyDocument::setTopologyInfo(const QString &name, const QString &description)
{
    if (m_topology.name == name && m_topology.description == description)
        return;
    m_topology.name = name;
    m_topology.description = description;
    emit topologyChanged();
    emit contentChanged();
}

QString TopologyDocument::baseDir() const
{
    return m_filePath.isEmpty() ? QDir::currentPath() : QFileInfo(m_filePath).absolutePath();
}

QString TopologyDocument::freshNodeId(const QString &stem) const
{
    for (int n = 1;; ++n) {
        const QString id = stem + QString::number(n);
        if (nodeIndex(id) < 0 && linkIndex(id) < 0)
            return id;
    }
}

QString TopologyDocument::freshLinkId(const QString &stem) const
{
    if (linkIndex(stem) < 0 && nodeIndex(stem) < 0)
        return stem;
    for (int n = 2;; ++n) {
        const QString id = stem + QLatin1Char('-') + QString::number(n);
        if (linkIndex(id) < 0 && nodeIndex(id) < 0)
            return id;
    }
}

QString TopologyDocument::freshNodeName(const QString &stem) const
{
    for (int n = 1;; ++n) {
        const QString name = stem + QString::number(n);
        bool used = false;
        for (const model::Node &node : m_topology.nodes)
            used = used || node.name == name;
        if (!used)
            return name;
    }
}

}  // namespace netloom::gui
