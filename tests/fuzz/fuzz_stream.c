/* fuzz_stream.c - libFuzzer harness for the stream reader: provenance,
 * header, records, the trailer and its checks.  The data is opened with
 * stream_in_open, checked and unchecked, and read to the end. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aap.h"
#include "diag.h"
#include "stream.h"
#include "fuzz.h"

/* 1 when the data ends with a trailer line (what a checked read needs). */
static int ends_with_trailer(const uint8_t *data, size_t size)
{
	size_t i;

	if (size == 0 || data[size - 1] != '\n')
		return 0;
	for (i = size - 1; i > 0 && data[i - 1] != '\n'; i--)
		;
	return size - i > 9 && memcmp(data + i, "#trailer ", 9) == 0;
}

static void read_stream(const uint8_t *data, size_t size, int check)
{
	struct diag err;
	struct stream_in *s;
	enum read_result rr;
	int fd = fz_data_fd(data, size);
	unsigned long long n = 0;

	diag_clear(&err);
	s = stream_in_open(fd, "fuzz", check, &err);
	if (s == NULL) {
		if (err.status != AAP_EDATA || err.msg[0] == '\0')
			abort();
		close(fd);
		return;
	}
	if (stream_in_header(s)->n == 0)
		abort();
	while ((rr = stream_in_next(s, &err)) == READ_RECORD) {
		if (stream_in_record(s)->n != stream_in_header(s)->n)
			abort(); /* every record has the header's width */
		if (++n != stream_in_count(s) || n > size)
			abort();
	}
	if (rr == READ_ERROR) {
		if (err.status != AAP_EDATA || err.msg[0] == '\0')
			abort();
	} else {
		/* Promise 5: a checked stream that ends well had its trailer,
		 * and stream_in_digest is 64 hex digits. */
		if (check && !stream_in_bare(s) &&
		    (!ends_with_trailer(data, size) ||
		     strncmp(stream_in_trailer(s), "#trailer ", 9) != 0))
			abort();
		if (check && stream_in_bare(s))
			abort();
		if (strlen(stream_in_digest(s)) != 64)
			abort();
	}
	stream_in_free(s);
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	read_stream(data, size, 1);
	read_stream(data, size, 0);
	return 0;
}
