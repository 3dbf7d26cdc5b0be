// SPDX-License-Identifier: GPL-3.0-or-later
// UEFI firmware discovery and per-guest variable stores (qemu/firmware.h): descriptor
// parsing, the priority and hiding rules of descriptor folders, SMM firmware left out, the
// naming fallback, and createVarsCopy never overwriting and leaving nothing behind on
// failure. Works on temporary folders; one case also reads the host's real OVMF when
// Debian's ovmf is installed.
#include "qemu/firmware.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace netloom;
using namespace netloom::qemu;

namespace {

QByteArray descriptor(const QString &code, const QString &vars, const QStringList &features = {}, const char *arch = "x86_64",
                      const char *device = "flash", const char *interface = "uefi")
{
    QStringList f;
    for (const QString &x : features)
        f << QStringLiteral("\"%1\"").arg(x);
    return QStringLiteral(R"({"description": "fw %1", "interface-types": ["%6"],
 "mapping": {"device": "%5", "executable": {"filename": "%1", "format": "raw"}, "nvram-template": {"filename": "%2", "format": "raw"}},
 "targets": [{"architecture": "%4", "machines": ["pc-q35-*"]}], "features": [%3], "tags": []})")
        .arg(code, vars, f.join(QStringLiteral(", ")), QLatin1String(arch), QLatin1String(device), QLatin1String(interface))
        .toUtf8();
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QStringList entries(const QString &dir)
{
    return QDir(dir).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDir::Name);
}

}  // namespace

class TestFirmware : public QObject {
    Q_OBJECT
private slots:
    void parsesDescriptors()
    {
        const Result<FirmwareDescriptor> d = parseFirmwareDescriptor(
            descriptor(QStringLiteral("/fw//OVMF_CODE_4M.fd"), QStringLiteral("/fw/OVMF_VARS_4M.fd"), {QStringLiteral("acpi-s3")}), QStringLiteral("60.json"));
        QVERIFY2(d.isOk(), qPrintable(d ? QString() : d.error().message));
        QCOMPARE(d->pair.code, QStringLiteral("/fw/OVMF_CODE_4M.fd"));
        QCOMPARE(d->pair.varsTemplate, QStringLiteral("/fw/OVMF_VARS_4M.fd"));
        QCOMPARE(d->pair.description, QStringLiteral("fw /fw//OVMF_CODE_4M.fd"));
        QVERIFY(!d->pair.secureBoot);
        QVERIFY(!d->requiresSmm());
        const Result<FirmwareDescriptor> sb = parseFirmwareDescriptor(
            descriptor(QStringLiteral("/fw/C.fd"), QStringLiteral("/fw/V.fd"), {QStringLiteral("requires-smm"), QStringLiteral("secure-boot")}), QStringLiteral("50.json"));
        QVERIFY(sb.isOk());
        QVERIFY(sb->pair.secureBoot);
        QVERIFY(sb->requiresSmm());

        struct Bad {
            QByteArray json;
            ErrorCode code;
            const char *reason;
        };
        const QList<Bad> bad{
            {"{", ErrorCode::Parse, ""},
            {"[]", ErrorCode::InvalidArgument, "not a JSON object"},
            {descriptor(QStringLiteral("/c"), QStringLiteral("/v"), {}, "aarch64"), ErrorCode::Unsupported, "not for x86_64"},
            {descriptor(QStringLiteral("/c"), QStringLiteral("/v"), {}, "x86_64", "memory"), ErrorCode::Unsupported, "not mapped as flash"},
            {descriptor(QStringLiteral("/c"), QStringLiteral("/v"), {}, "x86_64", "flash", "bios"), ErrorCode::Unsupported, "not UEFI firmware"},
            {descriptor(QStringLiteral("c.fd"), QStringLiteral("/v"), {}), ErrorCode::InvalidArgument, "mapping.executable.filename is not an absolute path"},
            {descriptor(QStringLiteral("/c"), QString(), {}), ErrorCode::InvalidArgument, "mapping.nvram-template.filename is not an absolute path"},
            {QByteArray(kMaxFirmwareDescriptorBytes + 1, ' '), ErrorCode::LimitExceeded, "larger than"},
        };
        for (const Bad &b : bad) {
            const Result<FirmwareDescriptor> r = parseFirmwareDescriptor(b.json, QStringLiteral("x.json"));
            QVERIFY2(!r.isOk(), b.reason);
            QCOMPARE(r.error().code, b.code);
            QVERIFY2(r.error().message.startsWith(QStringLiteral("failed to read firmware descriptor 'x.json': ")), qPrintable(r.error().message));
            QVERIFY2(r.error().message.contains(QLatin1String(b.reason)), qPrintable(r.error().message));
        }
        QByteArray qcow = descriptor(QStringLiteral("/c"), QStringLiteral("/v"));
        qcow.replace("\"format\": \"raw\"}, \"nvram", "\"format\": \"qcow2\"}, \"nvram");
        QCOMPARE(parseFirmwareDescriptor(qcow, QStringLiteral("q.json")).error().code, ErrorCode::Unsupported);
    }

    void namingRule()
    {
        QCOMPARE(varsTemplateCandidates(QStringLiteral("/usr/share/OVMF/OVMF_CODE_4M.fd")), QStringList{QStringLiteral("/usr/share/OVMF/OVMF_VARS_4M.fd")});
        QCOMPARE(varsTemplateCandidates(QStringLiteral("/usr/share/OVMF/OVMF_CODE_4M.ms.fd")), QStringList{QStringLiteral("/usr/share/OVMF/OVMF_VARS_4M.ms.fd")});
        QCOMPARE(varsTemplateCandidates(QStringLiteral("/o/OVMF_CODE_4M.secboot.fd")),
                 (QStringList{QStringLiteral("/o/OVMF_VARS_4M.secboot.fd"), QStringLiteral("/o/OVMF_VARS_4M.fd")}));
        QCOMPARE(varsTemplateCandidates(QStringLiteral("/q/edk2-x86_64-code.fd")), QStringList{QStringLiteral("/q/edk2-x86_64-vars.fd")});
        QVERIFY(varsTemplateCandidates(QStringLiteral("/usr/share/ovmf/OVMF.fd")).isEmpty());
    }

    // Descriptor folders: later ones win by file name, an empty file hides, SMM firmware and
    // firmware whose files are missing are left out, and each code image is listed once.
    void findsFirmwareInDescriptorFolders()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString fw = tmp.filePath(QStringLiteral("fw"));
        const QString sys = tmp.filePath(QStringLiteral("sys"));
        const QString etc = tmp.filePath(QStringLiteral("etc"));
        for (const QString &d : {fw, sys, etc})
            QVERIFY(QDir().mkpath(d));
        for (const char *f : {"CODE_A.fd", "VARS_A.fd", "CODE_SB.fd", "VARS_SB.fd", "CODE_B.fd", "VARS_B.fd"})
            QVERIFY(writeFile(fw + u'/' + QLatin1String(f), "x"));
        auto p = [&fw](const char *f) { return fw + u'/' + QLatin1String(f); };
        QVERIFY(writeFile(sys + QStringLiteral("/40-sb.json"), descriptor(p("CODE_SB.fd"), p("VARS_SB.fd"), {QStringLiteral("requires-smm")})));
        QVERIFY(writeFile(sys + QStringLiteral("/50-missing.json"), descriptor(p("CODE_X.fd"), p("VARS_X.fd"))));
        QVERIFY(writeFile(sys + QStringLiteral("/60-a.json"), descriptor(p("CODE_A.fd"), p("VARS_A.fd"))));
        QVERIFY(writeFile(sys + QStringLiteral("/61-a-again.json"), descriptor(p("CODE_A.fd"), p("VARS_B.fd"))));
        QVERIFY(writeFile(sys + QStringLiteral("/70-b.json"), descriptor(p("CODE_B.fd"), p("VARS_B.fd"))));
        QVERIFY(writeFile(sys + QStringLiteral("/80-broken.json"), "{ nope"));
        FirmwareSearch search;
        search.descriptorDirs = {sys, etc};
        search.defaultCode = p("CODE_B.fd");
        search.defaultVarsTemplate = p("VARS_B.fd");
        QList<FirmwarePair> found = findFirmware(search);
        QCOMPARE(found.size(), 2);
        QCOMPARE(found[0].code, p("CODE_A.fd"));
        QCOMPARE(found[0].varsTemplate, p("VARS_A.fd"));
        QCOMPARE(found[1].code, p("CODE_B.fd"));
        // /etc overrides 60-a.json with another pair and hides 70-b.json.
        QVERIFY(writeFile(etc + QStringLiteral("/60-a.json"), descriptor(p("CODE_B.fd"), p("VARS_A.fd"))));
        QVERIFY(writeFile(etc + QStringLiteral("/70-b.json"), QByteArray()));
        found = findFirmware(search);
        QCOMPARE(found.size(), 2);
        QCOMPARE(found[0], (FirmwarePair{p("CODE_B.fd"), p("VARS_A.fd"), QStringLiteral("fw ") + p("CODE_B.fd"), false}));
        QCOMPARE(found[1].code, p("CODE_A.fd"));
        QCOMPARE(found[1].varsTemplate, p("VARS_B.fd"));  // from 61-a-again.json

        // The template of SMM firmware is still known (a code image set by hand).
        QCOMPARE(varsTemplateFor(p("CODE_SB.fd"), search).value(), p("VARS_SB.fd"));
        QCOMPARE(varsTemplateFor(fw + QStringLiteral("/./CODE_B.fd"), search).value(), p("VARS_A.fd"));
    }

    void fallsBackToTheDefaultPairAndTheNamingRule()
    {
        QTemporaryDir tmp;
        const QString dir = tmp.path();
        FirmwareSearch search;
        search.descriptorDirs = {dir + QStringLiteral("/none")};
        search.defaultCode = dir + QStringLiteral("/OVMF_CODE_4M.fd");
        search.defaultVarsTemplate = dir + QStringLiteral("/OVMF_VARS_4M.fd");
        QVERIFY(findFirmware(search).isEmpty());
        QVERIFY(writeFile(search.defaultCode, "c"));
        QVERIFY(findFirmware(search).isEmpty());  // the template is missing too
        Result<QString> none = varsTemplateFor(search.defaultCode, search);
        QCOMPARE(none.error().code, ErrorCode::NotFound);
        QCOMPARE(none.error().message, QStringLiteral("failed to find the UEFI variable store template for '%1': no firmware descriptor names it and %2 does not exist")
                                           .arg(search.defaultCode, search.defaultVarsTemplate));
        QVERIFY(writeFile(search.defaultVarsTemplate, "v"));
        const QList<FirmwarePair> found = findFirmware(search);
        QCOMPARE(found.size(), 1);
        QCOMPARE(found[0].code, search.defaultCode);
        QCOMPARE(found[0].varsTemplate, search.defaultVarsTemplate);
        QVERIFY(!found[0].secureBoot);
        QCOMPARE(varsTemplateFor(search.defaultCode, search).value(), search.defaultVarsTemplate);
        QVERIFY(writeFile(dir + QStringLiteral("/OVMF_CODE_4M.secboot.fd"), "s"));
        QCOMPARE(varsTemplateFor(dir + QStringLiteral("/OVMF_CODE_4M.secboot.fd"), search).value(), search.defaultVarsTemplate);
        QVERIFY(varsTemplateFor(dir + QStringLiteral("/OVMF.fd"), search).error().message.contains(QStringLiteral("has no CODE")));
    }

    void copiesTheTemplate()
    {
        QTemporaryDir tmp;
        const QString tpl = tmp.filePath(QStringLiteral("VARS.fd"));
        QByteArray bytes(540672, '\0');
        for (qsizetype i = 0; i < bytes.size(); ++i)
            bytes[i] = char(i * 7);
        QVERIFY(writeFile(tpl, bytes));
        QVERIFY(QFile::setPermissions(tpl, QFile::ReadOwner));
        const mode_t old = ::umask(077);
        const QString dest = tmp.filePath(QStringLiteral("alpha_VARS.fd"));
        const Status s = createVarsCopy(tpl, dest);
        ::umask(old);
        QVERIFY2(s.isOk(), qPrintable(s ? QString() : s.error().message));
        QCOMPARE(readFile(dest), bytes);
        struct stat st {};
        QCOMPARE(::stat(QFile::encodeName(dest).constData(), &st), 0);
        QCOMPARE(int(st.st_mode & 07777), 0644);
        QCOMPARE(st.st_nlink, nlink_t(1));  // the temporary name is gone
        QCOMPARE(entries(tmp.path()), (QStringList{QStringLiteral("VARS.fd"), QStringLiteral("alpha_VARS.fd")}));
    }

    void neverOverwritesAndLeavesNothingOnFailure()
    {
        QTemporaryDir tmp;
        const QString tpl = tmp.filePath(QStringLiteral("VARS.fd"));
        QVERIFY(writeFile(tpl, "template"));
        const QString mine = tmp.filePath(QStringLiteral("mine.fd"));
        QVERIFY(writeFile(mine, "my variables"));
        Status s = createVarsCopy(tpl, mine);
        QVERIFY(!s.isOk());
        QCOMPARE(s.error().code, ErrorCode::Conflict);
        QCOMPARE(s.error().message, QStringLiteral("failed to create UEFI variable store '%1': the file already exists (it is never overwritten)").arg(mine));
        QCOMPARE(readFile(mine), QByteArray("my variables"));
        // A dangling symlink is not replaced either (nor followed).
        const QString link = tmp.filePath(QStringLiteral("link.fd"));
        QVERIFY(QFile::link(tmp.filePath(QStringLiteral("nowhere.fd")), link));
        QCOMPARE(createVarsCopy(tpl, link).error().code, ErrorCode::Conflict);
        QVERIFY(!QFile::exists(tmp.filePath(QStringLiteral("nowhere.fd"))));
        // Missing folder, missing template, a template that is a folder.
        s = createVarsCopy(tpl, tmp.filePath(QStringLiteral("no/such/dir/v.fd")));
        QVERIFY(s.error().message.contains(QStringLiteral("does not exist")));
        s = createVarsCopy(tmp.filePath(QStringLiteral("missing.fd")), tmp.filePath(QStringLiteral("a.fd")));
        QVERIFY2(s.error().message.contains(QStringLiteral("cannot open the template")), qPrintable(s.error().message));
        s = createVarsCopy(tmp.path(), tmp.filePath(QStringLiteral("b.fd")));
        QVERIFY2(s.error().message.contains(QStringLiteral("is not a regular file")), qPrintable(s.error().message));
        QVERIFY(createVarsCopy(tpl, QString()).error().message.contains(QStringLiteral("the path is empty")));
        QCOMPARE(entries(tmp.path()), (QStringList{QStringLiteral("VARS.fd"), QStringLiteral("link.fd"), QStringLiteral("mine.fd")}));

        // A write that fails halfway (the file size limit, which binds root too): no file, no
        // temporary file.
        {
            const QString big = tmp.filePath(QStringLiteral("big/VARS.fd"));
            QVERIFY(QDir().mkpath(QFileInfo(big).path()));
            QVERIFY(writeFile(big, QByteArray(256 * 1024, 'v')));
            struct rlimit old {};
            QCOMPARE(::getrlimit(RLIMIT_FSIZE, &old), 0);
            const auto oldHandler = std::signal(SIGXFSZ, SIG_IGN);
            struct rlimit small = old;
            small.rlim_cur = 64 * 1024;
            QCOMPARE(::setrlimit(RLIMIT_FSIZE, &small), 0);
            s = createVarsCopy(big, tmp.filePath(QStringLiteral("big/v.fd")));
            ::setrlimit(RLIMIT_FSIZE, &old);
            std::signal(SIGXFSZ, oldHandler);
            QVERIFY(!s.isOk());
            QVERIFY2(s.error().message.startsWith(QStringLiteral("failed to create UEFI variable store '%1': cannot write: ").arg(tmp.filePath(QStringLiteral("big/v.fd")))),
                     qPrintable(s.error().message));
            QCOMPARE(entries(tmp.filePath(QStringLiteral("big"))), QStringList{QStringLiteral("VARS.fd")});
        }
        // A folder it may not write to: no file, no temporary file.
        if (::geteuid() != 0) {
            const QString ro = tmp.filePath(QStringLiteral("ro"));
            QVERIFY(QDir().mkdir(ro));
            QVERIFY(QFile::setPermissions(ro, QFile::ReadOwner | QFile::ExeOwner));
            s = createVarsCopy(tpl, ro + QStringLiteral("/v.fd"));
            QVERIFY(!s.isOk());
            QVERIFY2(s.error().message.contains(QStringLiteral("cannot create a temporary file")), qPrintable(s.error().message));
            QVERIFY(QFile::setPermissions(ro, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
            QVERIFY(entries(ro).isEmpty());
        }
    }

    // The host's own OVMF (Debian's ovmf), when installed: the plain 4M pair comes first and
    // no SMM build is offered.
    void hostOvmf()
    {
        if (!QFileInfo::exists(QString::fromLatin1(kDefaultOvmfCode)))
            QSKIP("Debian's ovmf is not installed (only this case needs it)");
        const QList<FirmwarePair> found = findFirmware();
        QVERIFY(!found.isEmpty());
        QCOMPARE(found.first().code, QString::fromLatin1(kDefaultOvmfCode));
        QCOMPARE(found.first().varsTemplate, QString::fromLatin1(kDefaultOvmfVarsTemplate));
        for (const FirmwarePair &p : found)
            QVERIFY2(!p.code.contains(QLatin1String("secboot")) && !p.code.contains(QLatin1String(".ms.")), qPrintable(p.code));
        QCOMPARE(varsTemplateFor(QString::fromLatin1(kDefaultOvmfCode)).value(), QString::fromLatin1(kDefaultOvmfVarsTemplate));
    }
};

QTEST_GUILESS_MAIN(TestFirmware)
#include "test_firmware.moc"
