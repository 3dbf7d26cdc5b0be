// SPDX-License-Identifier: GPL-3.0-or-later
#include "userkeys.h"

#include "model/validator.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace netloom::runtime {

Result<QString> readPublicKeyFile(const QString &path)
{
    const QString field = QStringLiteral("SSH key file '%1': ").arg(path);
    const QFileInfo fi(path);
    if (!fi.exists())
        return Error{ErrorCode::NotFound, field + QStringLiteral("no such file")};
    if (!fi.isFile())
        return Error{ErrorCode::InvalidArgument, field + QStringLiteral("not a regular file")};
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error{ErrorCode::PermissionDenied, field + f.errorString()};
    const QByteArray bytes = f.read(kMaxPubFileBytes + 1);
    if (bytes.size() > kMaxPubFileBytes)
        return Error{ErrorCode::LimitExceeded, field + QStringLiteral("larger than %1 bytes").arg(kMaxPubFileBytes)};
    const QString line = QString::fromUtf8(bytes).trimmed();
    if (!model::checkSshPublicKey(line).isEmpty())  // its message quotes the content: not here
        return Error{ErrorCode::InvalidArgument,
                     field + QStringLiteral("not an OpenSSH public key (one line \"ssh-ed25519 AAAA... comment\")")};
    return line;
}

UserKeys readUserKeys(const QString &homeDir)
{
    UserKeys out;
    const QDir dir(homeDir + QStringLiteral("/.ssh"));
    if (!dir.exists())
        return out;
    const QFileInfoList files = dir.entryInfoList({QStringLiteral("*.pub")}, QDir::Files | QDir::Hidden, QDir::Name);
    auto skip = [&](const QString &file, const QString &why) {
        out.warnings.append({QString(), QStringLiteral("skipping '%1' for cloudInit.userKeys: %2").arg(file, why)});
    };
    for (qsizetype i = 0; i < files.size(); ++i) {
        const QString path = files[i].absoluteFilePath();
        if (i >= kMaxPubFiles || out.keys.size() >= model::limits::kMaxSshKeys) {
            out.warnings.append({QString(), QStringLiteral("more than %1 key files or %2 keys in '%3': '%4' and the files after it "
                                                           "are left out of cloudInit.userKeys")
                                                 .arg(kMaxPubFiles)
                                                 .arg(model::limits::kMaxSshKeys)
                                                 .arg(dir.absolutePath(), path)});
            break;
        }
        Result<QString> key = readPublicKeyFile(path);
        if (!key) {
            // The reason without the "SSH key file '<path>': " prefix: skip() names the file.
            const QString prefix = QStringLiteral("SSH key file '%1': ").arg(path);
            const QString &m = key.error().message;
            skip(path, m.startsWith(prefix) ? m.mid(prefix.size()) : m);
            continue;
        }
        const QString line = *key;
        out.keys << line;
        out.files << path;
    }
    return out;
}

bool wantsUserKeys(const model::Topology &t)
{
    for (const model::Node &n : t.nodes)
        if (n.type == model::NodeType::Guest && n.guest.cloudInit && n.guest.cloudInit->userKeys)
            return true;
    return false;
}

UserKeys userKeysFor(const model::Topology &t, const QString &homeDir)
{
    if (!wantsUserKeys(t))
        return {};
    UserKeys out = readUserKeys(homeDir);
    if (out.keys.isEmpty())
        for (const model::Node &n : t.nodes)
            if (n.type == model::NodeType::Guest && n.guest.cloudInit && n.guest.cloudInit->userKeys)
                out.warnings.append({n.name.isEmpty() ? n.id : n.name,
                                     QStringLiteral("cloudInit.userKeys: no public key in ~/.ssh (%1): create one with ssh-keygen")
                                         .arg(QDir(homeDir + QStringLiteral("/.ssh")).absolutePath())});
    return out;
}

}  // namespace netloom::runtime
