/* model.c - the batch for the committee's documents: the stream read
 * through lib/stream.h, its values typed and put in words, its provenance
 * and totals kept for the summary sheets. */
#include <string.h>

#include "aap.h"
#include "call.h"
#include "diag.h"
#include "labels.h"
#include "mem.h"
#include "model.h"
#include "notes.h"
#include "prov.h"
#include "columns.h"
#include "stream.h"

/* ---- Provenance ----------------------------------------------------------- */

/* Adds the stage whose '#stage' line is l to m. */
static int add_stage(struct model *m, const struct prov_line *l)
{
	struct model_stage *s;
	const struct prov_token *t;
	struct prov_file pf;
	size_t i;

	s = mem_realloc(m->stages, (m->nstages + 1) * sizeof(*s));
	if (s == NULL)
		return -1;
	m->stages = s;
	s = &s[m->nstages++];
	memset(s, 0, sizeof(*s));
	if ((t = prov_find(l, PROV_NAME)) != NULL &&
	    (s->name = mem_strdup(t->value)) == NULL)
		return -1;
	if ((t = prov_find(l, PROV_VERSION)) != NULL &&
	    (s->version = mem_strdup(t->value)) == NULL)
		return -1;
	for (i = 0; i < l->n; i++) {
		struct model_file *f;

		if (strcmp(l->tok[i].key, prov_key_name(PROV_FILE)) != 0 ||
		    prov_file_split(&l->tok[i], &pf) < 0)
			continue;
		f = mem_realloc(s->files, (s->nfiles + 1) * sizeof(*f));
		if (f == NULL)
			return -1;
		s->files = f;
		f = &f[s->nfiles++];
		memset(f, 0, sizeof(*f));
		if ((f->role = mem_strndup(pf.role, pf.role_len)) == NULL ||
		    (f->name = mem_strndup(pf.name, pf.name_len)) == NULL ||
		    (f->sha256 = mem_strdup(pf.sha256)) == NULL)
			return -1;
	}
	return 0;
}

/* Reads the '#stage' lines into m->stages. */
static int read_provenance(struct model *m, struct diag *err)
{
	size_t i, n = stream_in_nprov(m->src.in);
	struct prov_line l;
	int rc = 0;

	prov_line_init(&l);
	for (i = 0; i < n && rc == 0; i++) {
		const char *line = stream_in_prov(m->src.in, i);

		if (prov_kind_of(line) != PROV_STAGE)
			continue;
		rc = prov_parse(&l, line, m->src.name, i + 1, err);
		if (rc == 0 && add_stage(m, &l) < 0)
			rc = diag_oom(err);
	}
	prov_line_fini(&l);
	return rc;
}

/* ---- Numbers and dates --------------------------------------------------- */

int model_decimal(const char *s, size_t n, long long *units, unsigned *scale)
{
	size_t i = 0, digits = 0;
	long long v = 0;
	int neg = 0, dot = 0;

	*scale = 0;
	if (n > 0 && s[0] == '-')
		neg = 1, i = 1;
	if (i == n)
		return -1;
	for (; i < n; i++) {
		if (s[i] == '.' && !dot && digits > 0 && i + 1 < n) {
			dot = 1;
			continue;
		}
		if (s[i] < '0' || s[i] > '9' || ++digits > 18)
			return -1;
		v = v * 10 + (s[i] - '0');
		if (dot)
			(*scale)++;
	}
	*units = neg ? -v : v;
	return 0;
}

int model_french_number(struct sbuf *out, long long units, unsigned scale)
{
	unsigned long long a = units < 0 ? 0ULL - (unsigned long long)units :
		(unsigned long long)units;
	char digits[32];
	size_t n = 0, i;

	do {
		digits[n++] = (char)('0' + a % 10);
		a /= 10;
	} while (a > 0 || n <= scale);
	if (units < 0 && sbuf_addc(out, '-') < 0)
		return -1;
	for (i = n; i-- > 0;) {
		if (sbuf_addc(out, digits[i]) < 0)
			return -1;
		if (i == scale && scale > 0 && sbuf_addc(out, ',') < 0)
			return -1;
	}
	return 0;
}

long long model_days(int y, int m, int d)
{
	/* Howard Hinnant's days_from_civil. */
	long long yy = y - (m <= 2);
	long long era = (yy >= 0 ? yy : yy - 399) / 400;
	long long yoe = yy - era * 400;
	long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

/* The n digits at s as a number, or -1. */
static int num(const char *s, size_t n)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Reads the date at the start of s ("YYYY-MM-DD", alone or before 'T'). */
static int parse_date(const char *s, size_t n, int *y, int *m, int *d)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (n < 10 || (n > 10 && s[10] != 'T') || s[4] != '-' || s[7] != '-')
		return -1;
	*y = num(s, 4);
	*m = num(s + 5, 2);
	*d = num(s + 8, 2);
	if (*y < 1 || *m < 1 || *m > 12 || *d < 1 || *d > mdays[*m - 1])
		return -1;
	return 0;
}

/* The instant of a normal datetime (docs/normalisation.md), seconds since
 * 1970 (no offset: read as UTC), or 0 when it is not one. */
static long long instant(const char *s, size_t n)
{
	int y, mo, d, h, mi, se, oh = 0, om = 0;
	long long t;

	if (n < 19 || parse_date(s, n, &y, &mo, &d) < 0 || s[13] != ':' ||
	    s[16] != ':')
		return 0;
	h = num(s + 11, 2);
	mi = num(s + 14, 2);
	se = num(s + 17, 2);
	if (h < 0 || mi < 0 || se < 0)
		return 0;
	if (n == 25 && (s[19] == '+' || s[19] == '-')) {
		oh = num(s + 20, 2);
		om = num(s + 23, 2);
		if (oh < 0 || om < 0)
			return 0;
		if (s[19] == '-')
			oh = -oh, om = -om;
	}
	t = model_days(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
	return t - oh * 3600 - om * 60;
}

/* ---- Columns ------------------------------------------------------------- */

/* Adds a column of the ranking. */
static int add_col(struct model *m, long idx, enum model_kind kind,
		   const char *key, const char *arg)
{
	struct model_col *c;
	struct sbuf h;

	if (idx < 0)
		return 0;
	c = mem_realloc(m->cols, (m->ncols + 1) * sizeof(*c));
	if (c == NULL)
		return -1;
	m->cols = c;
	sbuf_init(&h);
	if (labels_fill(m->lab, key, arg, &h) < 0) {
		sbuf_fini(&h);
		return -1;
	}
	c[m->ncols].idx = idx;
	c[m->ncols].kind = kind;
	c[m->ncols].header = h.data ? h.data : mem_strdup("");
	if (c[m->ncols].header == NULL)
		return -1;
	m->ncols++;
	return 0;
}

/* How a field of type t is shown. */
static enum model_kind field_kind(enum field_type t)
{
	switch (t) {
	case FIELD_INTEGER:
	case FIELD_DECIMAL:
	case FIELD_RATE:
		return MODEL_NUMBER;
	case FIELD_MONEY:
		return MODEL_MONEY;
	case FIELD_DATE:
	case FIELD_DATETIME:
		return MODEL_DATE;
	default:
		return MODEL_TEXT;
	}
}

/* The stream's column of the call's field with role, or -1. */
static long role_column(const struct model *m, enum field_role role)
{
	const struct call_field *f = call_field_with_role(m->call, role);

	return f != NULL ? stream_in_column(m->src.in, f->name) : -1;
}

/* The ranking: rank, id, applicant, title, the fields shown, each score
 * and spread, total, decision, award, the tie-break; admissible for a
 * stream not scored. */
static int set_columns(struct model *m)
{
	const struct record *h = stream_in_header(m->src.in);
	const struct call *c = m->call;
	size_t i;

	m->c_applicant = role_column(m, ROLE_APPLICANT);
	m->c_title = role_column(m, ROLE_TITLE);
	if (add_col(m, stream_in_column(m->src.in, columns_name(COLUMN_RANK)), MODEL_NUMBER,
		    "col:rank", "") < 0 ||
	    add_col(m, m->c_id, MODEL_TEXT, "col:application_id", "") < 0 ||
	    add_col(m, m->c_applicant, MODEL_TEXT, "col:applicant", "") < 0 ||
	    add_col(m, m->c_title, MODEL_TEXT, "col:title", "") < 0)
		return -1;
	for (i = 0; i < c->nfields; i++)
		if (call_role_shown(c->fields[i].role) &&
		    add_col(m, stream_in_column(m->src.in, c->fields[i].name),
			    field_kind(c->fields[i].type),
			    labels_word(m->lab, "field", c->fields[i].name,
					&m->scratch), "") < 0)
			return -1;
	for (i = 0; i < h->n; i++) {
		const char *name = record_field(h, i);
		const char *crit = columns_score_criterion(name);
		int score = crit != NULL;

		if (!score && (crit = columns_spread_criterion(name)) == NULL)
			continue;
		if (add_col(m, (long)i, MODEL_NUMBER,
			    score ? "col:score" : "col:spread",
			    labels_word(m->lab, "criterion", crit,
					&m->scratch)) < 0)
			return -1;
	}
	if (add_col(m, stream_in_column(m->src.in, columns_name(COLUMN_TOTAL)), MODEL_NUMBER,
		    "col:total", "") < 0 ||
	    add_col(m, m->c_decision, MODEL_DECISION, "col:decision", "") < 0 ||
	    add_col(m, stream_in_column(m->src.in, columns_name(COLUMN_AWARD)), MODEL_MONEY,
		    "col:award", "") < 0 ||
	    add_col(m, stream_in_column(m->src.in, columns_name(COLUMN_RANK_REASON)), MODEL_REASON,
		    "col:rank_reason", "") < 0 ||
	    add_col(m, m->c_decided_by, MODEL_DECIDED_BY, "col:decided_by", "") < 0 ||
	    add_col(m, m->c_decision_reason, MODEL_TEXT, "col:decision_reason", "") < 0)
		return -1;
	if (m->c_decision < 0 &&
	    add_col(m, m->c_admissible, MODEL_YESNO, "col:admissible", "") < 0)
		return -1;
	return 0;
}

int model_open(struct model *m, struct call *call, const struct labels *lab,
	       const char *path, int check, struct diag *err)
{
	memset(m, 0, sizeof(*m));
	m->call = call;
	m->lab = lab;
	prov_line_init(&m->trailer);
	sbuf_init(&m->scratch);
	if (stage_input_open(&m->src, call, path, check, err) < 0)
		return -1;
	if (read_provenance(m, err) < 0)
		return -1;
	m->c_id = stream_in_column(m->src.in, columns_name(COLUMN_APPLICATION_ID));
	m->c_findings = stream_in_column(m->src.in, columns_name(COLUMN_FINDINGS));
	m->c_admissible = stream_in_column(m->src.in, columns_name(COLUMN_ADMISSIBLE));
	m->c_decision = stream_in_column(m->src.in, columns_name(COLUMN_DECISION));
	m->c_decided_by = stream_in_column(m->src.in, columns_name(COLUMN_DECIDED_BY));
	m->c_decision_reason = stream_in_column(m->src.in,
						columns_name(COLUMN_DECISION_REASON));
	if (set_columns(m) < 0)
		return diag_oom(err);
	return 0;
}

enum read_result model_next(struct model *m, struct diag *err)
{
	enum read_result r = stream_in_next(m->src.in, err);
	const struct record *rec;
	size_t i, n;

	if (r == READ_END) {
		memcpy(m->digest, stream_in_digest(m->src.in), sizeof(m->digest) - 1);
		if (*stream_in_trailer(m->src.in) != '\0' &&
		    prov_parse(&m->trailer, stream_in_trailer(m->src.in),
			       m->src.name, stream_in_line(m->src.in), err) < 0)
			return READ_ERROR;
	}
	if (r != READ_RECORD)
		return r;
	rec = stream_in_record(m->src.in);
	if (m->c_decision >= 0) {
		const char *d = record_field(rec, (size_t)m->c_decision);

		m->funded += strcmp(d, "funded") == 0;
		m->reserve += strcmp(d, "reserve") == 0;
	}
	for (i = 0; i < m->call->nfields; i++) {
		long idx;
		long long t;

		if (m->call->fields[i].type != FIELD_DATETIME ||
		    (idx = stream_in_column(m->src.in, m->call->fields[i].name)) < 0)
			continue;
		n = record_len(rec, (size_t)idx);
		t = instant(record_field(rec, (size_t)idx), n);
		if (t > m->latest)
			m->latest = t;
	}
	return r;
}

const struct record *model_record(const struct model *m)
{
	return stream_in_record(m->src.in);
}

const char *model_field(const struct model *m, long idx, size_t *n)
{
	const struct record *r = stream_in_record(m->src.in);

	if (idx < 0) {
		*n = 0;
		return "";
	}
	*n = record_len(r, (size_t)idx);
	return record_field(r, (size_t)idx);
}

int model_finding_next(const char **s, size_t *n, struct model_finding *f,
		       struct sbuf *buf)
{
	const char *p = *s, *end;
	size_t len, i, part = 0;
	size_t start[4] = { 0, 0, 0, 0 };

	while (*n > 0 && *p == ';')
		p++, (*n)--;
	if (*n == 0)
		return 0;
	end = memchr(p, ';', *n);
	len = end ? (size_t)(end - p) : *n;
	sbuf_reset(buf);
	if (sbuf_add(buf, p, len) < 0 || sbuf_addc(buf, '\0') < 0)
		return -1;
	/* Up to four parts; the detail keeps any ':' it holds. */
	for (i = 0; i < len && part < 3; i++)
		if (buf->data[i] == ':') {
			buf->data[i] = '\0';
			start[++part] = i + 1;
		}
	f->severity = buf->data + start[0];
	f->code = part >= 1 ? buf->data + start[1] : "";
	f->field = part >= 2 ? buf->data + start[2] : "";
	f->detail = part >= 3 ? buf->data + start[3] : "";
	*s = p + len;
	*n -= len;
	return 1;
}

int model_findings_words(struct model *m, const char *s, size_t n,
			 const char *sep, struct sbuf *out)
{
	struct model_finding f;
	struct sbuf item, key;
	int r, first = 1, rc = 0;

	sbuf_init(&item);
	sbuf_init(&key);
	while (rc == 0 && (r = model_finding_next(&s, &n, &f, &item)) != 0) {
		if (r < 0 ||
		    (!first && sbuf_adds(out, sep) < 0) ||
		    sbuf_adds(out, labels_word(m->lab, "severity", f.severity, &key)) < 0 ||
		    sbuf_adds(out, labels_lang(m->lab) == LABELS_FR ? " : " : ": ") < 0 ||
		    sbuf_adds(out, labels_word(m->lab, "finding", f.code, &key)) < 0) {
			rc = -1;
			break;
		}
		first = 0;
		if (*f.field &&
		    (sbuf_adds(out, " (") < 0 ||
		     sbuf_adds(out, labels_word(m->lab, "field", f.field, &key)) < 0 ||
		     (*f.detail && (sbuf_adds(out, ", ") < 0 ||
				    sbuf_adds(out, f.detail) < 0)) ||
		     sbuf_addc(out, ')') < 0))
			rc = -1;
	}
	sbuf_fini(&item);
	sbuf_fini(&key);
	return rc;
}

/* The rank reason s in words, into out. */
static int reason_words(struct model *m, const char *s, struct sbuf *out)
{
	const char *c = strchr(s, ':');
	struct sbuf kind, arg, key;
	int rc = -1;

	if (*s == '\0')
		return 0;
	sbuf_init(&kind);
	sbuf_init(&arg);
	sbuf_init(&key);
	if (sbuf_adds(&kind, "reason:") < 0 ||
	    sbuf_add(&kind, s, c ? (size_t)(c - s) : strlen(s)) < 0)
		goto done;
	if (c != NULL && strncmp(s, "score:", 6) == 0) {
		if (sbuf_adds(&arg, labels_word(m->lab, "criterion", c + 1, &key)) < 0)
			goto done;
	} else if (c != NULL) {
		/* field:F, coverage:F, balance:A:B */
		const char *p = c + 1;

		while (*p) {
			const char *e = strchr(p, ':');
			struct sbuf one;
			int bad;

			sbuf_init(&one);
			bad = sbuf_add(&one, p, e ? (size_t)(e - p) : strlen(p)) < 0 ||
			      (arg.len > 0 && sbuf_adds(&arg, " / ") < 0) ||
			      sbuf_adds(&arg, labels_word(m->lab, "field",
							  sbuf_str(&one), &key)) < 0;
			sbuf_fini(&one);
			if (bad)
				goto done;
			p = e ? e + 1 : p + strlen(p);
		}
	}
	if (labels_find(m->lab, sbuf_str(&kind)) == NULL)
		rc = sbuf_adds(out, s);
	else
		rc = labels_fill(m->lab, sbuf_str(&kind), sbuf_str(&arg), out);
done:
	sbuf_fini(&kind);
	sbuf_fini(&arg);
	sbuf_fini(&key);
	return rc;
}

/* 1 when s (n bytes) is the word w. */
static int is_word(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && memcmp(s, w, n) == 0;
}

/* When m has the decisions file, appends the action in words and the
 * author of its line l (n digits), then ", ", to out. */
static int decision_line(struct model *m, const char *l, size_t n,
			 struct sbuf *out)
{
	unsigned long line = 0;
	size_t i;

	if (m->decisions == NULL || n == 0 || n > 9)
		return 0;
	for (i = 0; i < n; i++) {
		if (l[i] < '0' || l[i] > '9')
			return 0;
		line = line * 10 + (unsigned long)(l[i] - '0');
	}
	for (i = 0; i < m->decisions->n; i++) {
		const struct notes_row *r = &m->decisions->rows[i];

		if (r->side == COLUMNS_DECISIONS && r->line == line)
			return sbuf_adds(out, labels_word(m->lab, "action",
							  r->criterion,
							  &m->scratch)) < 0 ||
			       sbuf_adds(out, ", ") < 0 ||
			       sbuf_adds(out, r->who) < 0 ||
			       sbuf_adds(out, ", ") < 0 ? -1 : 0;
	}
	return 0;
}

int model_decided_by_committee(const char *s, size_t n)
{
	return n > 0 && !is_word(s, n, columns_by_ranking) &&
	       !is_word(s, n, columns_by_freed);
}

int model_decided_words(struct model *m, const char *s, size_t n,
			struct sbuf *out)
{
	struct sbuf where, line;
	const char *colon;
	int rc;

	if (is_word(s, n, columns_by_ranking))
		return sbuf_adds(out, labels_find(m->lab, "decided_by:ranking"));
	if (is_word(s, n, columns_by_freed))
		return sbuf_adds(out, labels_find(m->lab, "decided_by:freed"));
	/* NAME:LINE, the file's name and the line in it. */
	for (colon = s + n; colon > s && colon[-1] != ':'; colon--)
		;
	sbuf_init(&where);
	sbuf_init(&line);
	rc = decision_line(m, colon, (size_t)(s + n - colon), &where);
	if (rc == 0)
		rc = colon > s ? sbuf_add(&where, s, (size_t)(colon - 1 - s)) :
				 sbuf_add(&where, s, n);
	if (rc == 0 && colon > s)
		rc = sbuf_adds(&where, ", ") < 0 ||
		     sbuf_add(&line, colon, (size_t)(s + n - colon)) < 0 ||
		     labels_fill(m->lab, "decided_by:line", sbuf_str(&line), &where) < 0 ?
		     -1 : 0;
	if (rc == 0)
		rc = labels_fill(m->lab, "decided_by:committee", sbuf_str(&where), out);
	sbuf_fini(&where);
	sbuf_fini(&line);
	return rc;
}

int model_cell(struct model *m, const struct model_col *c,
	       struct model_cell *cell, struct sbuf *buf)
{
	size_t n;
	const char *s = model_field(m, c->idx, &n);

	memset(cell, 0, sizeof(*cell));
	if (n == 0)
		return 0;
	cell->type = CELL_TEXT;
	cell->text = s;
	cell->len = n;
	switch (c->kind) {
	case MODEL_NUMBER:
	case MODEL_MONEY:
		if (model_decimal(s, n, &cell->units, &cell->scale) == 0) {
			cell->type = CELL_NUMBER;
			cell->money = c->kind == MODEL_MONEY;
		}
		return 0;
	case MODEL_DATE:
		if (parse_date(s, n, &cell->y, &cell->m, &cell->d) == 0)
			cell->type = CELL_DATE;
		return 0;
	case MODEL_TEXT:
		return 0;
	case MODEL_DECISION:
	case MODEL_YESNO:
		sbuf_reset(buf);
		if (sbuf_adds(buf, labels_word(m->lab, c->kind == MODEL_DECISION ?
					       "decision" : "admissible", s,
					       &m->scratch)) < 0)
			return -1;
		break;
	case MODEL_REASON:
		sbuf_reset(buf);
		if (reason_words(m, s, buf) < 0)
			return -1;
		break;
	case MODEL_FINDINGS:
		sbuf_reset(buf);
		if (model_findings_words(m, s, n, " ; ", buf) < 0)
			return -1;
		break;
	case MODEL_DECIDED_BY:
		sbuf_reset(buf);
		if (model_decided_words(m, s, n, buf) < 0)
			return -1;
		break;
	}
	cell->text = sbuf_str(buf);
	cell->len = buf->len;
	return 0;
}

const char *model_trailer(const struct model *m, enum prov_key key)
{
	const struct prov_token *t = prov_find(&m->trailer, key);

	return t != NULL ? t->value : NULL;
}

void model_close(struct model *m)
{
	size_t i, j;

	for (i = 0; i < m->ncols; i++)
		mem_free(m->cols[i].header);
	mem_free(m->cols);
	for (i = 0; i < m->nstages; i++) {
		for (j = 0; j < m->stages[i].nfiles; j++) {
			mem_free(m->stages[i].files[j].role);
			mem_free(m->stages[i].files[j].name);
			mem_free(m->stages[i].files[j].sha256);
		}
		mem_free(m->stages[i].files);
		mem_free(m->stages[i].name);
		mem_free(m->stages[i].version);
	}
	mem_free(m->stages);
	stage_input_close(&m->src);
	prov_line_fini(&m->trailer);
	sbuf_fini(&m->scratch);
	memset(m, 0, sizeof(*m));
}
