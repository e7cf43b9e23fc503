/* io.c - reads and writes that go on after a signal. */
#include <errno.h>
#include <unistd.h>

#include "io.h"

ssize_t io_read(int fd, void *p, size_t n)
{
	ssize_t got;

	do
		got = read(fd, p, n);
	while (got < 0 && errno == EINTR);
	return got;
}

int io_write_all(int fd, const void *p, size_t n)
{
	const char *s = p;
	ssize_t put;

	while (n > 0) {
		put = write(fd, s, n);
		if (put < 0 && errno == EINTR)
			continue;
		if (put < 0)
			return -1;
		s += put;
		n -= (size_t)put;
	}
	return 0;
}
