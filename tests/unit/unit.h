/* unit.h - helpers shared by the unit tests: input from bytes in memory. */
#ifndef UNIT_H
#define UNIT_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Returns a descriptor reading the n bytes at p (a temporary file that is
 * gone once closed), or -1. */
static inline int unit_fd(const void *p, size_t n)
{
	FILE *f = tmpfile();
	int fd;

	if (f == NULL)
		return -1;
	fd = dup(fileno(f));
	if (fd < 0 || (n > 0 && write(fd, p, n) != (ssize_t)n) ||
	    lseek(fd, 0, SEEK_SET) != 0) {
		fclose(f);
		return -1;
	}
	fclose(f);
	return fd;
}

/* Same for a string. */
static inline int unit_fd_str(const char *s)
{
	return unit_fd(s, strlen(s));
}

/* Reads everything from fd (rewound first) into buf (cap bytes, NUL
 * added).  Returns the length. */
static inline size_t unit_slurp(int fd, char *buf, size_t cap)
{
	size_t len = 0;
	ssize_t n;

	lseek(fd, 0, SEEK_SET);
	while (len + 1 < cap && (n = read(fd, buf + len, cap - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	return len;
}

/* Writes text to the file name of folder dir.  Returns 0 or -1. */
static inline int unit_put(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f == NULL)
		return -1;
	rc = fputs(text, f) < 0 ? -1 : 0;
	return fclose(f) != 0 ? -1 : rc;
}

/* Makes a new folder from template (ending in XXXXXX, changed in place).
 * Returns 0 or -1. */
static inline int unit_dir_new(char *template)
{
	return mkdtemp(template) == NULL ? -1 : 0;
}

/* Removes folder dir and every file in it. */
static inline void unit_dir_remove(const char *dir)
{
	char path[512];
	struct dirent *e;
	DIR *d = opendir(dir);

	while (d != NULL && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	if (d != NULL)
		closedir(d);
	rmdir(dir);
}

#endif
