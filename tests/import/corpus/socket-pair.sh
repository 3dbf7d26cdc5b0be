# Two guests on a QEMU socket VLAN: one listens, the other connects (no root needed).
qemu-system-i386 -hda server.img -net nic,macaddr=52:54:00:12:34:60 -net socket,listen=127.0.0.1:1234 &
sleep 1
qemu-system-i386 -hda client.img -net nic,macaddr=52:54:00:12:34:61 -net socket,connect=127.0.0.1:1234 &
# The same with the QEMU 7.2 stream backend.
qemu-system-x86_64 -hda s2.qcow2 -netdev stream,id=s,server=on,addr.type=inet,addr.host=127.0.0.1,addr.port=1235 \
  -device virtio-net-pci,netdev=s,mac=52:54:00:12:34:62
qemu-system-x86_64 -hda c2.qcow2 -netdev stream,id=s,server=off,addr.type=inet,addr.host=127.0.0.1,addr.port=1235 \
  -device virtio-net-pci,netdev=s,mac=52:54:00:12:34:63 -netdev stream,id=u,addr.type=unix,addr.path=/tmp/x.sock \
  -device e1000,netdev=u
