#!/bin/sh
# Record what a Linux kernel built WITH multicast routing (CONFIG_IP_MROUTE, CONFIG_IPV6_MROUTE and
# their MULTIPLE_TABLES options) answers to the netconf/rule/mroute commands, on a machine whose own
# kernel lacks them. The kernel runs as user-mode Linux (UML): an ordinary host process with its own
# network stack, so nothing here touches the host's network (no UML network device is configured).
#
# Usage (as root, Debian bookworm, repo built with `npm ci`):  sh record-uml.sh [repo-dir, default: this checkout]
# Writes captures/samples/kernel-builds/<uname -r>-um-mroute/ in the repo.
set -eu

REPO=${1:-$(cd "$(dirname "$0")/../../.." && pwd)}
WORK=${WORK:-/tmp/nlsim-uml}
mkdir -p "$WORK"

# Debian's prebuilt UML (package user-mode-linux, 6.1um4) has CONFIG_IP_MROUTE=y but neither
# CONFIG_IPV6_MROUTE nor CONFIG_IP_MROUTE_MULTIPLE_TABLES (see /usr/share/doc/user-mode-linux/config.gz),
# so it cannot serve as the "multicast routing on" kernel. Build a UML kernel from Debian's own
# 6.1 sources instead; flex/bison/bc/libelf are what the kernel build needs.
apt-get install -y linux-source-6.1 build-essential flex bison bc libelf-dev

SRC="$WORK/linux-source-6.1"
if [ ! -x "$SRC/linux" ]; then
    [ -d "$SRC" ] || tar -C "$WORK" -xf /usr/src/linux-source-6.1.tar.xz
    cd "$SRC"
    # Start from the small UML defconfig, then switch on what the recording needs.
    make ARCH=um defconfig
    # MODULES off: everything below is built in, so the guest needs no module files.
    # IPV6_SIT off: otherwise a sit0 device shows up in every dump, which the 6.18 reference build
    #   (no SIT) does not have; keep the device set comparable.
    # IKCONFIG_PROC: /proc/config.gz in the guest is the record of the exact configuration.
    # HOSTFS: the host's / becomes the guest's root, so node, ip and the repo are visible unchanged.
    # MAGIC_SYSRQ: lets the init script power the guest off with sysrq 'o'.
    scripts/config --disable MODULES --disable IPV6_SIT \
        --enable NET_NS --enable UNIX --enable PACKET --enable NETLINK_DIAG \
        --enable IP_MULTICAST --enable IP_ADVANCED_ROUTER --enable IP_MULTIPLE_TABLES \
        --enable IP_ROUTE_MULTIPATH --enable IP_ROUTE_VERBOSE \
        --enable IP_MROUTE --enable IP_MROUTE_MULTIPLE_TABLES --enable IP_PIMSM_V1 --enable IP_PIMSM_V2 \
        --enable IPV6 --enable IPV6_ROUTER_PREF --enable IPV6_ROUTE_INFO --enable IPV6_OPTIMISTIC_DAD \
        --enable IPV6_MULTIPLE_TABLES --enable IPV6_SUBTREES \
        --enable IPV6_MROUTE --enable IPV6_MROUTE_MULTIPLE_TABLES --enable IPV6_PIMSM_V2 \
        --enable VETH --enable BRIDGE --enable BRIDGE_IGMP_SNOOPING \
        --enable HOSTFS --enable IKCONFIG --enable IKCONFIG_PROC --enable MAGIC_SYSRQ --enable DEVTMPFS
    make ARCH=um olddefconfig
    # Fail early if Kconfig dropped one of the options this recording is about.
    for opt in IP_MROUTE IP_MROUTE_MULTIPLE_TABLES IPV6_MROUTE IPV6_MROUTE_MULTIPLE_TABLES VETH BRIDGE; do
        grep -q "^CONFIG_$opt=y" .config || { echo "CONFIG_$opt not enabled" >&2; exit 1; }
    done
    make ARCH=um -j"$(nproc)" linux
fi

OUT="$WORK/out"
rm -rf "$OUT"; mkdir -p "$OUT"

# The guest's init: a shell script on the host filesystem (seen through hostfs). It mounts the
# pseudo file systems the tools need (inside the guest's own VFS), records, and powers off.
cat > "$WORK/guest-init.sh" <<EOF
#!/bin/sh
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
CMDS='ip link add v0 type veth peer name v1; ip link set lo up; ip -4 netconf show; ip -6 netconf show; ip rule show; ip -6 rule show; ip mroute show; ip -6 mroute show; ip link set v0 name vx0; ip -6 netconf show dev vx0; ip link del vx0'
uname -r > $OUT/uname-r.txt
zcat /proc/config.gz > $OUT/config
# Each run gets a fresh network namespace (like the 6.18 reference recording, made under unshare -n).
# The recorder's LD_PRELOAD shim logs every netlink datagram sent and received as an nlmon pcap.
unshare -n node $REPO/dist/cli/main.js record --pcap $OUT/netconf-rules-mroute.pcap -- sh -c "\$CMDS" > $OUT/record-run.txt 2>&1
# The same commands once more, plainly, for the text iproute2 prints.
unshare -n sh -c "\$CMDS" > $OUT/netconf-rules-mroute.txt 2>&1
sync
echo o > /proc/sysrq-trigger
sleep 10
EOF
chmod +x "$WORK/guest-init.sh"

# Boot: hostfs root on the host's /, our script as init, no block devices, console 0 to stdout
# (other consoles off), stdin from /dev/null. The kernel exits when the guest powers off.
"$SRC/linux" mem=1G rootfstype=hostfs rootflags=/ rw init="$WORK/guest-init.sh" \
    con=null con0=null,fd:1 </dev/null > "$WORK/boot.log" 2>&1 || true

[ -s "$OUT/netconf-rules-mroute.pcap" ] || { echo "no capture; see $WORK/boot.log" >&2; exit 1; }
DEST="$REPO/captures/samples/kernel-builds/$(cat "$OUT/uname-r.txt")-um-mroute"
mkdir -p "$DEST"
cp "$OUT/uname-r.txt" "$OUT/config" "$OUT/netconf-rules-mroute.pcap" "$OUT/netconf-rules-mroute.txt" "$DEST/"
echo "written: $DEST"
