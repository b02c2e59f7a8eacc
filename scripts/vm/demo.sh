#!/bin/bash
# What `make demo` shows inside the VM (grows with the project).
. "$(dirname "$0")/../../tests/net/lib.sh"
say() { printf '\n== %s\n' "$*"; }

say "ilb.ko loaded in $(uname -r)"
grep '^ilb ' /proc/modules
for p in /sys/module/ilb/parameters/*; do
	echo "  parameter $(basename "$p") = $(cat "$p")"
done

say "topology: c1 -- rt -- {ilb1, ilb2} -- srv1 (each a netns = one ilb node)"
topo_build 1 2 1
ns c1 ping -q -c 5 -i 0.2 "$(server_addr 1)" | tail -n 2

for n in ilb1 ilb2; do
	say "$n: /proc/net/ilb/stats"
	ns "$n" cat /proc/net/ilb/stats | sed 's/^/  /'
done
echo
echo "ilb1 forwarded the pings, so only its node counted them."
