// SPDX-License-Identifier: GPL-3.0-or-later
// QEMU option vocabulary for the command-line importer (qemuimport.h): which options take
// a value, which are kept as extra arguments or dropped (and why), NIC models, and the small
// value parsers. Internal to core/import; every function is pure.
#pragma once

#include "import/qemuimport.h"

#include <QList>
#include <QMap>
#include <QSet>
#include <QString>

namespace netloom::importer::qemuopts {

using Opts = QList<std::pair<QString, QString>>;

// The last path component of `path`.
QString baseName(const QString &path);
// The value of `key` in split options, "" when absent; has(): whether it is present.
QString opt(const Opts &o, const char *key);
bool has(const Opts &o, const char *key);
// QEMU's boolean spellings of "on" ("", on, yes, y, true, 1).
bool isOn(const QString &v);
// Options without a value (-enable-kvm, -snapshot, …), by name without the dash.
const QSet<QString> &flagOptions();
// Options with a value that are passed on unchanged as extra QEMU arguments.
const QSet<QString> &keptWithValue();
// Options with a value that Netloom provides itself -> why they are dropped.
const QMap<QString, QString> &droppedWithValue();
// -device drivers that are NICs.
const QSet<QString> &nicModels();
// The model name Netloom stores for a NIC model as written ("" -> QEMU's default e1000,
// "virtio" -> virtio-net-pci).
QString nicModel(const QString &m);
// The disk format guessed from a file name (qcow2, vmdk, vdi, vhdx, qed, else raw).
QString diskFormat(const QString &path);
// "512", "512M", "1G", "2048k", "size=1G,…" -> MiB, or -1 when malformed or too large.
int parseMemory(QString v);

}  // namespace netloom::importer::qemuopts
