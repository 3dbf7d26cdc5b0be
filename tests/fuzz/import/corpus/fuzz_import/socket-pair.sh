# Two guests on a QEMU socket VLAN: one listens, the other connects (no root needed).
qemu-system-i386 -hda server.img -net nic,macaddr=52:54:00:12:34:60 -net socket,listen=127.0.0.1:1234 &
sleep 1
qemu-system-i386 -hda client.img -net nic,macaddr=52:54:00:12:34:61 -net socket,connect=127.0.0.1:1234 &
