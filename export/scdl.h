/* scdl.h - the open-data file of the funded applications: the SCDL
 * « subventions » CSV, schema 2.1.1 (export/scdl/schema.json), one row per
 * funded application, written only when every row is valid. */
#ifndef SCDL_H
#define SCDL_H

#include "sbuf.h"

struct call;
struct diag;
struct export_opts;
struct model;

/* The decimals of pourcentageSubvention. */
#define SCDL_SHARE_SCALE 4

/* Checks, before any data is read, that call c gives what the file needs:
 * the settings funder_legal_name, funder_siret, payment_terms,
 * eu_notified, decision_date (unless date, the --decision-date given, is
 * not NULL), payment_dates (unless a field has the role payment_dates),
 * and fields of roles applicant, title, eligible_cost and siret or rna.
 * Returns 0, or -1 with err set (AAP_EUSAGE) naming all that is missing. */
int scdl_check_call(const struct call *c, const char *date, struct diag *err);

/* Appends award / cost (both in cents, cost > 0) to out with
 * SCDL_SHARE_SCALE decimals and '.', computed exactly in integers and
 * rounded half up ("0.6818").  Returns 0; 1 when the exact quotient is
 * below 0.01 or above 1, or cost is not positive or too large (above
 * LLONG_MAX / 10), out then unchanged; -1 when memory ran out. */
int scdl_share(long long award, long long cost, struct sbuf *out);

/* Reads the records of m (a scored stream) and writes to fd, named name
 * in messages, the SCDL file of its funded applications: a header row and
 * one row each, in the stream's order, UTF-8, ',' and LF.  The decision's
 * date and reference are o->decision_date and o->decision_ref, else the
 * call's settings.  A funded application that cannot make a valid row
 * (no SIRET and no RNA, a bad SIRET or RNA, no name, no title or one of
 * more than 256 characters, no award, a share of the eligible cost outside
 * [0.01, 1], a bad payment period) is reported to o->sink, each problem
 * once, and then nothing at all is written.  Returns 0, or -1 with err
 * set: AAP_EDATA for a stream not scored or not whole, or for the
 * applications reported; AAP_ESYS for a failed write or memory. */
int scdl_write(struct model *m, const struct export_opts *o, int fd,
	       const char *name, struct diag *err);

#endif
