#!/bin/bash
# One node balancing real traffic: NAT, DR and local forwarding for TCP and
# UDP, content checked end to end, rr exact, weight 0 draining.
. "$(dirname "$0")/lib.sh"
require_ilb
require_cmd nginx socat python3
[ -x "$ILBADM" ] || { echo "1..0 # SKIP ilbadm not built"; exit $KSFT_SKIP; }

tap_plan 16
VIP2=198.51.100.2
VIP3=198.51.100.3
TOPO_RT_BACK=1 topo_build 1 1 3
ns rt ip route add "$VIP2/32" via "$NET_FRONT.11"
ns rt ip route add "$VIP3/32" via "$NET_FRONT.11"
for i in 1 2 3; do
	nginx_start "srv$i" 80 "srv$i"
	echo_start "srv$i" 7
	dr_server "srv$i" "$VIP2"
done

ilbadm ilb1 service add tcp "$ILB_VIP:80" sched rr fwd nat
ilbadm ilb1 service add tcp "$ILB_VIP:7" sched rr
ilbadm ilb1 service add udp "$ILB_VIP:7" sched rr
ilbadm ilb1 service add tcp "$VIP2:80" sched rr fwd dr
for i in 1 2 3; do
	ilbadm ilb1 server add tcp "$ILB_VIP:80" "$(server_addr $i)"
	ilbadm ilb1 server add tcp "$ILB_VIP:7" "$(server_addr $i)"
	ilbadm ilb1 server add udp "$ILB_VIP:7" "$(server_addr $i)"
	ilbadm ilb1 server add tcp "$VIP2:80" "$(server_addr $i)"
done
ilbadm ilb1 service show | sed 's/^/# /'

# rr over 3 servers, 30 new connections: exactly 10 each
check_rr() {	# check_rr what vip
	local r ok s1 s2 s3
	r=$(ns c1 $HTTPC "$2" 80 30)
	ok=$(json_get "$r" ok)
	s1=$(json_get "$r" by_body srv1)
	s2=$(json_get "$r" by_body srv2)
	s3=$(json_get "$r" by_body srv3)
	tap_diag "$1: $ok/30 answered; srv1 $s1, srv2 $s2, srv3 $s3"
	if [ "$ok" = 30 ] && [ "$s1" = 10 ] && [ "$s2" = 10 ] && [ "$s3" = 10 ]; then
		tap_ok "$1: 30 requests answered with the right page, rr exact 10/10/10"
	else
		tap_fail "$1: $r"
	fi
}

check_big() {	# check_big what vip
	local want got
	want=$(sha256sum </tmp/ilb-big.bin | cut -d' ' -f1)
	got=$(ns c1 $HTTPC --sha "$2" 80 /big)
	if [ "$got" = "$want" ]; then
		tap_ok "$1: 1 MiB download through the VIP is byte-exact"
	else
		tap_fail "$1: download sha256 $got, want $want"
	fi
}

check_rr "NAT" "$ILB_VIP"
check_big "NAT" "$ILB_VIP"

head -c 262144 /dev/urandom >/tmp/ilb-rand.bin
ns c1 socat -T 20 -t 5 "TCP:$ILB_VIP:7" STDIO </tmp/ilb-rand.bin >/tmp/ilb-rand.out 2>/dev/null
if cmp -s /tmp/ilb-rand.bin /tmp/ilb-rand.out; then
	tap_ok "NAT: 256 KiB of random bytes echoed through the VIP come back identical"
else
	tap_fail "NAT: echo differs ($(stat -c %s /tmp/ilb-rand.out) bytes back)"
fi

good=0
for i in $(seq 1 20); do
	msg="datagram-$i-$RANDOM"
	back=$(echo "$msg" | ns c1 socat -T 5 - "UDP:$ILB_VIP:7" 2>/dev/null)
	[ "$back" = "$msg" ] && good=$((good + 1))
done
tap_diag "UDP: $good/20 datagrams echoed"
[ "$good" = 20 ] && tap_ok "UDP: 20 datagrams to the VIP each answered intact" ||
	tap_fail "UDP: only $good/20 datagrams echoed"

check_rr "DR" "$VIP2"
check_big "DR" "$VIP2"

conns=$(ilbadm ilb1 -j conn show)
n=$(python3 -c 'import json,sys; c=json.loads(sys.argv[1]); print(len(c))' "$conns")
keys=$(python3 -c 'import json,sys; c=json.loads(sys.argv[1]); print(sorted(c[0].keys()) if c else [])' "$conns")
tap_diag "conn show -j: $n entries, keys $keys"
if [ "$n" -ge 60 ] && python3 -c '
import json, sys
c = json.loads(sys.argv[1])
ok = all(e["vip"].startswith("198.51.100.") and e["state"] and e["server"]
         and "client" in e and e["expires_ms"] >= 0 for e in c)
sys.exit(0 if ok else 1)' "$conns"; then
	tap_ok "conn show -j lists client, VIP, server, state and expiry of $n connections"
else
	tap_fail "conn show -j: $n entries"
fi

st=$(ilbadm ilb1 -j stats show)
tap_diag "stats: $st"
[ "$(json_get "$st" conns)" -ge 60 ] && [ "$(json_get "$st" malformed)" = 0 ] &&
	tap_ok "node stats count the connections" || tap_fail "node stats: $st"

# svc_conns PROTO VIP:PORT: the connections the service has scheduled
svc_conns() {
	ilbadm ilb1 -j -s service show "$1" "$2" | python3 -c '
import json, sys
s = json.load(sys.stdin)
print((s[0] if isinstance(s, list) else s)["stats"]["conns"])'
}

sc=$(svc_conns tcp "$ILB_VIP:80")
[ "$sc" = 31 ] && tap_ok "service counters: 31 connections scheduled" ||
	tap_fail "service counters: $sc connections, want 31"

# Weight 0 drains: an open session stays, new connections avoid the server.
coproc ECHO { ns c1 socat -T 60 - "TCP:$ILB_VIP:7"; }
echo hello >&"${ECHO[1]}"
read -r -t 10 first <&"${ECHO[0]}"
srv=$(ilbadm ilb1 -j conn show tcp "$ILB_VIP:7" | python3 -c '
import json, sys
c = [e for e in json.load(sys.stdin) if e["state"] == "ESTABLISHED"]
print(c[0]["server"].split(":")[0] if c else "")')
tap_diag "open echo session on server $srv"
ilbadm ilb1 server set tcp "$ILB_VIP:7" "$srv" weight 0
ilbadm ilb1 server set tcp "$ILB_VIP:80" "$(server_addr 1)" weight 0
r=$(ns c1 $HTTPC "$ILB_VIP" 80 20)
echo again >&"${ECHO[1]}"
read -r -t 10 second <&"${ECHO[0]}"
tap_diag "after weight 0 on srv1: $r"
if [ "$(json_get "$r" by_body srv1)" = 0 ] && [ "$(json_get "$r" ok)" = 20 ]; then
	tap_ok "weight 0: no new connection to the drained server"
else
	tap_fail "weight 0: $r"
fi
if [ "$first" = hello ] && [ "$second" = again ]; then
	tap_ok "weight 0: the established session on it continues"
else
	tap_fail "weight 0: session got '$first' then '$second'"
fi
exec {ECHO[1]}>&-

# local: the node serves the connection itself
nginx_start ilb1 8081 ilb1-local
ilbadm ilb1 service add tcp "$VIP3:80" fwd local
ilbadm ilb1 server add tcp "$VIP3:80" "$NET_BACK.1:8081"
r=$(ns c1 $HTTPC "$VIP3" 80 10)
tap_diag "local: $r"
[ "$(json_get "$r" by_body ilb1-local)" = 10 ] &&
	tap_ok "local: the node itself answers 10/10 requests to the VIP" ||
	tap_fail "local: $r"

# A large table: 2000 UDP flows, then dump them (many netlink pages).
ilbadm ilb1 service add udp "$ILB_VIP:9"
ilbadm ilb1 server add udp "$ILB_VIP:9" "$(server_addr 1)"
ns c1 "$ILB_REPO/build/udpflood" "$ILB_VIP" 9 0 2000 >/dev/null
udp_conns() { ilbadm ilb1 -j conn show udp "$ILB_VIP:9" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
wait_for 10 eval '[ "$(udp_conns)" = 2000 ]'
dump=$(ilbadm ilb1 -j conn show udp "$ILB_VIP:9" | python3 -c '
import json, sys
c = json.load(sys.stdin)
print(len(c), len(set(e["client"] for e in c)))')
tap_diag "dump of the UDP service: $dump (entries, distinct clients)"
[ "$dump" = "2000 2000" ] &&
	tap_ok "a 2000-entry dump spans many netlink pages, each entry exactly once" ||
	tap_fail "dump of 2000 flows: $dump"

# The table's hard cap: beyond conn_max a new flow takes the place of an
# embryonic one found near its bucket (early_drop; rarely, with 3 entries
# in 2^16 buckets) or is refused (table_full). flood.sh tests the drops.
ilbadm ilb1 flush
ilbadm ilb1 service add udp "$ILB_VIP:9"
ilbadm ilb1 server add udp "$ILB_VIP:9" "$(server_addr 1)"
cap0=$(cat /sys/module/ilb/parameters/conn_max)
full0=$(ilb_stat ilb1 table_full)
ed0=$(ilb_stat ilb1 early_drop)
echo 3 >/sys/module/ilb/parameters/conn_max
ns c1 "$ILB_REPO/build/udpflood" "$ILB_VIP" 9 0 10 >/dev/null
full=$(($(ilb_stat ilb1 table_full) - full0))
ed=$(($(ilb_stat ilb1 early_drop) - ed0))
added=$(ilb_stat ilb1 conns)
echo "$cap0" >/sys/module/ilb/parameters/conn_max
tap_diag "conn_max 3: 10 new flows -> $added tracked, $full refused, $ed early drops"
[ "$added" = 3 ] && [ $((full + ed)) = 7 ] &&
	tap_ok "conn_max caps the table; each flow past it is refused (table_full) or replaces an embryonic one (early_drop)" ||
	tap_fail "conn_max: $added tracked, $full refused, $ed early drops"

# A UDP flow idle past its timeout is balanced afresh when its client port
# sends again: 64 flows, 5 rounds 1.5 s apart with a 1 s UDP timeout. The
# expired entries are either swept already or found by the new flow's
# insertion (which unhashes them under their own bucket locks). Each
# server answers with its name (udpname.py), so the client sees which one
# took each flow without racing the table's expiry.
ilbadm ilb1 flush
ilbadm ilb1 timeout set udp 1
ilbadm ilb1 service add udp "$ILB_VIP:5000" sched rr
for i in 1 2 3; do
	(ns "srv$i" python3 "$ILB_REPO/tests/net/tools/udpname.py" 5000 "srv$i" &) 2>/dev/null
	ilbadm ilb1 server add udp "$ILB_VIP:5000" "$(server_addr $i)"
done
for i in 1 2 3; do
	wait_for 30 listening "srv$i" udp 5000
done
rounds=()
echoed=0 bad=0
for round in 1 2 3 4 5; do
	r=$(ns c1 python3 "$ILB_REPO/tests/net/tools/udpround.py" "$ILB_VIP" 5000 64 40000)
	echoed=$((echoed + $(json_get "$r" echoed)))
	bad=$((bad + $(json_get "$r" bad)))
	rounds+=("$r")
	sleep 1.5
done
# per round, how many flows each server took; over the rounds, how many
# of the 256 reuses went to another server than the flow's last one
read -r moved per < <(python3 -c '
import json, sys
rs = [json.loads(a)["by_port"] for a in sys.argv[1:]]
moved = sum(1 for a, b in zip(rs, rs[1:]) for p in b if p in a and a[p] != b[p])
per = ["/".join(str(list(r.values()).count("srv%d" % i)) for i in (1, 2, 3)) for r in rs]
print(moved, " ".join(per))' "${rounds[@]}")
sched=$(svc_conns udp "$ILB_VIP:5000")
tap_diag "5 rounds of 64 UDP flows from the same ports, 1 s timeout: $echoed/320 answered intact, $bad wrong; srv1/srv2/srv3 per round: $per; $moved of 256 reuses moved to another server; $sched connections scheduled"
[ "$echoed" = 320 ] && [ "$bad" = 0 ] && [ "$sched" = 320 ] && [ "$moved" -ge 192 ] &&
	tap_ok "UDP flows reused after their timeout are scheduled afresh (320 schedules, rr moves each), every datagram answered" ||
	tap_fail "UDP reuse after timeout: $echoed/320 answered, $bad wrong, $moved/256 moved, $sched scheduled"

ilbadm ilb1 flush
left=$(ilb_stat ilb1 conns)
[ "$left" = 0 ] && tap_ok "flush removes every service and connection" ||
	tap_fail "flush left $left connections"
tap_done
