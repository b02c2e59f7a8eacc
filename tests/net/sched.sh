#!/bin/bash
# Schedulers on live traffic: wrr proportional, lc/wlc balance long-lived
# connections, sh keeps a client on its server, mh keeps connections on
# their servers when another server is removed.
. "$(dirname "$0")/lib.sh"
require_ilb
require_cmd nginx socat python3
[ -x "$ILBADM" ] || { echo "1..0 # SKIP ilbadm not built"; exit $KSFT_SKIP; }

tap_plan 6
topo_build 3 1 3
for i in 1 2 3; do
	nginx_start "srv$i" 80 "srv$i"
	echo_start "srv$i" 7
done
S1=$(server_addr 1) S2=$(server_addr 2) S3=$(server_addr 3)

# --- wrr: weights 1, 2, 3 over 60 connections -> 10, 20, 30
ilbadm ilb1 service add tcp "$ILB_VIP:80" sched wrr
ilbadm ilb1 server add tcp "$ILB_VIP:80" "$S1" weight 1
ilbadm ilb1 server add tcp "$ILB_VIP:80" "$S2" weight 2
ilbadm ilb1 server add tcp "$ILB_VIP:80" "$S3" weight 3
r=$(ns c1 $HTTPC "$ILB_VIP" 80 60)
tap_diag "wrr 1:2:3 over 60: $r"
if [ "$(json_get "$r" by_body srv1)" = 10 ] && [ "$(json_get "$r" by_body srv2)" = 20 ] &&
   [ "$(json_get "$r" by_body srv3)" = 30 ]; then
	tap_ok "wrr: 60 connections split 10/20/30 for weights 1/2/3"
else
	tap_fail "wrr: $r"
fi

# Long-lived sessions: echo connections held open by background socats.
NSESS=0
open_session() {	# open_session CLIENT: one more established echo session
	local fifo=/tmp/${ILB_PREFIX}sess$NSESS want
	NSESS=$((NSESS + 1))
	want=$(($(active_total) + 1))
	mkfifo "$fifo"
	(ns "$1" socat -T 300 "TCP:$ILB_VIP:7" "PIPE:$fifo" </dev/null >/dev/null 2>&1 &) 2>/dev/null
	wait_for 20 active_ge "$want"
}
active_ge() {
	[ "$(active_total)" -ge "$1" ]
}
svc7() {
	ilbadm ilb1 -j service show tcp "$ILB_VIP:7"
}
active_of() {	# active_of SERVER_ADDR: established connections on it
	svc7 | python3 -c '
import json, sys
s = json.load(sys.stdin)[0]
print(sum(d["active"] for d in s["servers"] if d["addr"] == sys.argv[1]))' "$1"
}
active_total() {
	svc7 | python3 -c '
import json, sys
s = json.load(sys.stdin)[0]
print(sum(d["active"] for d in s["servers"]))'
}
loads() {
	echo "$(active_of "$S1")/$(active_of "$S2")/$(active_of "$S3")"
}
end_sessions() {
	pkill -f "socat -T 300 TCP:$ILB_VIP:7" 2>/dev/null
	ilbadm ilb1 service del tcp "$ILB_VIP:7"
}

# --- lc: 4 sessions while only srv1 is up; srv2 and srv3 come up; 4 more
# sessions go to them, 2 each, none to the busy srv1.
ilbadm ilb1 service add tcp "$ILB_VIP:7" sched lc
ilbadm ilb1 server add tcp "$ILB_VIP:7" "$S1"
ilbadm ilb1 server add tcp "$ILB_VIP:7" "$S2" state down
ilbadm ilb1 server add tcp "$ILB_VIP:7" "$S3" state down
for i in 1 2 3 4; do open_session c1; done
a=$(loads)
ilbadm ilb1 server set tcp "$ILB_VIP:7" "$S2" state up
ilbadm ilb1 server set tcp "$ILB_VIP:7" "$S3" state up
for i in 1 2 3 4; do open_session c1; done
b=$(loads)
tap_diag "lc: $a with srv1 alone, then $b after 4 more sessions"
if [ "$a" = 4/0/0 ] && [ "$b" = 4/2/2 ]; then
	tap_ok "lc: new long-lived sessions fill the least-loaded servers (4/0/0 -> 4/2/2)"
else
	tap_fail "lc: $a then $b (want 4/0/0 then 4/2/2)"
fi
end_sessions

# --- wlc: weights 1, 1, 2; 2 sessions on srv1 alone, then 6 more -> 2/2/4
ilbadm ilb1 service add tcp "$ILB_VIP:7" sched wlc
ilbadm ilb1 server add tcp "$ILB_VIP:7" "$S1" weight 1
ilbadm ilb1 server add tcp "$ILB_VIP:7" "$S2" weight 1 state down
ilbadm ilb1 server add tcp "$ILB_VIP:7" "$S3" weight 2 state down
for i in 1 2; do open_session c1; done
a=$(loads)
ilbadm ilb1 server set tcp "$ILB_VIP:7" "$S2" state up
ilbadm ilb1 server set tcp "$ILB_VIP:7" "$S3" state up
for i in 1 2 3 4 5 6; do open_session c1; done
b=$(loads)
tap_diag "wlc 1:1:2: $a with srv1 alone, then $b after 6 more sessions"
if [ "$a" = 2/0/0 ] && [ "$b" = 2/2/4 ]; then
	tap_ok "wlc: sessions fill servers in proportion to weight (2/0/0 -> 2/2/4)"
else
	tap_fail "wlc: $a then $b (want 2/0/0 then 2/2/4)"
fi
end_sessions

# --- sh: each client sticks to one server
ilbadm ilb1 service set tcp "$ILB_VIP:80" sched sh
stable=1
for c in c1 c2 c3; do
	r=$(ns "$c" $HTTPC "$ILB_VIP" 80 15)
	n=$(python3 -c 'import json,sys; print(len(json.loads(sys.argv[1])["by_body"]))' "$r")
	tap_diag "sh from $c: $r"
	[ "$n" = 1 ] && [ "$(json_get "$r" ok)" = 15 ] || stable=0
done
[ $stable = 1 ] && tap_ok "sh: each of 3 clients always reaches the same server" ||
	tap_fail "sh: a client moved between servers"

# --- mh: remove srv2; connections from the same ports stay where they were
ilbadm ilb1 service set tcp "$ILB_VIP:80" sched mh
ilbadm ilb1 server set tcp "$ILB_VIP:80" "$S1" weight 1
ilbadm ilb1 server set tcp "$ILB_VIP:80" "$S2" weight 1
ilbadm ilb1 server set tcp "$ILB_VIP:80" "$S3" weight 1
before=$(ns c1 $HTTPC --ports 21000 120 "$ILB_VIP" 80)
ilbadm ilb1 server del tcp "$ILB_VIP:80" "$S2"
after=$(ns c1 $HTTPC --ports 21000 120 "$ILB_VIP" 80)
res=$(python3 -c '
import json, sys
b, a = json.loads(sys.argv[1]), json.loads(sys.argv[2])
share = {s: sum(1 for v in b.values() if v == s) for s in ("srv1", "srv2", "srv3")}
kept = sum(1 for p in b if b[p] != "srv2" and a[p] == b[p])
others = sum(1 for p in b if b[p] != "srv2")
bad = sum(1 for v in a.values() if v not in ("srv1", "srv3"))
print(share["srv1"], share["srv2"], share["srv3"], kept, others, bad)' "$before" "$after")
read -r m1 m2 m3 kept others bad <<<"$res"
python3 -c '
import json, sys
for p, v in json.loads(sys.argv[1]).items():
    if not v.startswith("srv"):
        print("# port %s: %s" % (p, v))' "$after"
tap_diag "mh before: srv1 $m1, srv2 $m2, srv3 $m3; after removing srv2: $kept/$others of the others kept, $bad errors"
[ "$m1" -gt 20 ] && [ "$m2" -gt 20 ] && [ "$m3" -gt 20 ] &&
	tap_ok "mh: 120 connections spread over the 3 servers" ||
	tap_fail "mh: spread $m1/$m2/$m3"
[ "$kept" = "$others" ] && [ "$bad" = 0 ] &&
	tap_ok "mh: removing srv2 moved none of the other servers' connections" ||
	tap_fail "mh: only $kept/$others kept their server ($bad failed)"
tap_done
