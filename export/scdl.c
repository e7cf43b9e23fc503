/* scdl.c - the SCDL « subventions » file of the funded applications, its
 * rows checked against the schema's rules as the records are read, kept
 * in memory (a batch funds few) and written only once all are valid. */
#include <limits.h>
#include <string.h>

#include "aap.h"
#include "call.h"
#include "checksum.h"
#include "columns.h"
#include "diag.h"
#include "export.h"
#include "i18n.h"
#include "model.h"
#include "norm.h"
#include "scdl.h"
#include "writer.h"

/* The columns of the schema, in its order. */
enum scdl_col {
	SCDL_NOM_ATTRIBUANT, SCDL_ID_ATTRIBUANT, SCDL_DATE_CONVENTION,
	SCDL_REFERENCE_DECISION, SCDL_NOM_BENEFICIAIRE, SCDL_ID_BENEFICIAIRE,
	SCDL_RNA_BENEFICIAIRE, SCDL_OBJET, SCDL_MONTANT, SCDL_NATURE,
	SCDL_CONDITIONS_VERSEMENT, SCDL_DATES_PERIODE_VERSEMENT, SCDL_ID_RAE,
	SCDL_NOTIFICATION_UE, SCDL_POURCENTAGE_SUBVENTION, SCDL_DISPOSITIF_AIDE,
	SCDL_NCOLS
};

static const char *const col_names[SCDL_NCOLS] = {
	"nomAttribuant", "idAttribuant", "dateConvention", "referenceDecision",
	"nomBeneficiaire", "idBeneficiaire", "rnaBeneficiaire", "objet",
	"montant", "nature", "conditionsVersement", "datesPeriodeVersement",
	"idRAE", "notificationUE", "pourcentageSubvention", "dispositifAide",
};

/* The longest objet, in characters. */
#define OBJET_MAX 256

/* The nature of an award when the call does not say. */
static const char default_nature[] = "aide en numéraire";

/* A run: where each value comes from, and the rows kept. */
struct run {
	struct model *m;
	const struct export_opts *o;
	const char *fixed[SCDL_NCOLS]; /* the values the call gives; NULL none */
	long col[SCDL_NCOLS];          /* stream columns of the others, or -1 */
	long c_cost;                   /* the eligible cost */
	long c_award;                  /* the award */
	struct sbuf rows;              /* each value: its length, its bytes */
	unsigned long nrows;           /* rows kept */
	unsigned long bad;             /* applications reported */
	struct sbuf msg;               /* this record's problems */
};

/* Adds what to the list in b, after ", " when it is not the first. */
static int list_add(struct sbuf *b, const char *what, const char *name)
{
	return (b->len > 0 && sbuf_adds(b, ", ") < 0) ||
	       sbuf_adds(b, _(what)) < 0 || sbuf_adds(b, " \"") < 0 ||
	       sbuf_adds(b, name) < 0 || sbuf_addc(b, '"') < 0 ? -1 : 0;
}

/* 1 when the call sets key to a value that is not empty. */
static int has_setting(const struct call *c, const char *key)
{
	const char *v = call_setting(c, key);

	return v != NULL && *v != '\0';
}

int scdl_check_call(const struct call *c, const char *date, struct diag *err)
{
	static const char *const need[] = { "funder_legal_name", "funder_siret",
					    "payment_terms", "eu_notified" };
	static const struct {
		enum field_role role;
		const char *name;
	} roles[] = {
		{ ROLE_APPLICANT, "applicant" },
		{ ROLE_TITLE, "title" },
		{ ROLE_ELIGIBLE_COST, "eligible_cost" },
	};
	struct sbuf miss;
	size_t i;
	int rc = 0;

	sbuf_init(&miss);
	for (i = 0; i < sizeof(need) / sizeof(need[0]) && rc == 0; i++)
		if (!has_setting(c, need[i]))
			rc = list_add(&miss, "setting", need[i]);
	if (rc == 0 && date == NULL && !has_setting(c, "decision_date"))
		rc = list_add(&miss, "setting", "decision_date");
	if (rc == 0 && !has_setting(c, "payment_dates") &&
	    call_field_with_role(c, ROLE_PAYMENT_DATES) == NULL)
		rc = list_add(&miss, "setting", "payment_dates");
	for (i = 0; i < sizeof(roles) / sizeof(roles[0]) && rc == 0; i++)
		if (call_field_with_role(c, roles[i].role) == NULL)
			rc = list_add(&miss, "a field of role", roles[i].name);
	if (rc == 0 && call_field_with_role(c, ROLE_SIRET) == NULL &&
	    call_field_with_role(c, ROLE_RNA) == NULL)
		rc = list_add(&miss, "a field of role", "siret\" or \"rna");
	if (rc < 0) {
		sbuf_fini(&miss);
		return diag_oom(err);
	}
	if (miss.len > 0) {
		diag_set(err, AAP_EUSAGE, c->dir, 0,
			 "the SCDL file needs what the call does not give: %s",
			 sbuf_str(&miss));
		diag_hint(err, "see the settings of call.csv and the roles of "
			       "fields.csv in docs/aap-export.md");
		rc = -1;
	}
	sbuf_fini(&miss);
	return rc;
}

int scdl_share(long long award, long long cost, struct sbuf *out)
{
	char d[SCDL_SHARE_SCALE + 3];
	long long r;
	int i, up;

	/* award / cost within [1/100, 1], exactly: 100 award >= cost. */
	if (cost <= 0 || cost > LLONG_MAX / 10 || award < 0 || award > cost ||
	    award < cost / 100 || (award == cost / 100 && cost % 100 != 0))
		return 1;
	/* Long division, a digit at a time: r < cost, so 10 r fits. */
	d[0] = award == cost ? '1' : '0';
	d[1] = '.';
	r = award == cost ? 0 : award;
	for (i = 0; i < SCDL_SHARE_SCALE; i++) {
		r *= 10;
		d[2 + i] = (char)('0' + r / cost);
		r %= cost;
	}
	/* Half up: the remainder is at least half the divisor. */
	up = r >= cost - r;
	for (i = SCDL_SHARE_SCALE + 1; up && i >= 0; i--) {
		if (d[i] == '.')
			continue;
		if (d[i] == '9') {
			d[i] = '0';
		} else {
			d[i]++;
			up = 0;
		}
	}
	return sbuf_add(out, d, SCDL_SHARE_SCALE + 2) < 0 ? -1 : 0;
}

/* Keeps the n bytes at s as the next value of the row. */
static int keep(struct run *r, const char *s, size_t n)
{
	return sbuf_add(&r->rows, &n, sizeof(n)) < 0 ||
	       sbuf_add(&r->rows, s, n) < 0 ? -1 : 0;
}

/* Adds a problem of the record to r->msg.  Returns 0 or -1. */
static int problem(struct run *r, const char *what)
{
	return (r->msg.len > 0 && sbuf_adds(&r->msg, "; ") < 0) ||
	       sbuf_adds(&r->msg, _(what)) < 0 ? -1 : 0;
}

/* The number of characters of the UTF-8 text s (n bytes). */
static size_t chars(const char *s, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += ((unsigned char)s[i] & 0xC0) != 0x80;
	return k;
}

/* Appends s (n bytes) to out with its control characters and quotes made
 * visible (\xHH), for a message. */
static int visible(struct sbuf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c != 0x7F && c != '"') {
			if (sbuf_addc(out, (char)c) < 0)
				return -1;
		} else if (sbuf_adds(out, "\\x") < 0 ||
			   sbuf_addc(out, hex[c >> 4]) < 0 ||
			   sbuf_addc(out, hex[c & 15]) < 0) {
			return -1;
		}
	}
	return 0;
}

/* 1 when s (n bytes) is an RNA number: W and nine digits. */
static int is_rna(const char *s, size_t n)
{
	size_t i;

	if (n != 10 || s[0] != 'W')
		return 0;
	for (i = 1; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* Reads the amount in field idx of the record in cents into *v.  Returns
 * 1 when it is one, else 0. */
static int amount(struct run *r, long idx, long long *v)
{
	size_t n;
	const char *s = model_field(r->m, idx, &n);
	int64_t x;

	if (n == 0 || norm_parse_fixed(s, n, 2, &x) != NORM_OK)
		return 0;
	*v = (long long)x;
	return 1;
}

/* Checks the funded application of the record last read and keeps its
 * row, or reports what keeps it from making one.  Returns 0 or -1. */
static int take(struct run *r, struct diag *err)
{
	const char *v[SCDL_NCOLS];
	size_t len[SCDL_NCOLS], i, n;
	long long award = 0, cost = 0;
	char montant[32];
	struct sbuf share;
	int k, rc = -1;

	sbuf_reset(&r->msg);
	sbuf_init(&share);
	for (i = 0; i < SCDL_NCOLS; i++) {
		v[i] = r->fixed[i] != NULL ? r->fixed[i] : "";
		len[i] = strlen(v[i]);
		if (r->col[i] >= 0) {
			const char *s = model_field(r->m, r->col[i], &n);

			if (n > 0 || r->fixed[i] == NULL) {
				v[i] = s;
				len[i] = n;
			}
		}
	}
	if (len[SCDL_NOM_BENEFICIAIRE] == 0 && problem(r, "no applicant's name") < 0)
		goto oom;
	if (len[SCDL_ID_BENEFICIAIRE] == 0 && len[SCDL_RNA_BENEFICIAIRE] == 0 &&
	    problem(r, "no SIRET and no RNA number") < 0)
		goto oom;
	if (len[SCDL_ID_BENEFICIAIRE] > 0 &&
	    !checksum_siret(v[SCDL_ID_BENEFICIAIRE], len[SCDL_ID_BENEFICIAIRE]) &&
	    problem(r, "the SIRET is not 14 digits with right check digits") < 0)
		goto oom;
	if (len[SCDL_RNA_BENEFICIAIRE] > 0 &&
	    !is_rna(v[SCDL_RNA_BENEFICIAIRE], len[SCDL_RNA_BENEFICIAIRE]) &&
	    problem(r, "the RNA number is not W and 9 digits") < 0)
		goto oom;
	if (len[SCDL_OBJET] == 0 && problem(r, "no title") < 0)
		goto oom;
	if (chars(v[SCDL_OBJET], len[SCDL_OBJET]) > OBJET_MAX) {
		sbuf_reset(&share);
		if (sbuf_adds(&share, _("the title has ")) < 0 ||
		    sbuf_addu(&share, chars(v[SCDL_OBJET], len[SCDL_OBJET])) < 0 ||
		    sbuf_adds(&share, _(" characters, more than 256")) < 0 ||
		    problem(r, sbuf_str(&share)) < 0)
			goto oom;
	}
	if (len[SCDL_DATES_PERIODE_VERSEMENT] > 0 &&
	    !call_is_period(v[SCDL_DATES_PERIODE_VERSEMENT],
			    len[SCDL_DATES_PERIODE_VERSEMENT]) &&
	    problem(r, "the payment dates are not a date YYYY-MM-DD nor a "
		       "period YYYY-MM-DD/YYYY-MM-DD that does not end "
		       "before it starts") < 0)
		goto oom;
	if (len[SCDL_DATES_PERIODE_VERSEMENT] == 0 &&
	    problem(r, "no payment dates") < 0)
		goto oom;
	sbuf_reset(&share);
	if (!amount(r, r->c_award, &award) || award <= 0) {
		if (problem(r, "no award") < 0)
			goto oom;
	} else if (!amount(r, r->c_cost, &cost) || cost <= 0) {
		if (problem(r, "no eligible cost") < 0)
			goto oom;
	} else if ((k = scdl_share(award, cost, &share)) < 0) {
		goto oom;
	} else if (k == 1) {
		char a[32], c[32];

		if (norm_format_fixed(award, 2, a, sizeof(a)) != NORM_OK ||
		    norm_format_fixed(cost, 2, c, sizeof(c)) != NORM_OK ||
		    sbuf_adds(&share, _("the award, ")) < 0 ||
		    sbuf_adds(&share, a) < 0 ||
		    /* xgettext:no-c-format */
		    sbuf_adds(&share, _(", is not between 1 % and 100 % of the "
					"eligible cost, ")) < 0 ||
		    sbuf_adds(&share, c) < 0 || problem(r, sbuf_str(&share)) < 0)
			goto oom;
	}
	if (r->msg.len > 0) {
		struct diag d;
		const char *id = model_field(r->m, r->m->c_id, &n);

		sbuf_reset(&share);
		if (visible(&share, id, n > 64 ? 64 : n) < 0)
			goto oom;
		diag_clear(&d);
		diag_set(&d, AAP_EDATA, r->m->src.name,
			 stream_in_line(r->m->src.in),
			 "application \"%s\" cannot be published: %s",
			 sbuf_str(&share), sbuf_str(&r->msg));
		if (r->o->sink != NULL && r->o->sink->fn != NULL)
			r->o->sink->fn(r->o->sink->ctx, &d);
		r->bad++;
		rc = 0;
		goto done;
	}
	if (norm_format_fixed(award, 2, montant, sizeof(montant)) != NORM_OK)
		goto oom;
	v[SCDL_MONTANT] = montant;
	len[SCDL_MONTANT] = strlen(montant);
	v[SCDL_POURCENTAGE_SUBVENTION] = sbuf_str(&share);
	len[SCDL_POURCENTAGE_SUBVENTION] = share.len;
	for (i = 0; i < SCDL_NCOLS; i++)
		if (keep(r, v[i], len[i]) < 0)
			goto oom;
	r->nrows++;
	rc = 0;
	goto done;
oom:
	diag_oom(err);
done:
	sbuf_fini(&share);
	return rc;
}

/* The stream column of the field of role, or -1. */
static long role_col(const struct model *m, enum field_role role)
{
	const struct call_field *f = call_field_with_role(m->call, role);

	return f != NULL ? stream_in_column(m->src.in, f->name) : -1;
}

/* Sets where each value of r comes from. */
static void sources(struct run *r)
{
	const struct call *c = r->m->call;
	const char *nature = call_setting(c, "aid_nature");
	size_t i;

	for (i = 0; i < SCDL_NCOLS; i++) {
		r->fixed[i] = NULL;
		r->col[i] = -1;
	}
	r->fixed[SCDL_NOM_ATTRIBUANT] = call_setting(c, "funder_legal_name");
	r->fixed[SCDL_ID_ATTRIBUANT] = call_setting(c, "funder_siret");
	r->fixed[SCDL_DATE_CONVENTION] = r->o->decision_date != NULL ?
		r->o->decision_date : call_setting(c, "decision_date");
	r->fixed[SCDL_REFERENCE_DECISION] = r->o->decision_ref != NULL ?
		r->o->decision_ref : call_setting(c, "decision_ref");
	r->fixed[SCDL_NATURE] = nature != NULL && *nature ? nature :
		default_nature;
	r->fixed[SCDL_CONDITIONS_VERSEMENT] = call_setting(c, "payment_terms");
	r->fixed[SCDL_DATES_PERIODE_VERSEMENT] = call_setting(c, "payment_dates");
	r->fixed[SCDL_NOTIFICATION_UE] = call_setting(c, "eu_notified");
	r->fixed[SCDL_DISPOSITIF_AIDE] = call_setting(c, "aid_scheme");
	r->col[SCDL_NOM_BENEFICIAIRE] = role_col(r->m, ROLE_APPLICANT);
	r->col[SCDL_ID_BENEFICIAIRE] = role_col(r->m, ROLE_SIRET);
	r->col[SCDL_RNA_BENEFICIAIRE] = role_col(r->m, ROLE_RNA);
	r->col[SCDL_OBJET] = role_col(r->m, ROLE_TITLE);
	/* An application's own payment dates win over the call's. */
	r->col[SCDL_DATES_PERIODE_VERSEMENT] = role_col(r->m, ROLE_PAYMENT_DATES);
	r->c_cost = role_col(r->m, ROLE_ELIGIBLE_COST);
	r->c_award = stream_in_column(r->m->src.in, columns_name(COLUMN_AWARD));
}

/* Writes the header and the rows kept to fd. */
static int put(struct run *r, int fd, const char *name, struct diag *err)
{
	struct writer *w = writer_new(fd, name);
	size_t i, off = 0, n;
	unsigned long k;
	int rc;

	if (w == NULL)
		return diag_oom(err);
	for (i = 0; i < SCDL_NCOLS; i++)
		writer_field(w, col_names[i], strlen(col_names[i]));
	writer_end_record(w);
	for (k = 0; k < r->nrows; k++) {
		for (i = 0; i < SCDL_NCOLS; i++) {
			memcpy(&n, r->rows.data + off, sizeof(n));
			off += sizeof(n);
			writer_field(w, r->rows.data + off, n);
			off += n;
		}
		writer_end_record(w);
	}
	/* A failed write is kept by the writer and said by the flush. */
	rc = writer_flush(w, err);
	writer_free(w);
	return rc;
}

int scdl_write(struct model *m, const struct export_opts *o, int fd,
	       const char *name, struct diag *err)
{
	struct run r;
	enum read_result res;
	int rc = -1;

	memset(&r, 0, sizeof(r));
	r.m = m;
	r.o = o;
	sbuf_init(&r.rows);
	sbuf_init(&r.msg);
	sources(&r);
	if (m->c_decision < 0 || r.c_award < 0) {
		diag_set(err, AAP_EDATA, m->src.name, 0,
			 "the stream is not scored: the SCDL file lists the "
			 "applications aap-score funds");
		goto done;
	}
	while ((res = model_next(m, err)) == READ_RECORD) {
		size_t n;
		const char *d = model_field(m, m->c_decision, &n);

		if (n == 6 && memcmp(d, "funded", 6) == 0 && take(&r, err) < 0)
			goto done;
	}
	if (res == READ_ERROR)
		goto done;
	if (r.bad > 0) {
		diag_set(err, AAP_EDATA, m->src.name, 0,
			 "%lu funded application%s cannot be published: no "
			 "SCDL file written", r.bad, r.bad > 1 ? "s" : "");
		goto done;
	}
	rc = put(&r, fd, name, err);
done:
	sbuf_fini(&r.rows);
	sbuf_fini(&r.msg);
	return rc;
}
