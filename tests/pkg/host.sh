#!/bin/bash
# Packaging, checked on the host (TAP; kselftest exit codes: 0 pass, 1 fail,
# 4 skip). Needs the packages of make deb (run it first):
#   make deb && tests/pkg/host.sh
# - the versions of kmod/ilb.h, dkms.conf and debian/changelog agree;
# - make (all) builds the module and the tools in a clean copy of the tree
#   with cmocka hidden from the compiler (and make unit then fails there);
# - lintian finds no error in build/deb/*.deb;
# - systemd-analyze verify accepts ilb.service as make install writes it
#   (PREFIX /usr and /usr/local) and as the package ships it;
# - make install DESTDIR=... PREFIX=/usr installs exactly the files of the
#   packages but the module: ilb.ko from make install, its source and
#   dkms.conf from ilb-dkms;
# - the packaged dkms.conf's MAKE builds ilb.ko without -Werror, where the
#   tree's build has it;
# - the bash completion offers the objects, verbs and keywords that
#   ilbadm's usage and parser have.
set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO" || exit 1

_n=0
_failed=0
ok() { _n=$((_n + 1)); echo "ok $_n - $*"; }
fail() { _n=$((_n + 1)); _failed=$((_failed + 1)); echo "not ok $_n - $*"; }
skip() { _n=$((_n + 1)); echo "ok $_n - $1 # SKIP $2"; }
diag() { printf '%s\n' "$@" | sed 's/^/# /'; }

echo "TAP version 13"
for c in git make dpkg-deb dpkg-parsechangelog lintian systemd-analyze rst2man \
	 python3 modinfo; do
	if ! command -v "$c" >/dev/null 2>&1; then
		echo "1..0 # SKIP $c not installed (scripts/deps.sh)"
		exit 4
	fi
done
echo "1..10"

T=$(mktemp -d /tmp/ilb-pkg.XXXXXX)
trap 'rm -rf "$T"' EXIT
JOBS=$(nproc)

# The kernel build tree: $KDIR, else that of the checkout's ilb.ko (the
# kernel the VM tests boot), else scripts/kdir.sh's.
if [ -z "${KDIR:-}" ] && [ -f kmod/ilb.ko ]; then
	kv=$(modinfo -F vermagic kmod/ilb.ko | cut -d' ' -f1)
	[ -d "/lib/modules/$kv/build" ] && KDIR=/lib/modules/$kv/build
fi
KDIR=${KDIR:-$(scripts/kdir.sh)}
KVER=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' \
	"$KDIR/include/generated/utsrelease.h" 2>/dev/null)
diag "kernel build tree $KDIR ($KVER)"

# 1. One version.
V=$(sed -n 's/^#define ILB_VERSION[[:space:]]*"\(.*\)"/\1/p' kmod/ilb.h)
VDKMS=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
VDEB=$(dpkg-parsechangelog -S Version)
if [ -n "$V" ] && [ "$V" = "$VDKMS" ] && [ "$V" = "$VDEB" ]; then
	ok "version $V in kmod/ilb.h, dkms.conf and debian/changelog"
else
	fail "versions differ: kmod/ilb.h '$V', dkms.conf '$VDKMS', debian/changelog '$VDEB'"
fi

# 2. make in a clean copy, cmocka out of the compiler's sight: its header
# and libraries are bind-mounted over with /dev/null in a mount namespace.
git ls-files -z --cached --others --exclude-standard |
	tar --null -T - -cf - | tar -xf - -C "$T" --one-top-level=src
hide=$(dpkg -L libcmocka-dev libcmocka0 2>/dev/null |
	grep -E '/(cmocka[^/]*\.h|libcmocka\.[^/]*)$' | while read -r f; do
		[ -f "$f" ] && readlink -f "$f"
	done | sort -u | tr '\n' ' ')
if [ "$(id -u)" != 0 ] || ! unshare -m true 2>/dev/null; then
	skip "make in a clean copy without cmocka" "needs root for a mount namespace"
elif [ -z "$hide" ]; then
	skip "make in a clean copy without cmocka" "libcmocka-dev is not installed: nothing to hide"
else
	# shellcheck disable=SC2016
	unshare -m bash -c '
		set -e
		for f in $1; do mount --bind /dev/null "$f"; done
		make -C "$2" -j"$3" KDIR="$4" all >"$5/make-all.log" 2>&1
		echo "all: $?"
		if make -C "$2" -k unit >"$5/make-unit.log" 2>&1; then
			echo "unit: 0"
		else
			echo "unit: failed"
		fi
	' hide "$hide" "$T/src" "$JOBS" "$KDIR" "$T" >"$T/ns.out" 2>&1
	built=$(cd "$T/src" && ls kmod/ilb.ko build/ilbadm build/ilbsim 2>/dev/null | tr '\n' ' ')
	units=$(find "$T/src/build" -name 'test_*' 2>/dev/null | wc -l)
	diag "hidden: $hide" "$(cat "$T/ns.out")" "built: $built" \
		"make unit: $(grep -m1 'error:' "$T/make-unit.log")" \
		"make -n all names cmocka $(make -n -C "$T/src" KDIR="$KDIR" all 2>/dev/null | grep -c cmocka) times"
	if grep -q '^all: 0$' "$T/ns.out" && grep -q '^unit: failed$' "$T/ns.out" &&
	   [ "$built" = "build/ilbadm build/ilbsim kmod/ilb.ko " ] && [ "$units" = 0 ]; then
		ok "make builds ilb.ko and the tools without cmocka (make unit fails there, as it must)"
	else
		fail "make without cmocka: $(tr '\n' ' ' <"$T/ns.out")"
		tail -n 20 "$T/make-all.log" | sed 's/^/# /'
	fi
fi

# 3. lintian on the packages.
debs=()
for p in ilb-dkms ilb-tools; do
	f=$(ls build/deb/${p}_"$V"_*.deb 2>/dev/null | head -n 1)
	[ -n "$f" ] && debs+=("$f")
done
if [ ${#debs[@]} != 2 ]; then
	fail "build/deb has no ilb-dkms and ilb-tools $V packages (run make deb)"
	for t in verify install dkms-source dkms-build; do
		fail "$t: needs the packages"
	done
	debs=()
else
	lintian --display-info "${debs[@]}" >"$T/lintian.out" 2>/dev/null
	ne=$(grep -c '^E:' "$T/lintian.out")
	nw=$(grep -c '^W:' "$T/lintian.out")
	ni=$(grep -c '^I:' "$T/lintian.out")
	diag "$(cat "$T/lintian.out")"
	if [ "$ne" = 0 ]; then
		ok "lintian ${debs[*]##*/}: $ne errors, $nw warnings, $ni infos"
	else
		fail "lintian: $ne errors, $nw warnings"
	fi
fi

# 4. systemd-analyze verify: the unit of make install (both prefixes) and
# of the package; the ilbadm it names is the one installed with it.
verify() {	# verify ROOT UNIT: systemd-analyze is silent and content
	local out ad
	out=$(systemd-analyze verify --man=no "$1$2" 2>&1) || { echo "$out"; return 1; }
	[ -z "$out" ] || { echo "$out"; return 1; }
	for ad in $(grep -o '/[^ ]*/ilbadm' "$1$2" | sort -u); do
		[ -x "$1$ad" ] || { echo "$2 names $ad, not installed"; return 1; }
	done
}
make -s install-tools DESTDIR="$T/local" >"$T/install-local.log" 2>&1
make -s install KDIR="$KDIR" DESTDIR="$T/inst" PREFIX=/usr UNITDIR=/lib/systemd/system \
	>"$T/install.log" 2>&1
irc=$?
if [ ${#debs[@]} = 2 ]; then
	mkdir -p "$T/deb"
	for d in "${debs[@]}"; do dpkg-deb -x "$d" "$T/deb"; done
	if r1=$(verify "$T/local" /usr/local/lib/systemd/system/ilb.service) &&
	   r2=$(verify "$T/inst" /lib/systemd/system/ilb.service) &&
	   r3=$(verify "$T/deb" /lib/systemd/system/ilb.service); then
		ok "systemd-analyze verify: ilb.service of make install (/usr/local, /usr) and of ilb-tools"
	else
		fail "systemd-analyze verify: ${r1:-}${r2:-}${r3:-}"
	fi
fi

# 5. make install's files are the packages' (but the module), and the same.
if [ ${#debs[@]} = 2 ]; then
	(cd "$T/inst" && find . ! -type d | sed 's|^\.||' | sort) >"$T/inst.list"
	(cd "$T/deb" && find . ! -type d | sed 's|^\.||' | sort) >"$T/deb.list"
	diag "make install:" "$(sed 's/^/  /' "$T/inst.list")"
	grep -v '^/lib/modules/' "$T/inst.list" >"$T/inst.tools"
	grep -v -e '^/usr/src/' -e '^/usr/share/doc/' "$T/deb.list" |
		sed 's|^\(/usr/share/man/.*\)\.gz$|\1|' >"$T/deb.tools"
	same=1
	while read -r f; do
		case $f in
		/usr/sbin/*) continue ;;	# stripped, hardened in the package
		/usr/share/man/*) gzip -dc "$T/deb$f.gz" >"$T/page" ;;
		*) cp "$T/deb$f" "$T/page" ;;
		esac
		cmp -s "$T/inst$f" "$T/page" || { same=0; diag "differs: $f"; }
	done <"$T/inst.tools"
	mod=$(grep -c "^/lib/modules/$KVER/extra/kmod/ilb.ko$" "$T/inst.list")
	if [ $irc = 0 ] && cmp -s "$T/inst.tools" "$T/deb.tools" && [ $same = 1 ] &&
	   [ "$mod" = 1 ]; then
		ok "make install PREFIX=/usr: the $(wc -l <"$T/inst.tools") files of ilb-tools, identical, and /lib/modules/$KVER/extra/kmod/ilb.ko"
	else
		fail "make install (rc $irc) against the packages: $(diff "$T/inst.tools" "$T/deb.tools" | grep '^[<>]' | tr '\n' ' ') module $mod"
		tail -n 5 "$T/install.log" | sed 's/^/# /'
	fi

	# 6. ilb-dkms: every source of the module, dkms.conf for ilb.ko.
	src=/usr/src/ilb-$V
	want=$( (echo dkms.conf; git ls-files Kbuild kmod include) | sort)
	have=$(sed -n "s|^$src/||p" "$T/deb.list" | sort)
	if [ "$want" = "$have" ] &&
	   grep -q '^BUILT_MODULE_NAME\[0\]="ilb"$' "$T/deb$src/dkms.conf"; then
		ok "ilb-dkms ships $src: dkms.conf for ilb.ko and the $(echo "$have" | wc -l) files of the module"
	else
		fail "ilb-dkms $src: $(diff <(echo "$want") <(echo "$have") | grep '^[<>]' | tr '\n' ' ')"
	fi

	# 7. The package's dkms.conf builds as dkms would (make -jN
	# KERNELRELEASE=...), without -Werror; the tree's own build has it.
	mkdir -p "$T/dkms/ilb/$V"
	cp -a "$T/deb$src" "$T/dkms/ilb/$V/build"
	# shellcheck disable=SC2016
	dkmsmake=$(kernel_source_dir=$KDIR dkms_tree=$T/dkms bash -c '
		. "$1/ilb/$2/build/dkms.conf"
		echo "${MAKE[0]}"
		[[ $3 =~ $BUILD_EXCLUSIVE_KERNEL ]] || echo "# $3 excluded" >&2
	' x "$T/dkms" "$V" "$KVER")
	dkmsmake=${dkmsmake/#make/make -j$JOBS KERNELRELEASE=$KVER}
	diag "dkms: $dkmsmake"
	t0=$(date +%s)
	(cd "$T/dkms/ilb/$V/build" && eval "$dkmsmake") >"$T/dkms.log" 2>&1
	drc=$?
	diag "the build took $(($(date +%s) - t0))s here"
	dcmd=$T/dkms/ilb/$V/build/kmod/.main.o.cmd
	tcmd=$T/src/kmod/.main.o.cmd
	if [ $drc = 0 ] && [ -f "$T/dkms/ilb/$V/build/kmod/ilb.ko" ] &&
	   grep -q -- '-DKBUILD_MODNAME' "$dcmd" && ! grep -Eq -- '-Werror( |$)' "$dcmd" &&
	   grep -Eq -- '-Werror( |$)' "$tcmd" 2>/dev/null; then
		ok "dkms.conf's MAKE builds ilb.ko for $KVER without -Werror (make's build has it)"
	else
		fail "dkms build: rc $drc; -Werror in its flags $(grep -Ec -- '-Werror( |$)' "$dcmd" 2>/dev/null), in make's $(grep -Ec -- '-Werror( |$)' "$tcmd" 2>/dev/null)"
		tail -n 10 "$T/dkms.log" | sed 's/^/# /'
	fi
fi

# 8. Completion against the grammar of ilbadm's usage and parser: the
# objects of its usage, each object's verbs as its "unknown verb" error
# lists them, and each verb's keywords of the usage.
ADM=$T/src/build/ilbadm
[ -x "$ADM" ] || ADM=build/ilbadm
python3 - "$ADM" tools/ilbadm/ilbadm.bash-completion >"$T/comp.out" 2>&1 <<'PY'
import re, subprocess, sys
adm, comp = sys.argv[1], sys.argv[2]
usage = subprocess.run([adm, "-h"], capture_output=True, text=True).stdout
cmds, cur = [], None
for line in usage.splitlines():
    if line.startswith("  ilbadm "):
        cur = line.split()[1:]
        cmds.append(cur)
    elif cur is not None and line.startswith("       ") and "ilbadm" not in line:
        cur += line.split()
    else:
        cur = None

def complete(line):
    out = subprocess.run(["bash", "-c", '. "$1"; COMP_LINE=$2; COMP_POINT=${#2}; '
                          '_ilbadm; printf "%s\\n" "${COMPREPLY[@]}"',
                          "x", comp, line], capture_output=True, text=True)
    return set(w for w in out.stdout.split("\n") if w)

bad = 0
def check(what, want, got):
    global bad
    status = "ok" if want == got else "DIFFERS"
    if want != got:
        bad += 1
    print("%s: %s: usage %s, completion %s" % (status, what, " ".join(sorted(want)),
                                              " ".join(sorted(got))))

objects = []
for c in cmds:
    if c[0] not in objects:
        objects.append(c[0])
check("objects", set(objects), complete("ilbadm "))
dummy = {"PROTO": "tcp", "VIP:PORT": "198.51.100.1:80", "RIP[:RPORT]": "198.18.3.101"}
for o in objects:
    err = subprocess.run([adm, o, "zz"], capture_output=True, text=True).stderr
    m = re.search(r'unknown verb "zz" \(([^)]*)\)', err)
    verbs = set(m.group(1).split(", ")) if m else set()
    # an object that takes a file (apply FILE [dry-run]): its keywords
    # come after the file
    use = [c for c in cmds if c[0] == o]
    if not verbs and use and len(use[0]) > 1 and re.match(r"[A-Z]", use[0][1]):
        kws = set(t.strip("[]") for t in use[0][2:]
                  if re.fullmatch(r"\[?[a-z][a-z-]*\]?", t))
        check(o + " keywords after its file", kws,
              complete("ilbadm %s some.conf " % o))
        continue
    check(o + " verbs", verbs, complete("ilbadm %s " % o))
    for c in cmds:
        if c[0] != o or len(c) < 2 or not verbs:
            continue
        pos, kws, i = [], set(), 2
        while i < len(c) and c[i] in dummy:
            pos.append(dummy[c[i]])
            i += 1
        toks = c[i:]
        for j, t in enumerate(toks):
            w = t.strip("[]|.")
            nxt = toks[j + 1] if j + 1 < len(toks) else ""
            if re.fullmatch(r"[a-z][a-z-]*", w) and (
                    re.match(r"[A-Z]", nxt) or "|" in nxt or w == "insecure"):
                kws.add(w)
        if not kws:
            continue
        for v in c[1].strip("[]").split("|"):
            check("%s %s keywords" % (o, v), kws,
                  complete("ilbadm %s %s %s " % (o, v, " ".join(pos))))
print("bad", bad)
PY
if grep -q '^bad 0$' "$T/comp.out"; then
	ok "completion: the objects, verbs and keywords of ilbadm's usage ($(grep -c '^ok:' "$T/comp.out") sets)"
else
	fail "completion differs from ilbadm's grammar"
fi
diag "$(grep -v '^bad ' "$T/comp.out")"

# 9. 'ilbadm ser<TAB>', as bash calls the function (COMP_WORDS, COMP_CWORD).
# shellcheck disable=SC2016
got=$(bash -c '. tools/ilbadm/ilbadm.bash-completion
	COMP_WORDS=(ilbadm ser) COMP_CWORD=1
	_ilbadm
	printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "')
if [ "$got" = "server service " ]; then
	ok "completion: 'ilbadm ser' offers server and service"
else
	fail "completion: 'ilbadm ser' offers '$got'"
fi

# 10. make uninstall takes back everything make install put there.
make -s uninstall KDIR="$KDIR" DESTDIR="$T/inst" PREFIX=/usr \
	UNITDIR=/lib/systemd/system >"$T/uninstall.log" 2>&1
urc=$?
left=$(cd "$T/inst" 2>/dev/null && find . ! -type d | sed 's|^\.||')
if [ $irc = 0 ] && [ $urc = 0 ] && [ -s "$T/inst.list" ] && [ -z "$left" ]; then
	ok "make uninstall removes the $(wc -l <"$T/inst.list") files of make install"
else
	fail "make uninstall: rc $urc, left: $(echo "$left" | tr '\n' ' ')"
fi

[ $_failed = 0 ] && exit 0
exit 1
