/* fuzz.h - what the libFuzzer harnesses share: the input as a file
 * descriptor, and a private folder of files made once and removed at
 * exit.  Included by one harness per program, so the helpers are static. */
#ifndef FUZZ_H
#define FUZZ_H

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fz_folder[64];

/* An fd positioned at the start of a copy of data (a temporary file,
 * gone once closed). */
static inline int fz_data_fd(const uint8_t *data, size_t size)
{
	FILE *f = tmpfile();
	int fd = f != NULL ? dup(fileno(f)) : -1;
	size_t off = 0;
	ssize_t n;

	if (f != NULL)
		fclose(f);
	if (fd < 0)
		abort();
	while (off < size) {
		n = write(fd, data + off, size - off);
		if (n <= 0)
			abort();
		off += (size_t)n;
	}
	if (lseek(fd, 0, SEEK_SET) != 0)
		abort();
	return fd;
}

/* Removes the folder and every file in it. */
static inline void fz_remove(void)
{
	char p[384];
	struct dirent *e;
	DIR *d = opendir(fz_folder);

	while (d != NULL && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", fz_folder, e->d_name);
		unlink(p);
	}
	if (d != NULL)
		closedir(d);
	rmdir(fz_folder);
}

/* The private folder, made on first use. */
static inline const char *fz_dir(void)
{
	if (fz_folder[0] == '\0') {
		const char *t = getenv("TMPDIR");

		snprintf(fz_folder, sizeof(fz_folder), "%s/aap-fuzz-XXXXXX",
			 t != NULL && strlen(t) < 32 ? t : "/tmp");
		if (mkdtemp(fz_folder) == NULL)
			abort();
		atexit(fz_remove);
	}
	return fz_folder;
}

/* Writes n bytes at p to the folder's file name. */
static inline void fz_write(const char *name, const void *p, size_t n)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", fz_dir(), name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || (n > 0 && write(fd, p, n) != (ssize_t)n) || close(fd) != 0)
		abort();
}

#endif
