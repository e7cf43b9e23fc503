# Makefile - builds aap's binaries, runs its tests, installs it.
# One non-recursive Makefile; everything it builds goes under build/.

PREFIX = /usr/local
BINDIR = $(PREFIX)/bin
SHAREDIR = $(PREFIX)/share/aap
LOCALEDIR = $(PREFIX)/share/locale
DESTDIR =

CC = cc
CFLAGS = -O2 -g
# Digests of long streams are computed on a thread of their own.
THREADS = -pthread
LDFLAGS =
# CI sets WERROR=-Werror.
WERROR =
WARNINGS = -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion \
	-Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wcast-qual \
	-Wwrite-strings -Wvla -Wundef -Wnull-dereference
SANITIZE = -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all

# Recursive (=) so that pkg-config is asked when a recipe runs, after
# `make check` or `make demo` have installed what was missing.
PKGS = libcrypto libutf8proc libpcre2-8 libpq xlsxwriter
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv $(THREADS)
# The programs link only what they use: libpq is for those of store/,
# libxlsxwriter for those of export/.
BASE_PKGS = libcrypto libutf8proc libpcre2-8
BASE_LIBS = $(shell pkg-config --libs $(BASE_PKGS) 2>/dev/null) -lcsv $(THREADS)
DIR_LIBS_store = $(shell pkg-config --libs libpq 2>/dev/null)
DIR_LIBS_export = $(shell pkg-config --libs xlsxwriter 2>/dev/null)
AS_NEEDED = -Wl,--as-needed
CMOCKA_CFLAGS = $(shell pkg-config --cflags cmocka 2>/dev/null)
CMOCKA_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null)
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L $(THREADS) $(WARNINGS) $(WERROR) \
	-Ilib $(STAGE_DIRS:%=-I%) $(PKG_CFLAGS) $(CFLAGS)
# Where the programs look for their message catalogues (lib/i18n.h).
ALL_CFLAGS += -DAAP_LOCALEDIR_DEFAULT='"$(LOCALEDIR)"'

# Programs: each <dir>/aap-<name>.c holds a main() and nothing else.
# Modules: every other .c of lib/ and the stage folders.  Each folder's
# modules make a static library (build/lib/libaap-<dir>.a); a program
# links its own folder's library and lib/'s, and so only what it uses.
# ingest: aap-ingest, aap-validate; scoring: aap-score; store: what
# reads and writes the database (aap-push); export: aap-export; assign:
# aap-assign.
STAGE_DIRS = ingest scoring store export assign
PROGRAM_SRC = $(wildcard $(STAGE_DIRS:%=%/aap-*.c))
PROGRAMS = $(notdir $(PROGRAM_SRC:.c=))
MODULE_SRC = $(wildcard lib/*.c) \
	$(filter-out $(PROGRAM_SRC),$(wildcard $(STAGE_DIRS:%=%/*.c)))
MODULE_OBJ = $(MODULE_SRC:%.c=build/obj/%.o)
MODULE_SAN = $(MODULE_SRC:%.c=build/san/%.o)

BINS = $(PROGRAMS:%=build/bin/%)
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BINS = $(UNIT_SRC:tests/unit/%.c=build/test/%)
# The unit tests of the code that runs threads (reading ahead, digests, the
# reviews file read beside the stream), again under ThreadSanitizer.
TSAN = -fsanitize=thread -fno-omit-frame-pointer
TSAN_UNITS = test_reader test_digest test_stream test_score test_progress
TSAN_BINS = $(TSAN_UNITS:%=build/tsan/test/%)
MODULE_TSAN = $(MODULE_SRC:%.c=build/tsan/%.o)

# The messages in other languages (po/<lang>.po, GNU gettext), compiled
# to build/locale/<lang>/LC_MESSAGES/aap.mo; AAP_LOCALEDIR=build/locale
# makes the programs of build/bin use them (tests/cli/run does).
PO_LANGS = $(basename $(notdir $(wildcard po/*.po)))
MO_FILES = $(PO_LANGS:%=build/locale/%/LC_MESSAGES/aap.mo)
XGETTEXT_FLAGS = --language=C --from-code=UTF-8 --no-location --sort-output \
	--add-comments=TRANSLATORS: --package-name=aap --msgid-bugs-address=" " \
	--keyword=_ --keyword=N_ --keyword=diag_set:5 --keyword=diag_detail:2 \
	--keyword=diag_hint:2 --keyword=cli_usage_error:1 --keyword=say:6 \
	--keyword=carried:4 --keyword=altered:4 --keyword=cut_off:2 --keyword=schema_check:2 --keyword=problem:2 --keyword=list_add:2 --keyword=bad:3 --keyword=bad:5 --keyword=note:2 \
	--flag=diag_set:5:c-format --flag=diag_detail:2:c-format \
	--flag=diag_hint:2:c-format --flag=cli_usage_error:1:c-format \
	--flag=say:6:c-format --flag=carried:4:c-format --flag=bad:3:c-format \
	--flag=bad:5:c-format --flag=note:2:c-format

build/locale/%/LC_MESSAGES/aap.mo: po/%.po
	@mkdir -p $(@D)
	msgfmt -c --check -o $@ $<

# po/aap.pot, the messages of the sources, without a date so that it
# changes only with them; `make pot` writes it again, tests/cli/t-i18n.sh
# checks that it is up to date and that every message is translated.
POT_SRC = $(sort $(MODULE_SRC) $(PROGRAM_SRC))
POT = po/aap.pot
.PHONY: pot
pot:
	xgettext $(XGETTEXT_FLAGS) -o $(POT).tmp $(POT_SRC)
	sed -e '/^"POT-Creation-Date:/d' -e '/^"Report-Msgid-Bugs-To:/d' \
		-e 's/charset=CHARSET/charset=UTF-8/' $(POT).tmp >$(POT)
	rm $(POT).tmp

.SECONDARY:

.PHONY: all check check-now unit cli db demo demo-now deps install clean

all: $(BINS) $(MO_FILES)

build/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

build/san/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CMOCKA_CFLAGS) $(SANITIZE) -MMD -MP -c -o $@ $<

# build/lib/libaap-<dir>.a: the modules of one folder (lib/ is "lib").
define archive_rule
build/lib/libaap-$(1).a: $$(patsubst %.c,build/obj/%.o,$$(filter-out $$(PROGRAM_SRC),$$(wildcard $(1)/*.c)))
	@mkdir -p $$(@D)
	rm -f $$@
	$$(AR) rcs $$@ $$^
endef
$(foreach d,lib $(STAGE_DIRS),$(eval $(call archive_rule,$(d))))

define program_rule
build/bin/$(notdir $(1:.c=)): build/obj/$(1:.c=.o) build/lib/libaap-$(patsubst %/,%,$(dir $(1))).a build/lib/libaap-lib.a
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS) $$(LDFLAGS) $$(AS_NEEDED) -o $$@ $$^ \
		$$(DIR_LIBS_$(patsubst %/,%,$(dir $(1)))) $$(BASE_LIBS)
endef
$(foreach p,$(PROGRAM_SRC),$(eval $(call program_rule,$(p))))

build/test/%: build/san/tests/unit/%.o $(MODULE_SAN)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SANITIZE) $(LDFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(PKG_LIBS)

build/tsan/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CMOCKA_CFLAGS) $(TSAN) -MMD -MP -c -o $@ $<

build/tsan/test/%: build/tsan/tests/unit/%.o $(MODULE_TSAN)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(TSAN) $(LDFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(PKG_LIBS)

# Fuzzing (tests/fuzz/): libFuzzer harnesses built with clang; `make fuzz`
# runs each for FUZZ_SECONDS; `make check` replays the corpus with $(CC).
FUZZ_CC = clang
FUZZ_SAN = -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
FUZZ_SRC = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES = $(FUZZ_SRC:tests/fuzz/%.c=%)
FUZZ_BINS = $(FUZZ_NAMES:%=build/fuzz/bin/%)
FUZZ_REPLAY = $(FUZZ_NAMES:%=build/fuzz/replay/%)
MODULE_FUZZ = $(MODULE_SRC:%.c=build/fuzz/obj/%.o)

build/fuzz/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(ALL_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

build/fuzz/bin/%: build/fuzz/obj/tests/fuzz/%.o $(MODULE_FUZZ)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

build/fuzz/replay/%: build/san/tests/fuzz/%.o build/san/tests/fuzz/replay.o $(MODULE_SAN)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SANITIZE) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

# The programs built with ASan and UBSan, for tests/cli/t-faults.sh.
ASAN_BINS = $(PROGRAMS:%=build/asan/bin/%)
define asan_rule
build/asan/bin/$(notdir $(1:.c=)): build/san/$(1:.c=.o) $$(MODULE_SAN)
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS) $$(SANITIZE) $$(LDFLAGS) -o $$@ $$^ $$(PKG_LIBS)
endef
$(foreach p,$(PROGRAM_SRC),$(eval $(call asan_rule,$(p))))

# The benchmark (tests/bench/, docs/performance.md): a report, never a test.
BENCH_TOOLS = build/bench/gen build/bench/csvcount

build/bench/gen: tests/bench/gen.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $<

build/bench/csvcount: tests/bench/csvcount.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< -lcsv

bench:
	@scripts/install-deps --bench
	@$(MAKE) --no-print-directory bench-now

bench-now: all $(BENCH_TOOLS)
	@tests/bench/run
	@tests/bench/assign

# The committee's report of 10,000 applications in Chromium, alone.
bench-report: all $(BENCH_TOOLS)
	@BENCH_ONLY=report tests/bench/run

.PHONY: fuzz fuzz-build asan bench bench-now bench-report
asan: $(ASAN_BINS)
fuzz-build: $(FUZZ_BINS)
fuzz:
	@scripts/install-deps --fuzz
	@$(MAKE) --no-print-directory fuzz-build
	@tests/fuzz/run

# `make check` and `make demo` first install what is missing (as root) or
# say what to install, then run in a fresh make that sees it.
deps:
	@scripts/install-deps

check: deps
	@$(MAKE) --no-print-directory check-now

check-now: all $(UNIT_BINS) $(TSAN_BINS) $(FUZZ_REPLAY) $(ASAN_BINS)
	@scripts/run-tests $(UNIT_BINS) $(TSAN_BINS) $(FUZZ_REPLAY)

unit: $(UNIT_BINS) $(TSAN_BINS)
	@scripts/run-tests --unit-only $(UNIT_BINS) $(TSAN_BINS)

cli: all asan
	@tests/cli/run

db:
	@tests/db/run

demo: deps
	@$(MAKE) --no-print-directory demo-now

demo-now: all
	@scripts/demo

# The manual pages (man/, mdoc): section 1 for the programs, 5 for the
# formats. `make uninstall` removes what `make install` put and the folders
# of share/aap it leaves empty; bin and the man folders stay.
MANDIR = $(PREFIX)/share/man
MAN1 = $(wildcard man/*.1)
MAN5 = $(wildcard man/*.5)
CALL_FILES = $(shell find config/calls -type f)
CALL_DIRS = $(shell find config/calls -depth -type d)
SQL_FILES = $(wildcard sql/*.sql)

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(SHAREDIR)/calls $(DESTDIR)$(SHAREDIR)/sql
	cp $(BINS) $(DESTDIR)$(BINDIR)/
	cp scripts/migrate $(DESTDIR)$(BINDIR)/aap-migrate
	cp -R config/calls/. $(DESTDIR)$(SHAREDIR)/calls/
	cp sql/*.sql $(DESTDIR)$(SHAREDIR)/sql/
	mkdir -p $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	cp $(MAN1) $(DESTDIR)$(MANDIR)/man1/
	cp $(MAN5) $(DESTDIR)$(MANDIR)/man5/
	for l in $(PO_LANGS); do \
		mkdir -p $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES && \
		cp build/locale/$$l/LC_MESSAGES/aap.mo $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/ || exit 1; \
	done

.PHONY: uninstall
uninstall:
	rm -f $(PROGRAMS:%=$(DESTDIR)$(BINDIR)/%) $(DESTDIR)$(BINDIR)/aap-migrate
	rm -f $(MAN1:man/%=$(DESTDIR)$(MANDIR)/man1/%) $(MAN5:man/%=$(DESTDIR)$(MANDIR)/man5/%)
	rm -f $(CALL_FILES:config/calls/%=$(DESTDIR)$(SHAREDIR)/calls/%)
	rm -f $(SQL_FILES:sql/%=$(DESTDIR)$(SHAREDIR)/sql/%)
	rmdir $(CALL_DIRS:config/calls%=$(DESTDIR)$(SHAREDIR)/calls%) \
		$(DESTDIR)$(SHAREDIR)/sql $(DESTDIR)$(SHAREDIR) 2>/dev/null || :
	rm -f $(PO_LANGS:%=$(DESTDIR)$(LOCALEDIR)/%/LC_MESSAGES/aap.mo)

clean:
	rm -rf build

-include $(MODULE_OBJ:.o=.d) $(MODULE_SAN:.o=.d) $(PROGRAM_SRC:%.c=build/obj/%.d) \
	$(UNIT_SRC:%.c=build/san/%.d) $(MODULE_FUZZ:.o=.d) \
	$(FUZZ_SRC:%.c=build/fuzz/obj/%.d) $(FUZZ_SRC:%.c=build/san/%.d) \
	build/san/tests/fuzz/replay.d $(PROGRAM_SRC:%.c=build/san/%.d) \
	$(MODULE_TSAN:.o=.d) $(TSAN_UNITS:%=build/tsan/tests/unit/%.d)
