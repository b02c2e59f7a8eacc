# SPDX-License-Identifier: GPL-2.0
# ilb - clustered layer-4 load balancer.
#
#   make            build kmod/ilb.ko (W=1) and the userspace tools
#   make check      install deps, build, run style, unit and VM tests
#   make demo       boot the VM and show ilb working
#   make bench      plain forwarding vs IPVS vs ilb, one VM boot
#   make bench-cluster  the cluster's figures (failover, detection, sync), one VM boot
#   make bench-wire the MAC's CPU cost per cluster message (userspace, quick)
#   make sim        print the ownership simulator's table
#   make checkpatch run the kernel's checkpatch.pl on kmod/ and include/
#   make fuzz       libFuzzer on the cluster wire parser for 60 s (clang)

SHELL := /bin/bash
KDIR ?= $(shell scripts/kdir.sh)
BUILD := build
CC ?= gcc
USER_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Iinclude -Ikmod $(CFLAGS)
CORE_SRC := kmod/hash.c kmod/owner.c kmod/wire.c kmod/replay.c
CORE_HDR := kmod/hash.h kmod/owner.h kmod/wire.h kmod/replay.h \
	include/uapi/linux/ilb.h
# Userspace's ilb_wire_mac() (the module's uses lib/crypto): OpenSSL 3.
MAC_SRC := tests/unit/mac_openssl.c
MAC_LIBS := -lcrypto
KMOD_SRC := $(wildcard kmod/*.c kmod/*.h) kmod/Kbuild Kbuild

UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))
TOOLS := $(BUILD)/ilbsim $(BUILD)/ilbadm $(BUILD)/tests/nlbad $(BUILD)/udpflood \
	$(BUILD)/wirebench
ILBADM_SRC := $(wildcard tools/ilbadm/*.c)
ILBADM_HDR := $(wildcard tools/ilbadm/*.h)
NL_CFLAGS = $(shell pkg-config --cflags libnl-genl-3.0)
NL_LIBS = $(shell pkg-config --libs libnl-genl-3.0)

.PHONY: all module tools unit check demo bench bench-cluster bench-wire sim checkpatch deps clean fuzz

all: module tools unit

module: $(BUILD)/module-build.log

$(BUILD)/module-build.log: $(KMOD_SRC) include/uapi/linux/ilb.h
	@mkdir -p $(BUILD)
	@test -n "$(KDIR)" || { echo "no kernel build tree: run scripts/deps.sh"; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules 2>&1 | tee $@.tmp; \
		rc=$${PIPESTATUS[0]}; [ $$rc = 0 ] && mv $@.tmp $@ || { rm -f $@.tmp; exit $$rc; }

tools: $(TOOLS)

$(BUILD)/ilbsim: tools/ilbsim/ilbsim.c $(CORE_SRC) $(CORE_HDR) $(MAC_SRC)
	@mkdir -p $(BUILD)
	$(CC) $(USER_CFLAGS) -o $@ tools/ilbsim/ilbsim.c $(CORE_SRC) $(MAC_SRC) \
		$(MAC_LIBS) -lm

# The MAC's CPU cost per message (the core's codec, libb2's BLAKE2s).
$(BUILD)/wirebench: tools/wirebench/wirebench.c tools/wirebench/mac_libb2.c \
		$(CORE_SRC) $(CORE_HDR)
	@mkdir -p $(BUILD)
	$(CC) $(USER_CFLAGS) -o $@ tools/wirebench/wirebench.c \
		tools/wirebench/mac_libb2.c $(CORE_SRC) -lb2

$(BUILD)/ilbadm: $(ILBADM_SRC) $(ILBADM_HDR) include/uapi/linux/ilb.h
	@mkdir -p $(BUILD)
	$(CC) $(USER_CFLAGS) $(NL_CFLAGS) -o $@ $(ILBADM_SRC) $(NL_LIBS) -lcrypto

# Raw generic netlink fuzz cases, run in the VM (not a unit test: no test_).
$(BUILD)/tests/nlbad: tests/net/nlbad.c include/uapi/linux/ilb.h
	@mkdir -p $(BUILD)/tests
	$(CC) $(USER_CFLAGS) -o $@ $<

$(BUILD)/udpflood: tools/udpflood.c
	@mkdir -p $(BUILD)
	$(CC) $(USER_CFLAGS) -o $@ $<

unit: $(UNIT_TESTS)

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
	@scripts/deps.sh

check: deps
	@$(MAKE) --no-print-directory all
	@scripts/check

demo: deps
	@$(MAKE) --no-print-directory all
	@scripts/demo

bench: deps
	@$(MAKE) --no-print-directory all
	@scripts/vm-run -t 1800 scripts/vm/bench.sh

bench-cluster: deps
	@$(MAKE) --no-print-directory all
	@scripts/vm-run -t 1800 scripts/vm/bench-cluster.sh

bench-wire: $(BUILD)/wirebench
	$(BUILD)/wirebench

sim: $(BUILD)/ilbsim
	$(BUILD)/ilbsim

checkpatch: deps
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
	clang -std=gnu11 -O1 -g -Wall -Wextra -Werror -Iinclude -Ikmod \
		-DFUZZ_WIRE_SEEDS -o $(BUILD)/fuzz/fuzz_wire_seeds \
		$(FUZZ_SRC) $(MAC_LIBS) && \
	$(BUILD)/fuzz/fuzz_wire_seeds $(BUILD)/fuzz/seeds && \
	clang -std=gnu11 -O1 -g -Iinclude -Ikmod \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $(BUILD)/fuzz/fuzz_wire $(FUZZ_SRC) $(MAC_LIBS) && \
	$(BUILD)/fuzz/fuzz_wire -max_total_time=$(FUZZ_SECONDS) \
		-max_len=4096 \
		-artifact_prefix=$(BUILD)/fuzz/ $(BUILD)/fuzz/corpus \
		$(BUILD)/fuzz/seeds

clean:
	@test -z "$(KDIR)" || $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf $(BUILD)
