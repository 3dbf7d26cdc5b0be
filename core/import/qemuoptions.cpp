// SPDX-License-Identifier: GPL-3.0-or-later
#include "import/qemuoptions.h"

#include <QFileInfo>

namespace netloom::importer {

QList<std::pair<QString, QString>> splitQemuOpts(const QString &value)
{
    QList<std::pair<QString, QString>> out;
    QString piece;
    auto flush = [&] {
        if (out.size() >= 256)
            return;
        const qsizetype eq = piece.indexOf(QLatin1Char('='));
        if (eq < 0)
            out.append({QString(), piece});
        else
            out.append({piece.left(eq), piece.mid(eq + 1)});
        piece.clear();
    };
    for (qsizetype i = 0; i < value.size(); ++i) {
        if (value[i] == QLatin1Char(',')) {
            if (i + 1 < value.size() && value[i + 1] == QLatin1Char(',')) {
                piece += QLatin1Char(',');
                ++i;
            } else {
                flush();
            }
        } else {
            piece += value[i];
        }
    }
    if (!piece.isEmpty() || !value.isEmpty())
        flush();
    return out;
}

namespace qemuopts {

using Opts = QList<std::pair<QString, QString>>;


QString baseName(const QString &path)
{
    const qsizetype slash = path.lastIndexOf(QLatin1Char('/'));
    return slash < 0 ? path : path.mid(slash + 1);
}

QString opt(const Opts &o, const char *key)
{
    for (const auto &[k, v] : o)
        if (k == QLatin1String(key))
            return v;
    return {};
}

bool has(const Opts &o, const char *key)
{
    for (const auto &kv : o)
        if (kv.first == QLatin1String(key))
            return true;
    return false;
}

bool isOn(const QString &v)
{
    return v.isEmpty() || v == QLatin1String("on") || v == QLatin1String("yes") || v == QLatin1String("y")
           || v == QLatin1String("true") || v == QLatin1String("1");
}

// Options that take no value (everything else known takes exactly one).
const QSet<QString> &flagOptions()
{
    static const QSet<QString> s{
        QStringLiteral("enable-kvm"), QStringLiteral("no-kvm"), QStringLiteral("snapshot"), QStringLiteral("nographic"),
        QStringLiteral("daemonize"), QStringLiteral("usb"), QStringLiteral("localtime"), QStringLiteral("no-reboot"),
        QStringLiteral("no-shutdown"), QStringLiteral("S"), QStringLiteral("s"), QStringLiteral("sdl"),
        QStringLiteral("curses"), QStringLiteral("full-screen"), QStringLiteral("no-acpi"), QStringLiteral("std-vga"),
        QStringLiteral("no-hpet"), QStringLiteral("no-fd-bootchk"), QStringLiteral("win2k-hack"),
        QStringLiteral("rtc-td-hack"), QStringLiteral("tdf"), QStringLiteral("no-quit"), QStringLiteral("nodefaults"),
        QStringLiteral("no-user-config"), QStringLiteral("no-frame"), QStringLiteral("alt-grab"),
        QStringLiteral("ctrl-grab"), QStringLiteral("enable-fips"), QStringLiteral("preconfig"),
        QStringLiteral("only-migratable"), QStringLiteral("no-kqemu"), QStringLiteral("kernel-kqemu"),
    };
    return s;
}

// Options with a value that are passed on unchanged as extra QEMU arguments.
const QSet<QString> &keptWithValue()
{
    static const QSet<QString> s{
        QStringLiteral("usbdevice"), QStringLiteral("rtc"), QStringLiteral("bios"), QStringLiteral("L"),
        QStringLiteral("fda"), QStringLiteral("fdb"), QStringLiteral("global"), QStringLiteral("object"),
        QStringLiteral("uuid"), QStringLiteral("dtb"), QStringLiteral("mem-path"), QStringLiteral("watchdog"),
        QStringLiteral("virtfs"), QStringLiteral("fsdev"), QStringLiteral("icount"), QStringLiteral("sandbox"),
        QStringLiteral("overcommit"), QStringLiteral("numa"), QStringLiteral("pflash"), QStringLiteral("mem-prealloc"),
        QStringLiteral("balloon"), QStringLiteral("smbios"), QStringLiteral("acpitable"), QStringLiteral("semihosting-config"),
        QStringLiteral("device"),
    };
    return s;
}

// Options with a value that Netloom provides itself (dropped).
const QMap<QString, QString> &droppedWithValue()
{
    static const QMap<QString, QString> m{
        {QStringLiteral("serial"), QStringLiteral("Netloom attaches its own serial console")},
        {QStringLiteral("monitor"), QStringLiteral("Netloom talks to QEMU over its own QMP monitor")},
        {QStringLiteral("qmp"), QStringLiteral("Netloom talks to QEMU over its own QMP monitor")},
        {QStringLiteral("mon"), QStringLiteral("Netloom talks to QEMU over its own QMP monitor")},
        {QStringLiteral("chardev"), QStringLiteral("character devices are Netloom's (console, monitor)")},
        {QStringLiteral("vnc"), QStringLiteral("Netloom shows the screen itself")},
        {QStringLiteral("display"), QStringLiteral("Netloom shows the screen itself")},
        {QStringLiteral("spice"), QStringLiteral("Netloom shows the screen itself")},
        {QStringLiteral("pidfile"), QStringLiteral("Netloom supervises the process itself")},
        {QStringLiteral("k"), QStringLiteral("no keymap is needed: Netloom's console sends scancodes")},
        {QStringLiteral("soundhw"), QStringLiteral("removed in QEMU 7.1 (use -audiodev and -device)")},
        {QStringLiteral("gdb"), QStringLiteral("a debugging option")},
        {QStringLiteral("D"), QStringLiteral("a debugging option")},
        {QStringLiteral("d"), QStringLiteral("a debugging option")},
        {QStringLiteral("trace"), QStringLiteral("a debugging option")},
        {QStringLiteral("msg"), QStringLiteral("a debugging option")},
        {QStringLiteral("incoming"), QStringLiteral("migration is not part of a topology")},
        {QStringLiteral("tftp"), QStringLiteral("a pre-2.0 user-network option (use -netdev user,tftp=)")},
        {QStringLiteral("bootp"), QStringLiteral("a pre-2.0 user-network option (use -netdev user,bootfile=)")},
        {QStringLiteral("smb"), QStringLiteral("a pre-2.0 user-network option (use -netdev user,smb=)")},
        {QStringLiteral("name"), QString()},  // handled; listed so the arity is known
        {QStringLiteral("runas"), QStringLiteral("Netloom runs guests as the user who starts them")},
        {QStringLiteral("chroot"), QStringLiteral("Netloom runs guests as the user who starts them")},
        {QStringLiteral("audiodev"), QStringLiteral("audio backends are not part of a topology")},
    };
    return m;
}

const QSet<QString> &nicModels()
{
    static const QSet<QString> s{
        QStringLiteral("virtio-net-pci"), QStringLiteral("virtio-net"), QStringLiteral("virtio-net-device"),
        QStringLiteral("virtio-net-pci-non-transitional"), QStringLiteral("e1000"), QStringLiteral("e1000e"),
        QStringLiteral("e1000-82544gc"), QStringLiteral("e1000-82545em"), QStringLiteral("rtl8139"),
        QStringLiteral("ne2k_pci"), QStringLiteral("ne2k_isa"), QStringLiteral("pcnet"), QStringLiteral("i82551"),
        QStringLiteral("i82557b"), QStringLiteral("i82559er"), QStringLiteral("vmxnet3"), QStringLiteral("usb-net"),
        QStringLiteral("igb"), QStringLiteral("tulip"), QStringLiteral("virtio"),
    };
    return s;
}

QString nicModel(const QString &m)
{
    if (m.isEmpty())
        return QStringLiteral("e1000");  // QEMU's default NIC on pc machines
    if (m == QLatin1String("virtio") || m == QLatin1String("virtio-net"))
        return QStringLiteral("virtio-net-pci");
    return m;
}

QString diskFormat(const QString &path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("qcow2") || suffix == QLatin1String("qcow"))
        return QStringLiteral("qcow2");
    if (suffix == QLatin1String("vmdk") || suffix == QLatin1String("vdi") || suffix == QLatin1String("vhdx")
        || suffix == QLatin1String("qed"))
        return suffix;
    return QStringLiteral("raw");
}

// "512", "512M", "1G", "2048k" -> MiB, or -1.
int parseMemory(QString v)
{
    if (v.startsWith(QLatin1String("size=")))
        v = v.mid(5);
    v = v.section(QLatin1Char(','), 0, 0);
    double factor = 1;
    if (!v.isEmpty()) {
        const QChar u = v.back().toLower();
        if (u == QLatin1Char('k')) factor = 1.0 / 1024;
        else if (u == QLatin1Char('m')) factor = 1;
        else if (u == QLatin1Char('g')) factor = 1024;
        else if (u == QLatin1Char('t')) factor = 1024 * 1024;
        if (u.isLetter())
            v.chop(1);
        if (v.endsWith(QLatin1Char('i')) || v.endsWith(QLatin1Char('B')))
            v.chop(1);
    }
    bool ok = false;
    const double n = v.toDouble(&ok);
    if (!ok || n <= 0 || n * factor > model::limits::kMaxMemoryMiB)
        return -1;
    return int(n * factor);
}

}  // namespace qemuopts

}  // namespace netloom::importer
