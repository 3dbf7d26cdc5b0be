# brctl and tunctl, in the style of the old bridged-networking how-tos.
USER=alice
tunctl -t tap0 -u $USER
tunctl -t tap1 -u $USER
brctl addbr br0
brctl addif br0 eth1
brctl addif br0 tap0 tap1
brctl stp br0 on
ifconfig br0 192.168.1.10 netmask 255.255.255.0 up
ifconfig tap0 0.0.0.0 promisc up
kvm -m 512 -hda one.img -net nic,vlan=0,macaddr=52:54:00:01:01:01 -net tap,vlan=0,ifname=tap0,script=no,downscript=no
kvm -m 512 -hda two.img -net nic,vlan=0,macaddr=52:54:00:01:01:02 -net tap,vlan=0,ifname=tap1,script=/etc/qemu-ifup
