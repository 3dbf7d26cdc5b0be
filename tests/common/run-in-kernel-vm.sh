#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# run-in-kernel-vm.sh [--need MODULE]... [--cache DIR] [--timeout SECONDS] -- COMMAND [ARG]...
#
# Runs COMMAND (a test) as root on a kernel that has the kernel modules it needs, and exits
# with COMMAND's status. Used by tests that measure what the machine's own kernel may lack
# (sch_netem: some VM kernels, the Firecracker kernels of this project's CI among them, are
# built without it):
#   - when the running kernel already has every --need module (built in, loaded, or loadable
#     by modprobe), COMMAND runs here directly;
#   - otherwise COMMAND runs inside a throwaway QEMU guest (TCG, -snapshot free: nothing is
#     written on the host) that boots an installed distro kernel which has those modules
#     (/boot/vmlinuz-<v> with /lib/modules/<v>; Debian's linux-image-amd64). The guest's root
#     is this machine's own root, shared read-only over virtio-9p, so COMMAND, its libraries
#     and the build tree are the same files; writes to /tmp, /root and /var/tmp go to the
#     guest's own tmpfs over the host's (overlayfs), /run is the guest's alone, and the
#     guest's kernel loads modules on demand from the shared /lib/modules.
#     COMMAND's output reaches this script's stdout over the guest's serial console;
#   - with no such kernel, QEMU or 9p modules it exits 77 (CTest's SKIP_RETURN_CODE) and
#     says what is missing.
# The environment is passed to COMMAND (but DISPLAY, XDG_RUNTIME_DIR and DBUS_* are dropped
# inside the guest: nothing there serves them), and so is the working directory.
#
# Options:
#   --need MODULE    a kernel module COMMAND needs (repeatable; e.g. sch_netem, ifb)
#   --cache DIR      where the guest's initramfs is kept between runs (default: a directory
#                    under ${TMPDIR:-/tmp}); rebuilt only when its inputs change
#   --timeout S      the guest is killed after S seconds (default 300); exit 124 then
# Environment: NETLOOM_TEST_KERNEL=<version> picks the guest kernel (default: the newest
# installed one with every --need module), NETLOOM_TEST_VM=1 runs in the guest even when the
# running kernel would do (to test this script), BUSYBOX (default /bin/busybox, static).
# Touches: only the cache directory and a temporary job directory (removed on exit).
set -eu

need=""
cache=""
timeout=300
while [ $# -gt 0 ]; do
  case "$1" in
    --need) need="$need $2"; shift 2 ;;
    --cache) cache=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "run-in-kernel-vm: unknown option '$1' (usage: [--need MODULE]... [--cache DIR] [--timeout S] -- COMMAND...)" >&2; exit 2 ;;
  esac
done
[ $# -gt 0 ] || { echo "run-in-kernel-vm: no COMMAND given after --" >&2; exit 2; }
case "$timeout" in ''|*[!0-9]*) echo "run-in-kernel-vm: --timeout '$timeout' is not a number of seconds" >&2; exit 2 ;; esac

skip() {
  echo "run-in-kernel-vm: SKIP: $*" >&2
  exit 77
}

# 0 when kernel version $1 has module $2 (built in or as a file under /lib/modules/$1).
kernel_has() {
  [ -d "/lib/modules/$1" ] || return 1
  grep -q "/$2\.ko" "/lib/modules/$1/modules.builtin" 2>/dev/null && return 0
  [ -n "$(find "/lib/modules/$1/kernel" -name "$2.ko*" 2>/dev/null | head -n 1)" ]
}

# 0 when the running kernel has module $1: loaded, built in, or loadable now.
running_has() {
  m=$(echo "$1" | tr - _)
  [ -d "/sys/module/$m" ] && return 0
  kernel_has "$(uname -r)" "$1" && modprobe -q "$1" 2>/dev/null && return 0
  return 1
}

# --- here, when the running kernel will do --------------------------------------------------
if [ "${NETLOOM_TEST_VM:-0}" != 1 ]; then
  here_ok=1
  for m in $need; do running_has "$m" || { here_ok=0; break; }; done
  # A module compiled into the kernel leaves no trace in /sys/module for some drivers: the
  # test itself probes then and says what is missing; for netem, probe it for real.
  if [ "$here_ok" = 0 ] && echo " $need " | grep -q " sch_netem "; then
    probe_ns="nlt-vm-probe-$$"
    if ip netns add "$probe_ns" 2>/dev/null; then
      if ip -n "$probe_ns" link add p0 type veth peer name p1 2>/dev/null &&
         ip netns exec "$probe_ns" tc qdisc add dev p0 root netem delay 1ms 2>/dev/null; then
        here_ok=1
        for m in $need; do
          [ "$m" = sch_netem ] && continue
          running_has "$m" || here_ok=0
        done
      fi
      ip netns del "$probe_ns" 2>/dev/null || true
    fi
  fi
  # A bridge module may be built without CONFIG_BRIDGE_VLAN_FILTERING (this project's CI
  # kernels are): with --need bridge, probe vlan_filtering for real.
  if [ "$here_ok" = 1 ] && echo " $need " | grep -q " bridge "; then
    probe_ns="nlt-vm-probe-$$"
    here_ok=0
    if ip netns add "$probe_ns" 2>/dev/null; then
      ip -n "$probe_ns" link add p0 type bridge vlan_filtering 1 2>/dev/null && here_ok=1
      ip netns del "$probe_ns" 2>/dev/null || true
    fi
  fi
  if [ "$here_ok" = 1 ]; then
    exec "$@"
  fi
fi

# --- otherwise in a guest --------------------------------------------------------------------
qemu=$(command -v qemu-system-x86_64 || true)
[ -n "$qemu" ] || skip "the running kernel ($(uname -r)) lacks one of [$need ] and qemu-system-x86_64 is not installed to boot one that has them"
busybox=${BUSYBOX:-/bin/busybox}
[ -x "$busybox" ] || skip "no static busybox at '$busybox' for the guest's initramfs (install busybox-static)"
if ldd "$busybox" >/dev/null 2>&1; then
  skip "busybox '$busybox' is dynamically linked (install busybox-static)"
fi
command -v cpio >/dev/null || skip "cpio is not installed (needed to pack the guest's initramfs)"

boot_modules="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci netfs fscache 9pnet 9pnet_virtio 9p overlay"
kver=""
if [ -n "${NETLOOM_TEST_KERNEL:-}" ]; then
  kver=$NETLOOM_TEST_KERNEL
else
  for k in $(find /boot -maxdepth 1 -name 'vmlinuz-*' | sort -rV); do
    v=${k#/boot/vmlinuz-}
    ok=1
    for m in $need $boot_modules; do kernel_has "$v" "$m" || { ok=0; break; }; done
    [ "$ok" = 1 ] && { kver=$v; break; }
  done
fi
[ -n "$kver" ] || skip "the running kernel ($(uname -r)) lacks one of [$need ] and no kernel under /boot has them all with virtio-9p (install linux-image-amd64)"
kernel=/boot/vmlinuz-$kver
[ -r "$kernel" ] || skip "cannot read the guest kernel '$kernel'"
for m in $need; do
  kernel_has "$kver" "$m" || skip "kernel $kver has no module '$m'"
done

# The initramfs: busybox, the modules to reach the 9p root, and /init. Kept by fingerprint.
module_files=""
for m in $boot_modules; do
  if grep -q "/$m\.ko" "/lib/modules/$kver/modules.builtin" 2>/dev/null; then
    continue
  fi
  f=$(find "/lib/modules/$kver/kernel" -name "$m.ko" -o -name "$m.ko.xz" -o -name "$m.ko.zst" -o -name "$m.ko.gz" | head -n 1)
  [ -n "$f" ] || skip "kernel $kver has no module '$m' (needed to mount the shared root)"
  module_files="$module_files $f"
done
cache=${cache:-${TMPDIR:-/tmp}/netloom-kernel-vm}
mkdir -p "$cache"
initrd=$cache/initrd-$kver.img
# shellcheck disable=SC2086
fingerprint=$(sha256sum "$0" "$busybox" $module_files | sha256sum | cut -d' ' -f1)
if [ ! -f "$initrd" ] || [ "$(cat "$initrd.inputs" 2>/dev/null)" != "$fingerprint" ]; then
  stage=$(mktemp -d "${TMPDIR:-/tmp}/netloom-vm-initrd.XXXXXX")
  root=$stage/root
  mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/host" "$root/lib/modules"
  cp "$busybox" "$root/bin/busybox"
  for a in sh mount umount mkdir insmod poweroff chroot cat echo sync sleep ip printf chmod mknod; do
    ln -s busybox "$root/bin/$a"
  done
  order=""
  for f in $module_files; do
    base=$(basename "$f")
    case "$base" in
      *.ko.xz) xz -dc "$f" >"$root/lib/modules/${base%.xz}"; base=${base%.xz} ;;
      *.ko.zst) zstd -qdc "$f" >"$root/lib/modules/${base%.zst}"; base=${base%.zst} ;;
      *.ko.gz) gzip -dc "$f" >"$root/lib/modules/${base%.gz}"; base=${base%.gz} ;;
      *) cp "$f" "$root/lib/modules/$base" ;;
    esac
    order="$order $base"
  done
  # /init: the shared root on /host with the guest's own scratch file systems over it, then
  # the job (a shell script the host wrote into the second share) chrooted there; its status
  # goes back through that share, and the guest powers off.
  cat >"$root/init" <<EOF
#!/bin/sh
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in$order; do insmod /lib/modules/\$m || echo "netloom-vm: insmod \$m failed"; done
if ! mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose hostroot /host; then
  echo "netloom-vm: cannot mount the shared root"; poweroff -f
fi
# /tmp, /root and /var/tmp: the host's files stay visible (a build tree may live there),
# writes go to the guest's own tmpfs (an overlay over the read-only share); /run is the
# guest's alone.
for d in tmp root var/tmp; do
  mkdir -p /lower/\$d /scratch/\$d
  mount --bind /host/\$d /lower/\$d
  mount -t tmpfs -o mode=0755 tmpfs /scratch/\$d
  mkdir -p /scratch/\$d/upper /scratch/\$d/work
  if ! mount -t overlay overlay -o lowerdir=/lower/\$d,upperdir=/scratch/\$d/upper,workdir=/scratch/\$d/work /host/\$d; then
    echo "netloom-vm: no overlay on /\$d: the host's files there are hidden"
    mount -t tmpfs -o mode=0755 tmpfs /host/\$d
  fi
done
mount -t tmpfs -o mode=0755 tmpfs /host/run
chmod 1777 /host/tmp /host/var/tmp
mkdir -p /host/run/netloom-vm-job /host/run/netns
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 job /host/run/netloom-vm-job
mount -t proc proc /host/proc
mount -t sysfs sysfs /host/sys
mount -t devtmpfs devtmpfs /host/dev
mkdir -p /host/dev/pts /host/dev/shm /host/dev/net
# Static device nodes udev would make: opening /dev/net/tun loads tun on demand.
[ -e /host/dev/net/tun ] || mknod -m 0666 /host/dev/net/tun c 10 200
mount -t devpts devpts /host/dev/pts
mount -t tmpfs -o mode=1777 tmpfs /host/dev/shm
ip link set lo up
# The kernel loads modules on demand (a veth, a netem qdisc) with the shared root's modprobe.
printf '#!/bin/sh\nexec chroot /host /sbin/modprobe "\$@"\n' >/bin/modprobe-host
chmod 0755 /bin/modprobe-host
echo /bin/modprobe-host >/proc/sys/kernel/modprobe
chroot /host /bin/sh /run/netloom-vm-job/job.sh
echo \$? >/host/run/netloom-vm-job/rc
sync
poweroff -f
EOF
  chmod 0755 "$root/init"
  (cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) | gzip -1 >"$stage/initrd.img"
  mv "$stage/initrd.img" "$initrd"
  echo "$fingerprint" >"$initrd.inputs"
  rm -rf "$stage"
fi

# The job: the environment (minus what the guest cannot serve), the directory, the command.
job=$(mktemp -d "${TMPDIR:-/tmp}/netloom-vm-job.XXXXXX")
trap 'rm -rf "$job"' EXIT INT TERM
{
  echo '#!/bin/sh'
  # Every variable, quoted for the shell (names that are not identifiers are left out).
  env | while IFS= read -r line; do
    name=${line%%=*}
    case "$name" in
      ''|*[!A-Za-z0-9_]*|[0-9]*) continue ;;
      DISPLAY|XDG_RUNTIME_DIR|DBUS_SESSION_BUS_ADDRESS|DBUS_SYSTEM_BUS_ADDRESS|PWD|OLDPWD|SHLVL|_) continue ;;
    esac
    value=$(printenv "$name" | sed "s/'/'\\\\''/g")
    printf "export %s='%s'\n" "$name" "$value"
  done
  # The modules named by --need, loaded up front (a missing one fails here, by name).
  [ -z "$need" ] || printf 'modprobe -a%s || exit 125\n' "$need"
  printf "cd '%s' || exit 125\n" "$(pwd | sed "s/'/'\\\\''/g")"
  printf 'exec'
  for a in "$@"; do printf " '%s'" "$(printf '%s' "$a" | sed "s/'/'\\\\''/g")"; done
  printf '\n'
} >"$job/job.sh"

echo "run-in-kernel-vm: the running kernel ($(uname -r)) lacks one of [$need ]; running in a TCG guest on kernel $kver" >&2
# The guest's console is this script's stdout (carriage returns stripped); the kernel's own
# messages stay quiet unless something goes wrong.
{
  status=0
  timeout --kill-after=10 "$timeout" "$qemu" -accel tcg -cpu max -smp 1 -m 1024 -nodefaults -no-user-config \
  -display none -serial stdio -no-reboot \
  -kernel "$kernel" -initrd "$initrd" \
  -append "console=ttyS0 quiet loglevel=3 panic=-1 rdinit=/init" \
  -virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap" \
  -virtfs "local,path=$job,mount_tag=job,security_model=none" \
    </dev/null || status=$?
  echo "$status" >"$job/qemu-status"
} | tr -d '\r'
status=$(cat "$job/qemu-status" 2>/dev/null || echo 1)
if [ "$status" = 124 ]; then
  echo "run-in-kernel-vm: the guest did not finish within ${timeout}s" >&2
  exit 124
fi
if [ ! -s "$job/rc" ]; then
  echo "run-in-kernel-vm: the guest ended without the command's status (QEMU exit $status)" >&2
  exit 1
fi
exit "$(cat "$job/rc")"
