#!/bin/sh
# rc.vdenetwork: a VDE switch with a host tap, NAT to the outside and two vdeqemu guests
# (in the style of the classic VDE + QEMU how-tos).
VDESOCK=/var/run/vde.ctl
TAP=tap0
GW=10.0.2.1
IMAGES="/srv/vm"

case "$1" in
  start)
    vde_switch -tap $TAP -sock $VDESOCK -daemon -mod 660 -group users
    ifconfig $TAP $GW netmask 255.255.255.0 up
    echo 1 > /proc/sys/net/ipv4/ip_forward
    iptables -t nat -A POSTROUTING -o eth+ -j MASQUERADE
    dnsmasq --log-queries --user=named --dhcp-leasefile=/var/run/vde.leases \
            --dhcp-range=10.0.2.100,10.0.2.199,255.255.255.0,12h \
            --interface=$TAP --domain=vde.lan \
            --dhcp-host=52:54:00:12:34:56,10.0.2.50,alpha
    vdeqemu -m 256 -hda "$IMAGES/alpha.img" -localtime \
      -net nic,vlan=0,macaddr=52:54:00:12:34:56 -net vde,vlan=0,sock=$VDESOCK &
    vdeqemu -m 256 -hda "$IMAGES/beta.img" -soundhw sb16 \
      -net nic,vlan=0,macaddr=52:54:00:12:34:57,model=rtl8139 -net vde,vlan=0,sock=$VDESOCK &
    ;;
  stop)
    killall vdeqemu
    killall dnsmasq
    iptables -t nat -D POSTROUTING -o eth+ -j MASQUERADE
    echo 0 > /proc/sys/net/ipv4/ip_forward
    killall vde_switch
    ;;
  *)
    echo "usage: $0 {start|stop}"
    exit 1
    ;;
esac
exit 0
