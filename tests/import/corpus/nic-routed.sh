# -nic, a routed own tap with its own dnsmasq, and user networking with a host forward.
ip tuntap add dev tap1 mode tap user alice
ip addr add 10.0.3.1/24 dev tap1
ip link set tap1 up
sysctl -w net.ipv4.ip_forward=1
iptables -t nat -A POSTROUTING -s 10.0.3.0/24 -o eth0 -j MASQUERADE
iptables -A FORWARD -i tap1 -j ACCEPT
dnsmasq --interface=tap1 --bind-interfaces --dhcp-range=10.0.3.100,10.0.3.199,1h --port=0
qemu-system-x86_64 -m 512 -hda /srv/routed.qcow2 \
  -nic tap,ifname=tap1,script=no,downscript=no,model=virtio,mac=52:54:00:33:00:01
qemu-system-x86_64 -m 512 -hda /srv/userland.qcow2 \
  -nic user,model=virtio-net-pci,hostfwd=tcp:127.0.0.1:2222-:22,hostfwd=udp::5353-:53,mac=52:54:00:33:00:02
