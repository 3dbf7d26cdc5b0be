// SPDX-License-Identifier: GPL-3.0-or-later
// The editor's document: one Topology plus the file it came from, as a QObject.
//
// Design note. The document is the single source of truth of the editor and has no
// widgets. It changes only through the id-based mutators below, each of which emits one
// signal naming the id it touched; the scene, the properties panel and the validation
// timer follow those signals. Undo commands (editcommands.h) call the mutators and keep
// copies of values, never pointers to items or nodes. Mutators are total: an unknown id
// or a duplicate id is refused (returns false) and nothing changes, so a stale command can
// never corrupt the topology.
//
// "Modified" is not tracked here: the undo stack's clean state is the single record of it
// (MainWindow ties them together).
#pragma once

#include "base/result.h"
#include "model/topology.h"

#include <QObject>
#include <QString>

namespace netloom::gui {

class TopologyDocument : public QObject {
    Q_OBJECT
public:
    explicit TopologyDocument(QObject *parent = nullptr);

    const model::Topology &topology() const { return m_topology; }
    // The file the document was loaded from / saved to, "" for an unsaved document.
    QString filePath() const { return m_filePath; }
    void setFilePath(const QString &path);
    // The folder the topology's relative paths (disks, kernels, ...) resolve against: the
    // file's folder, or the working directory for an unsaved document. Touches: nothing.
    QString baseDir() const;

    // Replaces the whole topology (new/open/recover). Emits documentReset().
    void reset(const model::Topology &topology, const QString &filePath);

    // Adds `node`; refused if its id is empty or taken. Emits nodeAdded(id).
    bool addNode(const model::Node &node, int index = -1);
    // Removes node `id` (links must already be gone); returns the removed node's index or
    // -1. Emits nodeRemoved(id).
    int removeNode(const QString &id);
    // Replaces node `node.id` wholesale (the id itself cannot change). Emits nodeChanged(id).
    bool setNode(const model::Node &node);
    // Moves node `id` to `pos`. Emits nodeMoved(id).
    bool moveNode(const QString &id, QPointF pos);

    // Adds `link`; refused if its id is empty or taken or an endpoint node is missing.
    // Emits linkAdded(id).
    bool addLink(const model::Link &link, int index = -1);
    // Removes link `id`; returns its former index or -1. Emits linkRemoved(id).
    int removeLink(const QString &id);
    // Replaces link `link.id` (endpoint nodes must exist). Emits linkChanged(id).
    bool setLink(const model::Link &link);
    // Replaces only the network emulation (impairments, up/down) of link `id`; refused if
    // the link is missing. Emits linkChanged(id) when it changed.
    bool setLinkEmulation(const QString &id, const model::LinkEmulation &emulation);

    // Sets the topology name and description. Emits topologyChanged().
    void setTopologyInfo(const QString &name, const QString &description);

    // Index of node/link `id` in the topology's lists, -1 if absent.
    int nodeIndex(const QString &id) const;
    int linkIndex(const QString &id) const;

    // A fresh node/link id of the form "<stem><n>" not used yet (stem e.g. "guest").
    QString freshNodeId(const QString &stem) const;
    QString freshLinkId(const QString &stem) const;
    // A display name "<stem><n>" that no node uses yet.
    QString freshNodeName(const QString &stem) const;

signals:
    void documentReset();
    void nodeAdded(const QString &id);
    void nodeRemoved(const QString &id);
    void nodeChanged(const QString &id);
    void nodeMoved(const QString &id);
    void linkAdded(const QString &id);
    void linkRemoved(const QString &id);
    void linkChanged(const QString &id);
    void topologyChanged();
    void filePathChanged(const QString &path);
    // Emitted after every content change above (not after filePathChanged).
    void contentChanged();

private:
    model::Topology m_topology;
    QString m_filePath;
};

}  // namespace netloom::gui
