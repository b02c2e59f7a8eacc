#!/bin/bash
# Shared helpers of ilb's kselftest-style tests (run inside the test VM).
# Source it, then: tap_plan N; ...; tap_ok/tap_fail/tap_check; tap_done.
# Exit codes follow kselftest: 0 pass, 1 fail, 4 skip.

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

ILB_REPO=${ILB_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
ILB_PREFIX=${ILB_PREFIX:-ilbt$$-}

# Addresses (RFC 2544 benchmarking range and TEST-NET-2; never routed).
ILB_VIP=198.51.100.1
NET_CLIENT=198.18.1	# clients .101.., router .1
NET_FRONT=198.18.2	# router .1, ILBs .11..
NET_BACK=198.18.3	# ILBs .1.., servers .101..
NET_SYNC=198.18.4	# ILBs .1.. (cluster links)

_tap_n=0
_tap_failed=0

tap_plan() {
	_tap_plan=$1
	echo "TAP version 13"
	echo "1..$1"
}

tap_ok() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - $*"
}

tap_fail() {
	_tap_n=$((_tap_n + 1))
	_tap_failed=$((_tap_failed + 1))
	echo "not ok $_tap_n - $*"
}

tap_skip() {	# tap_skip desc reason
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - $1 # SKIP $2"
}

tap_diag() {
	echo "# $*"
}

# tap_check "description" command...: ok if the command succeeds.
tap_check() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		tap_ok "$desc"
	else
		tap_fail "$desc"
		[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/# /'
	fi
}

tap_done() {
	# a test that stopped short, or ran more than it planned, failed
	if [ -n "${_tap_plan:-}" ] && [ "$_tap_n" != "$_tap_plan" ]; then
		tap_fail "planned $_tap_plan tests, ran $((_tap_n))"
	fi
	[ "$_tap_failed" = 0 ] && exit $KSFT_PASS
	exit $KSFT_FAIL
}

# Skip the whole test (TAP plan 0 with a reason) unless the commands exist.
require_cmd() {
	local c
	for c in "$@"; do
		if ! command -v "$c" >/dev/null 2>&1; then
			echo "TAP version 13"
			echo "1..0 # SKIP $c not installed"
			exit $KSFT_SKIP
		fi
	done
}

require_ilb() {
	if [ ! -d /sys/module/ilb ]; then
		echo "TAP version 13"
		echo "1..0 # SKIP ilb.ko is not loaded"
		exit $KSFT_SKIP
	fi
}

# --- namespaces --------------------------------------------------------------

_ns_list=()

ns_name() { echo "$ILB_PREFIX$1"; }

ns_add() {	# ns_add NAME: a new netns with lo up
	local n
	n=$(ns_name "$1")
	ip netns add "$n" || return 1
	ip -n "$n" link set lo up
	_ns_list+=("$n")
}

ns() {	# ns NAME command...: run a command in a test netns
	local n
	n=$(ns_name "$1")
	shift
	ip netns exec "$n" "$@"
}

ns_del() {
	local n pids
	n=$(ns_name "$1")
	pids=$(ip netns pids "$n" 2>/dev/null)
	# shellcheck disable=SC2086
	[ -n "$pids" ] && kill $pids 2>/dev/null
	ip netns del "$n" 2>/dev/null
}

cleanup_ns() {
	local n pids
	for n in "${_ns_list[@]}"; do
		pids=$(ip netns pids "$n" 2>/dev/null)
		# shellcheck disable=SC2086
		[ -n "$pids" ] && kill -9 $pids 2>/dev/null
		ip netns del "$n" 2>/dev/null
	done
	_ns_list=()
}
trap cleanup_ns EXIT

# veth NS1 IF1 ADDR1/LEN NS2 IF2 ADDR2/LEN (an address may be "-")
veth() {
	local n1 n2
	n1=$(ns_name "$1")
	n2=$(ns_name "$4")
	ip link add "$2" netns "$n1" type veth peer name "$5" netns "$n2" || return 1
	[ "$3" = - ] || ip -n "$n1" addr add "$3" dev "$2"
	[ "$6" = - ] || ip -n "$n2" addr add "$6" dev "$5"
	ip -n "$n1" link set "$2" up
	ip -n "$n2" link set "$5" up
}

# A bridge lives in the "sw" netns; hosts attach to it with a veth.
bridge_add() {	# bridge_add NAME
	local sw
	sw=$(ns_name sw)
	[ -e "/run/netns/$sw" ] || ns_add sw
	ip -n "$sw" link add "$1" type bridge || return 1
	ip -n "$sw" link set "$1" type bridge forward_delay 0 stp_state 0
	ip -n "$sw" link set "$1" up
}

bridge_attach() {	# bridge_attach BRIDGE NS IFNAME ADDR/LEN
	local sw=sw peer
	peer="$1-$2"
	peer=${peer:0:15}
	veth "$2" "$3" "$4" $sw "$peer" - || return 1
	ip -n "$(ns_name $sw)" link set "$peer" master "$1"
}

# topo_build NCLIENTS NILBS NSERVERS
#   c1..cN --[cl]-- rt --[front]-- ilb1..ilbN --[back]-- srv1..srvN
#                                  ilb1..ilbN --[sync]
# The router sends the VIP and the server network to ilb1 (tests that
# want ECMP replace the route); servers route back through ilb1.
# TOPO_RT_BACK=1 also puts the router on the server network (.254), the
# path by which direct-routing servers answer (see dr_server).
topo_build() {
	local nc=$1 nl=$2 ns=$3 i
	CLIENTS=() ILBS=() SERVERS=()
	ns_add rt || return 1
	ns rt sysctl -qw net.ipv4.ip_forward=1
	bridge_add cl
	bridge_add front
	bridge_add back
	bridge_add sync
	bridge_attach cl rt eth0 "$NET_CLIENT.1/24"
	bridge_attach front rt eth1 "$NET_FRONT.1/24"
	for i in $(seq 1 "$nc"); do
		ns_add "c$i"
		bridge_attach cl "c$i" eth0 "$NET_CLIENT.$((100 + i))/24"
		ns "c$i" ip route add default via "$NET_CLIENT.1"
		CLIENTS+=("c$i")
	done
	for i in $(seq 1 "$nl"); do
		ns_add "ilb$i"
		ns "ilb$i" sysctl -qw net.ipv4.ip_forward=1
		bridge_attach front "ilb$i" eth0 "$NET_FRONT.$((10 + i))/24"
		bridge_attach back "ilb$i" eth1 "$NET_BACK.$i/24"
		bridge_attach sync "ilb$i" eth2 "$NET_SYNC.$i/24"
		ns "ilb$i" ip route add default via "$NET_FRONT.1"
		ILBS+=("ilb$i")
	done
	for i in $(seq 1 "$ns"); do
		ns_add "srv$i"
		bridge_attach back "srv$i" eth0 "$NET_BACK.$((100 + i))/24"
		ns "srv$i" ip route add default via "$NET_BACK.1"
		SERVERS+=("srv$i")
	done
	ns rt ip route add "$ILB_VIP/32" via "$NET_FRONT.11"
	if [ "${TOPO_RT_BACK:-0}" = 1 ]; then
		bridge_attach back rt eth2 "$NET_BACK.254/24"
	else
		ns rt ip route add "$NET_BACK.0/24" via "$NET_FRONT.11"
	fi
}

# dr_server NS VIP: the server owns VIP without answering ARP for it and
# sends what it answers from the VIP straight to the router, not back
# through the balancer (needs TOPO_RT_BACK=1).
dr_server() {
	ns "$1" ip addr add "$2/32" dev lo
	ns "$1" sysctl -qw net.ipv4.conf.all.arp_ignore=1 \
		net.ipv4.conf.all.arp_announce=2
	ns "$1" ip rule add from "$2" table 100 2>/dev/null
	ns "$1" ip route replace default via "$NET_BACK.254" table 100
}

server_addr() { echo "$NET_BACK.$((100 + $1))"; }	# server_addr N
client_addr() { echo "$NET_CLIENT.$((100 + $1))"; }	# client_addr N

# ilb_stat NS NAME: a counter from that node's /proc/net/ilb/stats
ilb_stat() {
	ns "$1" awk -v k="$2" '$1 == k { print $2 }' /proc/net/ilb/stats
}

# sum_over GETTER KEY NS...: GETTER NS KEY summed over the nodes
sum_over() {
	local get=$1 k=$2 n t=0 v
	shift 2
	for n in "$@"; do
		v=$("$get" "$n" "$k")
		t=$((t + ${v:-0}))
	done
	echo "$t"
}

# ilb_stat_sum KEY NS...: a node counter summed over nodes
ilb_stat_sum() { sum_over ilb_stat "$@"; }

# by_server FILE...: the results of burst.py, httpc.py or hold.py runs
# ({"ok": n, "by_body": {server: n}}) added up: "OK SERVERS MOST SPLIT",
# SPLIT as "srv1 10, srv2 12"; a missing or unreadable file adds nothing
by_server() {
	python3 -c '
import json, sys
ok, by = 0, {}
for f in sys.argv[1:]:
    try:
        r = json.load(open(f))
    except (OSError, ValueError):
        continue
    ok += r["ok"]
    for k, v in r["by_body"].items():
        by[k] = by.get(k, 0) + v
print(ok, len(by), max(by.values() or [0]),
      ", ".join("%s %d" % kv for kv in sorted(by.items())))' "$@"
}

# wait_for SECONDS command...: poll until the command succeeds
wait_for() {
	local end=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -ge $end ] && return 1
		sleep 0.2
	done
}

# --- services on the test hosts -------------------------------------------

# listening NS tcp|udp PORT: true once a socket of NS listens on PORT
# (ss itself exits 0 whether or not one matches)
listening() {
	local f=-Hltn
	[ "$2" = udp ] && f=-Hlun
	[ -n "$(ns "$1" ss $f "sport = :$3")" ]
}

ILBADM=${ILBADM:-$ILB_REPO/build/ilbadm}
HTTPC="python3 $ILB_REPO/tests/net/tools/httpc.py"

ilbadm() {	# ilbadm NS args...: run ilbadm in a node's netns
	local n=$1
	shift
	ns "$n" "$ILBADM" "$@"
}

# nginx_start NS [PORT] [NAME]: serves "NAME\n" at / and /big (1 MiB random)
nginx_start() {
	local n=$1 port=${2:-80} name=${3:-$1} d
	d=/tmp/$ILB_PREFIX$n-www-$port
	mkdir -p "$d/root"
	echo "$name" >"$d/root/index.html"
	[ -f /tmp/ilb-big.bin ] || head -c 1048576 /dev/urandom >/tmp/ilb-big.bin
	cp /tmp/ilb-big.bin "$d/root/big"
	cat >"$d/nginx.conf" <<NGINX
worker_processes 1;
pid $d/nginx.pid;
error_log $d/error.log;
events { worker_connections 1024; }
http {
	access_log off;
	keepalive_requests 100000;
	keepalive_timeout 600s;
	client_body_temp_path $d;
	proxy_temp_path $d;
	fastcgi_temp_path $d;
	uwsgi_temp_path $d;
	scgi_temp_path $d;
	server {
		listen $port reuseport;
		root $d/root;
	}
}
NGINX
	ns "$n" nginx -c "$d/nginx.conf" -e "$d/error.log" || return 1
	wait_for 10 ns "$n" bash -c "exec 3<>/dev/tcp/127.0.0.1/$port"
}

# echo_start NS PORT: TCP and UDP echo servers on PORT
echo_start() {
	(ns "$1" socat -T 600 "TCP-LISTEN:$2,reuseaddr,fork" PIPE &) 2>/dev/null
	(ns "$1" socat -T 600 "UDP-RECVFROM:$2,reuseaddr,fork" PIPE &) 2>/dev/null
	wait_for 10 ns "$1" bash -c "exec 3<>/dev/tcp/127.0.0.1/$2"
}

# json_get JSON KEY...: a value of a JSON object (nested keys)
json_get() {
	python3 -c '
import json, sys
v = json.loads(sys.argv[1])
for k in sys.argv[2:]:
    v = v.get(k, 0) if isinstance(v, dict) else 0
print(v)' "$@"
}

# --- clusters ------------------------------------------------------------------

ILBSIM=${ILBSIM:-$ILB_REPO/build/ilbsim}
SLOWGET="python3 $ILB_REPO/tests/net/tools/slowget.py"

# slowget_bg NS OUTFILE ARGS...: slowget in the background; PID in $!
slowget_bg() {
	local n=$1 out=$2
	shift 2
	ip netns exec "$(ns_name "$n")" $SLOWGET --json "$@" >"$out" 2>&1 &
}

# slowget_sum FILE...: "started completed exact failed min max", then the
# failures, one a line
slowget_sum() {
	python3 -c '
import json, sys
t = [0, 0, 0, 0]
fails, durs = [], []
for f in sys.argv[1:]:
    try:
        s = json.load(open(f))
    except (OSError, ValueError) as e:
        fails.append("%s: no summary (%s)" % (f, e))
        continue
    for i, k in enumerate(("started", "completed", "exact", "failed")):
        t[i] += s[k]
    fails += s["failures"]
    durs += [s["dur_min"], s["dur_max"]] if s["dur_min"] else []
print(*t, "%.1f" % min(durs) if durs else "-", "%.1f" % max(durs) if durs else "-")
for f in fails[:20]:
    print(f)' "$@"
}

# topo_ecmp NCLIENTS NSERVERS: three ILBs behind an ECMP router.
#
#   c1..cN --[cl]-- rt ==eth1== ilb1 --[back]-- srv1..srvN, rt (.254)
#                      ==eth2== ilb2 --[back]
#                      ==eth3== ilb3 --[back]
#                               ilb1..ilb3 --[sync]
#
# Each ILB has its own point-to-point link to the router (rt ethI <->
# ilbI eth0, 198.18.2.(4I+1)/30 on rt, 198.18.2.(4I+2)/30 on the ILB:
# .5/.6, .9/.10, .13/.14), so when an ILB's links go down the router sees
# the carrier loss and, with ignore_routes_with_linkdown, stops using that
# nexthop as BFD or BGP would. The router's VIP route is multipath over the
# three ILBs with an L4 hash (fib_multipath_hash_policy=1). ILBs: eth1 on
# the back bridge (198.18.3.I/24), eth2 on the sync bridge (198.18.4.I/24,
# the cluster link), default route via their router link. Servers
# 198.18.3.(100+N) route by default through the router's back address
# 198.18.3.254 (rt eth4), the path direct-routing servers answer by (see
# dr_server); a NAT test replaces that route.
ECMP_NILB=3
ecmp_rt_addr() { echo "$NET_FRONT.$((4 * $1 + 1))"; }	# router side of ilbI
ecmp_ilb_addr() { echo "$NET_FRONT.$((4 * $1 + 2))"; }	# ilbI's front address

topo_ecmp() {
	local nc=$1 ns=$2 i nh=()
	CLIENTS=() ILBS=() SERVERS=()
	ns_add rt || return 1
	ns rt sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv4.fib_multipath_hash_policy=1 \
		net.ipv4.conf.all.ignore_routes_with_linkdown=1 \
		net.ipv4.conf.default.ignore_routes_with_linkdown=1 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
	bridge_add cl
	bridge_add back
	bridge_add sync
	# heartbeats are multicast: flood them, whatever IGMP snooping saw
	ns sw ip link set sync type bridge mcast_snooping 0
	bridge_attach cl rt eth0 "$NET_CLIENT.1/24"
	for i in $(seq 1 "$nc"); do
		ns_add "c$i"
		bridge_attach cl "c$i" eth0 "$NET_CLIENT.$((100 + i))/24"
		ns "c$i" ip route add default via "$NET_CLIENT.1"
		CLIENTS+=("c$i")
	done
	for i in $(seq 1 $ECMP_NILB); do
		ns_add "ilb$i"
		ns "ilb$i" sysctl -qw net.ipv4.ip_forward=1
		veth rt "eth$i" "$(ecmp_rt_addr "$i")/30" \
			"ilb$i" eth0 "$(ecmp_ilb_addr "$i")/30" || return 1
		ns rt sysctl -qw "net.ipv4.conf.eth$i.ignore_routes_with_linkdown=1"
		bridge_attach back "ilb$i" eth1 "$NET_BACK.$i/24"
		bridge_attach sync "ilb$i" eth2 "$NET_SYNC.$i/24"
		ns "ilb$i" ip route add default via "$(ecmp_rt_addr "$i")"
		nh+=(nexthop via "$(ecmp_ilb_addr "$i")" dev "eth$i" weight 1)
		ILBS+=("ilb$i")
	done
	bridge_attach back rt eth4 "$NET_BACK.254/24"
	for i in $(seq 1 "$ns"); do
		ns_add "srv$i"
		bridge_attach back "srv$i" eth0 "$NET_BACK.$((100 + i))/24"
		ns "srv$i" ip route add default via "$NET_BACK.254"
		SERVERS+=("srv$i")
	done
	ns rt ip route add "$ILB_VIP/32" "${nh[@]}"
}

# ecmp_nexthops: the router's VIP route, one line per nexthop
ecmp_nexthops() {
	ns rt ip route show "$ILB_VIP/32"
}

# ilb_cut NS: set every link of that netns but lo down, all in one ip -batch
# (the peers of its veths lose carrier: the router and the bridges see it)
ilb_cut() {
	local n
	n=$(ns_name "$1")
	ip -n "$n" -o link show | awk -F': ' '
		{ sub(/@.*/, "", $2) }
		$2 != "lo" { print "link set dev " $2 " down" }' |
		ip -n "$n" -batch -
}

# The cluster key of this test: one file, mode 0600, made when first asked
# for in the test's own shell (ILB_CLUSTER_KEY=FILE to bring one).
cluster_key() {
	if [ -z "${ILB_CLUSTER_KEY:-}" ]; then
		ILB_CLUSTER_KEY=$(mktemp "/tmp/${ILB_PREFIX}key.XXXXXX") &&
			"$ILBADM" cluster genkey >"$ILB_CLUSTER_KEY" || return 1
	fi
	echo "$ILB_CLUSTER_KEY"
}

# cluster_join NS ID [ARGS...]: NS joins the cluster as member ID with its
# sync address 198.18.4.ID on eth2, with the test's key unless ARGS say
# "key FILE" or "insecure". On a kernel ILB_SLOW times slower than the
# stock one (the debug kernel: scripts/vm-run -s), a join that does not
# set dead-ms gets the default 275 ms times ILB_SLOW: heartbeats arrive as
# late as everything else there, and a member must not pass for dead.
cluster_join() {
	local n=$1 id=$2 a auth=1 dead=0
	shift 2
	for a in "$@"; do
		case $a in
		key | insecure) auth=0 ;;
		dead-ms) dead=1 ;;
		esac
	done
	if [ $auth = 1 ]; then
		set -- "$@" key "$ILB_CLUSTER_KEY"
	fi
	if [ $dead = 0 ] && [ "${ILB_SLOW:-1}" -gt 1 ]; then
		set -- "$@" dead-ms $((275 * ILB_SLOW))
	fi
	ilbadm "$n" cluster join id "$id" addr "$NET_SYNC.$id" dev eth2 "$@"
}

# cluster_show NS: that node's `ilbadm -j cluster show`
cluster_show() {
	ilbadm "$1" -j cluster show
}

# cluster_converged N NS...: every listed node sees N members alive (self
# included) and they all, and every member's heartbeat, carry one epoch
cluster_converged() {
	local want=$1 n views=()
	shift
	for n in "$@"; do
		views+=("$(cluster_show "$n" 2>/dev/null)") || return 1
	done
	python3 -c '
import json, sys
want, epochs = int(sys.argv[1]), set()
for v in sys.argv[2:]:
    c = json.loads(v)
    up = [m for m in c["members"] if m["state"] in ("self", "alive")]
    if len(up) != want:
        sys.exit(1)
    epochs.add(c["epoch"])
    epochs.update(m["epoch"] for m in up)
sys.exit(0 if len(epochs) == 1 else 1)' "$want" "${views[@]}"
}

# cluster_stat NS KEY: one counter of cluster show -j's "stats"
cluster_stat() {
	json_get "$(cluster_show "$1")" stats "$2"
}

# cluster_self_owned NS: the connections a node says it owns
cluster_self_owned() {
	cluster_show "$1" | python3 -c '
import json, sys
print(sum(m["owned"] for m in json.load(sys.stdin)["members"]
          if m["state"] == "self"))'
}

# cluster_counters KEY...: "ilb1 k=v k=v; ilb2 ..." of every node in NODES
cluster_counters() {
	local n line out=
	for n in "${NODES[@]}"; do
		line=$(cluster_show "$n" | python3 -c '
import json, sys
s = json.load(sys.stdin)["stats"]
print(" ".join("%s=%s" % (k, s.get(k, "?")) for k in sys.argv[1:]))' "$@")
		out+="$n $line; "
	done
	echo "${out%; }"
}

# cluster_stat_sum KEY NS...: a counter summed over nodes
cluster_stat_sum() { sum_over cluster_stat "$@"; }

# every cluster of a test shares one key; joins run in subshells too
if [ -x "$ILBADM" ] && "$ILBADM" cluster genkey >/dev/null 2>&1; then
	cluster_key >/dev/null
fi
