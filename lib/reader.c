/* reader.c - CSV records, in constant memory.  Exports, read with recovery
 * from bad quoting, go through libcsv, fed one line at a time so that record
 * starts, line numbers and '#' lines are known exactly.  Whatever is read
 * without recovery (the stream, the call's tables, the reviews file) goes
 * through a scanner of its own that reads each byte once: the same RFC 4180
 * rules, the same records, lines and errors as libcsv, several times
 * faster, since libcsv copies and tests every byte through its state
 * machine.  Both ways take CR or LF line ends (sources) and any encoding,
 * decoded before it is parsed. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <csv.h>

#include "aap.h"
#include "csvbytes.h"
#include "diag.h"
#include "i18n.h"
#include "io.h"
#include "mem.h"
#include "norm.h"
#include "reader.h"

#define READER_BUF 65536
#define READER_RAW 16384 /* decoded, at most 3 times as long */

#define AHEAD_SLOTS 256
#define AHEAD_BATCH 16

/* One item read ahead, with what the accessors report for it. */
struct ahead_item {
	enum read_result rr;
	struct record rec;          /* READ_RECORD: the record */
	unsigned long line;         /* reader_line */
	unsigned long long offset;  /* reader_offset */
	unsigned char delim;        /* reader_delim */
	enum reader_encoding enc;   /* reader_encoding */
	struct sbuf hline;          /* READ_HASH: the line, NUL-terminated */
	size_t hline_len;           /* its length */
};

struct ahead {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t can_put;     /* to the thread: slots given back, stop */
	pthread_cond_t can_take;    /* to the caller: items published */
	unsigned long put;          /* items published (under mu) */
	unsigned long took;         /* items given back (under mu) */
	int done;                   /* the last item is published (under mu) */
	int stop;                   /* the caller is gone (under mu) */
	int put_waits;              /* the thread sleeps for room (under mu) */
	int take_waits;             /* the caller sleeps for items (under mu) */
	unsigned long take_from;    /* the item it waits for (under mu) */
	unsigned long made;         /* items the thread has made */
	struct diag err;            /* the READ_ERROR item's, written before
				       that item is published */
	unsigned long next;         /* the caller's next item */
	unsigned long avail;        /* items the caller knows published */
	unsigned long given;        /* items the caller has given back */
	struct ahead_item *cur;     /* the caller's current item, or NULL */
	struct ahead_item item[AHEAD_SLOTS];
};

struct reader {
	int fd;                   /* input, not owned */
	char *name;               /* name in messages, owned */
	struct reader_opts o;     /* how to read */
	struct csv_parser p;      /* libcsv state */
	unsigned char buf[READER_BUF]; /* input window, decoded */
	unsigned char raw[READER_RAW + 4]; /* undecoded input (sources) */
	size_t carry;             /* bytes of raw held for the next read: an
				     incomplete UTF-8 sequence */
	enum reader_encoding enc; /* decided encoding (AUTO: not yet) */
	int delim_known;          /* the delimiter was given or detected */
	size_t pos;               /* next byte to consume in buf */
	size_t end;               /* bytes held in buf */
	size_t tap_from;          /* bytes of buf before this were tapped */
	int eof;                  /* read returned 0 */
	int started;              /* first read done (BOM check) */
	int finished;             /* READ_END was returned */
	int at_start;             /* pos is where a record would start */
	int last_cr;              /* the last byte consumed was a CR line end */
	unsigned long line;       /* line number of the byte at pos */
	unsigned long item_line;  /* line where the last item started */
	unsigned long long offset;/* bytes consumed */
	reader_tap_fn tap;        /* sees consumed bytes, may be NULL */
	void *tap_ctx;            /* for tap */
	struct sbuf hline;        /* the last '#' line, with its line end */
	size_t hline_len;         /* its length without the line end */
	char hline_end[2];        /* the line end cut off hline */
	size_t hline_end_len;     /* its length */
	int hline_untapped;       /* hline still owed to the tap */
	struct record rec;        /* the record being built */
	size_t rec_bytes;         /* bytes of the record fed so far */
	int rec_done;             /* libcsv ended the record */
	int cb_error;             /* a callback failed: 1 memory, 2 field cap,
				     3 CR outside quotes in the stream */
	int scan;                 /* the scanner reads, not libcsv */
	int fstate;               /* the scanner's place in the record */
	struct ahead *ahead;      /* the reading thread, when one runs */
	int reads_ahead;          /* this is that thread: it hands over what
				     it has before a read, which may then be
				     cancelled */
};

static void ahead_stop(struct reader *r);
static void ahead_flush(struct ahead *a);

/* What stops the scanner short of a record. */
enum {
	SCAN_MEMORY = -1,       /* memory ran out */
	SCAN_FIELD_CAP = -2,    /* a field over field_max */
	SCAN_STRAY_QUOTE = -3,  /* '"' inside an unquoted field */
	SCAN_AFTER_QUOTE = -4,  /* text after a closing quote */
	SCAN_CR = -5,           /* CR outside quotes */
	SCAN_RECORD_CAP = -6    /* a record over record_max */
};

/* Where the scanner stands in a record. */
enum {
	F_START,  /* where a field starts */
	F_PLAIN,  /* inside an unquoted field */
	F_QUOTED, /* inside a quoted field */
	F_QUOTE   /* just after a '"' inside a quoted field: doubled, or the
		     closing one */
};

void reader_opts_default(struct reader_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->delim = ',';
	o->field_max = READER_FIELD_MAX;
	o->record_max = READER_RECORD_MAX;
}

static int no_space(unsigned char c)
{
	(void)c;
	return 0;
}

/* Sets libcsv up: strict, every line end reported, nothing trimmed. */
static int parser_setup(struct reader *r)
{
	if (csv_init(&r->p, CSV_STRICT | CSV_REPALL_NL | CSV_STRICT_FINI) != 0)
		return -1;
	csv_set_delim(&r->p, r->o.delim ? r->o.delim : ',');
	csv_set_space_func(&r->p, no_space);
	/* libcsv's own test for line ends (CR or LF) is inlined; a callback
	 * would cost a call a byte.  The stream's CR-outside-quotes is caught
	 * in on_record instead. */
	csv_set_realloc_func(&r->p, mem_realloc);
	csv_set_free_func(&r->p, mem_free);
	return 0;
}

struct reader *reader_new(int fd, const char *name,
			  const struct reader_opts *o, struct diag *err)
{
	struct reader *r = mem_calloc(1, sizeof(*r));

	if (r != NULL)
		r->o = *o;
	if (r == NULL || (r->name = mem_strdup(name)) == NULL ||
	    parser_setup(r) != 0) {
		if (r != NULL)
			mem_free(r->name);
		mem_free(r);
		diag_oom(err);
		return NULL;
	}
	r->fd = fd;
	r->enc = o->encoding;
	r->delim_known = o->delim != 0;
	r->at_start = 1;
	r->line = 1;
	r->scan = !r->o.recover && !r->o.libcsv;
	sbuf_init(&r->hline);
	sbuf_init(&r->rec.data);
	return r;
}

void reader_free(struct reader *r)
{
	if (r == NULL)
		return;
	if (r->ahead != NULL)
		ahead_stop(r);
	csv_free(&r->p);
	sbuf_fini(&r->hline);
	record_fini(&r->rec);
	mem_free(r->name);
	mem_free(r);
}

void record_fini(struct record *r)
{
	sbuf_fini(&r->data);
	mem_free(r->off);
	mem_free(r->len);
}

void reader_set_tap(struct reader *r, reader_tap_fn fn, void *ctx)
{
	r->tap = fn;
	r->tap_ctx = ctx;
}

void reader_set_hash_lines(struct reader *r, int on)
{
	r->o.hash_lines = on;
}

/* The item the caller holds when a thread reads ahead, or NULL. */
static const struct ahead_item *ahead_cur(const struct reader *r);

/* The delimiter in use, as the thread that reads sees it. */
static unsigned char own_delim(const struct reader *r)
{
	return r->o.delim ? r->o.delim : ',';
}

const struct record *reader_record(const struct reader *r)
{
	const struct ahead_item *it = ahead_cur(r);

	return it != NULL ? &it->rec : &r->rec;
}

const char *reader_hash_line(const struct reader *r, size_t *len)
{
	const struct ahead_item *it = ahead_cur(r);

	if (it != NULL) {
		if (len != NULL)
			*len = it->hline_len;
		return sbuf_str(&it->hline);
	}
	if (len != NULL)
		*len = r->hline_len;
	return sbuf_str(&r->hline);
}

unsigned char reader_delim(const struct reader *r)
{
	const struct ahead_item *it = ahead_cur(r);

	return it != NULL ? it->delim : own_delim(r);
}

enum reader_encoding reader_encoding(const struct reader *r)
{
	const struct ahead_item *it = ahead_cur(r);

	return it != NULL ? it->enc : r->enc;
}

unsigned long reader_line(const struct reader *r)
{
	const struct ahead_item *it = ahead_cur(r);

	return it != NULL ? it->line : r->item_line;
}

const char *reader_name(const struct reader *r)
{
	return r->name;
}

unsigned long long reader_offset(const struct reader *r)
{
	const struct ahead_item *it = ahead_cur(r);

	return it != NULL ? it->offset : r->offset;
}

/* Makes room in the record for one more field. */
static int record_slot(struct record *rec)
{
	size_t cap, *off, *ln;

	if (rec->n < rec->cap)
		return 0;
	cap = rec->cap ? rec->cap * 2 : 32;
	if ((off = mem_realloc(rec->off, cap * sizeof(*off))) == NULL)
		return -1;
	rec->off = off;
	if ((ln = mem_realloc(rec->len, cap * sizeof(*ln))) == NULL)
		return -1;
	rec->len = ln;
	rec->cap = cap;
	return 0;
}

/* libcsv field callback: appends the field to the record. */
static void on_field(void *s, size_t len, void *data)
{
	struct reader *r = data;
	struct record *rec = &r->rec;

	if (r->cb_error)
		return;
	if (len > r->o.field_max) {
		r->cb_error = 2;
		return;
	}
	/* The usual case, room for the field, its NUL and the buffer's, is
	 * tested here: this runs for every field of every source. */
	if ((rec->n >= rec->cap && record_slot(rec) < 0) ||
	    (rec->data.cap - rec->data.len < len + 2 &&
	     sbuf_grow(&rec->data, len + 1) < 0)) {
		r->cb_error = 1;
		return;
	}
	rec->off[rec->n] = rec->data.len;
	rec->len[rec->n] = len;
	/* One copy: the field, its NUL, and the NUL that ends the buffer. */
	if (len > 0)
		memcpy(rec->data.data + rec->data.len, s, len);
	rec->data.len += len + 1;
	rec->data.data[rec->data.len - 1] = '\0';
	rec->data.data[rec->data.len] = '\0';
	rec->n++;
}

/* libcsv record callback. */
static void on_record(int c, void *data)
{
	struct reader *r = data;

	/* Only LF ends a line of the stream; its writer quotes any CR. */
	if (c == '\r' && !r->o.cr_ends_line && !r->cb_error)
		r->cb_error = 3;
	r->rec_done = 1;
}

/* Hands buf[tap_from, pos) to the tap. */
static int tap_flush(struct reader *r, struct diag *err)
{
	int rc = 0;

	/* A decoding reader taps the raw bytes as it reads them. */
	if (r->o.encoding != READER_BYTES)
		return 0;
	if (r->tap != NULL && r->pos > r->tap_from)
		rc = r->tap(r->tap_ctx, r->buf + r->tap_from,
			    r->pos - r->tap_from);
	r->tap_from = r->pos;
	if (rc < 0)
		return diag_set(err, AAP_ESYS, r->name, 0,
				"could not hash the input");
	return 0;
}

/* Reads into dst up to cap bytes, retrying on EINTR.  Returns the count,
 * 0 at the end, or -1 with err set. */
static ssize_t read_some(struct reader *r, void *dst, size_t cap,
			 struct diag *err)
{
	ssize_t n;
	int old;

	if (r->reads_ahead) {
		/* reader_free may stop a reading thread that waits for input
		 * that never comes: only here, where it holds no lock */
		ahead_flush(r->ahead);
		pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old);
		n = io_read(r->fd, dst, cap);
		pthread_setcancelstate(old, NULL);
	} else {
		n = io_read(r->fd, dst, cap);
	}

	if (n < 0)
		diag_set(err, AAP_ESYS, r->name, 0, "could not read: %s",
			 strerror(errno));
	return n;
}

/* Length of the valid UTF-8 sequence at s (n bytes available): its length,
 * 0 when it is invalid, -1 when it is a valid beginning cut short. */
static int utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	int len, i;
	unsigned int cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		len = 2, cp = c & 0x1Fu;
	else if (c >= 0xE0 && c <= 0xEF)
		len = 3, cp = c & 0x0Fu;
	else if (c >= 0xF0 && c <= 0xF4)
		len = 4, cp = c & 0x07u;
	else
		return 0;
	for (i = 1; i < len; i++) {
		if ((size_t)i >= n)
			return -1;
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3Fu);
		/* Refuse overlong forms and surrogates as early as they show. */
		if (i == 1 && ((len == 3 && c == 0xE0 && s[1] < 0xA0) ||
			       (len == 3 && c == 0xED && s[1] >= 0xA0) ||
			       (len == 4 && c == 0xF0 && s[1] < 0x90) ||
			       (len == 4 && c == 0xF4 && s[1] >= 0x90)))
			return 0;
	}
	return cp > 0x10FFFF ? 0 : len;
}

/* Line of base[at], base being the chunk just read: counts the line ends
 * before it. */
static unsigned long chunk_line(const struct reader *r,
				const unsigned char *base, size_t at)
{
	unsigned long line = r->line;
	size_t i;

	for (i = 0; i < at; i++)
		line += base[i] == '\n';
	return line;
}

/* Line of raw[at]. */
static unsigned long raw_line(const struct reader *r, size_t at)
{
	return chunk_line(r, r->raw, at);
}

/* Decodes one byte of Windows-1252 at raw[i] into buf. */
static int decode_cp1252(struct reader *r, size_t i, struct diag *err)
{
	size_t len = 0, bad = 0;

	if (norm_cp1252_to_utf8(r->raw + i, 1, (char *)r->buf + r->end,
				READER_BUF - r->end, &len, &bad) != NORM_OK)
		return diag_set(err, AAP_EDATA, r->name, raw_line(r, i),
				"byte 0x%02X is not a Windows-1252 character",
				r->raw[i]);
	r->end += len;
	return 0;
}

/* Reports the invalid byte base[i] in a file read as UTF-8. */
static int bad_utf8(struct reader *r, const unsigned char *base, size_t i,
		    struct diag *err)
{
	diag_set(err, AAP_EDATA, r->name, chunk_line(r, base, i),
		 "byte 0x%02X is not valid UTF-8", base[i]);
	if (r->o.encoding == READER_AUTO)
		diag_detail(err, "the file mixes valid UTF-8 with other bytes; "
				 "it is not taken as Windows-1252");
	return -1;
}

/* Decodes raw[from, n) into buf, deciding the encoding on the first
 * non-ASCII byte when it is not known. */
static int decode(struct reader *r, size_t from, size_t n, struct diag *err)
{
	size_t i = from, run;
	int len;

	while (i < n) {
		run = i;
		/* Eight bytes at a time while none has its high bit set. */
		while (run + 8 <= n) {
			uint64_t w;

			memcpy(&w, r->raw + run, 8);
			if (w & 0x8080808080808080ULL)
				break;
			run += 8;
		}
		for (; run < n && r->raw[run] < 0x80; run++)
			;
		memcpy(r->buf + r->end, r->raw + i, run - i);
		r->end += run - i;
		if ((i = run) == n)
			break;
		len = r->enc == READER_CP1252 && r->o.encoding == READER_CP1252 ?
			0 : utf8_seq(r->raw + i, n - i);
		if (r->enc == READER_AUTO)
			r->enc = len > 0 ? READER_UTF8 : READER_CP1252;
		if (r->enc == READER_UTF8) {
			if (len <= 0)
				return bad_utf8(r, r->raw, i, err);
			memcpy(r->buf + r->end, r->raw + i, (size_t)len);
			r->end += (size_t)len;
			i += (size_t)len;
			continue;
		}
		if (len > 0) {
			diag_set(err, AAP_EDATA, r->name, raw_line(r, i),
				 "valid UTF-8 in a file taken as Windows-1252");
			diag_detail(err, "an earlier byte was not valid UTF-8; "
					 "the file mixes encodings");
			diag_hint(err, "give --encoding if you know which it is");
			return -1;
		}
		if (decode_cp1252(r, i, err) < 0)
			return -1;
		i++;
	}
	return 0;
}

/* Bytes at the end of s[0, n) that begin a UTF-8 sequence not complete
 * yet: they wait for the next read. */
static size_t incomplete_tail(const unsigned char *s, size_t n)
{
	size_t k;

	for (k = 1; k <= 3 && k <= n; k++) {
		unsigned char c = s[n - k];

		if (c < 0x80)
			return 0;
		if (c >= 0xC0)
			return utf8_seq(s + n - k, k) < 0 ? k : 0;
	}
	return 0;
}

/* Checks that s[0, n) is UTF-8, where it lies (once the encoding is known
 * to be UTF-8, nothing needs decoding): ASCII sixteen bytes at a time. */
static int check_utf8(struct reader *r, const unsigned char *s, size_t n,
		      struct diag *err)
{
	size_t i = 0;
	uint64_t a, b;
	int len;

	while (i < n) {
		for (; i + 16 <= n; i += 16) {
			memcpy(&a, s + i, 8);
			memcpy(&b, s + i + 8, 8);
			if ((a | b) & 0x8080808080808080ULL)
				break;
		}
		while (i < n && s[i] < 0x80)
			i++;
		if (i == n)
			break;
		if ((len = utf8_seq(s + i, n - i)) <= 0)
			return bad_utf8(r, s, i, err);
		i += (size_t)len;
	}
	return 0;
}

/* Reads the next chunk of a source known to be UTF-8 straight into buf,
 * and checks it there. */
static int refill_utf8(struct reader *r, struct diag *err)
{
	ssize_t got;
	size_t n, keep = 0;

	memcpy(r->buf, r->raw, r->carry);
	got = read_some(r, r->buf + r->carry, READER_BUF - r->carry, err);
	if (got < 0)
		return -1;
	if (got == 0)
		r->eof = 1;
	n = r->carry + (size_t)got;
	if (!r->eof)
		keep = incomplete_tail(r->buf, n);
	if (r->tap != NULL && got > 0 &&
	    r->tap(r->tap_ctx, r->buf + r->carry, (size_t)got) < 0)
		return diag_set(err, AAP_ESYS, r->name, 0,
				"could not hash the input");
	if (check_utf8(r, r->buf, n - keep, err) < 0)
		return -1;
	memcpy(r->raw, r->buf + n - keep, keep);
	r->carry = keep;
	r->end = n - keep;
	return 0;
}

/* Refuses a file that begins (n bytes at p) with a UTF-16 byte order
 * mark: its bytes would otherwise be taken for a header of NULs. */
static int utf16(const struct reader *r, const unsigned char *p, size_t n,
		 struct diag *err)
{
	if (n < 2 || !((p[0] == 0xFF && p[1] == 0xFE) ||
		       (p[0] == 0xFE && p[1] == 0xFF)))
		return 0;
	diag_set(err, AAP_EDATA, r->name, 1, "the file is in UTF-16 (by its "
		 "byte order mark), not in UTF-8");
	diag_hint(err, "save it as \"CSV UTF-8\"");
	return -1;
}

/* Reads and decodes the next chunk of a source into buf. */
static int refill_decoded(struct reader *r, struct diag *err)
{
	ssize_t got;
	size_t n, keep = 0, skip = 0;

	got = read_some(r, r->raw + r->carry, READER_RAW - r->carry, err);
	if (got < 0)
		return -1;
	if (got == 0)
		r->eof = 1;
	n = r->carry + (size_t)got;
	if (!r->started) {
		r->started = 1;
		if (utf16(r, r->raw, n, err) < 0)
			return -1;
		if (r->o.skip_bom && n >= 3 && memcmp(r->raw, "\xEF\xBB\xBF", 3) == 0) {
			skip = 3;
			r->offset += 3;
			if (r->enc == READER_AUTO)
				r->enc = READER_UTF8;
		}
	}
	if (!r->eof && r->o.encoding != READER_CP1252)
		keep = incomplete_tail(r->raw, n);
	if (r->tap != NULL && got > 0 &&
	    r->tap(r->tap_ctx, r->raw + r->carry, (size_t)got) < 0)
		return diag_set(err, AAP_ESYS, r->name, 0,
				"could not hash the input");
	if (decode(r, skip, n - keep, err) < 0)
		return -1;
	memmove(r->raw, r->raw + n - keep, keep);
	r->carry = keep;
	return 0;
}

/* How a candidate delimiter is named in messages. */
static const char *delim_name(unsigned char c)
{
	return c == ',' ? _("commas") : c == ';' ? _("semicolons") : _("tabs");
}

/* Looks at the first line in buf for the delimiter: the most frequent of
 * ',', ';' and tab outside quotes; a tie is ambiguous. */
static int detect_delim(struct reader *r, struct diag *err)
{
	static const unsigned char cand[] = { ',', ';', '\t' };
	size_t count[3] = { 0, 0, 0 }, i, best = 0;
	int quoted = 0, ended = 0, k;

	for (i = r->pos; i < r->end && !ended; i++) {
		unsigned char c = r->buf[i];

		if (c == '"')
			quoted = !quoted;
		else if (!quoted && (c == '\n' || c == '\r'))
			ended = 1;
		for (k = 0; k < 3 && !quoted; k++)
			count[k] += c == cand[k];
	}
	if (!ended && !r->eof)
		return diag_set(err, AAP_EDATA, r->name, 1,
				"cannot tell the delimiter: the first line is "
				"longer than %d bytes", READER_BUF / 2);
	for (k = 1; k < 3; k++)
		if (count[k] > count[best])
			best = (size_t)k;
	for (k = 0; k < 3; k++)
		if ((size_t)k != best && count[k] == count[best] && count[k] > 0) {
			diag_set(err, AAP_EDATA, r->name, 1,
				 "cannot tell the delimiter: the header has as "
				 "many %s as %s", delim_name(cand[best]),
				 delim_name(cand[k]));
			diag_hint(err, "give --delimiter");
			return -1;
		}
	r->o.delim = cand[best];
	r->delim_known = 1;
	csv_set_delim(&r->p, r->o.delim);
	return 0;
}

/* Refills buf after tapping what was consumed.  Returns 0 (eof set when
 * the input has ended) or -1 with err set. */
static int refill(struct reader *r, struct diag *err)
{
	ssize_t n;

	if (tap_flush(r, err) < 0)
		return -1;
	r->pos = r->end = r->tap_from = 0;
	if (r->o.encoding != READER_BYTES) {
		if ((r->started && r->enc == READER_UTF8 ? refill_utf8(r, err) :
		     refill_decoded(r, err)) < 0)
			return -1;
	} else {
		for (;;) {
			n = read_some(r, r->buf + r->end, READER_BUF - r->end, err);
			if (n < 0)
				return -1;
			if (n == 0)
				r->eof = 1;
			r->end += (size_t)n;
			/* At the start, read enough to see a byte order mark. */
			if (r->started || r->eof || r->end >= 3)
				break;
		}
		if (!r->started) {
			r->started = 1;
			if (utf16(r, r->buf, r->end, err) < 0)
				return -1;
			if (r->o.skip_bom && r->end >= 3 &&
			    memcmp(r->buf, "\xEF\xBB\xBF", 3) == 0) {
				r->pos = 3;
				r->offset += 3;
			}
		}
	}
	if (!r->delim_known && (r->end > r->pos || r->eof))
		return detect_delim(r, err);
	return 0;
}

/* Advances over n consumed bytes, counting line ends.  Whatever is
 * consumed is a piece that ends at its first line end, or holds none, so
 * only its last byte can end a line. */
static void consume(struct reader *r, size_t n)
{
	unsigned char last;

	if (n == 0)
		return;
	last = r->buf[r->pos + n - 1];
	if (last == '\n') {
		if (!(r->last_cr && n == 1))
			r->line++;
		r->last_cr = 0;
	} else if (last == '\r' && r->o.cr_ends_line) {
		r->line++;
		r->last_cr = 1;
	} else {
		r->last_cr = 0;
	}
	r->pos += n;
	r->offset += n;
}

/* Length of the piece at pos: up to and including the next line end, or
 * to the end of the buffer when none is there.  *ended tells which. */
static size_t next_piece(const struct reader *r, int *ended)
{
	const unsigned char *s = r->buf + r->pos, *e = r->buf + r->end;
	const unsigned char *q;

	q = memchr(s, '\n', (size_t)(e - s));
	if (r->o.cr_ends_line) {
		/* A CR before the LF (or anywhere, without one) ends it first. */
		const unsigned char *cr = memchr(s, '\r', (size_t)((q ? q : e) - s));

		if (cr != NULL)
			q = cr;
	}
	*ended = q != NULL;
	return q != NULL ? (size_t)(q - s) + 1 : (size_t)(e - s);
}

/* Reads a '#' line starting at pos into hline. */
static enum read_result read_hash_line(struct reader *r, struct diag *err)
{
	int ended = 0;
	size_t n;

	if (tap_flush(r, err) < 0)
		return READ_ERROR;
	sbuf_reset(&r->hline);
	r->item_line = r->line;
	for (;;) {
		if (r->pos == r->end) {
			if (r->eof)
				break;
			r->tap_from = r->pos; /* hline bytes are tapped later */
			if (refill(r, err) < 0)
				return READ_ERROR;
			continue;
		}
		n = next_piece(r, &ended);
		if (r->hline.len + n > r->o.record_max) {
			diag_set(err, AAP_EDATA, r->name, r->item_line,
				 "line longer than %zu bytes", r->o.record_max);
			return READ_ERROR;
		}
		if (sbuf_add(&r->hline, r->buf + r->pos, n) < 0) {
			diag_oom(err);
			return READ_ERROR;
		}
		consume(r, n);
		if (ended)
			break;
	}
	r->tap_from = r->pos;
	r->hline_untapped = 1;
	if (!ended) {
		diag_set(err, AAP_EDATA, r->name, r->item_line,
			 "input ends in the middle of a line");
		return READ_ERROR;
	}
	r->hline_len = r->hline.len - 1;
	if (r->hline_len > 0 && r->hline.data[r->hline_len - 1] == '\r' &&
	    r->o.cr_ends_line)
		r->hline_len--;
	r->hline_end_len = r->hline.len - r->hline_len;
	memcpy(r->hline_end, r->hline.data + r->hline_len, r->hline_end_len);
	r->hline.data[r->hline_len] = '\0';
	return READ_HASH;
}

/* Starts a new record at pos. */
static void record_begin(struct reader *r)
{
	r->rec.n = 0;
	r->rec.broken = 0;
	sbuf_reset(&r->rec.data);
	r->rec.line = r->line;
	r->item_line = r->line;
	r->rec_bytes = 0;
	r->rec_done = 0;
	r->at_start = 0;
	r->fstate = F_START;
}

/* After bad quoting in a source: skips the rest of the physical line and
 * starts libcsv afresh, so the lines after it are read as they are. */
static int skip_line(struct reader *r, struct diag *err)
{
	int ended = 0;
	size_t n;

	csv_free(&r->p);
	if (parser_setup(r) != 0)
		return diag_oom(err);
	while (!ended) {
		if (r->pos == r->end) {
			if (r->eof)
				break;
			if (refill(r, err) < 0)
				return -1;
			continue;
		}
		n = next_piece(r, &ended);
		consume(r, n);
	}
	r->at_start = 1;
	return 0;
}

/* Turns a libcsv parse error at buf[at] into a message, or, for a source
 * read with recovery, into a record cut short. */
static enum read_result parse_error(struct reader *r, size_t at,
				    struct diag *err)
{
	int stray;

	if (csv_error(&r->p) != CSV_EPARSE)
		return diag_oom(err),
		       READ_ERROR;
	stray = r->buf[at] == '"' && !r->p.quoted;
	if (r->o.recover) {
		r->rec.broken = stray ? READER_STRAY_QUOTE : READER_AFTER_QUOTE;
		consume(r, at - r->pos);
		return skip_line(r, err) < 0 ? READ_ERROR : READ_RECORD;
	}
	if (stray)
		diag_set(err, AAP_EDATA, r->name, r->rec.line,
			 "stray quote in an unquoted field");
	else
		diag_set(err, AAP_EDATA, r->name, r->rec.line,
			 "text after the closing quote of a field");
	diag_detail(err, "field %zu of the record", r->rec.n + 1);
	return READ_ERROR;
}

/* Reports a callback failure. */
static enum read_result callback_error(struct reader *r, struct diag *err)
{
	if (r->cb_error == 2)
		diag_set(err, AAP_EDATA, r->name, r->rec.line,
			 "field %zu is longer than %zu bytes", r->rec.n + 1,
			 r->o.field_max);
	else if (r->cb_error == 3)
		diag_set(err, AAP_EDATA, r->name, r->rec.line,
			 "carriage return outside a quoted field");
	else
		diag_oom(err);
	return READ_ERROR;
}

/* The input has ended: finishes a record in progress, or reports the end. */
static enum read_result at_eof(struct reader *r, struct diag *err)
{
	if (tap_flush(r, err) < 0)
		return READ_ERROR;
	if (r->at_start) {
		r->finished = 1;
		r->item_line = r->line;
		return READ_END;
	}
	if (csv_fini(&r->p, on_field, on_record, r) != 0) {
		diag_set(err, AAP_EDATA, r->name, r->rec.line,
			 "unterminated quoted field");
		diag_detail(err, "the input ends inside field %zu of the record",
			    r->rec.n + 1);
		return READ_ERROR;
	}
	if (r->cb_error)
		return callback_error(r, err);
	r->at_start = 1;
	if (!r->o.cr_ends_line) {
		diag_set(err, AAP_EDATA, r->name, r->rec.line,
			 "input ends in the middle of a line");
		return READ_ERROR;
	}
	return READ_RECORD;
}

/* ---- The scanner -------------------------------------------------------- */

/* Opens a field at the end of the record's data. */
static int scan_open(struct reader *r)
{
	struct record *rec = &r->rec;

	if (record_slot(rec) < 0)
		return -1;
	rec->off[rec->n] = rec->data.len;
	return 0;
}

/* Appends n bytes to the open field. */
static int scan_add(struct reader *r, const unsigned char *p, size_t n)
{
	struct sbuf *b = &r->rec.data;

	if (b->len + n >= b->cap && sbuf_grow(b, n) < 0)
		return -1;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

/* Closes the open field.  Returns 0, SCAN_MEMORY or SCAN_FIELD_CAP. */
static int scan_close(struct reader *r)
{
	struct record *rec = &r->rec;
	size_t len = rec->data.len - rec->off[rec->n];

	if (len > r->o.field_max)
		return SCAN_FIELD_CAP;
	if (sbuf_addc(&rec->data, '\0') < 0)
		return SCAN_MEMORY;
	rec->len[rec->n++] = len;
	return 0;
}

/* Line ends in p[0, n). */
static unsigned long count_lf(const unsigned char *p, size_t n)
{
	const unsigned char *e = p + n;
	unsigned long k = 0;

	while ((p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		k++;
		p++;
	}
	return k;
}

/* Counts the line ends in p[0, n) of quoted text, where CR, LF and CRLF
 * each end one (sources), as consume() counts them: an LF right after a
 * CR, in p or just before it (last_cr), is not counted again. */
static void count_ends(struct reader *r, const unsigned char *p, size_t n)
{
	const unsigned char *e = p + n, *q;
	unsigned long k;

	if (n == 0)
		return;
	k = count_lf(p, n);
	if (r->last_cr && p[0] == '\n')
		k--;
	for (q = p; (q = memchr(q, '\r', (size_t)(e - q))) != NULL; q++)
		k += q + 1 == e || q[1] != '\n';
	r->line += k;
	r->last_cr = e[-1] == '\r';
}

/* Reports what stopped the scanner (a SCAN_* code). */
static enum read_result scan_error(struct reader *r, int rc,
				   struct diag *err)
{
	r->at_start = 1;
	r->finished = 1;
	switch (rc) {
	case SCAN_MEMORY:
		r->cb_error = 1;
		return callback_error(r, err);
	case SCAN_FIELD_CAP:
		r->cb_error = 2;
		return callback_error(r, err);
	case SCAN_CR:
		r->cb_error = 3;
		return callback_error(r, err);
	case SCAN_RECORD_CAP:
		diag_set(err, AAP_EDATA, r->name, r->rec.line,
			 "record longer than %zu bytes", r->o.record_max);
		return READ_ERROR;
	}
	diag_set(err, AAP_EDATA, r->name, r->rec.line, rc == SCAN_STRAY_QUOTE ?
		 "stray quote in an unquoted field" :
		 "text after the closing quote of a field");
	diag_detail(err, "field %zu of the record", r->rec.n + 1);
	return READ_ERROR;
}

/* The input has ended inside a record of the stream. */
static enum read_result scan_eof(struct reader *r, struct diag *err)
{
	int rc;

	if (tap_flush(r, err) < 0)
		return READ_ERROR;
	r->at_start = 1;
	if (r->fstate == F_QUOTED) {
		r->finished = 1;
		diag_set(err, AAP_EDATA, r->name, r->rec.line,
			 "unterminated quoted field");
		diag_detail(err, "the input ends inside field %zu of the record",
			    r->rec.n + 1);
		return READ_ERROR;
	}
	/* The last field ends here, as libcsv would end it. */
	if (r->fstate == F_START && scan_open(r) < 0)
		rc = SCAN_MEMORY;
	else
		rc = scan_close(r);
	if (rc < 0)
		return scan_error(r, rc, err);
	if (r->o.cr_ends_line)
		return READ_RECORD; /* a source's last line needs no line end */
	r->finished = 1;
	diag_set(err, AAP_EDATA, r->name, r->rec.line,
		 "input ends in the middle of a line");
	return READ_ERROR;
}

/* Where the scanner may read up to in buf before it checks the record's size
 * again, as the libcsv path checks it before each piece it feeds (up to a
 * line end, or to the end of buf): a record over record_max is refused at
 * the start of the piece that would take it past the cap, before any
 * error inside that piece.  While the rest of buf fits, nothing is
 * looked for.  Returns 0, or SCAN_RECORD_CAP. */
static int scan_limit(const struct reader *r, size_t *lim)
{
	size_t n;
	int ended;

	if (r->rec_bytes + (r->end - r->pos) <= r->o.record_max) {
		*lim = r->end;
		return 0;
	}
	n = next_piece(r, &ended);
	if (r->rec_bytes + n > r->o.record_max)
		return SCAN_RECORD_CAP;
	*lim = r->pos + n;
	return 0;
}

/* Reads the rest of a record from buf[pos]: runs of plain bytes are found
 * a word at a time and quoted text with memchr, and each run is copied
 * once into the record.  A line ends at LF; in a source (cr_ends_line) at
 * CR too, the LF of a CRLF being skipped before the next record, as
 * next_item does for libcsv. */
static enum read_result scan_record(struct reader *r, struct diag *err)
{
	const unsigned char *s, *p, *e, *q;
	unsigned char delim = own_delim(r);
	unsigned char cr = r->o.cr_ends_line ? '\r' : '\n';
	int done = 0, rc = 0;
	size_t n, lim = r->pos; /* a piece starts with the record */

	r->last_cr = 0; /* next_item has skipped the LF of a CRLF */

	for (;;) {
		if (r->pos == r->end) {
			if (!r->eof && refill(r, err) < 0)
				return READ_ERROR;
			if (r->pos == r->end)
				return scan_eof(r, err);
			lim = r->pos; /* and with each buffer */
		}
		if (r->pos == lim && (rc = scan_limit(r, &lim)) < 0)
			return scan_error(r, rc, err);
		s = p = r->buf + r->pos;
		e = r->buf + lim;
		switch (r->fstate) {
		case F_START:
			if ((*p == '\n' || *p == cr) && r->rec.n == 0) {
				done = *p++; /* a blank line: a record of no field */
				break;
			}
			if (scan_open(r) < 0) {
				rc = SCAN_MEMORY;
				break;
			}
			if (*p == '"') {
				p++;
				r->fstate = F_QUOTED;
				break;
			}
			r->fstate = F_PLAIN;
			/* fall through */
		case F_PLAIN:
			q = csv_special(p, e, delim);
			if (q > p && scan_add(r, p, (size_t)(q - p)) < 0) {
				rc = SCAN_MEMORY;
				break;
			}
			p = q;
			if (p == e)
				break;
			if (*p == delim || *p == '\n' || *p == cr) {
				done = *p == delim ? 0 : *p;
				p++;
				r->fstate = F_START;
				rc = scan_close(r);
			} else if (*p == '"') {
				rc = SCAN_STRAY_QUOTE;
			} else { /* CR in the stream: it ends the field, as in libcsv */
				rc = scan_close(r);
				rc = rc < 0 ? rc : SCAN_CR;
			}
			break;
		case F_QUOTED:
			q = memchr(p, '"', (size_t)(e - p));
			n = (size_t)((q != NULL ? q : e) - p);
			if (n > 0 && scan_add(r, p, n) < 0) {
				rc = SCAN_MEMORY;
				break;
			}
			if (cr == '\r')
				count_ends(r, p, n);
			else
				r->line += count_lf(p, n);
			p += n;
			if (q != NULL) {
				p++;
				r->fstate = F_QUOTE;
				r->last_cr = 0;
			}
			break;
		case F_QUOTE:
			if (*p == '"') {
				rc = scan_add(r, p++, 1) < 0 ? SCAN_MEMORY : 0;
				r->fstate = F_QUOTED;
			} else if (*p == delim || *p == '\n' || *p == cr) {
				done = *p == delim ? 0 : *p;
				p++;
				r->fstate = F_START;
				rc = scan_close(r);
			} else if (*p == '\r') {
				rc = scan_close(r);
				rc = rc < 0 ? rc : SCAN_CR;
			} else {
				rc = SCAN_AFTER_QUOTE;
			}
			break;
		}
		n = (size_t)(p - s);
		r->rec_bytes += n;
		r->pos += n;
		r->offset += n;
		if (rc < 0)
			return scan_error(r, rc, err);
		if (done) {
			r->line++;
			r->last_cr = done == '\r';
			r->at_start = 1;
			return READ_RECORD;
		}
	}
}

/* Reads the next item in the calling thread. */
static enum read_result next_item(struct reader *r, struct diag *err)
{
	int ended;
	size_t n, done;

	if (r->hline_untapped) {
		r->hline_untapped = 0;
		if (r->tap != NULL &&
		    (r->tap(r->tap_ctx, r->hline.data, r->hline_len) < 0 ||
		     r->tap(r->tap_ctx, r->hline_end, r->hline_end_len) < 0)) {
			diag_set(err, AAP_ESYS, r->name, 0,
				 "could not hash the input");
			return READ_ERROR;
		}
	}
	if (r->finished)
		return READ_END;
	for (;;) {
		if (r->pos == r->end) {
			if (r->eof)
				return at_eof(r, err);
			if (refill(r, err) < 0)
				return READ_ERROR;
			if (r->pos == r->end && r->eof)
				return at_eof(r, err);
			continue;
		}
		if (r->at_start) {
			if (r->last_cr && r->buf[r->pos] == '\n') {
				consume(r, 1); /* the LF of a CRLF */
				continue;
			}
			if (r->o.hash_lines && r->buf[r->pos] == '#')
				return read_hash_line(r, err);
			record_begin(r);
			if (r->scan)
				return scan_record(r, err);
		}
		n = next_piece(r, &ended);
		if (r->rec_bytes + n > r->o.record_max) {
			diag_set(err, AAP_EDATA, r->name, r->rec.line,
				 "record longer than %zu bytes",
				 r->o.record_max);
			return READ_ERROR;
		}
		done = csv_parse(&r->p, r->buf + r->pos, n, on_field, on_record, r);
		if (r->cb_error)
			return callback_error(r, err);
		if (done < n)
			return parse_error(r, r->pos + done, err);
		r->rec_bytes += n;
		consume(r, n);
		if (r->rec_done) {
			r->at_start = 1;
			return READ_RECORD;
		}
	}
}

/* Reading ahead (reader_read_ahead): a thread of its own reads, decodes and
 * parses into a ring of items while the caller works on the ones before.
 * Each record is handed over by swapping it with the ring slot's, so no
 * field is copied.  The thread publishes items, and the caller gives slots
 * back, a few at a time, under one mutex. */

static void swap_records(struct record *a, struct record *b)
{
	struct record t = *a;

	*a = *b;
	*b = t;
}

/* Publishes the items made; done: the last one is.  Wakes the caller
 * when it waits and half the ring is ready for it, or the last item, or
 * (flush) anything at all.  Called with mu held. */
static void ahead_publish(struct ahead *a, int done, int flush)
{
	a->put = a->made;
	a->done = done;
	if (a->take_waits && (done || a->made - a->take_from >= AHEAD_SLOTS / 2 ||
			      (flush && a->made > a->take_from)))
		pthread_cond_signal(&a->can_take);
}

/* Before a read, which may wait for input: the caller gets every item
 * made so far. */
static void ahead_flush(struct ahead *a)
{
	pthread_mutex_lock(&a->mu);
	ahead_publish(a, 0, 1);
	pthread_mutex_unlock(&a->mu);
}

/* Publishes what the thread has made (flush: waking the caller for any of
 * it); then, if the caller holds at least `full` items, sleeps until it
 * holds no more than `keep`.  Sets *room to the count of items the thread
 * may make before it must come back.  Returns 1 when the caller is gone. */
static int ahead_sync(struct ahead *a, int flush, unsigned long full,
		      unsigned long keep, unsigned long *room)
{
	int stop;

	pthread_mutex_lock(&a->mu);
	ahead_publish(a, 0, flush);
	if (a->made - a->took >= full) {
		a->put_waits = 1;
		while (!a->stop && a->made - a->took > keep)
			pthread_cond_wait(&a->can_put, &a->mu);
		a->put_waits = 0;
	}
	*room = a->took + AHEAD_SLOTS;
	stop = a->stop;
	pthread_mutex_unlock(&a->mu);
	return stop;
}

/* Each side, once it has to wait, sleeps until half the ring is ready for
 * it (or, for the caller, until the thread has to read): a few wake-ups for
 * every half ring, whichever side is slower. */
static void *ahead_main(void *arg)
{
	struct reader *r = arg;
	struct ahead *a = r->ahead;
	struct ahead_item *it;
	enum read_result rr;
	unsigned long room = 0;
	int stop = 0;

	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
	r->reads_ahead = 1;
	do {
		if (a->made == room &&
		    ahead_sync(a, 0, AHEAD_SLOTS, AHEAD_SLOTS / 2, &room))
			break;
		it = &a->item[a->made % AHEAD_SLOTS];
		rr = next_item(r, &a->err);
		if (rr == READ_HASH) {
			sbuf_reset(&it->hline);
			it->hline_len = r->hline_len;
			if (sbuf_add(&it->hline, r->hline.data, r->hline_len) < 0) {
				diag_oom(&a->err);
				rr = READ_ERROR;
			}
		}
		it->rr = rr;
		if (rr == READ_RECORD)
			swap_records(&it->rec, &r->rec);
		it->line = r->item_line;
		it->offset = r->offset;
		it->delim = own_delim(r);
		it->enc = r->enc;
		a->made++;
		if (rr == READ_HASH) {
			/* The caller may look at the digest of what comes before
			 * the line (the stream's trailer): nothing more is read,
			 * nor tapped, until it has taken the line and asks for
			 * the next item. */
			stop = ahead_sync(a, 1, 1, 0, &room);
		} else if (rr != READ_RECORD || a->made % AHEAD_BATCH == 0) {
			pthread_mutex_lock(&a->mu);
			ahead_publish(a, rr != READ_RECORD, 0);
			pthread_mutex_unlock(&a->mu);
		}
	} while ((rr == READ_RECORD || rr == READ_HASH) && !stop);
	return NULL;
}

void reader_read_ahead(struct reader *r)
{
	struct ahead *a;
	size_t i;

	/* Without memory or a thread, the caller goes on reading inline. */
	if (r->ahead != NULL || (a = mem_calloc(1, sizeof(*a))) == NULL)
		return;
	for (i = 0; i < AHEAD_SLOTS; i++) {
		sbuf_init(&a->item[i].rec.data);
		sbuf_init(&a->item[i].hline);
	}
	if (pthread_mutex_init(&a->mu, NULL) != 0)
		goto no_mutex;
	if (pthread_cond_init(&a->can_put, NULL) != 0)
		goto no_put;
	if (pthread_cond_init(&a->can_take, NULL) != 0)
		goto no_take;
	r->ahead = a;
	if (pthread_create(&a->thread, NULL, ahead_main, r) == 0)
		return;
	r->ahead = NULL;
	pthread_cond_destroy(&a->can_take);
no_take:
	pthread_cond_destroy(&a->can_put);
no_put:
	pthread_mutex_destroy(&a->mu);
no_mutex:
	mem_free(a);
}

/* Stops the thread (at once, even in a read that waits) and frees it all. */
static void ahead_stop(struct reader *r)
{
	struct ahead *a = r->ahead;
	size_t i;

	pthread_mutex_lock(&a->mu);
	a->stop = 1;
	pthread_cond_signal(&a->can_put);
	pthread_mutex_unlock(&a->mu);
	pthread_cancel(a->thread);
	pthread_join(a->thread, NULL);
	pthread_cond_destroy(&a->can_take);
	pthread_cond_destroy(&a->can_put);
	pthread_mutex_destroy(&a->mu);
	for (i = 0; i < AHEAD_SLOTS; i++) {
		record_fini(&a->item[i].rec);
		sbuf_fini(&a->item[i].hline);
	}
	mem_free(a);
	r->ahead = NULL;
}

static const struct ahead_item *ahead_cur(const struct reader *r)
{
	return r->ahead != NULL ? r->ahead->cur : NULL;
}

/* The next item read ahead: the current one goes back to the thread. */
static enum read_result ahead_next(struct ahead *a, struct diag *err)
{
	if (a->cur != NULL && a->cur->rr != READ_RECORD &&
	    a->cur->rr != READ_HASH) {
		if (a->cur->rr == READ_ERROR)
			*err = a->err;
		return a->cur->rr; /* the end, or the error, again */
	}
	if (a->next == a->avail || a->next - a->given >= AHEAD_BATCH) {
		pthread_mutex_lock(&a->mu);
		a->took = a->given = a->next;
		if (a->put_waits && a->put - a->took <= AHEAD_SLOTS / 2)
			pthread_cond_signal(&a->can_put);
		if (a->put == a->next) {
			/* woken by the thread when enough is ready */
			a->take_from = a->next;
			a->take_waits = 1;
			do
				pthread_cond_wait(&a->can_take, &a->mu);
			while (a->put == a->next);
			a->take_waits = 0;
		}
		a->avail = a->put;
		pthread_mutex_unlock(&a->mu);
	}
	a->cur = &a->item[a->next++ % AHEAD_SLOTS];
	if (a->cur->rr == READ_ERROR)
		*err = a->err;
	return a->cur->rr;
}

enum read_result reader_next(struct reader *r, struct diag *err)
{
	if (r->ahead != NULL)
		return ahead_next(r->ahead, err);
	return next_item(r, err);
}

int record_check_text(const struct record *rec, const struct record *header,
		      const char *file, int status, struct diag *err)
{
	size_t i, bad;
	int nul;

	for (i = 0; i < rec->n; i++) {
		nul = memchr(record_field(rec, i), '\0', record_len(rec, i)) != NULL;
		if (!nul && norm_utf8_check((const unsigned char *)record_field(rec, i),
					    record_len(rec, i), &bad) == NORM_OK)
			continue;
		if (header != NULL && i < header->n)
			return diag_set(err, status, file, rec->line,
					"%s in field \"%s\"", nul ? _("NUL byte") :
					_("invalid UTF-8"), record_field(header, i));
		return diag_set(err, status, file, rec->line,
				nul ? "NUL byte in field %zu" :
				N_("field %zu is not valid UTF-8"), i + 1);
	}
	return 0;
}
