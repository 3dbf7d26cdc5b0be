// SPDX-License-Identifier: GPL-3.0-or-later
// The public keys of the user who starts (or exports) a topology, for the cloud-init sections
// that ask for them with userKeys (issue #11).
//
// Design note. The seed builder stays pure (plan/cloudinit.h): the keys reach it as
// PlanContext::userKeys, read here by the front end that plans a run or an export (netloomctl
// up and export, the GUI's run controller and export dialog), and only when some section has
// userKeys. The files are HOME/.ssh/*.pub with HOME = QDir::homePath() (that is $HOME, so a
// test or a user can point it elsewhere), taken by file name; each must hold one OpenSSH
// public key line (model::checkSshPublicKey), anything else is skipped with a warning naming
// the file. The warnings go to the run's log (RuntimeOptions::userKeyWarnings) or to the
// exporter's stderr. Bounded: kMaxPubFiles files looked at, kMaxPubFileBytes read from each,
// model::limits::kMaxSshKeys keys kept.
#pragma once

#include "base/result.h"
#include "model/topology.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace netloom::runtime {

inline constexpr int kMaxPubFiles = 256;
inline constexpr qint64 kMaxPubFileBytes = 16 * 1024;

// A warning for the run's log: about a guest (its name) or, with node "", about the files.
struct UserKeyWarning {
    QString node;
    QString message;
    bool operator==(const UserKeyWarning &) const = default;
};

struct UserKeys {
    QStringList keys;                  // valid public key lines, by file name
    QStringList files;                 // the file each key came from (absolute), same order
    QList<UserKeyWarning> warnings;
};

// One public key file (~/.ssh/id_ed25519.pub, or one the user picks): its key line. Errors
// name the file as a field: "SSH key file '<path>': <why>" (no such file, unreadable, larger
// than kMaxPubFileBytes, not exactly one OpenSSH public key line — the content is never
// quoted, it could be a private key). Touches: reads the file.
Result<QString> readPublicKeyFile(const QString &path);

// The valid keys of homeDir/.ssh/*.pub (sorted by file name, at most kMaxPubFiles files and
// model::limits::kMaxSshKeys keys) and one warning per file skipped ("skipping '<file>' for
// cloudInit.userKeys: <reason>": unreadable, too large, not a public key) or left out over
// the bound. No .ssh directory is no key and no warning. Touches: reads those files.
UserKeys readUserKeys(const QString &homeDir);

// Whether some guest of `t` has a cloudInit section with userKeys. Pure.
bool wantsUserKeys(const model::Topology &t);

// What a run or an export of `t` by the user whose home is homeDir authorizes: nothing (and no
// warning) unless wantsUserKeys(t); else readUserKeys(homeDir) plus, when it found no key, one
// warning per guest with userKeys ("no public key in ~/.ssh (<dir>): create one with
// ssh-keygen"). Touches: reads homeDir/.ssh/*.pub when wanted.
UserKeys userKeysFor(const model::Topology &t, const QString &homeDir);

}  // namespace netloom::runtime
