/* call.c - loading and checking a call folder. */
#include <string.h>
#include <unistd.h>

#include "aap.h"
#include "call.h"
#include "checksum.h"
#include "columns.h"
#include "diag.h"
#include "mem.h"
#include "sbuf.h"
#include "table.h"

static const char *const type_names[] = {
	[FIELD_TEXT] = "text",         [FIELD_INTEGER] = "integer",
	[FIELD_DECIMAL] = "decimal",   [FIELD_MONEY] = "money",
	[FIELD_RATE] = "rate",         [FIELD_DATE] = "date",
	[FIELD_DATETIME] = "datetime", [FIELD_BOOLEAN] = "boolean",
	[FIELD_ENUM] = "enum",         [FIELD_LIST] = "list",
};

/* Settings a call may state; the first two are required.  The others
 * from funder_legal_name on are those of the open-data file (SCDL). */
static const char *const known_settings[] = {
	"id", "title", "funder", "currency", "lang",
	"funder_legal_name", "funder_siret", "decision_date", "decision_ref",
	"aid_nature", "payment_terms", "payment_dates", "eu_notified",
	"aid_scheme", "cutoff_key",
};

/* The values the SCDL schema allows for the settings that are one of a
 * list, each list ending with NULL. */
static const char *const aid_natures[] = {
	"aide en numéraire", "aide en nature",
	"aide en numéraire;aide en nature", "aide en nature;aide en numéraire",
	NULL,
};
static const char *const payment_terms[] = { "unique", "échelonné", "autre",
					     NULL };
static const char *const yes_no[] = { "oui", "non", NULL };
static const char *const cutoff_keys[] = { "application_id", "siret", NULL };

/* Spellings of enum field_role in fields.csv's role column. */
static const char *const role_names[] = {
	[ROLE_NONE] = "",           [ROLE_APPLICANT] = "applicant",
	[ROLE_TITLE] = "title",     [ROLE_SHOW] = "show",
	[ROLE_SIRET] = "siret",     [ROLE_RNA] = "rna",
	[ROLE_ELIGIBLE_COST] = "eligible_cost",
	[ROLE_PAYMENT_DATES] = "payment_dates",
};

const char *call_type_name(enum field_type t)
{
	return type_names[t];
}

void call_free(struct call *c)
{
	size_t i, j;

	if (c == NULL)
		return;
	for (i = 0; i < c->nfields; i++) {
		for (j = 0; j < c->fields[i].nheaders; j++)
			mem_free(c->fields[i].headers[j]);
		mem_free(c->fields[i].headers);
		mem_free(c->fields[i].name);
	}
	for (i = 0; i < c->nfiles; i++)
		mem_free(c->files[i].name);
	mem_free(c->fields);
	mem_free(c->files);
	table_free(c->settings);
	mem_free(c->dir);
	mem_free(c);
}

int call_table(struct call *c, const char *name, struct table **t,
	       struct diag *err)
{
	struct sbuf path;
	struct call_file *f;
	int rc;

	sbuf_init(&path);
	if (sbuf_adds(&path, c->dir) < 0 || sbuf_addc(&path, '/') < 0 ||
	    sbuf_adds(&path, name) < 0) {
		sbuf_fini(&path);
		return diag_oom(err);
	}
	rc = table_load(path.data, t, err);
	sbuf_fini(&path);
	if (rc < 0)
		return -1;
	f = mem_realloc(c->files, (c->nfiles + 1) * sizeof(*f));
	if (f == NULL)
		return diag_oom(err);
	c->files = f;
	f += c->nfiles;
	memcpy(f->sha256, (*t)->sha256, sizeof(f->sha256));
	if ((f->name = mem_strdup(name)) == NULL)
		return diag_oom(err);
	c->nfiles++;
	return 0;
}

const char *call_setting(const struct call *c, const char *key)
{
	size_t i;

	for (i = 0; i < c->settings->nrows; i++)
		if (strcmp(c->settings->rows[i].cells[0], key) == 0)
			return c->settings->rows[i].cells[1];
	return NULL;
}

int call_is_id(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' ||
		      *s == '-'))
			return 0;
	return 1;
}

int call_is_date(const char *s, size_t n)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int v[3] = { 0, 0, 0 }, k = 0;
	size_t i;

	if (n != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (i = 0; i < n; i++) {
		if (i == 4 || i == 7) {
			k++;
			continue;
		}
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v[k] = v[k] * 10 + (s[i] - '0');
	}
	if (v[0] < 1 || v[1] < 1 || v[1] > 12 || v[2] < 1)
		return 0;
	if (v[1] == 2 && v[0] % 4 == 0 && (v[0] % 100 != 0 || v[0] % 400 == 0))
		return v[2] <= 29;
	return v[2] <= mdays[v[1] - 1];
}

int call_is_period(const char *s, size_t n)
{
	if (n == 10)
		return call_is_date(s, n);
	/* Dates in this form compare as their bytes. */
	return n == 21 && s[10] == '/' && call_is_date(s, 10) &&
	       call_is_date(s + 11, 10) && memcmp(s, s + 11, 10) <= 0;
}

/* 1 when s is one of the NULL-ended list. */
static int one_of(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

/* Checks the value v of setting key, at line of t, when it has one of
 * the forms the open-data file requires. */
static int check_value(const struct table *t, unsigned long line,
		       const char *key, const char *v, struct diag *err)
{
	const char *want = NULL;

	if (*v == '\0')
		return 0;
	if (strcmp(key, "funder_siret") == 0 &&
	    !checksum_siret(v, strlen(v)))
		want = "a SIRET: 14 digits whose check digits are right";
	else if (strcmp(key, "decision_date") == 0 &&
		 !call_is_date(v, strlen(v)))
		want = "a date YYYY-MM-DD";
	else if (strcmp(key, "payment_dates") == 0 &&
		 !call_is_period(v, strlen(v)))
		want = "a date YYYY-MM-DD or a period YYYY-MM-DD/YYYY-MM-DD";
	else if (strcmp(key, "aid_nature") == 0 && !one_of(v, aid_natures))
		want = "\"aide en numéraire\", \"aide en nature\" or both, "
		       "separated by ';'";
	else if (strcmp(key, "payment_terms") == 0 && !one_of(v, payment_terms))
		want = "\"unique\", \"échelonné\" or \"autre\"";
	else if (strcmp(key, "eu_notified") == 0 && !one_of(v, yes_no))
		want = "\"oui\" or \"non\"";
	else if (strcmp(key, "cutoff_key") == 0 && !one_of(v, cutoff_keys))
		want = "\"application_id\" or \"siret\"";
	if (want == NULL)
		return 0;
	return diag_set(err, AAP_EUSAGE, t->path, line,
			"setting \"%s\" is \"%s\", not %s", key, v, want);
}

/* Checks call.csv and takes the id and title from it. */
static int check_settings(struct call *c, struct diag *err)
{
	static const char *const cols[] = { "setting", "value" };
	static const int need[] = { 1, 1 };
	const struct table *t = c->settings;
	size_t i, j, n = sizeof(known_settings) / sizeof(known_settings[0]);

	if (table_expect(t, cols, need, 2, err) < 0)
		return -1;
	for (i = 0; i < t->nrows; i++) {
		const char *key = t->rows[i].cells[table_col(t, "setting")];

		for (j = 0; j < n && strcmp(key, known_settings[j]) != 0; j++)
			;
		if (j == n)
			return diag_set(err, AAP_EUSAGE, t->path, t->rows[i].line,
					"unknown setting \"%s\"", key);
		if (call_setting(c, key) != t->rows[i].cells[table_col(t, "value")])
			return diag_set(err, AAP_EUSAGE, t->path, t->rows[i].line,
					"setting \"%s\" is given twice", key);
		if (check_value(t, t->rows[i].line, key,
				t->rows[i].cells[table_col(t, "value")], err) < 0)
			return -1;
	}
	for (j = 0; j < 2; j++)
		if (call_setting(c, known_settings[j]) == NULL ||
		    call_setting(c, known_settings[j])[0] == '\0')
			return diag_set(err, AAP_EUSAGE, t->path, 0,
					"the call does not set \"%s\"",
					known_settings[j]);
	c->id = call_setting(c, "id");
	c->title = call_setting(c, "title");
	if (!call_is_id(c->id))
		return diag_set(err, AAP_EUSAGE, t->path, 0,
				"bad call id \"%s\": letters, digits, '.', '_' "
				"and '-' only", c->id);
	return 0;
}

/* 1 when name is a valid field name not taken by a stage. */
static int valid_field_name(const char *name)
{
	const char *s = name;

	if (!(*s >= 'a' && *s <= 'z'))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_'))
			return 0;
	return !columns_reserved(name);
}

/* Splits the '|'-separated labels of s into f->headers. */
static int split_headers(struct call_field *f, const char *s)
{
	while (*s) {
		const char *e = strchr(s, '|');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		const char *p = s;
		char **h;

		while (n > 0 && *p == ' ')
			p++, n--;
		while (n > 0 && p[n - 1] == ' ')
			n--;
		if (n > 0) {
			h = mem_realloc(f->headers, (f->nheaders + 1) * sizeof(*h));
			if (h == NULL)
				return -1;
			f->headers = h;
			if ((h[f->nheaders] = mem_strndup(p, n)) == NULL)
				return -1;
			f->nheaders++;
		}
		s = e ? e + 1 : s + strlen(s);
	}
	return 0;
}

/* Reads one row of fields.csv into f. */
static int take_field(const struct table *t, const struct table_row *row,
		      struct call_field *f, struct diag *err)
{
	const char *name = row->cells[table_col(t, "field")];
	const char *type = row->cells[table_col(t, "type")];
	const char *req = row->cells[table_col(t, "required")];
	long hcol = table_col(t, "headers");
	long rcol = table_col(t, "role");
	const char *role = rcol >= 0 ? row->cells[rcol] : "";
	size_t i;

	f->line = row->line;
	if (!valid_field_name(name)) {
		diag_set(err, AAP_EUSAGE, t->path, row->line,
			 "bad field name \"%s\"", name);
		diag_hint(err, "lower-case letters, digits and '_', not a name "
			       "a stage adds");
		return -1;
	}
	for (i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (strcmp(type, type_names[i]) == 0)
			break;
	if (i == sizeof(type_names) / sizeof(type_names[0]))
		return diag_set(err, AAP_EUSAGE, t->path, row->line,
				"field \"%s\" has unknown type \"%s\"", name,
				type);
	f->type = (enum field_type)i;
	if (strcmp(req, "yes") != 0 && strcmp(req, "no") != 0)
		return diag_set(err, AAP_EUSAGE, t->path, row->line,
				"field \"%s\": required must be yes or no, not "
				"\"%s\"", name, req);
	f->required = strcmp(req, "yes") == 0;
	for (i = 0; i < sizeof(role_names) / sizeof(role_names[0]); i++)
		if (strcmp(role, role_names[i]) == 0)
			break;
	if (i == sizeof(role_names) / sizeof(role_names[0]))
		return diag_set(err, AAP_EUSAGE, t->path, row->line,
				"field \"%s\" has unknown role \"%s\"", name,
				role);
	f->role = (enum field_role)i;
	if ((f->name = mem_strdup(name)) == NULL ||
	    (hcol >= 0 && split_headers(f, row->cells[hcol]) < 0))
		return diag_oom(err);
	return 0;
}

/* Loads fields.csv; application_id goes first. */
static int load_fields(struct call *c, struct diag *err)
{
	static const char *const cols[] = { "field", "type", "required",
					    "headers", "role" };
	static const int need[] = { 1, 1, 1, 0, 0 };
	const char *key = columns_name(COLUMN_APPLICATION_ID);
	struct table *t = NULL;
	size_t i, j, id = 0;
	int rc = -1;

	if (call_table(c, "fields.csv", &t, err) < 0 ||
	    table_expect(t, cols, need, 5, err) < 0)
		goto done;
	c->fields = mem_calloc(t->nrows, sizeof(*c->fields));
	if (c->fields == NULL) {
		diag_oom(err);
		goto done;
	}
	/* application_id is placed first, the others keep their order. */
	for (i = 0; i < t->nrows; i++)
		if (strcmp(t->rows[i].cells[table_col(t, "field")], key) == 0)
			break;
	if (i == t->nrows) {
		diag_set(err, AAP_EUSAGE, t->path, 0,
			 "the call has no field \"%s\"", key);
		goto done;
	}
	id = i;
	if (take_field(t, &t->rows[id], &c->fields[c->nfields++], err) < 0)
		goto done;
	for (i = 0; i < t->nrows; i++) {
		if (i == id)
			continue;
		if (take_field(t, &t->rows[i], &c->fields[c->nfields++], err) < 0)
			goto done;
		for (j = 0; j + 1 < c->nfields; j++) {
			const struct call_field *f = &c->fields[c->nfields - 1];

			if (f->role != ROLE_NONE && f->role != ROLE_SHOW &&
			    c->fields[j].role == f->role) {
				diag_set(err, AAP_EUSAGE, t->path, t->rows[i].line,
					 "field \"%s\": role \"%s\" is given "
					 "twice, first at line %lu", f->name,
					 role_names[f->role], c->fields[j].line);
				goto done;
			}
			if (strcmp(c->fields[j].name, f->name) == 0) {
				diag_set(err, AAP_EUSAGE, t->path, t->rows[i].line,
					 "field \"%s\" is defined twice, first "
					 "at line %lu", c->fields[j].name,
					 c->fields[j].line);
				goto done;
			}
		}
	}
	rc = 0;
done:
	table_free(t);
	return rc;
}

int call_load(const char *dir, struct call **out, struct diag *err)
{
	struct call *c = mem_calloc(1, sizeof(*c));
	size_t n = strlen(dir);

	*out = NULL;
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (c == NULL || (c->dir = mem_strndup(dir, n)) == NULL) {
		mem_free(c);
		return diag_oom(err);
	}
	if (call_table(c, "call.csv", &c->settings, err) < 0 ||
	    check_settings(c, err) < 0 || load_fields(c, err) < 0) {
		call_free(c);
		return -1;
	}
	*out = c;
	return 0;
}

int call_role_shown(enum field_role r)
{
	return r == ROLE_SHOW || r == ROLE_SIRET || r == ROLE_RNA;
}

const struct call_field *call_field_named(const struct call *c,
					  const char *name)
{
	size_t i;

	for (i = 0; i < c->nfields; i++)
		if (strcmp(c->fields[i].name, name) == 0)
			return &c->fields[i];
	return NULL;
}

const struct call_field *call_field_with_role(const struct call *c,
					      enum field_role role)
{
	size_t i;

	for (i = 0; i < c->nfields; i++)
		if (c->fields[i].role == role)
			return &c->fields[i];
	return NULL;
}

long call_field_index(const struct call *c, const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < c->nfields; i++)
		if (strlen(c->fields[i].name) == n &&
		    memcmp(c->fields[i].name, name, n) == 0)
			return (long)i;
	return -1;
}

int call_has_table(const struct call *c, const char *name)
{
	struct sbuf path;
	int rc;

	sbuf_init(&path);
	if (sbuf_adds(&path, c->dir) < 0 || sbuf_addc(&path, '/') < 0 ||
	    sbuf_adds(&path, name) < 0) {
		sbuf_fini(&path);
		return 0;
	}
	rc = access(path.data, F_OK) == 0;
	sbuf_fini(&path);
	return rc;
}
