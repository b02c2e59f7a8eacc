#!/bin/bash
# shellcheck disable=SC2317 # no_records, records_gone: run by wait_for
# Persistence on one node (seed 001, IPVS's -p): a client network's new
# connections keep reaching one server, decided once by a read-miss-create
# even when they all race; a group shares its records across ports; the
# record follows its server's state, times out once idle, and is shown,
# flushed, saved and restored.
. "$(dirname "$0")/lib.sh"
require_ilb
require_cmd nginx python3
[ -x "$ILBADM" ] || { echo "1..0 # SKIP ilbadm not built"; exit $KSFT_SKIP; }
if ! "$ILBADM" -h 2>&1 | grep -q 'persist show'; then
	echo "1..0 # SKIP ilbadm has no persistence"
	exit $KSFT_SKIP
fi

BURST="python3 $ILB_REPO/tests/net/tools/burst.py"
tap_plan 10
topo_build 1 1 3
for i in 1 2 3; do
	nginx_start "srv$i" 80 "srv$i"
	nginx_start "srv$i" 443 "srv$i"
done
# five more hosts of the client's /24
SRCS=()
for i in 150 151 152 153 154; do
	ns c1 ip addr add "$NET_CLIENT.$i/24" dev eth0
	SRCS+=("$NET_CLIENT.$i")
done
C1=$(client_addr 1)

ilbadm ilb1 service add tcp "$ILB_VIP:80" sched rr persist 300
for i in 1 2 3; do
	ilbadm ilb1 server add tcp "$ILB_VIP:80" "$(server_addr $i)"
done

# burst N [SRC...]: N simultaneous first connections to VIP:80 from c1
burst() {
	local n=$1
	shift
	ns c1 $BURST "$ILB_VIP" "${PORT:-80}" "$n" "$@"
}
# servers JSON: how many servers answered, and who
servers() {
	python3 -c '
import json, sys
r = json.loads(sys.argv[1])
print(len(r["by_body"]), r["ok"], ",".join(
    "%s=%d" % kv for kv in sorted(r["by_body"].items())))' "$1"
}
# records: the node's records as "client/len>server:conns" lines
records() {
	ilbadm ilb1 -j persist show | python3 -c '
import json, sys
for r in json.load(sys.stdin):
    print("%s/%d>%s:%d" % (r["client"], r["netmask"], r["server"],
                           r["conns"]))'
}
nrecords() { records | grep -c .; }
record_server() { records | head -1 | sed 's/.*>//; s/:.*//'; }

# --- one client, 30 racing first connections ---------------------------------
r=$(burst 30)
read -r n ok who <<<"$(servers "$r")"
tap_diag "persist 300, 30 simultaneous connections from $C1: $ok answered, by $who; records: $(records | tr '\n' ' ')"
if [ "$n" = 1 ] && [ "$ok" = 30 ] && [ "$(nrecords)" = 1 ] &&
   records | grep -q "^$C1/32>"; then
	tap_ok "30 racing first connections of one client reach one server, one record"
else
	tap_fail "persist: $ok/30 answered by $n servers ($who), records: $(records | tr '\n' ' ')"
fi

# the control: without persistence rr spreads the same burst; a service
# is not persistent unless asked
ilbadm ilb1 service set tcp "$ILB_VIP:80" persist 0
ilbadm ilb1 service add tcp "$ILB_VIP:8080"
r=$(burst 30)
read -r n ok who <<<"$(servers "$r")"
p=$(ilbadm ilb1 -j service show | python3 -c '
import json, sys
print(",".join("%d:%d" % (s["port"], s["persist"]) for s in json.load(sys.stdin)))')
ilbadm ilb1 service del tcp "$ILB_VIP:8080"
tap_diag "persist 0: $ok answered, by $who; records left: $(nrecords); port:persist $p"
if [ "$n" = 3 ] && [ "$(nrecords)" = 0 ] && [ "$p" = "80:0,8080:0" ]; then
	tap_ok "without persistence the same burst reaches all 3 servers (the control); a new service has persist 0"
else
	tap_fail "persist 0: $n servers ($who), $(nrecords) records, port:persist $p"
fi

# --- a client network ---------------------------------------------------------
ilbadm ilb1 service set tcp "$ILB_VIP:80" persist 300 netmask /24
r=$(burst 30 "${SRCS[@]}")
read -r n ok who <<<"$(servers "$r")"
tap_diag "netmask /24, 30 connections from ${#SRCS[@]} hosts of $NET_CLIENT.0/24: by $who; records: $(records | tr '\n' ' ')"
if [ "$n" = 1 ] && [ "$ok" = 30 ] &&
   [ "$(records | cut -d'>' -f1)" = "$NET_CLIENT.0/24" ]; then
	tap_ok "5 hosts of one /24 under netmask /24 share one record and one server"
else
	tap_fail "netmask /24: $n servers ($who), records $(records | tr '\n' ' ')"
fi
srv=$(record_server)

# --- a group: port 443 shares port 80's records --------------------------------
if err=$(ilbadm ilb1 service add tcp "$ILB_VIP:443" persist 60 group 80 2>&1); then
	tap_fail "a group member with another persist was accepted"
	ilbadm ilb1 service del tcp "$ILB_VIP:443"
else
	tap_diag "group 80 with persist 60: $err"
	ilbadm ilb1 service add tcp "$ILB_VIP:443" persist 300 netmask /24 group 80
	for i in 1 2 3; do
		ilbadm ilb1 server add tcp "$ILB_VIP:443" "$(server_addr $i)"
	done
	r=$(PORT=443 burst 12 "${SRCS[@]}")
	read -r n ok who <<<"$(servers "$r")"
	tap_diag "port 443 in group 80: by $who (port 80's record: $srv)"
	if [ "$n" = 1 ] && [ "$ok" = 12 ] && [ "$who" = "${srv/198.18.3.10/srv}=12" ]; then
		tap_ok "connections to port 443 of group 80 reach port 80's server; a member with other settings is refused"
	else
		tap_fail "group: $n servers ($who), port 80's record names $srv"
	fi
fi

# --- the record's server goes down ---------------------------------------------
ilbadm ilb1 server set tcp "$ILB_VIP:80" "$srv" state down
r=$(burst 10 "${SRCS[@]}")
read -r n ok who <<<"$(servers "$r")"
new=$(record_server)
tap_diag "after $srv went down: by $who, the record names $new"
if [ "$n" = 1 ] && [ "$ok" = 10 ] && [ "$new" != "$srv" ] &&
   [ "$who" = "${new/198.18.3.10/srv}=10" ]; then
	tap_ok "when its server goes down the record moves to another, once for all"
else
	tap_fail "server down: $n servers ($who), record $srv -> $new"
fi
ilbadm ilb1 server set tcp "$ILB_VIP:80" "$srv" state up

# --- show, flush ----------------------------------------------------------------
shown=$(ilbadm ilb1 persist show tcp "$ILB_VIP:80")
tap_diag "persist show: $shown"
ilbadm ilb1 persist flush tcp "$ILB_VIP:443"
if grep -q "group 80 -> " <<<"$shown" && [ "$(nrecords)" = 0 ]; then
	tap_ok "persist show lists the group's record; persist flush of a group member removes it"
else
	tap_fail "show/flush: $shown; $(nrecords) records after the flush"
fi

# --- save and restore -------------------------------------------------------------
s1=$(ilbadm ilb1 save)
ilbadm ilb1 flush
ilbadm ilb1 restore <<<"$s1"
s2=$(ilbadm ilb1 save)
tap_diag "$(grep 'service add' <<<"$s1" | tr '\n' ';')"
if [ "$s1" = "$s2" ] && grep -q "persist 300 netmask /24 group 80" <<<"$s1"; then
	tap_ok "save prints persist, netmask and group; restore gives the same configuration"
else
	tap_fail "save/restore: $(diff <(echo "$s1") <(echo "$s2") | tr '\n' ' ')"
fi

# --- the timeout ---------------------------------------------------------------------
# Connections hold their record; it times out persist seconds after the
# last one ends (closed connections linger tcpfin seconds).
# a group's timeout is the group's: set on one member, it is set on all
ilbadm ilb1 service set tcp "$ILB_VIP:443" persist 3
ilbadm ilb1 timeout set tcpfin 1
r=$(burst 5)
srv=$(record_server)
no_records() { [ "$(nrecords)" = 0 ]; }
t0=$SECONDS
if wait_for $((20 * ${ILB_SLOW:-1})) no_records; then
	gone=$((SECONDS - t0))
	r=$(burst 1)
	read -r n ok who <<<"$(servers "$r")"
	tap_diag "persist 3: the record of $srv expired ${gone} s after its connections closed; the next connection went to $who"
	p80=$(ilbadm ilb1 -j service show tcp "$ILB_VIP:80" | python3 -c '
import json, sys
print(json.load(sys.stdin)[0]["persist"])')
	if [ "$ok" = 1 ] && [ "$(record_server)" != "$srv" ] && [ "$p80" = 3 ]; then
		tap_ok "an idle record expires after persist seconds (set on one member of the group, for all); the next connection is scheduled afresh"
	else
		tap_fail "after expiry: $who, record $(records), port 80's persist $p80"
	fi
else
	tap_fail "the record of an idle client did not expire: $(records | tr '\n' ' ')"
fi

# --- limits and bad input ----------------------------------------------------------
# (the kernel's own checks: nlbad in cli.sh)
if ! e=$(ilbadm ilb1 service set tcp "$ILB_VIP:80" persist 604801 2>&1) &&
   ! ilbadm ilb1 service set tcp "$ILB_VIP:80" netmask /0 2>/dev/null; then
	tap_ok "out-of-range persistence settings are refused: $e"
else
	tap_fail "a bad persistence setting was accepted"
fi
# a record in use (persist 300 again: none expires meanwhile)
ilbadm ilb1 service set tcp "$ILB_VIP:80" persist 300
r=$(burst 3)
n=$(nrecords)
st=$(ilbadm ilb1 -j stats show)
tap_diag "stats: persist $(json_get "$st" persist), persist_full $(json_get "$st" persist_full); records listed $n"
if [ "$(json_get "$st" persist)" = 1 ] && [ "$n" = 1 ] &&
   [ "$(json_get "$st" persist_full)" = 0 ]; then
	tap_ok "stats count the records (1) and the refusals of a full table (0)"
else
	tap_fail "stats persist $(json_get "$st" persist), records $n"
fi
tap_done
