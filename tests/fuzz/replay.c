/* replay.c - runs a libFuzzer harness on saved inputs without libFuzzer,
 * so that `make check` replays the corpus with $(CC) and the sanitizers:
 * the harness aborts on a broken promise, the sanitizers on a memory
 * error or a leak.  Operands are files or folders; with none it replays
 * its own corpus, tests/fuzz/corpus/NAME/ (NAME: the program's base name)
 * from the top of the source tree, or the folder $FUZZ_CORPUS. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads the whole file at path into a block of exactly its size (so that
 * a read past the end is caught); *size set.  Exits when it cannot. */
static uint8_t *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL, *p;
	size_t cap = 0, n = 0, got;

	if (f == NULL) {
		fprintf(stderr, "replay: error: could not open \"%s\": %s\n",
			path, strerror(errno));
		exit(2);
	}
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			if ((p = realloc(buf, cap)) == NULL) {
				fprintf(stderr, "replay: error: out of memory\n");
				exit(3);
			}
			buf = p;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	if (ferror(f)) {
		fprintf(stderr, "replay: error: could not read \"%s\"\n", path);
		exit(2);
	}
	fclose(f);
	if ((p = realloc(buf, n ? n : 1)) == NULL) {
		fprintf(stderr, "replay: error: out of memory\n");
		exit(3);
	}
	*size = n;
	return p;
}

/* Runs the harness on the file at path. */
static void run_file(const char *path)
{
	size_t size;
	uint8_t *data = slurp(path, &size);

	if (getenv("REPLAY_VERBOSE") != NULL)
		fprintf(stderr, "replay: %s\n", path);
	LLVMFuzzerTestOneInput(data, size);
	free(data);
}

/* Runs the harness on every file of the folder dir; returns how many. */
static int run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];
	int n = 0;

	if (d == NULL) {
		fprintf(stderr, "replay: error: could not open \"%s\": %s\n",
			dir, strerror(errno));
		exit(2);
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
				     e->d_name) >= sizeof(path))
			continue;
		run_file(path);
		n++;
	}
	closedir(d);
	return n;
}

int main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/');
	char dir[4096];
	struct stat st;
	int i, n = 0;

	base = base != NULL ? base + 1 : argv[0];
	if (argc == 1) {
		const char *top = getenv("FUZZ_CORPUS");

		snprintf(dir, sizeof(dir), "%s%s", top != NULL ? top :
			 "tests/fuzz/corpus/", top != NULL ? "" : base);
		n = run_dir(dir);
	}
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			n += run_dir(argv[i]);
		else
			run_file(argv[i]), n++;
	}
	printf("replay: %s: %d inputs, no failure\n", base, n);
	return 0;
}
