# t-i18n.sh - the messages on stderr follow LANG (LC_MESSAGES only): French
# under fr_FR.UTF-8, English under C; stdout stays byte-identical; po/ has
# every message of the sources, each translated.
# shellcheck shell=bash

# in_lang LANG CMD...: runs CMD with only LANG set among the locale
# variables, stdout in ./out, stderr in ./err, status in $t_status.
in_lang() {
	local lang=$1
	shift
	LANG=$lang t_run env -u LC_ALL -u LC_MESSAGES -u LANGUAGE "$@"
}

t_begin stages_speak_french_under_lang_fr_and_their_records_stay_the_same
locale -a | grep -qix 'fr_FR\.utf-\{0,1\}8' || t_fail "the fr_FR.UTF-8 locale is missing: run scripts/install-deps as root"
for lang in C fr_FR.UTF-8; do
	mkdir "$lang"
	(cd "$lang" &&
		LANG=$lang aap-ingest --call "$CALL" "$CALL/sample/dossiers.csv" >in.stream 2>in.err &&
		LANG=$lang aap-validate --call "$CALL" in.stream >valid.stream 2>valid.err &&
		LANG=$lang aap-score --call "$CALL" --reviews "$CALL/sample/reviews.csv" \
			valid.stream >scored.stream 2>scored.err) ||
		t_fail "the stages failed under LANG=$lang: $(cat "$lang"/*.err)"
done
for f in in.stream valid.stream scored.stream; do
	cmp -s "C/$f" "fr_FR.UTF-8/$f" || t_fail "$f differs between LANG=C and LANG=fr_FR.UTF-8"
done
[ "$(cat C/valid.err)" = "aap-validate: warning: 2 of 8 applications are not admissible" ] ||
	t_fail "English warning: $(cat C/valid.err)"
[ "$(cat fr_FR.UTF-8/valid.err)" = "aap-validate: avertissement: 2 dossiers sur 8 ne sont pas recevables" ] ||
	t_fail "French warning: $(cat fr_FR.UTF-8/valid.err)"
t_end

t_begin an_error_its_detail_and_the_records_before_it_in_both_languages
printf 'ID,Titre du projet,Montant de l%saide demandée\nA-1,Premier,1000.00\nA-2,"Ouvert,3\nA-3,x,4\n' "'" >in.csv
in_lang C aap-ingest --call "$MINI" in.csv
t_status 1
mv out c.out
t_stderr_is <<'EOF'
aap-ingest:in.csv:3: error: unterminated quoted field
aap-ingest: detail: the input ends inside field 2 of the record
EOF
in_lang fr_FR.UTF-8 aap-ingest --call "$MINI" in.csv
t_status 1
t_stderr_is <<'EOF'
aap-ingest:in.csv:3: erreur: champ entre guillemets non terminé
aap-ingest: détail: l'entrée se termine dans le champ 2 de l'enregistrement
EOF
cmp -s c.out out || t_fail "the records before the error differ between the languages"
t_end

t_begin usage_errors_and_failed_opens_in_french
in_lang fr_FR.UTF-8 aap-export --call "$CALL" --format xlsx
t_status 2
t_stderr_is <<'EOF'
aap-export: erreur: xlsx demande --output FILE : un classeur ne s'écrit pas sur la sortie standard
aap-export: conseil: essayez « aap-export --help »
EOF
in_lang fr_FR.UTF-8 aap-validate --call "$CALL" absent.csv
t_status 3
t_stderr_has "aap-validate: erreur: impossible d'ouvrir « absent.csv » : "
in_lang C aap-validate --call "$CALL" absent.csv
t_stderr_has 'aap-validate: error: could not open "absent.csv": '
t_end

t_begin lc_all_c_keeps_english_whatever_lang_says
LANG=fr_FR.UTF-8 LC_ALL=C t_run aap-export --call "$CALL" --format xlsx
t_status 2
t_stderr_has "aap-export: error: xlsx needs --output FILE"
t_end

t_begin po_holds_every_message_of_the_sources_each_translated
t_run make -s -C "$T_TOP" pot POT="$t_dir/aap.pot"
t_status 0
cmp -s "$T_TOP/po/aap.pot" aap.pot ||
	t_fail "po/aap.pot is not up to date: run \"make pot\", then msgmerge -U po/LANG.po po/aap.pot and translate"$'\n'"$(diff "$T_TOP/po/aap.pot" aap.pot | head -n 20)"
for po in "$T_TOP"/po/*.po; do
	msgcmp "$po" "$T_TOP/po/aap.pot" 2>cmp.err || t_fail "${po##*/} lacks messages: $(cat cmp.err)"
	msgfmt -c --check --statistics -o /dev/null "$po" 2>stats || t_fail "msgfmt rejects ${po##*/}: $(cat stats)"
	grep -Eqx '[0-9]+ translated messages?\.' stats ||
		t_fail "${po##*/} is not wholly translated: $(cat stats)"
done
t_end
