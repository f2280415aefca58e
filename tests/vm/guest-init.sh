#!/bin/busybox sh
# tests/vm/guest-init.sh: PID 1 of the guest that tests/vm/run.sh boots (the
# initramfs' /init).  Host "/" over 9p, read-only, under a tmpfs overlay; the
# usual pseudo filesystems; cgroups as the command line chose; the working
# directory copied into a tmpfs at its own path; then the command, as root,
# in a leaf cgroup; its status on the console between nonce markers; power off.
/bin/busybox mkdir -p /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
. /dpvm/conf
fail() { echo "dpvm: FAILED: $*"; echo "DPVM-EXIT-$NONCE=125"; reboot -f; sleep 5; }
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in $(cat /mods/order); do insmod /mods/$m || fail "insmod $m"; done
mount -t 9p -o ro,trans=virtio,version=9p2000.L,msize=512000,cache=loose hostroot /lower || fail "9p root"
mount -t tmpfs -o mode=755 tmpfs /rw && mkdir -p /rw/u /rw/w
mount -t overlay -o lowerdir=/lower,upperdir=/rw/u,workdir=/rw/w overlay /newroot || fail "overlay root"
R=/newroot
mount -t proc proc $R/proc
mount -t sysfs sysfs $R/sys
mount -t devtmpfs devtmpfs $R/dev
mkdir -p $R/dev/pts $R/dev/shm
ln -sfn /proc/self/fd $R/dev/fd
ln -sfn /proc/self/fd/0 $R/dev/stdin
ln -sfn /proc/self/fd/1 $R/dev/stdout
ln -sfn /proc/self/fd/2 $R/dev/stderr
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts $R/dev/pts
# the working directory: a local copy at its own path, taken before the fresh
# /tmp and /var/tmp hide a tree that lives there (a CI clone in /tmp)
mkdir -p /wd && mount -t tmpfs -o mode=755 tmpfs /wd
cp -a "$R$WORKDIR/." /wd/ || fail "copying $WORKDIR"
for d in dev/shm run tmp var/tmp; do mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs $R/$d; done
chmod 755 $R/run
mkdir -p "$R$WORKDIR" && mount --move /wd "$R$WORKDIR" || fail "moving $WORKDIR"

CG=$R/sys/fs/cgroup
if [ "$CGMODE" = v2 ]; then
	# as systemd mounts it; controllers enabled down to the command's leaf
	mount -t cgroup2 -o nsdelegate,memory_recursiveprot cgroup2 $CG || fail "cgroup2"
	mkdir -p $CG/dpvm.slice/cmd.scope
	for c in cpu memory pids io; do
		echo +$c > $CG/cgroup.subtree_control && echo +$c > $CG/dpvm.slice/cgroup.subtree_control
	done
	JOIN=$CG/dpvm.slice/cmd.scope/cgroup.procs
else
	# a systemd "hybrid" host: v1 controllers, an empty cgroup2 beside them
	mount -t tmpfs -o mode=755 tmpfs $CG
	JOIN=
	for h in memory cpu,cpuacct pids freezer; do
		mkdir -p $CG/$h && mount -t cgroup -o $h cgroup $CG/$h || fail "cgroup v1 $h"
		mkdir -p $CG/$h/dpvm.slice/cmd.scope && JOIN="$JOIN $CG/$h/dpvm.slice/cmd.scope/cgroup.procs"
	done
	ln -s cpu,cpuacct $CG/cpu && ln -s cpu,cpuacct $CG/cpuacct
	mkdir -p $CG/unified && mount -t cgroup2 cgroup2 $CG/unified
fi
ip link set lo up 2> /dev/null
hostname dpvm
cp /bin/busybox $R/run/busybox
cat > $R/run/stage2 <<EOF
# stage 2, run by the guest's bash as PID 1 after switch_root
. /run/conf
echo "DPVM-BEGIN-\$NONCE \$(/run/busybox uname -r) cgroup \$CGMODE" > /dev/console
for f in $JOIN; do echo \$\$ > \${f#$R} || exit 125; done
cd "\$WORKDIR" && /run/busybox env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME=/root \
	LANG=C.UTF-8 TERM=dumb /bin/bash /run/cmd < /dev/null > /dev/console 2>&1
echo "DPVM-EXIT-\$NONCE=\$?" > /dev/console
/run/busybox sync
/run/busybox reboot -f
EOF
cp /dpvm/conf /dpvm/cmd $R/run/
chmod 755 $R/run/stage2
exec switch_root $R /bin/bash /run/stage2
