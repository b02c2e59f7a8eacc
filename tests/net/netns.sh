#!/bin/bash
# Every network namespace is an independent ilb node: its own state, its own
# /proc/net/ilb/, its own hooks; and the module unloads and reloads cleanly
# with namespaces alive.
. "$(dirname "$0")/lib.sh"
require_ilb
require_cmd ip python3

tap_plan 12
t0=$SECONDS

tap_check "module parameters under /sys/module/ilb/parameters" \
	grep -Eq '^-?[0-9]+$' /sys/module/ilb/parameters/hook_priority

topo_build 1 2 1
tap_diag "topology built in $((SECONDS - t0))s"
cookies=()
all=(rt ilb1 ilb2 srv1 c1)
for n in "${all[@]}"; do
	cookies+=("$(ilb_stat "$n" netns_cookie)")
done
tap_diag "netns cookies seen by ilb: ${cookies[*]}"
uniq=$(printf '%s\n' "${cookies[@]}" | grep -c . )
distinct=$(printf '%s\n' "${cookies[@]}" | sort -u | grep -c .)
if [ "$uniq" = ${#all[@]} ] && [ "$distinct" = ${#all[@]} ]; then
	tap_ok "each of ${#all[@]} netns has its own /proc/net/ilb/ and state"
else
	tap_fail "each netns has its own /proc/net/ilb/ ($distinct distinct of ${#all[@]})"
fi

# The hooks are registered only while a node has a service or a cluster.
A1() { ns ilb1 "$ILB_REPO/build/ilbadm" "$@"; }
h=$(ilb_stat ilb1 hooks)
A1 service add tcp "$ILB_VIP:80"
h="$h $(ilb_stat ilb1 hooks)"
A1 service del tcp "$ILB_VIP:80"
h="$h $(ilb_stat ilb1 hooks)"
cluster_join ilb1 1 >/dev/null
h="$h $(ilb_stat ilb1 hooks)"
A1 cluster leave >/dev/null 2>&1
h="$h $(ilb_stat ilb1 hooks)"
A1 service add tcp "$ILB_VIP:80"
h="$h $(ilb_stat ilb1 hooks)"
tap_diag "ilb1 hooks: unconfigured, with a service, without, joined, left, with a service: $h; ilb2 (never configured): $(ilb_stat ilb2 hooks)"
[ "$h" = "0 1 0 1 0 1" ] && [ "$(ilb_stat ilb2 hooks)" = 0 ] &&
	tap_ok "hooks registered only while a service or a cluster needs them" ||
	tap_fail "hooks: $h, ilb2 $(ilb_stat ilb2 hooks)"

b1=$(ilb_stat ilb1 inspected)
b2=$(ilb_stat ilb2 inspected)
tap_check "client reaches a server through router and ilb1" \
	ns c1 ping -c 5 -i 0.2 -W 5 "$(server_addr 1)"
d1=$(($(ilb_stat ilb1 inspected) - b1))
d2=$(($(ilb_stat ilb2 inspected) - b2))
tap_diag "packets inspected: ilb1 +$d1, ilb2 +$d2"
if [ "$d1" -ge 10 ] && [ "$d2" = 0 ]; then
	tap_ok "only the netns that forwarded the traffic counted it"
else
	tap_fail "per-netns counters: ilb1 +$d1 (want >= 10), ilb2 +$d2 (want 0)"
fi

# A TCP header cut short, sent to a VIP, is dropped and counted as
# malformed by the node that has the service, and by no other.
m1=$(ilb_stat ilb1 malformed)
m2=$(ilb_stat ilb2 malformed)
ns c1 python3 - "$ILB_VIP" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
for _ in range(3):
    s.sendto(b"\x00\x50\x00", (sys.argv[1], 0))   # 3 bytes of "TCP header"
PY
sleep 0.5
dm1=$(($(ilb_stat ilb1 malformed) - m1))
dm2=$(($(ilb_stat ilb2 malformed) - m2))
tap_diag "malformed: ilb1 +$dm1, ilb2 +$dm2"
if [ "$dm1" = 3 ] && [ "$dm2" = 0 ]; then
	tap_ok "truncated TCP headers to a VIP dropped and counted by its node only"
else
	tap_fail "malformed counters: ilb1 +$dm1 (want 3), ilb2 +$dm2 (want 0)"
fi

# Namespace churn: create and destroy many nodes.
t0=$SECONDS
ok=1
for i in $(seq 1 16); do
	ns_add "churn$i" || ok=0
	[ -r "/run/netns/$(ns_name "churn$i")" ] &&
		ns "churn$i" test -r /proc/net/ilb/stats || ok=0
done
for i in $(seq 1 16); do
	ns_del "churn$i"
done
[ $ok = 1 ] && tap_ok "16 namespaces created and destroyed, each with its node" ||
	tap_fail "namespace churn"

tap_diag "churn took $((SECONDS - t0))s"
# Unload with namespaces alive, then load again.
pre=$(ilb_stat ilb1 inspected)
if rmmod ilb; then
	tap_ok "rmmod ilb with $(ip netns list | grep -c "^$ILB_PREFIX") test namespaces alive"
else
	tap_fail "rmmod ilb with namespaces alive"
fi
gone=1
for n in "${all[@]}"; do
	ns "$n" test -e /proc/net/ilb && gone=0
done
[ $gone = 1 ] && tap_ok "/proc/net/ilb removed from every netns on unload" ||
	tap_fail "/proc/net/ilb left behind after unload"
[ -d /sys/module/ilb ] && tap_fail "module still present after rmmod" ||
	tap_ok "module gone after rmmod"

insmod "${ILB_KO:-$ILB_REPO/kmod/ilb.ko}"
back=1
for n in "${all[@]}"; do
	ns "$n" test -r /proc/net/ilb/stats || back=0
done
[ $back = 1 ] && tap_ok "reloaded: existing namespaces get a fresh node" ||
	tap_fail "reload did not reach existing namespaces"
r=$(ilb_stat ilb1 inspected)
tap_diag "ilb1 inspected after reload: $r"
A1 service add tcp "$ILB_VIP:80"
ns c1 ping -c 2 -i 0.2 -W 5 "$(server_addr 1)" >/dev/null
r2=$(ilb_stat ilb1 inspected)
if [ "$r" -lt "$pre" ] && [ "$r2" -gt "$r" ]; then
	tap_ok "state starts fresh after reload and counts again"
else
	tap_fail "counters after reload: before $pre, after $r, then $r2"
fi
tap_done
