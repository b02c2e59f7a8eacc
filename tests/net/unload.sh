#!/bin/bash
# Unloading the module while connections flow: no splat, no leaked entry
# (a leak would make kmem_cache_destroy complain), and a clean reload.
. "$(dirname "$0")/lib.sh"
require_ilb
require_cmd nginx python3
[ -x "$ILBADM" ] || { echo "1..0 # SKIP ilbadm not built"; exit $KSFT_SKIP; }

tap_plan 4
topo_build 2 1 2
for i in 1 2; do
	nginx_start "srv$i" 80 "srv$i"
	echo_start "srv$i" 7
done
ilbadm ilb1 service add tcp "$ILB_VIP:80"
ilbadm ilb1 service add udp "$ILB_VIP:7"
for i in 1 2; do
	ilbadm ilb1 server add tcp "$ILB_VIP:80" "$(server_addr $i)"
	ilbadm ilb1 server add udp "$ILB_VIP:7" "$(server_addr $i)"
done
# load: HTTP from two clients and a UDP stream, all in the background
(ns c1 $HTTPC "$ILB_VIP" 80 100000 >/dev/null 2>&1 &) 2>/dev/null
(ns c2 $HTTPC "$ILB_VIP" 80 100000 >/dev/null 2>&1 &) 2>/dev/null
(ns c1 python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
end = time.time() + 120
while time.time() < end:
    s.sendto(b"x" * 100, ("'"$ILB_VIP"'", 7))
    time.sleep(0.001)' >/dev/null 2>&1 &) 2>/dev/null
wait_for 30 eval '[ "$(ilb_stat ilb1 conns)" -ge 50 ]'
n=$(ilb_stat ilb1 conns)
tap_diag "connections in the table before unloading: $n"
[ "$n" -ge 50 ] && tap_ok "traffic is flowing ($n connections tracked)" ||
	tap_fail "only $n connections under load"
if rmmod ilb; then
	tap_ok "rmmod ilb under load"
else
	tap_fail "rmmod ilb under load"
fi
sleep 1
insmod "${ILB_KO:-$ILB_REPO/kmod/ilb.ko}"
c=$(ilb_stat ilb1 conns)
s=$(ilb_stat ilb1 services)
[ "$c" = 0 ] && [ "$s" = 0 ] && tap_ok "reloaded with an empty table and no services" ||
	tap_fail "after reload: $c connections, $s services"
pkill -f httpc.py
pkill -f 'SOCK_DGRAM'
# the harness checks the kernel log after this test and after its own rmmod
tap_ok "module reloaded after an unload under load"
tap_done
