/* validate.c - the admissibility stage: records in, the same records out
 * with `admissible`, decided from their findings. */
#include <string.h>

#include "aap.h"
#include "diag.h"
#include "stage.h"
#include "validate.h"

int validate_has_error(const char *s, size_t n)
{
	const char *p = s, *end = s + n;

	while (p < end) {
		if ((size_t)(end - p) >= 6 && memcmp(p, "error:", 6) == 0)
			return 1;
		p = memchr(p, ';', (size_t)(end - p));
		if (p == NULL)
			break;
		p++;
	}
	return 0;
}

/* Copies one record with its verdict. */
static int copy_record(struct stage *st, size_t findings, struct diag *err)
{
	const struct record *r = stream_in_record(st->in);
	size_t i;
	int bad;

	for (i = 0; i < r->n; i++)
		stream_out_field(st->out, record_field(r, i), record_len(r, i));
	bad = validate_has_error(record_field(r, findings), record_len(r, findings));
	stream_out_field(st->out, bad ? "no" : "yes", bad ? 2 : 3);
	stream_out_end_record(st->out);
	return stream_out_failed(st->out, err);
}

int validate_run(const struct validate_opts *o, struct diag *err)
{
	static const char *const added[] = { "admissible" };
	struct stage st;
	enum read_result rr;
	long findings;
	int rc = -1;

	if (stage_open(&st, "aap-validate", o->call, o->input, o->check,
		       o->plain, err) < 0)
		goto done;
	findings = stream_in_column(st.in, "findings");
	if (findings < 0) {
		diag_set(err, AAP_EDATA, st.input_name, 1,
			 "the stream has no column \"findings\"");
		goto done;
	}
	if (stage_begin(&st, NULL, added, 1, err) < 0)
		goto done;
	while ((rr = stream_in_next(st.in, err)) == READ_RECORD)
		if (copy_record(&st, (size_t)findings, err) < 0)
			goto done;
	if (rr == READ_ERROR)
		goto done;
	rc = stage_finish(&st, NULL, err);
done:
	stage_close(&st);
	return rc;
}
