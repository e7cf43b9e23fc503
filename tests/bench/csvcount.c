/* csvcount.c - the benchmark's ceiling: parses CSV with libcsv and does
 * nothing else (64 KiB reads, one csv_parse per read, callbacks that only
 * count), so that a stage's speed can be read against the parser's own.
 * Several files are parsed one after the other, each with a parser of its
 * own, as a stage that reads several inputs would. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>

#include <csv.h>

#define PROG "csvcount"
#define READ_SIZE ((size_t)64 << 10)

/* What the callbacks count. */
struct counts {
	unsigned long long fields;  /* fields seen */
	unsigned long long records; /* records seen */
	unsigned long long bytes;   /* bytes of field data */
};

static void on_field(void *data, size_t len, void *ctx)
{
	struct counts *c = ctx;

	(void)data;
	c->fields++;
	c->bytes += len;
}

static void on_record(int term, void *ctx)
{
	struct counts *c = ctx;

	(void)term;
	c->records++;
}

/* Parses fd (named name) to its end.  Returns 0, or 1 after a message. */
static int count(int fd, const char *name, struct counts *c)
{
	static char buf[READ_SIZE];
	struct csv_parser p;
	ssize_t n;

	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
		fprintf(stderr, "%s: error: could not start the parser\n", PROG);
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (csv_parse(&p, buf, (size_t)n, on_field, on_record, c) !=
		    (size_t)n) {
			fprintf(stderr, "%s:%s: error: %s\n", PROG, name,
				csv_strerror(csv_error(&p)));
			csv_free(&p);
			return 1;
		}
	}
	if (n < 0) {
		fprintf(stderr, "%s: error: could not read \"%s\": %s\n", PROG,
			name, strerror(errno));
		csv_free(&p);
		return 1;
	}
	if (csv_fini(&p, on_field, on_record, c) != 0) {
		fprintf(stderr, "%s:%s: error: %s\n", PROG, name,
			csv_strerror(csv_error(&p)));
		csv_free(&p);
		return 1;
	}
	csv_free(&p);
	return 0;
}

int main(int argc, char **argv)
{
	static const char *const standard_input[] = { "-" };
	const char *const *files = argc > 1 ? (const char *const *)(argv + 1) :
			       standard_input;
	int nfiles = argc > 1 ? argc - 1 : 1;
	struct counts c = { 0, 0, 0 };
	int fd, i, status;

	for (i = 0; i < nfiles; i++)
		if (files[i][0] == '-' && files[i][1] != '\0') {
			fprintf(stderr, "usage: %s [FILE]...\n", PROG);
			return 2;
		}
	for (i = 0; i < nfiles; i++) {
		fd = STDIN_FILENO;
		if (strcmp(files[i], "-") != 0 &&
		    (fd = open(files[i], O_RDONLY)) < 0) {
			fprintf(stderr, "%s: error: could not open \"%s\": %s\n",
				PROG, files[i], strerror(errno));
			return 3;
		}
		status = count(fd, files[i], &c);
		if (fd != STDIN_FILENO)
			close(fd);
		if (status != 0)
			return status;
	}
	printf("records=%llu fields=%llu bytes=%llu\n", c.records, c.fields,
	       c.bytes);
	return 0;
}
