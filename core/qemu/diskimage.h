// SPDX-License-Identifier: GPL-3.0-or-later
// Managed guest disks (issue #11): checking, inspecting and making images with qemu-img.
//
// Design note. Pure builders + one executor. A DiskRequest says what to make (a new image,
// a copy-on-write overlay over a base, or a converted copy); checkDiskRequest looks at the
// file system (read only) and refuses, naming the field, what cannot work: a destination
// that is a directory or already exists (unless the user agreed to replace it), a missing
// folder, a size of 0 or beyond the folder's free space, a base that is not an image.
// qemuImgArgs builds qemu-img's argv, purely. DiskJob is the executor: it runs qemu-img
// (Debian `qemu-utils`) asynchronously under a temporary name in the destination's folder,
// reports progress for the slow kind (convert -p), and only when qemu-img succeeded moves
// the result into place — without replacing anything unless asked (renameat2
// RENAME_NOREPLACE). A failure, a timeout or a cancel removes the temporary file: nothing
// half-made is ever left where the user looks.
//
// Overlays name their base relative to the overlay's folder when the base lies under it
// (the pair can be moved together), else by absolute path; qemu-img resolves it the same.
#pragma once

#include "base/result.h"

#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>

class QProcess;

namespace netloom::qemu {

inline constexpr const char *kQemuImgTool = "qemu-img";
inline constexpr qint64 kMiB = qint64(1) << 20;
inline constexpr qint64 kGiB = qint64(1) << 30;
// The largest disk Netloom makes: 16 TiB (qcow2 with 64 KiB clusters allows 64 TiB+).
inline constexpr qint64 kMaxDiskBytes = qint64(16) << 40;
// qemu-img info/create are quick; convert copies whole images and may take minutes.
inline constexpr int kQemuImgQuickTimeoutMs = 30000;
inline constexpr int kQemuImgConvertTimeoutMs = 60 * 60 * 1000;
// The largest `qemu-img info` answer read (a long backing chain is a few KiB).
inline constexpr qint64 kMaxImageInfoBytes = 256 * 1024;

// What `qemu-img info` says of an image.
struct ImageInfo {
    QString format;          // "qcow2", "raw", ...
    qint64 virtualSize = 0;  // bytes the guest sees
    qint64 actualSize = 0;   // bytes used on the host
    QString backingFile;     // as written in the image ("" = none)
    QString backingFormat;
    bool operator==(const ImageInfo &) const = default;
};

// Parses `qemu-img info --output=json` of one image. Errors name what is missing. Pure.
Result<ImageInfo> parseImageInfo(const QByteArray &json);

// Runs `qemu-img info --output=json -U` on `path` (shared lock: works while a guest runs).
// Touches: runs qemu-img (bounded by kQemuImgQuickTimeoutMs), reads the image's header.
Result<ImageInfo> readImageInfo(const QString &path);

enum class DiskAction {
    Create,   // a new empty image of sizeBytes
    Overlay,  // a qcow2 whose reads fall through to `base` (never written); size = base's unless larger
    Copy,     // a full copy of `base` converted to `format` (slow: progress is reported)
};

struct DiskRequest {
    DiskAction action = DiskAction::Create;
    QString path;                               // the image to make (absolute)
    QString format = QStringLiteral("qcow2");   // qcow2 | raw (Overlay: always qcow2)
    qint64 sizeBytes = 0;                       // Create: required; Overlay: 0 = the base's
    QString base;                               // Overlay, Copy: the source image (absolute)
    QString baseFormat;                         // "" = what qemu-img info says
    bool replace = false;                       // the user agreed to replace an existing file
};

// The formats Netloom makes.
QStringList creatableDiskFormats();

// The checks, each naming its field in the error ("disk path", "disk size", "base image").
// A path for a new image: absolute, not a directory, its folder exists and is writable, and
// no file is there unless `replace`. Touches: stat only.
Status checkNewImagePath(const QString &path, bool replace);
// A size for a new image: > 0, <= kMaxDiskBytes, and no more than the free space of the
// folder `dir` (a qcow2 grows up to its size). Touches: statvfs of `dir`.
Status checkDiskSize(qint64 bytes, const QString &dir);
// An existing image to use or to put an overlay on: a readable regular file that qemu-img
// reads as an image. Returns its info. Touches: stat, runs qemu-img info.
Result<ImageInfo> checkBaseImage(const QString &path);
// An install medium: a readable regular file with an ISO 9660 or UDF volume descriptor at
// byte 32769 ("CD001", "BEA01", "NSR02", "NSR03"). Touches: reads 6 bytes of the file.
Status checkIsoImage(const QString &path);
// All of the above that apply to `r`. Touches: as the checks do.
Status checkDiskRequest(const DiskRequest &r);

// The name an overlay at `overlayPath` records for `base`: relative to the overlay's folder
// when `base` lies under it, else absolute. Pure.
QString backingNameFor(const QString &overlayPath, const QString &base);

// qemu-img's argv (without the program) making `r` at `outputPath` (the temporary name).
// `baseFormat` is the base's resolved format (Overlay, Copy). Pure.
QStringList qemuImgArgs(const DiskRequest &r, const QString &outputPath, const QString &baseFormat);

// Parses convert -p's progress output ("    (12.34/100%)\r"): the last percentage in
// `chunk` as per mille, or -1 when there is none. Pure.
int parseQemuImgProgress(const QByteArray &chunk);

// `path` as a topology stores it: relative to `topologyDir` when it lies under it, else
// absolute; "" stays "". Pure.
QString topologyRelativePath(const QString &path, const QString &topologyDir);
// The absolute path of a stored `path` ("" stays ""). Pure.
QString resolveTopologyPath(const QString &path, const QString &topologyDir);

// Runs one DiskRequest. start() checks it (checkDiskRequest) and starts qemu-img; the job
// then emits progress() (per mille; only Copy reports steps) and finally finished() exactly
// once. Cancelling or destroying a running job kills qemu-img and removes its temporary
// file. Touches: runs qemu-img, creates `path` (and briefly a ".NAME.*.part" beside it).
class DiskJob : public QObject {
    Q_OBJECT
public:
    explicit DiskJob(QObject *parent = nullptr);
    ~DiskJob() override;

    // Starts `r`. Returns an error (and emits nothing) when the request is refused or
    // qemu-img is absent; the job is then idle again.
    Status start(const DiskRequest &r);
    bool isRunning() const;
    // Stops a running job: finished() follows with a Cancelled error.
    void cancel();
    const DiskRequest &request() const { return m_request; }
    // The last job's outcome (ok() before any job finished).
    const Status &result() const { return m_result; }

signals:
    void progress(int permille);
    // Exactly once per started job; result() then says what happened.
    void finished(bool succeeded, const QString &error);

private:
    void onFinished();
    void finish(const Status &status);

    DiskRequest m_request;
    QString m_temp;
    QString m_output;
    QPointer<QProcess> m_process;
    bool m_cancelled = false;
    Status m_result = ok();
};

}  // namespace netloom::qemu
