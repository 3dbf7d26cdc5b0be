# Legacy vlan hubs: one guest with three NICs on vlan 0, another with two vlans.
vde_switch -s /tmp/hub.ctl -daemon
qemu-system-x86_64 -name router -hda router.img \
  -net nic,vlan=0,macaddr=52:54:00:0a:00:01 -net nic,vlan=0,macaddr=52:54:00:0a:00:02 \
  -net nic,vlan=0,macaddr=52:54:00:0a:00:03 -net vde,vlan=0,sock=/tmp/hub.ctl
qemu-system-x86_64 -name twolan -hda twolan.img \
  -net nic,vlan=1,macaddr=52:54:00:0a:00:01 -net vde,vlan=1,sock=/tmp/hub.ctl \
  -net nic,vlan=2,macaddr=52:54:00:0a:00:05 -net user,vlan=2 -net dump,vlan=3
