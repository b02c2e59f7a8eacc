#!/bin/bash
# What reaches a VIP besides its services' traffic:
# - a datagram or a SYN to a port no service takes, and a ping, are dropped
#   and counted by the node (no_service), never routed back out: the router
#   in front sees each of them once, not once per hop of a loop;
# - fragments are reassembled before balancing, so an 8 KB UDP datagram
#   reaches its server whole through NAT and through DR.
. "$(dirname "$0")/lib.sh"
require_ilb
require_cmd python3 iptables
[ -x "$ILBADM" ] || { echo "1..0 # SKIP ilbadm not built"; exit $KSFT_SKIP; }

tap_plan 4
TOPO_RT_BACK=1 topo_build 1 1 2
ilbadm ilb1 service add udp "$ILB_VIP:5000"
ilbadm ilb1 server add udp "$ILB_VIP:5000" "$(server_addr 1)"
ilbadm ilb1 service add udp "$ILB_VIP:5001" fwd dr
ilbadm ilb1 server add udp "$ILB_VIP:5001" "$(server_addr 2)"
dr_server srv2 "$ILB_VIP"

# --- a port with no service, and a ping ---------------------------------
ns rt iptables -w -I FORWARD 1 -d "$ILB_VIP"
ns0=$(ilb_stat ilb1 no_service)
ns c1 python3 - "$ILB_VIP" <<'PY'
import socket, sys
vip = sys.argv[1]
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.sendto(b"nobody listens", (vip, 81))
t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
t.settimeout(0.5)               # one SYN, no retransmission
try:
    t.connect((vip, 82))
except OSError:
    pass
PY
ns c1 ping -c 1 -W 1 "$ILB_VIP" >/dev/null
sleep 2
seen=$(ns rt iptables -w -nvx -L FORWARD 1 | awk '{ print $1 }')
dns=$(($(ilb_stat ilb1 no_service) - ns0))
tap_diag "a UDP datagram to port 81, a SYN to port 82 and a ping: the router forwarded $seen packets to the VIP; ilb1 no_service +$dns"
[ "$seen" = 3 ] && tap_ok "3 packets to the VIP with no service cross the router once each" ||
	tap_fail "the router forwarded $seen packets to the VIP for 3 sent (a loop?)"
[ "$dns" = 3 ] && tap_ok "ilb1 dropped and counted all 3 (no_service +3)" ||
	tap_fail "ilb1 no_service +$dns, want 3"

# --- fragments ---------------------------------------------------------------
# udprecv NS PORT FILE: receive one datagram, write "LEN SHA256"
udprecv() {
	ns "$1" python3 - "$2" "$3" <<'PY' &
import hashlib, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", int(sys.argv[1])))
s.settimeout(60)
d, _ = s.recvfrom(65535)
open(sys.argv[2], "w").write("%d %s\n" % (len(d), hashlib.sha256(d).hexdigest()))
PY
}
TMPD=$(mktemp -d "/tmp/${ILB_PREFIX}vip.XXXXXX")
head -c 8192 /dev/urandom >"$TMPD/dgram"
want="8192 $(sha256sum "$TMPD/dgram" | cut -d' ' -f1)"
for m in nat:5000:srv1 dr:5001:srv2; do
	IFS=: read -r fwd port srv <<<"$m"
	udprecv "$srv" "$port" "$TMPD/$fwd.out"
	wait_for 10 listening "$srv" udp "$port"
	ns c1 python3 - "$ILB_VIP" "$port" "$TMPD/dgram" <<'PY'
import socket, sys
IP_MTU_DISCOVER, IP_PMTUDISC_DONT = 10, 0
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DONT)
s.sendto(open(sys.argv[3], "rb").read(), (sys.argv[1], int(sys.argv[2])))
PY
	wait_for 20 test -s "$TMPD/$fwd.out"
	got=$(cat "$TMPD/$fwd.out" 2>/dev/null)
	tap_diag "$fwd: an 8192-byte datagram in 1500-byte fragments -> $srv received: ${got:-nothing}"
	[ "$got" = "$want" ] && tap_ok "$fwd: a fragmented 8 KB UDP datagram reaches $srv whole" ||
		tap_fail "$fwd: $srv received '${got:-nothing}', want '$want'"
done
wait
tap_diag "ilb1 stats: $(ilbadm ilb1 -j stats show | tr -d '\n ' | cut -c1-300)"
rm -rf "$TMPD"
tap_done
