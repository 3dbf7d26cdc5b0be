#!/bin/sh
# An init script with functions, conditions and defaults.
: ${SWITCH:=/var/run/vde2/lab.ctl}
SOCK=${SOCK:-/var/run/vde2/lab.ctl}
NAME=lab
HOSTIP="10.1.0.1/24"
PIDFILE=/var/run/$NAME.pid

start() {
    if [ ! -d /var/run/vde2 ]; then
        mkdir -p /var/run/vde2
    else
        echo "exists"
    fi
    vde_switch -s "$SOCK" -t lab0 -d -p "$PIDFILE"
    ip addr add "$HOSTIP" dev lab0
    nft add table ip nat
    nft add chain ip nat postrouting '{ type nat hook postrouting priority 100 ; }'
    nft add rule ip nat postrouting ip saddr 10.1.0.0/24 oifname "wlan*" masquerade
    for vm in a b; do
        qemu-system-x86_64 -hda $vm.img
    done
    qemu-system-x86_64 -hda guest-$(hostname).img -net nic -net vde,sock="$SOCK"
    qemu-system-x86_64 -hda fixed.img -net nic,macaddr=52:54:00:01:00:09 -net vde,sock="$SOCK" -kernel vmlinuz -initrd initrd.gz -append "console=ttyS0 root=/dev/vda" -nographic
}

stop() {
    kill $(cat $PIDFILE)
    ip link del lab0
}

case "$1" in
    start) start ;;
    stop) stop ;;
    restart) stop; start ;;
esac
