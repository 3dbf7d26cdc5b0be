# dnsmasq with a configuration file written by the script itself.
vde_switch -s /tmp/lab.ctl -t loomtap -d
ip addr add 172.20.0.1/16 dev loomtap
cat > /tmp/lab-dnsmasq.conf <<CONF
# lab DHCP
interface=loomtap
bind-interfaces
dhcp-range=interface:loomtap,172.20.1.0,172.20.1.255,255.255.0.0,infinite
dhcp-host=52:54:00:20:00:01,172.20.0.10,router
dhcp-host=printer,52:54:00:20:00:02,172.20.0.11,24h
domain=lab.example
dhcp-leasefile=/tmp/lab.leases
CONF
dnsmasq -C /tmp/lab-dnsmasq.conf
vdeq qemu-system-x86_64 -hda lab1.qcow2 -net nic,macaddr=52:54:00:20:00:01 -net vde,sock=/tmp/lab.ctl
