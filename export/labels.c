/* labels.c - the built-in table of labels in French and English, the
 * call's criteria and fields named from its tables, and labels.csv's
 * overrides, looked up by key. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aap.h"
#include "call.h"
#include "diag.h"
#include "labels.h"
#include "mem.h"
#include "table.h"

/* One built-in label. */
struct builtin {
	const char *key; /* "prefix:name" */
	const char *fr;  /* in French */
	const char *en;  /* in English */
};

/* "{}" stands for the criterion or field a label is about. */
static const struct builtin builtins[] = {
	{ "sheet:ranking", "Classement", "Ranking" },
	{ "sheet:inadmissible", "Irrecevables", "Inadmissible" },
	{ "sheet:marks", "Notes", "Marks" },
	{ "sheet:budget", "Budget", "Budget" },
	{ "sheet:provenance", "Provenance", "Provenance" },
	{ "col:rank", "Rang", "Rank" },
	{ "col:application_id", "N° de dossier", "Application" },
	{ "col:applicant", "Demandeur", "Applicant" },
	{ "col:title", "Projet", "Project" },
	{ "col:score", "Note : {}", "Score: {}" },
	{ "col:spread", "Écart des évaluateurs : {}", "Reviewers' spread: {}" },
	{ "col:total", "Total", "Total" },
	{ "col:decision", "Décision", "Decision" },
	{ "col:award", "Aide accordée", "Award" },
	{ "col:rank_reason", "Départage", "Tie-break" },
	{ "col:decided_by", "Origine de la décision", "Decided by" },
	{ "col:decision_reason", "Justification du comité", "Committee's justification" },
	{ "decided_by:ranking", "Classement", "The ranking" },
	{ "decided_by:freed", "Classement, sommes libérées par le comité",
	  "The ranking, money the committee freed" },
	{ "decided_by:committee", "Décision du comité ({})", "Committee's decision ({})" },
	{ "decided_by:line", "ligne {}", "line {}" },
	{ "report:decisions", "Décisions du comité", "The committee's decisions" },
	{ "report:no_decision", "Le comité n'a modifié aucune décision du classement.",
	  "The committee changed no decision of the ranking." },
	{ "action:withdraw", "désistement", "withdrawal" },
	{ "action:reduce", "aide réduite", "award reduced" },
	{ "action:exclude", "exclusion", "exclusion" },
	{ "action:promote", "financé depuis la liste complémentaire",
	  "funded from the reserve list" },
	{ "col:admissible", "Recevable", "Admissible" },
	{ "col:findings", "Motifs", "Findings" },
	{ "col:severity", "Gravité", "Severity" },
	{ "col:finding", "Constat", "Finding" },
	{ "col:field", "Champ concerné", "Field" },
	{ "col:detail", "Précision", "Detail" },
	{ "col:criterion", "Critère", "Criterion" },
	{ "col:reviewer", "Évaluateur", "Reviewer" },
	{ "col:mark", "Note", "Mark" },
	{ "col:comment", "Commentaire", "Comment" },
	{ "col:consensus", "Note de consensus", "Consensus score" },
	{ "col:author", "Auteur du consensus", "Consensus author" },
	{ "col:justification", "Justification", "Justification" },
	{ "col:item", "Poste", "Item" },
	{ "col:amount", "Montant", "Amount" },
	{ "col:value", "Valeur", "Value" },
	{ "col:count", "Nombre", "Count" },
	{ "col:stage", "Étape", "Stage" },
	{ "col:version", "Version", "Version" },
	{ "col:role", "Rôle", "Role" },
	{ "col:file", "Fichier", "File" },
	{ "col:sha256", "SHA-256", "SHA-256" },
	{ "budget:envelope", "Enveloppe", "Envelope" },
	{ "budget:granted", "Montant accordé", "Granted" },
	{ "budget:left", "Reste de l'enveloppe", "Left" },
	{ "budget:funded", "Projets financés", "Projects funded" },
	{ "budget:reserve", "Sur liste complémentaire", "On the reserve list" },
	{ "prov:call", "Appel", "Call" },
	{ "prov:title", "Intitulé de l'appel", "Call title" },
	{ "prov:records", "Dossiers", "Applications" },
	{ "prov:input", "Empreinte du flux lu (SHA-256)", "Digest of the stream read (SHA-256)" },
	{ "prov:digest", "Empreinte du flux avant sa dernière ligne (SHA-256)", "Digest of the stream before its trailer (SHA-256)" },
	{ "report:title", "Rapport au comité de sélection", "Report to the selection committee" },
	{ "report:summary", "Synthèse", "Summary" },
	{ "report:received", "Dossiers reçus", "Applications received" },
	{ "report:admissible", "Recevables", "Admissible" },
	{ "report:inadmissible", "Irrecevables", "Inadmissible" },
	{ "report:incomplete", "Incomplets", "Incomplete" },
	{ "report:below_threshold", "Sous le seuil", "Below the threshold" },
	{ "report:funded", "Financés", "Funded" },
	{ "report:reserve", "Sur liste complémentaire", "On the reserve list" },
	{ "report:not_funded", "Classés non financés", "Ranked, not funded" },
	{ "report:others", "Dossiers évalués non classés", "Applications scored, not ranked" },
	{ "report:fragile", "Décisions fragiles", "Fragile decisions" },
	{ "report:fragile_note", "Dossiers dont la décision changerait sans les notes d'un seul évaluateur, ou avec un poids de critère modifié d'au plus 50 % (aap-score --sensitivity) ; à examiner avant de signer.", "Applications whose decision would change without one reviewer's marks, or with one criterion's weight changed by at most 50 % (aap-score --sensitivity); to be examined before signing." },
	{ "report:one_reviewer", "Sans l'évaluateur", "Without the reviewer" },
	{ "report:weight_change", "Poids modifié", "Weight changed" },
	{ "report:margin", "Écart à la ligne de financement", "Margin to the funding line" },
	{ "report:wide", "Désaccord des évaluateurs", "Reviewers disagree" },
	{ "report:wide_note", "⚑ : sur ce critère, les notes des évaluateurs s'écartent d'au moins deux cinquièmes de l'échelle ; à discuter en séance.", "⚑: on this criterion, the reviewers' marks are at least two fifths of the scale apart; to be discussed." },
	{ "report:spread", "écart {}", "spread {}" },
	{ "report:charts", "Graphiques", "Charts" },
	{ "report:chart_totals", "Répartition des notes totales", "Distribution of the totals" },
	{ "report:chart_plain", "Répartition des sommes non pondérées des notes", "Distribution of the unweighted sums of the scores" },
	{ "report:axis_plain", "Somme non pondérée des notes", "Unweighted sum of the scores" },
	{ "report:axis_count", "Nombre de dossiers", "Applications" },
	{ "report:unit", "dossier(s)", "application(s)" },
	{ "report:threshold", "Seuil", "Threshold" },
	{ "report:chart_criteria", "Notes par critère (boîtes : quartiles et médiane)", "Scores by criterion (boxes: quartiles and median)" },
	{ "report:chart_envelope", "Enveloppe : aides cumulées dans l'ordre du classement", "Envelope: awards added in rank order" },
	{ "report:stop", "Dernier financé : rang", "Last funded: rank" },
	{ "report:reserve_cost", "Liste complémentaire, aides plafonnées", "Reserve list, capped awards" },
	{ "report:chart_reasons", "Motifs d'irrecevabilité, par nombre de dossiers", "Reasons for inadmissibility, by number of applications" },
	{ "report:rejected", "Dossiers irrecevables et incomplets", "Inadmissible and incomplete applications" },
	{ "report:none", "Aucun.", "None." },
	{ "report:no_data", "Pas de données pour ce graphique.", "No data for this chart." },
	{ "report:prov_note", "Chaque étape, sa version et l'empreinte de chaque fichier lu, pour rapprocher un exemplaire imprimé de la base.", "Every stage, its version and the digest of every file it read, to match a printed copy with the database." },
	{ "summary:title", "Rapport d'évaluation", "Evaluation summary report" },
	{ "summary:application", "Le dossier", "The application" },
	{ "summary:scores", "Évaluation", "Evaluation" },
	{ "summary:comments", "Commentaires des évaluateurs", "Reviewers' comments" },
	{ "summary:result", "Résultat", "Result" },
	{ "summary:below", "sous le seuil", "below the threshold" },
	{ "summary:reasons", "Motifs", "Reasons" },
	{ "summary:source", "Établi à partir du flux dont l'empreinte SHA-256 est", "Made from the stream whose SHA-256 is" },
	{ "decision:funded", "Financé", "Funded" },
	{ "decision:reserve", "Liste complémentaire", "Reserve list" },
	{ "decision:not_funded", "Non financé", "Not funded" },
	{ "decision:below_threshold", "Sous le seuil", "Below the threshold" },
	{ "decision:incomplete", "Incomplet", "Incomplete" },
	{ "decision:inadmissible", "Irrecevable", "Inadmissible" },
	{ "decision:withdrawn", "Désistement", "Withdrawn" },
	{ "decision:excluded", "Exclu par le comité", "Excluded by the committee" },
	{ "admissible:yes", "Oui", "Yes" },
	{ "admissible:no", "Non", "No" },
	{ "severity:error", "Erreur", "Error" },
	{ "severity:warning", "Avertissement", "Warning" },
	{ "reason:score", "note « {} »", "score \"{}\"" },
	{ "reason:field", "{}", "{}" },
	{ "reason:balance", "équilibre {}", "balance {}" },
	{ "reason:coverage", "apport de {}", "new {}" },
	{ "reason:application_id", "n° de dossier", "application id" },
	{ "finding:field_count", "nombre de colonnes erroné dans l'export", "wrong number of columns in the export" },
	{ "finding:bad_quote", "guillemets mal fermés dans l'export", "badly closed quotes in the export" },
	{ "finding:bad_number", "nombre illisible", "not a number" },
	{ "finding:ambiguous_number", "nombre ambigu", "ambiguous number" },
	{ "finding:too_precise", "trop de décimales", "too many decimals" },
	{ "finding:out_of_range", "valeur hors limites", "value out of range" },
	{ "finding:scientific_notation", "nombre en notation scientifique (chiffres perdus)", "number in scientific notation (digits lost)" },
	{ "finding:bad_date", "date invalide", "invalid date" },
	{ "finding:bad_datetime", "date et heure invalides", "invalid date and time" },
	{ "finding:bad_boolean", "ni oui ni non", "neither yes nor no" },
	{ "finding:bad_list", "liste invalide", "invalid list" },
	{ "finding:bad_encoding", "caractères illisibles", "unreadable characters" },
	{ "finding:bad_type", "valeur d'un type inattendu", "value of an unexpected type" },
	{ "finding:missing", "valeur manquante", "missing value" },
	{ "finding:below_min", "valeur sous le minimum de l'appel", "below the call's minimum" },
	{ "finding:above_max", "valeur au-dessus du maximum de l'appel", "above the call's maximum" },
	{ "finding:not_allowed", "valeur non admise par l'appel", "value the call does not allow" },
	{ "finding:no_match", "format non conforme", "does not match the expected form" },
	{ "finding:too_long", "valeur trop longue", "value too long" },
	{ "finding:bad_checksum", "clé de contrôle fausse", "wrong check digits" },
	{ "finding:duplicate", "doublon", "duplicate" },
	{ "finding:outside_region", "hors de la région", "outside the region" },
	{ "finding:unknown_location", "localisation inconnue", "unknown location" },
	{ "finding:share_above_max", "part au-dessus du plafond", "share above the cap" },
	{ "finding:after", "date postérieure à celle d'un autre champ", "later than another field" },
	{ "finding:above", "valeur supérieure à celle d'un autre champ", "greater than another field" },
	{ "finding:unreadable", "valeur illisible pour la notation", "value scoring cannot read" },
};

/* One label of a loaded table. */
struct entry {
	char *key;  /* owned */
	char *text; /* owned */
};

struct labels {
	enum labels_lang lang; /* the language chosen */
	struct entry *e;       /* sorted by key once loaded */
	size_t n;              /* how many */
};

int labels_lang_parse(const char *code, enum labels_lang *lang)
{
	if (strcmp(code, "fr") == 0)
		*lang = LABELS_FR;
	else if (strcmp(code, "en") == 0)
		*lang = LABELS_EN;
	else
		return -1;
	return 0;
}

void labels_free(struct labels *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++) {
		mem_free(l->e[i].key);
		mem_free(l->e[i].text);
	}
	mem_free(l->e);
	mem_free(l);
}

enum labels_lang labels_lang(const struct labels *l)
{
	return l->lang;
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->key,
		      ((const struct entry *)b)->key);
}

/* Finds key in the sorted table. */
static struct entry *lookup(const struct labels *l, const char *key)
{
	struct entry k;

	k.key = (char *)(uintptr_t)key;
	return bsearch(&k, l->e, l->n, sizeof(*l->e), entry_cmp);
}

/* Appends prefix:name with text to l (not yet sorted). */
static int push(struct labels *l, size_t *cap, const char *prefix,
		const char *name, const char *text)
{
	struct sbuf k;

	if (l->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 128;
		struct entry *e = mem_realloc(l->e, nc * sizeof(*e));

		if (e == NULL)
			return -1;
		l->e = e;
		*cap = nc;
	}
	sbuf_init(&k);
	if (sbuf_adds(&k, prefix) < 0 || sbuf_adds(&k, name) < 0) {
		sbuf_fini(&k);
		return -1;
	}
	l->e[l->n].key = k.data;
	if ((l->e[l->n].text = mem_strdup(text)) == NULL) {
		sbuf_fini(&k);
		return -1;
	}
	l->n++;
	return 0;
}

/* The criteria's labels from criteria.csv, when the call has one. */
static int add_criteria(struct labels *l, size_t *cap, struct call *call,
			struct diag *err)
{
	struct table *t = NULL;
	long cc, lc;
	size_t i;

	if (!call_has_table(call, "criteria.csv"))
		return 0;
	if (call_table(call, "criteria.csv", &t, err) < 0)
		return -1;
	cc = table_col(t, "criterion");
	lc = table_col(t, "label");
	for (i = 0; cc >= 0 && i < t->nrows; i++) {
		const char *id = t->rows[i].cells[cc];
		const char *text = lc >= 0 && t->rows[i].cells[lc][0] ?
			t->rows[i].cells[lc] : id;

		if (push(l, cap, "criterion:", id, text) < 0) {
			table_free(t);
			return diag_oom(err);
		}
	}
	table_free(t);
	return 0;
}

/* labels.csv: key,fr,en; each cell given replaces a label. */
static int add_overrides(struct labels *l, struct call *call,
			 struct diag *err)
{
	static const char *const cols[] = { "key", "fr", "en" };
	static const int need[] = { 1, 0, 0 };
	struct table *t = NULL;
	long kc, tc;
	size_t i;

	if (!call_has_table(call, "labels.csv"))
		return 0;
	if (call_table(call, "labels.csv", &t, err) < 0 ||
	    table_expect(t, cols, need, 3, err) < 0) {
		table_free(t);
		return -1;
	}
	kc = table_col(t, "key");
	tc = table_col(t, l->lang == LABELS_FR ? "fr" : "en");
	for (i = 0; i < t->nrows; i++) {
		struct entry *e = lookup(l, t->rows[i].cells[kc]);
		char *text;

		if (e == NULL) {
			diag_set(err, AAP_EUSAGE, t->path, t->rows[i].line,
				 "unknown label key \"%s\"", t->rows[i].cells[kc]);
			diag_hint(err, "the keys are listed in docs/config.md");
			table_free(t);
			return -1;
		}
		if (tc < 0 || t->rows[i].cells[tc][0] == '\0')
			continue;
		if ((text = mem_strdup(t->rows[i].cells[tc])) == NULL) {
			table_free(t);
			return diag_oom(err);
		}
		mem_free(e->text);
		e->text = text;
	}
	table_free(t);
	return 0;
}

int labels_load(struct call *call, enum labels_lang lang,
		struct labels **out, struct diag *err)
{
	struct labels *l = mem_calloc(1, sizeof(*l));
	size_t i, cap = 0;

	*out = NULL;
	if (l == NULL)
		return diag_oom(err);
	l->lang = lang;
	for (i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
		if (push(l, &cap, "", builtins[i].key,
			 lang == LABELS_FR ? builtins[i].fr : builtins[i].en) < 0)
			goto oom;
	/* A field is named by its first source label, as the form shows it. */
	for (i = 0; i < call->nfields; i++)
		if (push(l, &cap, "field:", call->fields[i].name,
			 call->fields[i].nheaders ? call->fields[i].headers[0] :
			 call->fields[i].name) < 0)
			goto oom;
	if (add_criteria(l, &cap, call, err) < 0)
		goto fail;
	qsort(l->e, l->n, sizeof(*l->e), entry_cmp);
	if (add_overrides(l, call, err) < 0)
		goto fail;
	*out = l;
	return 0;
oom:
	diag_oom(err);
fail:
	labels_free(l);
	return -1;
}

const char *labels_find(const struct labels *l, const char *key)
{
	const struct entry *e = lookup(l, key);

	return e ? e->text : NULL;
}

const char *labels_word(const struct labels *l, const char *prefix,
			const char *name, struct sbuf *scratch)
{
	const char *t;

	sbuf_reset(scratch);
	if (sbuf_adds(scratch, prefix) < 0 || sbuf_addc(scratch, ':') < 0 ||
	    sbuf_adds(scratch, name) < 0)
		return name;
	t = labels_find(l, sbuf_str(scratch));
	return t ? t : name;
}

int labels_fill(const struct labels *l, const char *key, const char *arg,
		struct sbuf *out)
{
	const char *t = labels_find(l, key);
	const char *p;

	if (t == NULL)
		return sbuf_adds(out, key);
	while ((p = strstr(t, "{}")) != NULL) {
		if (sbuf_add(out, t, (size_t)(p - t)) < 0 ||
		    sbuf_adds(out, arg) < 0)
			return -1;
		t = p + 2;
	}
	return sbuf_adds(out, t);
}
