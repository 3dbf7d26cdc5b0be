# A kernel bridge with the physical NIC enslaved; guests join it through qemu-bridge-helper.
ip link add name br0 type bridge
ip link set dev eth0 master br0
ip addr add 192.168.10.2/24 dev br0
ip link set br0 up
qemu-system-x86_64 -enable-kvm -m 2048 -smp 2 -drive file=desk.qcow2,format=qcow2 \
  -netdev bridge,id=hn0,br=br0 -device virtio-net-pci,netdev=hn0,mac=52:54:00:bb:00:01
qemu-system-x86_64 -enable-kvm -m 1024 -hda lab.qcow2 -nic bridge,br=br0,mac=52:54:00:bb:00:02
