# t-install.sh - make install puts the binaries, the SQL, the example
# calls, the manual pages and the message catalogues where PREFIX and
# DESTDIR say, and the installed files work; make uninstall takes them away
# again, and nothing else.
# shellcheck shell=bash

t_begin install_honours_prefix_and_destdir
t_run make -s -C "$T_TOP" install PREFIX=/opt/aap DESTDIR="$t_dir/root"
t_status 0
for f in bin/aap-ingest bin/aap-validate bin/aap-migrate share/aap/sql/roles.sql \
	share/aap/sql/001_schema.sql share/aap/calls/sud-ia-2025/fields.csv \
	share/locale/fr/LC_MESSAGES/aap.mo; do
	[ -f "root/opt/aap/$f" ] || t_fail "missing $f"
done
call=root/opt/aap/share/aap/calls/sud-ia-2025
root/opt/aap/bin/aap-ingest --call "$call" "$call/sample/dossiers.csv" >s 2>e ||
	t_fail "the installed aap-ingest failed: $(cat e)"
tail -n 1 s | grep -q '^#trailer records=8 ' || t_fail "no trailer from the installed binary"
t_end

t_begin every_program_answers_help_and_version_with_one_version
want=$(aap-ingest --version | cut -d' ' -f2)
for p in aap-ingest aap-validate aap-score aap-push "$T_TOP/scripts/migrate"; do
	out=$("$p" --version) || t_fail "$p --version failed"
	[ "${out##* }" = "$want" ] || t_fail "$p says version \"$out\", not $want"
	"$p" --help | grep -q . || t_fail "$p --help printed nothing"
done
t_end

t_begin install_puts_every_page_and_man_renders_it
t_run make -s -C "$T_TOP" install PREFIX=/opt/aap DESTDIR="$t_dir/root"
t_status 0
man=root/opt/aap/share/man
for src in "$T_TOP"/man/*.[0-9]; do
	page=$man/man${src##*.}/${src##*/}
	name=${src##*/}
	name=${name%.*}
	if ! cmp -s "$src" "$page"; then
		t_fail "$page is not installed as man/${src##*/}"
		continue
	fi
	# Bold and underline are overstruck: the backspaces go before grep.
	mandoc -Tascii "$page" >m 2>me || t_fail "mandoc cannot render $page: $(cat me)"
	[ -s me ] && t_fail "mandoc says of $page: $(cat me)"
	sed 's/.\x08//g' m | grep -q "^     $name - " ||
		t_fail "mandoc renders $page without its NAME line"
	LC_ALL=C.UTF-8 MANWIDTH=80 MANPAGER=cat man -l "$page" >m 2>me ||
		t_fail "man -l cannot render $page: $(cat me)"
	[ -s me ] && t_fail "man -l says of $page: $(cat me)"
	sed 's/.\x08//g' m | grep -q "^     $name " ||
		t_fail "man -l renders $page without its NAME line"
done
t_end

t_begin uninstall_removes_what_install_put_and_nothing_else
t_run make -s -C "$T_TOP" install PREFIX=/opt/aap DESTDIR="$t_dir/root"
t_status 0
# A user's own files beside aap's, which must stay.
mkdir -p root/opt/aap/share/aap/calls/mine
touch root/opt/aap/bin/other root/opt/aap/share/man/man1/other.1 \
	root/opt/aap/share/aap/calls/mine/call.csv
t_run make -s -C "$T_TOP" uninstall PREFIX=/opt/aap DESTDIR="$t_dir/root"
t_status 0
left=$(cd root && find . -type f -o -type l | sort)
[ "$left" = "./opt/aap/bin/other
./opt/aap/share/aap/calls/mine/call.csv
./opt/aap/share/man/man1/other.1" ] || t_fail "files left other than the user's:"$'\n'"$left"
rm root/opt/aap/bin/other root/opt/aap/share/man/man1/other.1 \
	root/opt/aap/share/aap/calls/mine/call.csv
rmdir root/opt/aap/share/aap/calls/mine
t_run make -s -C "$T_TOP" install PREFIX=/opt/aap DESTDIR="$t_dir/root"
t_run make -s -C "$T_TOP" uninstall PREFIX=/opt/aap DESTDIR="$t_dir/root"
t_status 0
left=$(cd root && find . ! -type d)
[ -z "$left" ] || t_fail "uninstall left files:"$'\n'"$left"
# Only the shared folders may stay, empty; aap's own are gone.
[ ! -e root/opt/aap/share/aap ] || t_fail "share/aap is left"
t_end

t_begin only_the_database_programs_link_libpq
for p in aap-ingest aap-validate aap-score; do
	readelf -d "$(command -v "$p")" >dyn || t_fail "could not read $p"
	grep -q 'NEEDED.*libpq' dyn && t_fail "$p links libpq"
done
readelf -d "$(command -v aap-push)" | grep -q 'NEEDED.*libpq' ||
	t_fail "aap-push does not link libpq: is readelf reading the right files?"
t_end
