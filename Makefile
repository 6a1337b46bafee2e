# SCC — build, run, test.  `make` builds; `make run`, `make test`, `make bench`.
# See README.md.  Nothing of nginx is vendored: the module is built against
# Debian's nginx-dev tree, copied into build/.

SHELL      := /bin/bash
TOP        := $(CURDIR)
BUILD      := build
NGX_SRC    ?= /usr/share/nginx/src
NGX_BUILD  := $(BUILD)/nginx
MODULE_SO  := $(BUILD)/ngx_http_scc_module.so
WORKER_BIN := $(BUILD)/scc-worker

# Compiler flags, defined once.  The module takes nginx's own flags (below);
# everything else we compile (the worker, the unit tests, the fuzz targets)
# takes STD and the include and library flags of the libraries it uses.
# -MMD -MP write a .d file of header dependencies beside each object.
CC         ?= cc
PKGS       := libpq yajl libcurl libcrypto gmime-3.0
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS)) -lm
CFLAGS     ?= -O2 -g
WARN       := -Wall -Wextra -Werror
STD        := -std=gnu11 -D_GNU_SOURCE
DEPFLAGS    = -MMD -MP
WCFLAGS     = $(CFLAGS) $(WARN) $(STD) -Iworker $(PKG_CFLAGS)

MODULE_C   := $(wildcard ngx_scc_module/*.c)
MODULE_H   := $(wildcard ngx_scc_module/*.h)
WORKER_C   := $(wildcard worker/*.c)
WORKER_O   := $(patsubst worker/%.c,$(BUILD)/worker/%.o,$(WORKER_C))
WORKER_LIB_O := $(filter-out $(BUILD)/worker/main.o,$(WORKER_O))

.PHONY: all module worker clean
all: module worker

module: $(MODULE_SO)
worker: $(WORKER_BIN)

# nginx's own flags (conf_flags) keep the module binary-compatible with
# /usr/sbin/nginx; -W (= -Wextra) -Wall -Werror are nginx's defaults already,
# nginx adds -Wno-unused-parameter for handler signatures.
$(NGX_BUILD)/objs/Makefile: config
	@test -d $(NGX_SRC) || { echo "nginx-dev is not installed (apt-get install nginx-dev)"; exit 1; }
	rm -rf $(NGX_BUILD) && mkdir -p $(BUILD) && cp -r $(NGX_SRC) $(NGX_BUILD)
	cd $(NGX_BUILD) && . ./conf_flags && ./configure "$${NGX_CONF_FLAGS[@]}" \
	    --with-cc-opt="-Wextra -Werror" --add-dynamic-module=$(TOP) > configure.log

$(MODULE_SO): $(NGX_BUILD)/objs/Makefile $(MODULE_C) $(MODULE_H)
	$(MAKE) -s -C $(NGX_BUILD) -f objs/Makefile modules
	@# a new inode: running nginx processes keep the code they have mapped
	cp $(NGX_BUILD)/objs/ngx_http_scc_module.so $@.new && mv -f $@.new $@

$(BUILD)/worker/%.o: worker/%.c $(BUILD)/worker/%.d
	@mkdir -p $(dir $@)
	$(CC) $(WCFLAGS) $(DEPFLAGS) -c $< -o $@

$(WORKER_BIN): $(WORKER_O)
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS)

clean:
	rm -rf $(BUILD)

# ---- unit tests (cmocka) ---------------------------------------------------
# tests/unit/test_ngx_*.c test the module's pure files (no nginx runtime:
# route matching, body validation, JWT); they compile against the configured
# nginx headers and link the objects in build/unit/libsccngx.a.
# Every other tests/unit/test_*.c links build/unit/libsccworker.a (all of
# worker/ but main.c).  Run with `make unit`; TAP output, one binary a file.
NGX_INCS    = -I$(NGX_BUILD)/src/core -I$(NGX_BUILD)/src/event \
              -I$(NGX_BUILD)/src/event/modules -I$(NGX_BUILD)/src/os/unix \
              -I$(NGX_BUILD)/objs -I$(NGX_BUILD)/src/http \
              -I$(NGX_BUILD)/src/http/modules -I$(NGX_BUILD)/src/http/v2 \
              -Ingx_scc_module \
              $(shell pkg-config --cflags-only-I libpq)
MODULE_PURE_C := $(wildcard $(addprefix ngx_scc_module/ngx_http_scc_, \
                   route.c role.c json.c jwt.c jwt_parse.c jwt_cache.c \
                   base64url.c metrics_text.c))
MODULE_PURE_O := $(patsubst ngx_scc_module/%.c,$(BUILD)/unit/%.o,$(MODULE_PURE_C))
UNIT_C      := $(wildcard tests/unit/test_*.c)
UNIT_NGX_C  := $(filter tests/unit/test_ngx_%,$(UNIT_C))
UNIT_W_C    := $(filter-out $(UNIT_NGX_C),$(UNIT_C))
UNIT_BINS   := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(UNIT_C))
UNIT_CFLAGS  = $(CFLAGS) $(WARN) -Wno-unused-parameter $(DEPFLAGS) \
               -DSCC_VECTORS='"$(TOP)/tests/vectors"'

$(BUILD)/unit/ngx_%.o: ngx_scc_module/ngx_%.c $(BUILD)/unit/ngx_%.d \
                      $(NGX_BUILD)/objs/Makefile
	@mkdir -p $(dir $@)
	$(CC) $(UNIT_CFLAGS) $(NGX_INCS) -c $< -o $@

$(BUILD)/unit/libsccngx.a: $(MODULE_PURE_O)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/unit/libsccworker.a: $(WORKER_LIB_O)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/unit/test_ngx_%: tests/unit/test_ngx_%.c $(BUILD)/unit/test_ngx_%.d \
                         $(BUILD)/unit/libsccngx.a
	$(CC) $(UNIT_CFLAGS) $(NGX_INCS) $< -o $@ $(BUILD)/unit/libsccngx.a \
	    -lcmocka $(PKG_LIBS)

$(BUILD)/unit/test_%: tests/unit/test_%.c $(BUILD)/unit/test_%.d \
                     $(BUILD)/unit/libsccworker.a
	$(CC) $(UNIT_CFLAGS) $(STD) -Iworker $(PKG_CFLAGS) $< -o $@ \
	    $(BUILD)/unit/libsccworker.a -lcmocka $(PKG_LIBS)

.PHONY: unit
unit: $(UNIT_BINS)
	@rc=0; for t in $(UNIT_BINS); do \
	    CMOCKA_MESSAGE_OUTPUT=TAP $$t || rc=1; done; exit $$rc

# ---- set-up, running, testing (conf/deps, conf/stack, tests/run) ------------
# `make run` / `make up` keep their stack in var/ (port SCC_PORT, default 8080);
# `make test` makes its own in var/test-XXXXXX on a free port, so both can run
# at once.  Each step is sequential on purpose (deps before anything compiles).
SCC_PORT   ?= 8080
STACK      := conf/stack

.PHONY: deps up down run test bench schema openapi
deps:
	@conf/deps

up: deps
	@$(MAKE) --no-print-directory all
	@$(STACK) up --dir var --port $(SCC_PORT)
	@echo "SCC is up: http://127.0.0.1:$(SCC_PORT)/  (make down stops it)"
	@link="$$($(STACK) demo-link --dir var)" && echo "Demo admin (admin@scc.example), sign in with: $$link"

down:
	@$(STACK) down --dir var

# Foreground until Ctrl-C: conf/stack run (up, the demo link, wait, down).
run: deps
	@$(MAKE) --no-print-directory all
	@$(STACK) run --dir var --port $(SCC_PORT)

test: deps
	@$(MAKE) --no-print-directory all
	@tests/run

# sql/schema.sql, the schema as the migrations leave it (a throwaway stack).
schema: deps
	@$(MAKE) --no-print-directory all
	@sql/snapshot

# frontend/api/openapi.json, the API's description, from docs/api/openapi.mjs
# and the module's route table (tests/api/openapi.test.js checks it is current).
openapi:
	@node docs/api/openapi.mjs

# Not part of `make test`: wrk and pgbench on a dedicated stack.
bench: deps
	@$(MAKE) --no-print-directory all
	@tests/bench/run

# ---- Debian packages (helper Q1) ---------------------------------------------
# `make deb`: libnginx-mod-http-scc and scc-worker into build/deb/ with
# dpkg-buildpackage on a copy of the tree, then lintian (conf/deb; cached by
# source hash: nothing is rebuilt while the sources are the same).
.PHONY: deb
deb: deps
	@conf/deb
# ---- end Debian packages (helper Q1) -----------------------------------------

# ---- fuzzing (libFuzzer, ASan + UBSan) ---------------------------------------
# tests/fuzz/fuzz_ngx_*.c fuzz the module's pure files, the others the
# worker's parsers; each target is built from the sources themselves, so the
# fuzzer sees their coverage.  `make fuzz` runs each for FUZZ_SECONDS (300);
# `make test` runs each for a few seconds (its fuzz layer).
FUZZ_CC     ?= clang
FUZZ_FLAGS  := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_C      := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS   := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_C))
FUZZ_W_C    := $(filter-out worker/main.c,$(WORKER_C))

$(BUILD)/fuzz/fuzz_ngx_%: tests/fuzz/fuzz_ngx_%.c $(MODULE_PURE_C) $(MODULE_H) $(NGX_BUILD)/objs/Makefile
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -Wno-unused-parameter $(NGX_INCS) $< $(MODULE_PURE_C) -o $@ $(PKG_LIBS)

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_W_C) $(wildcard worker/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) $(STD) -Iworker $(PKG_CFLAGS) $< $(FUZZ_W_C) -o $@ $(PKG_LIBS)

.PHONY: fuzz-build fuzz
fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	tests/fuzz/run $${FUZZ_SECONDS:-300}

# Header dependencies written by -MMD.  Each .d file is named as a target
# (not left to a pattern, which would make it intermediate), so an object
# whose .d is missing, from an older build, is rebuilt once.
DEP_FILES := $(WORKER_O:.o=.d) $(MODULE_PURE_O:.o=.d) $(UNIT_BINS:=.d)
$(DEP_FILES): ;
-include $(wildcard $(DEP_FILES))
