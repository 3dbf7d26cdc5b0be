# Three guests on a multicast socket "VLAN", in all three option generations.
qemu-system-x86_64 -hda a.qcow2 -net nic,macaddr=52:54:00:00:0c:01 -net socket,mcast=230.0.0.1:1234
qemu-system-x86_64 -hda b.qcow2 -netdev socket,id=m,mcast=230.0.0.1:1234 -device e1000,netdev=m,mac=52:54:00:00:0c:02
qemu-system-x86_64 -hda c.qcow2 -netdev dgram,id=d,remote.type=inet,remote.host=230.0.0.1,remote.port=1234 \
  -device virtio-net-pci,netdev=d,mac=52:54:00:00:0c:03
