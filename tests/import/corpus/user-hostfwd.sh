# User-mode networking: the old -redir and the newer hostfwd, a restricted network.
kvm -m 384 -hda /vm/legacy.img -net nic,model=virtio -net user,net=10.0.5.0/24,restrict=on,hostfwd=tcp::5555-:22
qemu -hda /vm/ancient.img -net nic -net user -redir tcp:2323::23 -k de
