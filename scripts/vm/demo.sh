#!/bin/bash
# What `make demo` shows inside the VM (grows with the project).
. "$(dirname "$0")/../../tests/net/lib.sh"
say() { printf '\n== %s\n' "$*"; }
VIP2=198.51.100.2

say "ilb.ko loaded in $(uname -r)"
for p in /sys/module/ilb/parameters/*; do
	echo "  $(basename "$p") = $(cat "$p")"
done

say "topology: client c1 -- router rt -- balancer ilb1 -- servers srv1..srv3"
echo "  (each a network namespace; each server runs nginx answering its name)"
TOPO_RT_BACK=1 topo_build 1 1 3
ns rt ip route add "$VIP2/32" via "$NET_FRONT.11"
for i in 1 2 3; do
	nginx_start "srv$i" 80 "srv$i"
	dr_server "srv$i" "$VIP2"
done

say "configure: NAT service on $ILB_VIP:80 (wrr), DR service on $VIP2:80 (wlc)"
set -x
ilbadm ilb1 service add tcp "$ILB_VIP:80" sched wrr fwd nat
ilbadm ilb1 server add tcp "$ILB_VIP:80" "$(server_addr 1)" weight 1
ilbadm ilb1 server add tcp "$ILB_VIP:80" "$(server_addr 2)" weight 2
ilbadm ilb1 server add tcp "$ILB_VIP:80" "$(server_addr 3)" weight 3
ilbadm ilb1 service add tcp "$VIP2:80" sched wlc fwd dr
for i in 1 2 3; do ilbadm ilb1 server add tcp "$VIP2:80" "$(server_addr $i)"; done
{ set +x; } 2>/dev/null

say "traffic: 60 HTTP requests to each VIP from the client, a new connection each"
echo "  NAT: $(ns c1 $HTTPC "$ILB_VIP" 80 60)"
echo "  DR:  $(ns c1 $HTTPC "$VIP2" 80 60)"
echo "  download of 1 MiB through NAT, sha256 $(ns c1 $HTTPC --sha "$ILB_VIP" 80 /big | cut -c1-16)... (server file $(sha256sum </tmp/ilb-big.bin | cut -c1-16)...)"

say "ilbadm -s service show"
ilbadm ilb1 -s -n service show
say "ilbadm conn show (first 8 of $(ilb_stat ilb1 conns))"
ilbadm ilb1 -n conn show | head -n 8
say "ilbadm stats show"
ilbadm ilb1 stats show
say "drain srv3 (weight 0): 30 more NAT requests"
ilbadm ilb1 server set tcp "$ILB_VIP:80" "$(server_addr 3)" weight 0
echo "  NAT: $(ns c1 $HTTPC "$ILB_VIP" 80 30)"
say "ilbadm save"
ilbadm ilb1 save
