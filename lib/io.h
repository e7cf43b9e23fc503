/* io.h - reads and writes of file descriptors that go on after a signal
 * (EINTR) and, for writes, after a short write. */
#ifndef IO_H
#define IO_H

#include <stddef.h>
#include <sys/types.h>

/* Reads up to n bytes of fd into p.  Returns the count, 0 at the end of
 * the input, or -1 with errno set. */
ssize_t io_read(int fd, void *p, size_t n);

/* Writes the n bytes at p to fd, all of them.  Returns 0, or -1 with
 * errno set. */
int io_write_all(int fd, const void *p, size_t n);

#endif
