#!/bin/bash
# With nf_conntrack loaded and a firewall that drops INVALID packets on the
# balancer, NAT, DR and local forwarding still work: ilb marks its packets
# untracked before conntrack sees them.
. "$(dirname "$0")/lib.sh"
require_ilb
require_cmd nginx python3 iptables
[ -x "$ILBADM" ] || { echo "1..0 # SKIP ilbadm not built"; exit $KSFT_SKIP; }

tap_plan 5
VIP2=198.51.100.2 VIP3=198.51.100.3
TOPO_RT_BACK=1 topo_build 1 1 2
ns rt ip route add "$VIP2/32" via "$NET_FRONT.11"
ns rt ip route add "$VIP3/32" via "$NET_FRONT.11"
for i in 1 2; do
	nginx_start "srv$i" 80 "srv$i"
	dr_server "srv$i" "$VIP2"
done
nginx_start ilb1 8081 ilb1-local
for chain in INPUT FORWARD OUTPUT; do
	ns ilb1 iptables -A "$chain" -m conntrack --ctstate INVALID -j DROP
done
# a module here, built in on the debug kernel (its parameters are in /sys)
if grep -q '^nf_conntrack ' /proc/modules || [ -d /sys/module/nf_conntrack ]; then
	tap_ok "nf_conntrack is loaded; the balancer drops INVALID packets"
else
	tap_fail "nf_conntrack did not load"
fi

ilbadm ilb1 service add tcp "$ILB_VIP:80"
ilbadm ilb1 service add tcp "$VIP2:80" fwd dr
ilbadm ilb1 service add tcp "$VIP3:80" fwd local
for i in 1 2; do
	ilbadm ilb1 server add tcp "$ILB_VIP:80" "$(server_addr $i)"
	ilbadm ilb1 server add tcp "$VIP2:80" "$(server_addr $i)"
done
ilbadm ilb1 server add tcp "$VIP3:80" "$NET_BACK.1:8081"

for what in "NAT $ILB_VIP 10" "DR $VIP2 10" "local $VIP3 10"; do
	read -r name vip want <<<"$what"
	r=$(ns c1 $HTTPC "$vip" 80 20)
	tap_diag "$name with conntrack: $r"
	if [ "$(json_get "$r" ok)" = 20 ]; then
		tap_ok "$name: 20/20 requests answered with conntrack loaded"
	else
		tap_fail "$name with conntrack: $r"
	fi
done
tracked=$(ns ilb1 cat /proc/net/nf_conntrack 2>/dev/null | grep -c 'dport=80 ' )
drops=$(ns ilb1 iptables -vnL | awk '/INVALID/ { s += $1 } END { print s + 0 }')
tap_diag "conntrack entries for port 80 on the balancer: $tracked; INVALID drops: $drops"
[ "$tracked" = 0 ] && [ "$drops" = 0 ] &&
	tap_ok "conntrack tracked none of ilb's connections and dropped nothing" ||
	tap_fail "conntrack: $tracked entries, $drops INVALID drops"
tap_done
