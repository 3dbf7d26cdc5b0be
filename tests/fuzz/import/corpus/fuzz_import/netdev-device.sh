# The -netdev/-device generation, two switches joined by a dpipe cable.
SW1=/tmp/sw1.ctl
SW2=/tmp/sw2.ctl
vde_switch -s $SW1 -d
vde_switch --sock=$SW2 --daemon --hub
dpipe vde_plug $SW1 = wirefilter -d 20 = vde_plug $SW2 &
qemu-system-x86_64 -name web -machine q35,accel=kvm -cpu host -smp cpus=2 -m 1G \
  -drive file=/srv/web.qcow2,if=virtio,format=qcow2 \
  -netdev vde,id=n0,sock=$SW1 -device virtio-net-pci,netdev=n0,mac=52:54:00:aa:00:01 \
  -netdev vde,id=n1,sock=$SW2,port=3 -device e1000,netdev=n1,mac=52:54:00:aa:00:02 \
  -display none -daemonize -pidfile /run/web.pid
qemu-system-x86_64 -name db -m 512M -boot order=c \
  -drive file=/srv/db.qcow2,if=virtio -cdrom /srv/install.iso \
  -netdev vde,id=lan,sock=$SW2 -device virtio-net-pci,netdev=lan,mac=52:54:00:aa:00:03 \
  -serial mon:stdio -vga std -usb -usbdevice tablet
