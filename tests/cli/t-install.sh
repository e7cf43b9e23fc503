# t-install.sh - make install puts the binaries, the SQL and the example
# calls where PREFIX and DESTDIR say, and the installed files work.
# shellcheck shell=bash

t_begin install_honours_prefix_and_destdir
t_run make -s -C "$T_TOP" install PREFIX=/opt/aap DESTDIR="$t_dir/root"
t_status 0
for f in bin/aap-ingest bin/aap-validate bin/aap-migrate share/aap/sql/roles.sql \
	share/aap/sql/001_schema.sql share/aap/calls/sud-ia-2025/fields.csv; do
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
