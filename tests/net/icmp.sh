#!/bin/bash
# ICMP "fragmentation needed" about a NATed connection reaches the client
# in terms of the VIP, so path MTU discovery works through the balancer;
# the error comes from the VIP too, as IPVS's do.
. "$(dirname "$0")/lib.sh"
require_ilb
require_cmd socat python3
[ -x "$ILBADM" ] || { echo "1..0 # SKIP ilbadm not built"; exit $KSFT_SKIP; }

tap_plan 4
topo_build 1 1 1
# The balancer's server side carries at most 1000 bytes; the client and
# server links 1500, so the balancer must tell the client.
ns ilb1 ip link set eth1 mtu 1000
ns sw ip link set back-ilb1 mtu 1000
ilbadm ilb1 service add tcp "$ILB_VIP:9"
ilbadm ilb1 server add tcp "$ILB_VIP:9" "$(server_addr 1)"
rm -f /tmp/ilb-upload.out
(ns srv1 socat -u "TCP-LISTEN:9,reuseaddr" "OPEN:/tmp/ilb-upload.out,creat,trunc" &) 2>/dev/null
wait_for 10 listening srv1 tcp 9
head -c 524288 /dev/urandom >/tmp/ilb-upload.bin
rm -f /tmp/ilb-icmp.txt
(ns c1 timeout 90 tcpdump -n -l -i eth0 -c 1 'icmp[icmptype] == 3' \
	>/tmp/ilb-icmp.txt 2>/dev/null &)
wait_for 10 pgrep -f 'tcpdump -n -l -i eth0'
sleep 1
ns c1 timeout 60 socat -u OPEN:/tmp/ilb-upload.bin "TCP:$ILB_VIP:9"
wait_for 20 cmp -s /tmp/ilb-upload.bin /tmp/ilb-upload.out
if cmp -s /tmp/ilb-upload.bin /tmp/ilb-upload.out; then
	tap_ok "512 KiB upload through a 1000-byte hop arrives intact"
else
	tap_fail "upload: $(stat -c %s /tmp/ilb-upload.out 2>/dev/null) of 524288 bytes"
fi
pmtu=$(ns c1 ip route get "$ILB_VIP" | grep -o 'mtu [0-9]*')
tap_diag "client's route to the VIP: $pmtu"
[ "$pmtu" = "mtu 1000" ] && tap_ok "the client learned path MTU 1000 for the VIP" ||
	tap_fail "client path MTU: '$pmtu'"
wait_for 10 test -s /tmp/ilb-icmp.txt
icmp=$(head -n 1 /tmp/ilb-icmp.txt)
tap_diag "the client got: $icmp"
case $icmp in
*"IP $ILB_VIP > $(client_addr 1): ICMP"*) tap_ok "the ICMP error reached the client from the VIP" ;;
*) tap_fail "the ICMP error's source is not the VIP: '$icmp'" ;;
esac
st=$(ilbadm ilb1 -j stats show)
[ "$(json_get "$st" xmit_err)" = 0 ] && tap_ok "no forwarding errors on the balancer" ||
	tap_fail "stats: $st"
tap_done
