#!/bin/sh
# Records, on the machine it runs on, what Linux answers to the requests whose answers depend
# on the kernel's build options (multicast routing: IPv6 netconf, IPMR/IP6MR rules and dumps),
# into captures/samples/kernel-builds/RELEASE-TAG/: the capture, what iproute2 printed, and
# the build's profile (`nlsim profile detect --json`), which the replay test simulates.
#
#   sh captures/samples/kernel-builds/record.sh TAG     (root; after npm install)
#
# Everything runs in a fresh network namespace (unshare -n): the host's network is untouched.
set -eu
tag=${1:?usage: record.sh TAG (what sets this build apart, e.g. no-mroute)}
here=$(cd "$(dirname "$0")" && pwd)
nlsim="node $here/../../../dist/cli/main.js"
out="$here/$(uname -r | sed 's/-.*//')-$tag"
mkdir -p "$out"

# The same requests as the recording of ../shared/kernel-builds, then the strict and
# table-filtered variants that reach ipmr.c (or, without it, rtnl_dump_all()).
script='
ip link add v0 type veth peer name v1
ip link set lo up
ip -4 netconf show
ip -6 netconf show
ip rule show
ip -6 rule show
ip mroute show
ip -6 mroute show
ip mroute show table 5
ip -6 mroute show table 5
ip -d link show type veth
ip link set v0 name vx0
ip -6 netconf show dev vx0
ip link del vx0
'
$nlsim profile detect --json | sed "s/\"name\": \"host\"/\"name\": \"$(uname -r)\"/" > "$out/profile.json"
unshare -n $nlsim record --pcap "$out/iproute2.pcap" -- sh -c "$script" > /dev/null 2>&1 || true
# What the commands printed, for people; the test reads the capture.
unshare -n sh -c "$(printf '%s\n' "$script" | sed '/^$/d; s/.*/echo "== &"; & 2>\&1; echo "status $?"/')" > "$out/iproute2.txt"
echo "recorded $out"
