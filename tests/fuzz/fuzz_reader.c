/* fuzz_reader.c - libFuzzer harness for the CSV reader in source mode:
 * encoding detection, delimiter detection, recovery after bad quoting,
 * line ends, caps.  The data is handed to reader_new on a memfd, read to
 * the end twice: with the real caps, and with tiny ones.  Wherever it
 * reads without recovery (the stream; the call's tables and the reviews
 * file, with their CR, LF and CRLF line ends and byte order mark; a file
 * of unknown encoding and delimiter) the reader's own scanner must give
 * exactly what libcsv gives: the same items, the same lines, the same
 * error; and a source or the stream read ahead on a thread of its own
 * must give exactly what it gives read inline, the bytes hashed at each
 * '#' line included. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aap.h"
#include "diag.h"
#include "reader.h"
#include "fuzz.h"

static int count_tap(void *ctx, const void *p, size_t n)
{
	(void)p;
	*(unsigned long long *)ctx += n;
	return 0;
}

/* Appends what the reader returned to a log (when log is not NULL): the
 * kind of item, its line, its bytes; for a '#' line, how many bytes the
 * tap had seen (the stream's trailer is checked against that digest). */
static void log_item(struct sbuf *log, struct reader *r, enum read_result rr,
		     const struct diag *err, unsigned long long tapped)
{
	const struct record *rec = reader_record(r);
	size_t i, len;
	const char *h;
	char num[64];

	if (log == NULL)
		return;
	snprintf(num, sizeof(num), "%d@%lu:", (int)rr,
		 rr == READ_ERROR ? err->line : reader_line(r));
	if (sbuf_adds(log, num) < 0)
		abort();
	if (rr == READ_HASH) {
		h = reader_hash_line(r, &len);
		snprintf(num, sizeof(num), "tapped %llu:", tapped);
		if (sbuf_adds(log, num) < 0 || sbuf_add(log, h, len) < 0)
			abort();
	} else if (rr == READ_RECORD) {
		snprintf(num, sizeof(num), "%zu/%lu/%d/%c/%d/%llu", rec->n,
			 rec->line, rec->broken, reader_delim(r),
			 (int)reader_encoding(r), reader_offset(r));
		if (sbuf_adds(log, num) < 0)
			abort();
		for (i = 0; i < rec->n; i++) {
			snprintf(num, sizeof(num), "|%zu:", record_len(rec, i));
			if (sbuf_adds(log, num) < 0 ||
			    sbuf_add(log, record_field(rec, i),
				     record_len(rec, i)) < 0)
				abort();
		}
	} else if (rr == READ_ERROR) {
		if (sbuf_adds(log, err->msg) < 0 || sbuf_addc(log, '/') < 0 ||
		    sbuf_adds(log, err->detail) < 0)
			abort();
	}
	if (sbuf_addc(log, '\n') < 0)
		abort();
}

/* Reads everything, inline or ahead, checking what the reader promises of
 * each record, and logs what it read when log is not NULL. */
static void read_all(const uint8_t *data, size_t size,
		     const struct reader_opts *o, int ahead, struct sbuf *log)
{
	struct diag err;
	struct reader *r;
	enum read_result rr;
	unsigned long long tapped = 0;
	unsigned long last_line = 0;
	int fd = fz_data_fd(data, size);
	size_t i, items = 0;

	diag_clear(&err);
	r = reader_new(fd, "fuzz.csv", o, &err);
	if (r == NULL)
		abort(); /* no injected failure here: this is a bug */
	reader_set_tap(r, count_tap, &tapped);
	if (ahead)
		reader_read_ahead(r);
	while ((rr = reader_next(r, &err)) == READ_RECORD || rr == READ_HASH) {
		const struct record *rec = reader_record(r);

		log_item(log, r, rr, &err, tapped);
		/* Every item consumes input, so the loop ends. */
		if (++items > size + 2)
			abort();
		if (reader_line(r) < last_line)
			abort(); /* line numbers never go back */
		last_line = reader_line(r);
		if (rr == READ_HASH) {
			size_t len;
			const char *h = reader_hash_line(r, &len);

			if (h[0] != '#' || h[len] != '\0')
				abort();
			continue;
		}
		for (i = 0; i < rec->n; i++) {
			if (record_len(rec, i) > o->field_max)
				abort();
			if (record_field(rec, i)[record_len(rec, i)] != '\0')
				abort();
		}
	}
	log_item(log, r, rr, &err, tapped);
	if (rr == READ_ERROR) {
		/* An error always says what and has a class. */
		if (err.status != AAP_EDATA && err.status != AAP_ESYS)
			abort();
		if (err.msg[0] == '\0')
			abort();
	} else if (tapped != size) {
		/* Read to the end, the tap (the input's digest) saw every
		 * byte, a byte order mark included. */
		abort();
	}
	reader_free(r);
	close(fd);
}

/* What is compared with reading inline with the reader's own parser. */
enum other_way {
	WITH_LIBCSV,  /* parsed by libcsv, the reference of the scanner */
	READ_AHEAD    /* the same parser on a thread reading ahead */
};

/* Reads data with o, then the other way, and aborts when the two logs
 * differ in anything. */
static void read_both(const uint8_t *data, size_t size,
		      const struct reader_opts *o, enum other_way way)
{
	struct reader_opts other = *o;
	const char *how = way == WITH_LIBCSV ? "libcsv" : "a thread reading ahead";
	struct sbuf a, b;

	other.libcsv = way == WITH_LIBCSV;
	sbuf_init(&a);
	sbuf_init(&b);
	read_all(data, size, o, 0, &a);
	read_all(data, size, &other, way == READ_AHEAD, &b);
	if (a.len != b.len || memcmp(sbuf_str(&a), sbuf_str(&b), a.len) != 0) {
		fprintf(stderr, "without %s:\n%s\nwith %s:\n%s\n", how,
			sbuf_str(&a), how, sbuf_str(&b));
		abort();
	}
	sbuf_fini(&a);
	sbuf_fini(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reader_opts o;

	/* aap-ingest's settings for a source. */
	reader_opts_default(&o);
	o.cr_ends_line = 1;
	o.skip_bom = 1;
	o.recover = 1;
	o.encoding = READER_AUTO;
	o.delim = 0;
	read_both(data, size, &o, READ_AHEAD);

	/* The same with caps small enough for the fuzzer to reach. */
	o.field_max = 16;
	o.record_max = 64;
	read_both(data, size, &o, READ_AHEAD);

	/* The call's tables and side files: bytes, CR, LF or CRLF, a byte
	 * order mark skipped, no recovery; the scanner against libcsv. */
	reader_opts_default(&o);
	o.cr_ends_line = 1;
	o.skip_bom = 1;
	read_both(data, size, &o, WITH_LIBCSV);
	o.field_max = 16;
	o.record_max = 64;
	read_both(data, size, &o, WITH_LIBCSV);
	/* The same, with the encoding and the delimiter found out. */
	o.field_max = READER_FIELD_MAX;
	o.record_max = READER_RECORD_MAX;
	o.encoding = READER_AUTO;
	o.delim = 0;
	read_both(data, size, &o, WITH_LIBCSV);
	read_both(data, size, &o, READ_AHEAD);

	/* The stream's settings: bytes, LF only, '#' lines, no recovery; the
	 * scanner against libcsv, and against itself reading ahead. */
	reader_opts_default(&o);
	o.hash_lines = 1;
	read_both(data, size, &o, WITH_LIBCSV);
	read_both(data, size, &o, READ_AHEAD);
	o.field_max = 16;
	o.record_max = 64;
	read_both(data, size, &o, WITH_LIBCSV);
	read_both(data, size, &o, READ_AHEAD);
	return 0;
}
