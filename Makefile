# SPDX-License-Identifier: GPL-2.0
# ilb - clustered layer-4 load balancer.
#
#   make            build kmod/ilb.ko (W=1) and the userspace tools
#   make unit       build the cmocka unit tests (make check runs them)
#   make check      install deps, build, run style, unit and VM tests
#   make install    the module (modules_install, depmod), ilbadm, its man
#                   pages, bash completion and ilb.service; DESTDIR, PREFIX
#   make uninstall  remove what make install installed
#   make deb        build/deb/ilb-dkms_*.deb and ilb-tools_*.deb
#   make demo       boot the VM and show ilb working
#   make bench      plain forwarding vs IPVS vs ilb, one VM boot
#   make bench-cluster  the cluster's figures (failover, detection, sync), one VM boot
#   make bench-wire the MAC's CPU cost per cluster message (userspace, quick)
#   make sim        print the ownership simulator's table
#   make checkpatch run the kernel's checkpatch.pl on kmod/ and include/
#   make fuzz       libFuzzer on the cluster wire parser for 60 s (clang)
#   make check-debug  the VM suite on a KASAN/lockdep/kmemleak kernel (slow)

SHELL := /bin/bash
KDIR ?= $(shell scripts/kdir.sh)
BUILD := build
CC ?= gcc
USER_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Iinclude -iquote kmod $(CFLAGS)
CORE_SRC := kmod/hash.c kmod/owner.c kmod/wire.c kmod/replay.c kmod/rules.c
CORE_HDR := kmod/hash.h kmod/owner.h kmod/wire.h kmod/replay.h kmod/rules.h \
	include/uapi/linux/ilb.h
# Userspace's ilb_wire_mac() (the module's uses lib/crypto): OpenSSL 3.
MAC_SRC := tests/unit/mac_openssl.c
MAC_LIBS := -lcrypto
# kbuild writes kmod/ilb.mod.c: it is an output, not a source
KMOD_SRC := $(filter-out %.mod.c,$(wildcard kmod/*.c kmod/*.h)) kmod/Kbuild Kbuild

UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))
TOOLS := $(BUILD)/ilbadm $(BUILD)/ilbsim
# What only the tests and benchmarks use (cmocka, libb2): built by make check.
TEST_TOOLS := $(BUILD)/tests/nlbad $(BUILD)/udpflood $(BUILD)/wirebench
ILBADM_SRC := $(wildcard tools/ilbadm/*.c)
ILBADM_HDR := $(wildcard tools/ilbadm/*.h)
NL_CFLAGS = $(shell pkg-config --cflags libnl-genl-3.0)
NL_LIBS = $(shell pkg-config --libs libnl-genl-3.0)

.PHONY: all module modules-all ktree tools unit check demo bench bench-cluster \
	bench-wire sim checkpatch deps deps-test clean fuzz debug-kernel \
	module-debug check-debug

.PHONY: ilbadm man install install-module install-tools install-dkms uninstall deb

# The module's version (kmod/ilb.h), also that of the packages.
VERSION := $(shell sed -n 's/^\#define ILB_VERSION[[:space:]]*"\(.*\)"/\1/p' kmod/ilb.h)

# make install: the module under /lib/modules/KVER/$(INSTALL_MOD_DIR), the
# rest under $(PREFIX). The Debian package uses PREFIX=/usr and
# UNITDIR=/lib/systemd/system (debian/rules).
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
UNITDIR ?= $(PREFIX)/lib/systemd/system
INSTALL_MOD_DIR ?= extra
INSTALL ?= install
# What an ilb-dkms package ships under /usr/src/ilb-$(VERSION).
DKMS_SRC := Kbuild dkms.conf include/uapi/linux/ilb.h kmod/Kbuild \
	$(sort $(filter-out %.mod.c,$(wildcard kmod/*.c kmod/*.h)))
MAN_PAGES := $(BUILD)/man/ilbadm.8 $(BUILD)/man/ilb.7

all: module tools

module: $(BUILD)/module-build.log

$(BUILD)/module-build.log: $(KMOD_SRC) include/uapi/linux/ilb.h
	@mkdir -p $(BUILD)
	@test -n "$(KDIR)" || { echo "no kernel build tree: run scripts/deps.sh"; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules 2>&1 | tee $@.tmp; \
		rc=$${PIPESTATUS[0]}; [ $$rc = 0 ] && mv $@.tmp $@ || { rm -f $@.tmp; exit $$rc; }

# ilb.ko for every kernel line that scripts/kernels finds (6.1, 6.12): the
# one KDIR points at in kmod/, each other one in its own copy of the sources
# under build/ktree/KVER/, so that the builds share no objects.
KVERS ?= $(shell scripts/kernels)
KDIR_KVER = $(notdir $(patsubst %/build,%,$(KDIR)))
modules-all: module
	@for v in $(filter-out $(KDIR_KVER),$(KVERS)); do \
		$(MAKE) --no-print-directory ktree KVER=$$v || exit 1; done

KTREE = $(BUILD)/ktree/$(KVER)
ktree:
	@test -n "$(KVER)" || { echo "ktree: KVER is not set"; exit 1; }
	@test -d /lib/modules/$(KVER)/build || \
		{ echo "ktree: no build tree for $(KVER)"; exit 1; }
	@mkdir -p $(KTREE)/kmod $(KTREE)/include/uapi/linux
	@cp -a Kbuild $(KTREE)/ && cp -a kmod/*.c kmod/*.h kmod/Kbuild $(KTREE)/kmod/ && \
		cp -a include/uapi/linux/ilb.h $(KTREE)/include/uapi/linux/
	$(MAKE) -C /lib/modules/$(KVER)/build M=$(CURDIR)/$(KTREE) W=1 modules \
		2>&1 | tee $(KTREE)/build.log.tmp; \
		rc=$${PIPESTATUS[0]}; [ $$rc = 0 ] && mv $(KTREE)/build.log.tmp $(KTREE)/build.log || \
		{ rm -f $(KTREE)/build.log.tmp; exit $$rc; }

# The debug-kernel tier: scripts/debug-kernel builds Debian's 6.1 source
# once with KASAN, lockdep, debugobjects, kmemleak and UBSAN, everything
# built in, into build/debug-kernel/; ilb.ko is built for it in its own copy
# of the sources (as ktree does), with debug info (-g) so that its frames in
# a splat decode to lines (the kernel's scripts/decode_stacktrace.sh).
DKERNEL := $(BUILD)/debug-kernel
DKTREE := $(DKERNEL)/ilb
debug-kernel:
	@scripts/debug-kernel

module-debug: debug-kernel
	@mkdir -p $(DKTREE)/kmod $(DKTREE)/include/uapi/linux
	@cp -a Kbuild $(DKTREE)/ && cp -a kmod/*.c kmod/*.h kmod/Kbuild $(DKTREE)/kmod/ && \
		cp -a include/uapi/linux/ilb.h $(DKTREE)/include/uapi/linux/
	$(MAKE) -C $(DKERNEL)/linux M=$(CURDIR)/$(DKTREE) W=1 KCFLAGS=-g modules \
		2>&1 | tee $(DKTREE)/build.log.tmp; \
		rc=$${PIPESTATUS[0]}; [ $$rc = 0 ] && mv $(DKTREE)/build.log.tmp $(DKTREE)/build.log || \
		{ rm -f $(DKTREE)/build.log.tmp; exit $$rc; }

tools: $(TOOLS)

$(BUILD)/ilbsim: $(wildcard tools/ilbsim/*.[ch]) $(CORE_SRC) $(CORE_HDR) $(MAC_SRC)
	@mkdir -p $(BUILD)
	$(CC) $(USER_CFLAGS) -o $@ $(wildcard tools/ilbsim/*.c) $(CORE_SRC) $(MAC_SRC) \
		$(MAC_LIBS) -lm

# The MAC's CPU cost per message (the core's codec, libb2's BLAKE2s).
$(BUILD)/wirebench: tools/wirebench/wirebench.c tools/wirebench/mac_libb2.c \
		$(CORE_SRC) $(CORE_HDR)
	@mkdir -p $(BUILD)
	$(CC) $(USER_CFLAGS) -o $@ tools/wirebench/wirebench.c \
		tools/wirebench/mac_libb2.c $(CORE_SRC) -lb2

ilbadm: $(BUILD)/ilbadm

# CPPFLAGS and LDFLAGS: a package build's hardening flags.
$(BUILD)/ilbadm: $(ILBADM_SRC) $(ILBADM_HDR) include/uapi/linux/ilb.h
	@mkdir -p $(BUILD)
	$(CC) $(USER_CFLAGS) $(CPPFLAGS) $(NL_CFLAGS) -o $@ $(ILBADM_SRC) \
		$(LDFLAGS) $(NL_LIBS) -lcrypto

# Raw generic netlink fuzz cases, run in the VM (not a unit test: no test_).
$(BUILD)/tests/nlbad: tests/net/nlbad.c include/uapi/linux/ilb.h
	@mkdir -p $(BUILD)/tests
	$(CC) $(USER_CFLAGS) -o $@ $<

$(BUILD)/udpflood: tools/udpflood.c
	@mkdir -p $(BUILD)
	$(CC) $(USER_CFLAGS) -o $@ $<

unit: $(UNIT_TESTS) $(TEST_TOOLS)

# The parser's tests link tools/ilbadm/parse.c and keyfile.c, not the
# ownership core.
$(BUILD)/tests/test_ilbadm_parse: tests/unit/test_ilbadm_parse.c \
		tools/ilbadm/parse.c tools/ilbadm/parse.h \
		tools/ilbadm/keyfile.c tools/ilbadm/keyfile.h include/uapi/linux/ilb.h
	@mkdir -p $(BUILD)/tests
	$(CC) $(USER_CFLAGS) -Itools/ilbadm -o $@ $< tools/ilbadm/parse.c \
		tools/ilbadm/keyfile.c -lcmocka -lcrypto

# apply's configurations and diff link tools/ilbadm/diff.c and parse.c.
$(BUILD)/tests/test_ilbadm_diff: tests/unit/test_ilbadm_diff.c \
		tools/ilbadm/diff.c tools/ilbadm/diff.h tools/ilbadm/parse.c \
		tools/ilbadm/parse.h include/uapi/linux/ilb.h
	@mkdir -p $(BUILD)/tests
	$(CC) $(USER_CFLAGS) -Itools/ilbadm -o $@ $< tools/ilbadm/diff.c \
		tools/ilbadm/parse.c -lcmocka

$(BUILD)/tests/test_%: tests/unit/test_%.c $(CORE_SRC) $(CORE_HDR) $(MAC_SRC)
	@mkdir -p $(BUILD)/tests
	$(CC) $(USER_CFLAGS) -o $@ $< $(CORE_SRC) $(MAC_SRC) -lcmocka \
		$(MAC_LIBS) -lm

deps:
	@scripts/deps.sh build

deps-test:
	@scripts/deps.sh test

check: deps-test
	@$(MAKE) --no-print-directory all unit modules-all
	@scripts/check

# Not part of check: the kernel build takes a while once, the run hours.
check-debug: deps-test
	@$(MAKE) --no-print-directory tools unit module-debug
	@scripts/check-debug

demo: deps-test
	@$(MAKE) --no-print-directory all
	@scripts/demo

bench: deps-test
	@$(MAKE) --no-print-directory all
	@scripts/vm-run -t 1800 scripts/vm/bench.sh

bench-cluster: deps-test
	@$(MAKE) --no-print-directory all
	@scripts/vm-run -t 1800 scripts/vm/bench-cluster.sh

bench-wire: $(BUILD)/wirebench
	$(BUILD)/wirebench

sim: $(BUILD)/ilbsim
	$(BUILD)/ilbsim

checkpatch: deps-test
	@for f in kmod/*.c kmod/*.h include/uapi/linux/*.h; do \
		case $$f in *.mod.c) continue ;; esac; \
		perl $(BUILD)/checkpatch/scripts/checkpatch.pl --no-tree -f -q $$f; \
	done

# The wire parser under libFuzzer with ASan and UBSan; the corpus grows in
# build/fuzz/corpus across runs, seeded from build/fuzz/seeds (valid
# messages of every kind, written by fuzz_wire.c built as a program).
# Needs clang; skipped (exit 0) without it.
FUZZ_SECONDS ?= 60
FUZZ_SRC := tests/fuzz/fuzz_wire.c kmod/wire.c $(MAC_SRC)
fuzz:
	@if ! command -v clang >/dev/null 2>&1; then \
		echo "fuzz: clang is not installed, skipping"; exit 0; fi; \
	mkdir -p $(BUILD)/fuzz/corpus $(BUILD)/fuzz/seeds && \
	clang -std=gnu11 -O1 -g -Wall -Wextra -Werror -Iinclude -iquote kmod \
		-DFUZZ_WIRE_SEEDS -o $(BUILD)/fuzz/fuzz_wire_seeds \
		$(FUZZ_SRC) $(MAC_LIBS) && \
	$(BUILD)/fuzz/fuzz_wire_seeds $(BUILD)/fuzz/seeds && \
	clang -std=gnu11 -O1 -g -Iinclude -iquote kmod \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $(BUILD)/fuzz/fuzz_wire $(FUZZ_SRC) $(MAC_LIBS) && \
	$(BUILD)/fuzz/fuzz_wire -max_total_time=$(FUZZ_SECONDS) \
		-max_len=4096 \
		-artifact_prefix=$(BUILD)/fuzz/ $(BUILD)/fuzz/corpus \
		$(BUILD)/fuzz/seeds

# Manual pages from reStructuredText (python3-docutils): ilbadm(8) is
# Documentation/ilbadm.rst, ilb(7) Documentation/ilb.rst.
man: $(MAN_PAGES)

$(BUILD)/man/ilbadm.8: Documentation/man/ilbadm.8.rst Documentation/ilbadm.rst
$(BUILD)/man/ilb.7: Documentation/ilb.rst
$(MAN_PAGES):
	@mkdir -p $(BUILD)/man
	rst2man --halt=warning --no-generator --no-datestamp $< $@.tmp && \
		mv $@.tmp $@

install: install-module install-tools

# The kernel's modules_install puts kmod/ilb.ko in
# /lib/modules/KVER/$(INSTALL_MOD_DIR)/kmod/ (signed only if the build tree
# has the signing key); depmod, except into a DESTDIR.
install-module: module
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_PATH=$(DESTDIR) \
		INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) \
		$(if $(wildcard $(KDIR)/certs/signing_key.x509),,CONFIG_MODULE_SIG_ALL=) \
		modules_install
	@kver=$$(modinfo -F vermagic kmod/ilb.ko | cut -d' ' -f1); \
	dir=$(DESTDIR)/lib/modules/$$kver/$(INSTALL_MOD_DIR)/kmod; ko=; \
	for f in ilb.ko ilb.ko.xz ilb.ko.zst ilb.ko.gz; do \
		[ -f "$$dir/$$f" ] && ! [ kmod/ilb.ko -nt "$$dir/$$f" ] && \
			ko=$$dir/$$f; \
	done; \
	[ -n "$$ko" ] || \
		{ echo "install-module: $$dir/ilb.ko not installed" \
		"(modules.order names $$(cat modules.order))"; exit 1; }; \
	echo "install-module: $$ko"; \
	if [ -z "$(DESTDIR)" ]; then \
		echo "depmod $$kver"; depmod "$$kver"; \
	else \
		echo "install-module: DESTDIR set, run depmod $$kver on the target"; \
	fi

install-tools: $(BUILD)/ilbadm $(MAN_PAGES)
	$(INSTALL) -D -m 0755 $(BUILD)/ilbadm $(DESTDIR)$(SBINDIR)/ilbadm
	$(INSTALL) -D -m 0644 $(BUILD)/man/ilbadm.8 $(DESTDIR)$(MANDIR)/man8/ilbadm.8
	$(INSTALL) -D -m 0644 $(BUILD)/man/ilb.7 $(DESTDIR)$(MANDIR)/man7/ilb.7
	$(INSTALL) -D -m 0644 tools/ilbadm/ilbadm.bash-completion \
		$(DESTDIR)$(COMPLETIONDIR)/ilbadm
	@mkdir -p $(DESTDIR)$(UNITDIR)
	sed 's|@SBINDIR@|$(SBINDIR)|g' tools/systemd/ilb.service.in \
		>$(DESTDIR)$(UNITDIR)/ilb.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/ilb.service

# The module's source as DKMS builds it (dkms.conf), for debian/rules.
install-dkms:
	@for f in $(DKMS_SRC); do \
		echo "$(INSTALL) -D -m 0644 $$f $(DESTDIR)/usr/src/ilb-$(VERSION)/$$f"; \
		$(INSTALL) -D -m 0644 $$f $(DESTDIR)/usr/src/ilb-$(VERSION)/$$f || exit 1; \
	done

uninstall:
	@kver=$$(modinfo -F vermagic kmod/ilb.ko 2>/dev/null | cut -d' ' -f1); \
	[ -n "$$kver" ] || kver=$$(uname -r); \
	d=$(DESTDIR)/lib/modules/$$kver/$(INSTALL_MOD_DIR); \
	rm -fv "$$d"/kmod/ilb.ko "$$d"/kmod/ilb.ko.*; rmdir "$$d/kmod" 2>/dev/null; \
	[ -n "$(DESTDIR)" ] || depmod "$$kver"
	rm -fv $(DESTDIR)$(SBINDIR)/ilbadm $(DESTDIR)$(MANDIR)/man8/ilbadm.8 \
		$(DESTDIR)$(MANDIR)/man7/ilb.7 $(DESTDIR)$(COMPLETIONDIR)/ilbadm \
		$(DESTDIR)$(UNITDIR)/ilb.service

# Binary packages from a copy of the tree (git's files, as they are in the
# work tree): dpkg-buildpackage writes next to the copy, under build/deb.
deb:
	@test -n "$(VERSION)" || { echo "deb: no ILB_VERSION in kmod/ilb.h"; exit 1; }
	rm -rf $(BUILD)/deb
	mkdir -p $(BUILD)/deb/src/ilb-$(VERSION)
	git ls-files -z --cached --others --exclude-standard | \
		tar --null -T - -cf - | tar -xf - -C $(BUILD)/deb/src/ilb-$(VERSION)
	cd $(BUILD)/deb/src/ilb-$(VERSION) && \
		dpkg-buildpackage -b -us -uc >../dpkg-buildpackage.log 2>&1 || \
		{ tail -n 40 ../dpkg-buildpackage.log; exit 1; }
	mv $(BUILD)/deb/src/*.deb $(BUILD)/deb/src/*.buildinfo \
		$(BUILD)/deb/src/*.changes $(BUILD)/deb/src/dpkg-buildpackage.log \
		$(BUILD)/deb/
	rm -rf $(BUILD)/deb/src
	@ls -l $(BUILD)/deb/*.deb

clean:
	@test -z "$(KDIR)" || $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf $(BUILD)
