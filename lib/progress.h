/* progress.h - the progress of a long run on a terminal: records, MB and
 * rate (and the phase a stage is in), redrawn a few times a second by a
 * thread of its own and cleared at the end (docs/progress.md). */
#ifndef PROGRESS_H
#define PROGRESS_H

#include <stddef.h>

/* Starts the process's one progress line, written on fd (which main
 * chooses: the library never picks a descriptor itself) and named prog.
 * delay_ms: how long the run goes before the first line is drawn (a
 * short run draws nothing); 0 draws at once, and progress_stop then draws
 * the final counts once before it clears the line.  Returns 0, or -1
 * when the thread could not be started (the run then goes on without a
 * line; nothing else depends on it). */
int progress_start(int fd, const char *prog, unsigned delay_ms);

/* Adds records and bytes to the counts (which progress_start sets to 0).
 * Called by the readers for every record; cheap, thread-safe. */
void progress_add(unsigned long long records, unsigned long long bytes);

/* Names the phase the stage is in (a string that lives until the end of
 * the run), shown before the counts; NULL for none. */
void progress_phase(const char *phase);

/* Clears the line now, before something else is written on the same
 * terminal; the next redraw shows it again. */
void progress_hide(void);

/* Stops the thread and clears the line; progress_start may be called
 * again after it.  Does nothing when no line was started. */
void progress_stop(void);

/* Formats into buf (size n, at least 1) the line for prog, phase (may be
 * NULL), records and bytes after elapsed_ms milliseconds:
 * "prog: [phase: ]N records, M.D MB, R records/s", its words (and the
 * phase, marked with N_) in the language of the messages.  Integers only:
 * the numbers follow no locale.  Returns the length written. */
size_t progress_format(char *buf, size_t n, const char *prog,
		       const char *phase, unsigned long long records,
		       unsigned long long bytes,
		       unsigned long long elapsed_ms);

#endif
