/* unit.h - helpers shared by the unit tests: input from bytes in memory. */
#ifndef UNIT_H
#define UNIT_H

#include <stdio.h>
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

#endif
