/*
 * progress: what a long job shows while it runs. Sizes in binary units, a
 * smoothed transfer rate, the time left, and one status line on stderr
 * redrawn in place ("\r") at most ten times a second, only when stderr is a
 * terminal. Also parses the sizes options take ("4G", "512K", "100MiB").
 * The clock can be replaced, so throttling and rates are testable.
 */
#ifndef FG_CMD_PROGRESS_H
#define FG_CMD_PROGRESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The shortest time between two redraws (so at most 10 a second). */
#define FG_PROGRESS_REDRAW_MS	100
/* How long a rate sample spans; the shown rate is a moving average of them. */
#define FG_PROGRESS_SAMPLE_MS	150
/* Weight of the newest sample in the average, in percent. */
#define FG_PROGRESS_ALPHA	30
/* Columns the name may take on the status line. */
#define FG_PROGRESS_NAME_COLS	24

/* A monotonic clock in milliseconds. */
typedef uint64_t (*fg_progress_clock)(void *arg);

struct fg_progress {
	FILE			*out;
	int			 on;		/* draw at all */
	fg_progress_clock	 clock;
	void			*clock_arg;
	int			 drawn;		/* a line is on the screen */
	uint64_t		 last_draw;	/* ms of the last redraw */
	size_t			 width;		/* bytes of the last line */
	int			 sampling;	/* a sample has begun */
	uint64_t		 sample_ms, sample_bytes;
	double			 rate;		/* bytes/s; < 0 while unknown */
};

/* Sets p up to draw on out when on is 1 (see fg_progress_tty). */
void	fg_progress_init(struct fg_progress *p, FILE *out, int on);
/* Replaces the clock (tests); NULL restores the monotonic clock. */
void	fg_progress_set_clock(struct fg_progress *p, fg_progress_clock clock,
	    void *arg);
/* 1 when stderr is a terminal, so progress is drawn there. */
int	fg_progress_tty(void);
/* Feeds the job's bytes so far (they only grow) into the rate. */
void	fg_progress_sample(struct fg_progress *p, uint64_t bytes);
/*
 * Redraws the line for name (done of total bytes; total 0: unknown) when
 * the last redraw is FG_PROGRESS_REDRAW_MS old, or at once with force.
 * bytes feeds the rate as fg_progress_sample. Returns 1 when it drew.
 */
int	fg_progress_update(struct fg_progress *p, const char *name,
	    uint64_t done, uint64_t total, uint64_t bytes, int force);
/* Erases the line, so that a message can follow on a clean line. */
void	fg_progress_clear(struct fg_progress *p);
/* Writes the status line for the current rate into buf. */
void	fg_progress_line(const struct fg_progress *p, const char *name,
	    uint64_t done, uint64_t total, char *buf, size_t len);

/* Terminal columns of UTF-8 text (wide East Asian characters take 2). */
size_t	fg_progress_cols(const char *s);
/* Writes a size as "512 B", "1.5 KiB", "20 MiB"... into buf. */
void	fg_progress_bytes(uint64_t n, char *buf, size_t len);
/* Writes a rate as "1.5 MiB/s", or "--" when rate < 0. */
void	fg_progress_rate(double rate, char *buf, size_t len);
/* Writes seconds left as "0:05", "12:34", "1:02:03", or "--:--" when < 0. */
void	fg_progress_eta(int64_t secs, char *buf, size_t len);
/* Seconds left for left bytes at rate, or -1 when unknown. */
int64_t	fg_progress_eta_secs(uint64_t left, double rate);
/*
 * Parses a size: decimal digits with an optional K, M, G or T (powers of
 * 1024, any case), optionally followed by "iB" or "B". Fills err on failure.
 */
int	fg_progress_parse_size(const char *s, uint64_t *v, char *err,
	    size_t errlen);

#endif /* FG_CMD_PROGRESS_H */
