/*
 * tui: `feige` with no command (or `feige tui`), the interactive chat UI.
 * A client of the daemon: it starts one in the background when none runs
 * (`feige --home HOME daemon [node options]`, logging to HOME/daemon.log),
 * keeps a request connection and a `watch` connection, polls both and the
 * terminal, and turns events into model updates and actions into requests.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>

#include "client.h"
#include "cmd.h"
#include "conf.h"
#include "config.h"
#include "feige/feige.h"
#include "history.h"
#include "home.h"
#include "opts.h"
#include "server.h"
#include "tui.h"

/* How long to wait for a daemon we started to listen, in ms. */
#define START_WAIT_MS	8000
/* History rows scanned at most per load (the everyone conversation filters). */
#define HIST_SCAN_MAX	2000
/* Results of one search. */
#define SEARCH_MAX	500

/* A non-blocking line reader over a connection to the daemon. */
struct conn {
	struct fg_client c;	/* fd and buffer; sends block */
};

struct tui {
	struct fg_cmd_ctx	*ctx;
	char			 home[PATH_MAX], sock[PATH_MAX];
	char			 histpath[PATH_MAX];	/* "": no history */
	char			 download_dir[PATH_MAX];
	struct fg_history	*hist;
	struct conn		 req, watch;
	struct fg_tui		*m;
	char			**dopts;	/* node options for a daemon we start */
	int			 ndopts;
	pid_t			 daemon_pid;
	int			 started;	/* we started the daemon */
	int			 curses;
	time_t			 retry_at;
};

static volatile sig_atomic_t stop_signal;

/* SIGTERM/SIGHUP: leave the loop and restore the terminal. */
static void
stop_cb(int sig)
{
	stop_signal = sig;
}

/* Makes sure LC_CTYPE is UTF-8, falling back to C.UTF-8; 0 when it is. */
static int
utf8_locale(void)
{
	static const char *fallbacks[] = { "C.UTF-8", "C.utf8", "en_US.UTF-8" };
	size_t i;

	setlocale(LC_ALL, "");
	if (strcmp(nl_langinfo(CODESET), "UTF-8") == 0)
		return 0;
	for (i = 0; i < sizeof(fallbacks) / sizeof(fallbacks[0]); i++)
		if (setlocale(LC_CTYPE, fallbacks[i]) != NULL &&
		    strcmp(nl_langinfo(CODESET), "UTF-8") == 0)
			return 0;
	return -1;
}

/* Starts `feige --home HOME daemon OPTS` detached, its output to HOME/daemon.log. */
static int
spawn_daemon(struct tui *t)
{
	char exe[PATH_MAX], logpath[PATH_MAX + 16], err[1024];
	char **argv;
	ssize_t n;
	pid_t pid;
	int i, k = 0, fd;

	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) <= 0) {
		fg_cmd_error("cannot find the feige binary: %s",
		    strerror(errno));
		return -1;
	}
	exe[n] = '\0';
	if (fg_home_mkdirs(t->home, err, sizeof(err)) != 0) {
		fg_cmd_error("%s", err);
		return -1;
	}
	snprintf(logpath, sizeof(logpath), "%s/daemon.log", t->home);
	if ((argv = calloc((size_t)t->ndopts + 10, sizeof(*argv))) == NULL) {
		fg_cmd_error("out of memory");
		return -1;
	}
	argv[k++] = exe;
	argv[k++] = (char *)"--home";
	argv[k++] = t->home;
	if (t->ctx->config_opt != NULL) {
		argv[k++] = (char *)"--config";
		argv[k++] = (char *)t->ctx->config_opt;
	}
	if (t->ctx->no_history)
		argv[k++] = (char *)"--no-history";
	else if (t->ctx->history_opt != NULL) {
		argv[k++] = (char *)"--history";
		argv[k++] = (char *)t->ctx->history_opt;
	}
	argv[k++] = (char *)"daemon";
	for (i = 0; i < t->ndopts; i++)
		argv[k++] = t->dopts[i];
	argv[k] = NULL;
	if ((pid = fork()) < 0) {
		fg_cmd_error("fork: %s", strerror(errno));
		free(argv);
		return -1;
	}
	if (pid == 0) {
		/* A session of its own: it outlives the terminal and the UI. */
		setsid();
		if ((fd = open("/dev/null", O_RDONLY)) >= 0) {
			dup2(fd, 0);
			close(fd);
		}
		if ((fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND,
		    0600)) >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		execv(exe, argv);
		_exit(127);
	}
	free(argv);
	t->started = 1;
	t->daemon_pid = pid;
	return 0;
}

/* Prints the last lines of the daemon's log on stderr. */
static void
print_log_tail(const struct tui *t)
{
	char path[PATH_MAX + 16], buf[4096];
	ssize_t n;
	off_t size;
	int fd;

	snprintf(path, sizeof(path), "%s/daemon.log", t->home);
	if ((fd = open(path, O_RDONLY)) < 0)
		return;
	size = lseek(fd, 0, SEEK_END);
	if (size > (off_t)sizeof(buf) - 1)
		(void)lseek(fd, size - (off_t)sizeof(buf) + 1, SEEK_SET);
	else
		(void)lseek(fd, 0, SEEK_SET);
	if ((n = read(fd, buf, sizeof(buf) - 1)) > 0) {
		buf[n] = '\0';
		fputs(buf, stderr);
	}
	close(fd);
}

/* Connects c to the daemon's socket; FG_ERR_NOT_FOUND when none listens. */
static int
conn_open(struct tui *t, struct conn *c, char *err, size_t errlen)
{
	return fg_client_connect(&c->c, t->sock, err, errlen);
}

/* Closes a connection. */
static void
conn_close(struct conn *c)
{
	if (c->c.fd >= 0)
		fg_client_close(&c->c);
	c->c.fd = -1;
}

/* Sends a request and waits (blocking) for its reply; for start-up only. */
static int
conn_call(struct conn *c, json_t *req, json_t **reply, char *err,
    size_t errlen)
{
	json_t *msg;
	int r;

	*reply = NULL;
	if ((r = fg_client_send(&c->c, req, err, errlen)) != 0)
		return r;
	for (;;) {
		if ((r = fg_client_recv(&c->c, &msg, err, errlen)) != 0)
			return r;
		if (json_object_get(msg, "event") == NULL) {
			*reply = msg;
			return 0;
		}
		json_decref(msg);
	}
}

/* Reads what arrived on c and hands each complete line to the model. */
static int
conn_pump(struct tui *t, struct conn *c, int events)
{
	struct fg_client *cl = &c->c;
	json_error_t jerr;
	json_t *msg;
	char *nl, *p;
	size_t linelen;
	ssize_t n;

	for (;;) {
		if (cl->cap - cl->len < 65536) {
			if (cl->len > FG_SERVER_MAX_LINE)
				return FG_ERR_LIMIT;
			if ((p = realloc(cl->buf, cl->cap + 65536)) == NULL)
				return FG_ERR_ALLOC;
			cl->buf = p;
			cl->cap += 65536;
		}
		n = recv(cl->fd, cl->buf + cl->len, cl->cap - cl->len,
		    MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0)
			return FG_ERR_CLOSED;
		cl->len += (size_t)n;
		while ((nl = memchr(cl->buf, '\n', cl->len)) != NULL) {
			linelen = (size_t)(nl - cl->buf);
			msg = json_loadb(cl->buf, linelen, 0, &jerr);
			memmove(cl->buf, nl + 1, cl->len - linelen - 1);
			cl->len -= linelen + 1;
			if (msg == NULL)
				continue;
			if (events && json_object_get(msg, "event") != NULL)
				(void)fg_tui_on_event(t->m, msg);
			else if (!events)
				(void)fg_tui_on_reply(t->m, msg);
			json_decref(msg);
		}
	}
	return 0;
}

/* Connects both connections (starting a daemon if allowed); 0 when up. */
static int
connect_daemon(struct tui *t, int may_start, int quiet)
{
	char err[1024];
	json_t *req = NULL, *reply = NULL;
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	int r, status, waited = 0;

	r = conn_open(t, &t->req, err, sizeof(err));
	if (r == FG_ERR_NOT_FOUND && may_start) {
		if (spawn_daemon(t) != 0)
			return -1;
		while (r == FG_ERR_NOT_FOUND && waited < START_WAIT_MS) {
			nanosleep(&ts, NULL);
			waited += 50;
			if (waitpid(t->daemon_pid, &status, WNOHANG) ==
			    t->daemon_pid) {
				t->daemon_pid = 0;
				t->started = 0;
				break;	/* it gave up: the port is taken... */
			}
			r = conn_open(t, &t->req, err, sizeof(err));
		}
		if (r != 0) {
			if (!quiet) {
				fg_cmd_error("the daemon did not start; from "
				    "%s/daemon.log:", t->home);
				print_log_tail(t);
			}
			return -1;
		}
	}
	if (r != 0) {
		if (!quiet)
			fg_cmd_error("%s", err);
		return -1;
	}
	if ((r = conn_open(t, &t->watch, err, sizeof(err))) != 0)
		goto fail;
	/* Subscribe before anything else so that no event is missed. */
	if ((req = fg_cmd_request("watch")) == NULL ||
	    (r = conn_call(&t->watch, req, &reply, err, sizeof(err))) != 0)
		goto fail;
	json_decref(req);
	json_decref(reply);
	reply = NULL;
	if ((req = fg_cmd_request("status")) == NULL ||
	    (r = conn_call(&t->req, req, &reply, err, sizeof(err))) != 0)
		goto fail;
	json_decref(req);
	json_decref(reply);
	fg_tui_set_connected(t->m, 1);
	return fg_tui_start(t->m);
 fail:
	if (!quiet)
		fg_cmd_error("cannot talk to the daemon: %s", err);
	json_decref(req);
	json_decref(reply);
	conn_close(&t->req);
	conn_close(&t->watch);
	return -1;
}

/* Opens the history database once it exists (the daemon makes it). */
static void
open_history(struct tui *t)
{
	char err[256];

	if (t->hist != NULL || t->histpath[0] == '\0' ||
	    access(t->histpath, F_OK) != 0)
		return;
	if (fg_history_open(t->histpath, &t->hist, err, sizeof(err)) != 0)
		t->hist = NULL;
}

struct hist_walk {
	struct fg_tui	*m;
	const char	*key;
	size_t		 rows, kept;
	int64_t		 lowest;
	int		 search;
};

/* History callback: one row into the conversation (or the search results). */
static int
hist_row_cb(const struct fg_history_row *row, void *arg)
{
	struct hist_walk *w = arg;
	int r;

	w->rows++;
	if (w->lowest == 0 || row->id < w->lowest)
		w->lowest = row->id;
	if (w->search)
		r = fg_tui_search_row(w->m, row) == 0;
	else
		r = fg_tui_history_row(w->m, w->key, row);
	if (r > 0)
		w->kept++;
	return 0;
}

/* Loads a page of a conversation's history older than before_id. */
static void
load_history(struct tui *t, const char *key, int64_t before_id)
{
	struct fg_history_query q;
	struct hist_walk w;
	char err[256], *user = NULL, *at;
	size_t scanned = 0;
	int more = 0;

	open_history(t);
	if (t->hist == NULL) {
		fg_tui_history_end(t->m, key, 0);
		return;
	}
	memset(&q, 0, sizeof(q));
	if (strcmp(key, FG_TUI_ALL) != 0) {
		if ((user = strdup(key)) == NULL ||
		    (at = strrchr(user, '@')) == NULL) {
			free(user);
			fg_tui_history_end(t->m, key, 0);
			return;
		}
		*at = '\0';
		q.user = user;
		q.host = at + 1;
	}
	memset(&w, 0, sizeof(w));
	w.m = t->m;
	w.key = key;
	q.before_id = before_id;
	q.limit = FG_TUI_PAGE;
	while (w.kept < FG_TUI_PAGE && scanned < HIST_SCAN_MAX) {
		w.rows = 0;
		if (fg_history_list(t->hist, &q, hist_row_cb, &w, err,
		    sizeof(err)) != 0)
			break;
		scanned += w.rows;
		more = w.rows == q.limit;
		if (!more)
			break;
		q.before_id = w.lowest;
	}
	free(user);
	fg_tui_history_end(t->m, key, more);
}

/* Searches the history (or, without a database, the lines in memory). */
static void
search(struct tui *t, const char *text)
{
	struct fg_history_query q;
	struct hist_walk w;
	char err[256];

	if (fg_tui_search_begin(t->m, text) != 0)
		return;
	open_history(t);
	memset(&w, 0, sizeof(w));
	w.m = t->m;
	w.search = 1;
	if (t->hist != NULL) {
		memset(&q, 0, sizeof(q));
		q.search = text;
		q.limit = SEARCH_MAX;
		if (fg_history_list(t->hist, &q, hist_row_cb, &w, err,
		    sizeof(err)) != 0)
			(void)fg_tui_notice(t->m, FG_TUI_SEARCH, "search failed: "
			    "%s", err);
	}
	if (w.kept == 0) {
		(void)fg_tui_search_local(t->m, text);
		return;
	}
	fg_tui_search_end(t->m, w.kept);
}

/* Makes a /file path absolute ("~/" is the home directory); malloc'd. */
static char *
abs_path(const char *p)
{
	char cwd[PATH_MAX], *out;
	const char *home = getenv("HOME");
	size_t len;

	if (p[0] == '~' && p[1] == '/' && home != NULL) {
		len = strlen(home) + strlen(p) + 1;
		if ((out = malloc(len)) != NULL)
			snprintf(out, len, "%s%s", home, p + 1);
		return out;
	}
	if (p[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
		return strdup(p);
	len = strlen(cwd) + strlen(p) + 2;
	if ((out = malloc(len)) != NULL)
		snprintf(out, len, "%s/%s", cwd, p);
	return out;
}

/* Carries out the model's actions; returns 1 when the UI should end. */
static int
run_actions(struct tui *t)
{
	struct fg_tui_act *a;
	char err[1024], *p;
	json_t *req;
	size_t i;
	int quit = 0;

	while ((a = fg_tui_next_action(t->m)) != NULL) {
		switch (a->type) {
		case FG_TUI_ACT_HISTORY:
			load_history(t, a->conv, a->id);
			break;
		case FG_TUI_ACT_SEARCH:
			search(t, a->text);
			break;
		case FG_TUI_ACT_QUIT:
			if (a->id == 0 && t->started && t->daemon_pid > 0)
				kill(t->daemon_pid, SIGTERM);
			quit = 1;
			break;
		default:
			if (a->type == FG_TUI_ACT_ACCEPT && a->to == NULL &&
			    (a->to = strdup(t->download_dir)) != NULL &&
			    *a->to != '\0' &&
			    fg_home_mkdirs(a->to, err, sizeof(err)) != 0)
				(void)fg_tui_notice(t->m, NULL, "%s", err);
			if (a->type == FG_TUI_ACT_SEND_FILE)
				for (i = 0; i < a->npaths; i++)
					if ((p = abs_path(a->paths[i])) != NULL) {
						free(a->paths[i]);
						a->paths[i] = p;
					}
			if (t->req.c.fd < 0) {
				json_t *fake = json_pack("{s:I, s:b, s:s, s:s}",
				    "id", (json_int_t)a->tag, "ok", 0, "code",
				    "closed", "error", "no daemon (reconnecting)");

				if (fake != NULL)
					(void)fg_tui_on_reply(t->m, fake);
				json_decref(fake);
				break;
			}
			if ((req = fg_tui_act_json(a)) == NULL)
				break;
			if (fg_client_send(&t->req.c, req, err, sizeof(err)) != 0)
				conn_close(&t->req);
			json_decref(req);
			break;
		}
		fg_tui_act_free(a);
	}
	return quit;
}

/* Maps a get_wch result to a model key; -1 for keys we ignore. */
static int
map_key(int r, wint_t wc)
{
	if (r == KEY_CODE_YES) {
		switch (wc) {
		case KEY_UP:		return FG_TUI_KEY_UP;
		case KEY_DOWN:		return FG_TUI_KEY_DOWN;
		case KEY_LEFT:		return FG_TUI_KEY_LEFT;
		case KEY_RIGHT:		return FG_TUI_KEY_RIGHT;
		case KEY_HOME:		return FG_TUI_KEY_HOME;
		case KEY_END:		return FG_TUI_KEY_END;
		case KEY_PPAGE:		return FG_TUI_KEY_PGUP;
		case KEY_NPAGE:		return FG_TUI_KEY_PGDN;
		case KEY_DC:		return FG_TUI_KEY_DEL;
		case KEY_BACKSPACE:	return FG_TUI_KEY_BACKSPACE;
		case KEY_ENTER:		return FG_TUI_KEY_ENTER;
		case KEY_BTAB:		return FG_TUI_KEY_BTAB;
		case KEY_RESIZE:	return FG_TUI_KEY_RESIZE;
		}
		if (wc >= KEY_F(1) && wc <= KEY_F(12))
			return FG_TUI_KEY_F((int)(wc - KEY_F(0)));
		return -1;
	}
	switch (wc) {
	case '\r':
	case '\n':
		return FG_TUI_KEY_ENTER;
	case '\t':
		return FG_TUI_KEY_TAB;
	case 0x7f:
	case 0x08:
		return FG_TUI_KEY_BACKSPACE;
	case 0x1b:
		return FG_TUI_KEY_ESC;
	}
	return (int)wc;
}

/* Reads every pending key and hands it to the model. */
static void
read_keys(struct tui *t)
{
	wint_t wc, wc2;
	int r, r2, key, k2;

	while ((r = get_wch(&wc)) != ERR) {
		if ((key = map_key(r, wc)) < 0)
			continue;
		if (key == FG_TUI_KEY_ESC) {
			/* ESC and a key at once: Alt (Meta) and that key. */
			if ((r2 = get_wch(&wc2)) != ERR &&
			    (k2 = map_key(r2, wc2)) >= 0)
				key = k2 == FG_TUI_KEY_ESC ? k2 :
				    FG_TUI_KEY_ALT | k2;
		}
		if (key == FG_TUI_KEY_RESIZE)
			fg_tui_resize(t->m, COLS, LINES);
		if (key == FG_TUI_CTRL('l'))
			clearok(curscr, TRUE);
		(void)fg_tui_key(t->m, key);
	}
}

/* Copies s into out with spaces, quotes and backslashes escaped by a backslash. */
static void
escape_path(const char *s, char *out, size_t len)
{
	size_t o = 0;

	for (; *s != '\0' && o + 2 < len; s++) {
		if (*s == ' ' || *s == '\\' || *s == '"' || *s == '\'')
			out[o++] = '\\';
		out[o++] = *s;
	}
	out[o] = '\0';
}

/* Path completion for /file: the entries of the folder part that start with the rest. */
static int
path_complete_cb(void *arg, const char *word, char ***out, size_t *n)
{
	char prefix[PATH_MAX], dir[PATH_MAX], full[PATH_MAX * 2],
	    cand[PATH_MAX * 2], esc[PATH_MAX * 4], **v = NULL, **nv;
	const char *slash, *base, *home = getenv("HOME");
	struct dirent *de;
	struct stat st;
	size_t dlen, blen, k = 0, o = 0;
	DIR *d;

	(void)arg;
	*out = NULL;
	*n = 0;
	/* The word as typed has its spaces escaped (or quoted). */
	for (; *word != '\0' && o + 1 < sizeof(prefix); word++) {
		if (*word == '"' || *word == '\'')
			continue;
		if (*word == '\\' && word[1] != '\0')
			word++;
		prefix[o++] = *word;
	}
	prefix[o] = '\0';
	slash = strrchr(prefix, '/');
	base = slash != NULL ? slash + 1 : prefix;
	dlen = slash != NULL ? (size_t)(slash - prefix) + 1 : 0;
	blen = strlen(base);
	if (dlen == 0)
		snprintf(dir, sizeof(dir), ".");
	else if (prefix[0] == '~' && prefix[1] == '/' && home != NULL)
		snprintf(dir, sizeof(dir), "%s/%.*s", home, (int)dlen - 2,
		    prefix + 2);
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)dlen, prefix);
	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    strncmp(de->d_name, base, blen) != 0 ||
		    (de->d_name[0] == '.' && base[0] != '.'))
			continue;
		snprintf(full, sizeof(full), "%s/%s", dir, de->d_name);
		snprintf(cand, sizeof(cand), "%.*s%s%s", (int)dlen, prefix,
		    de->d_name, stat(full, &st) == 0 && S_ISDIR(st.st_mode) ?
		    "/" : "");
		escape_path(cand, esc, sizeof(esc));
		if ((nv = realloc(v, (k + 2) * sizeof(*v))) == NULL)
			break;
		v = nv;
		if ((v[k] = strdup(esc)) == NULL)
			break;
		v[++k] = NULL;
	}
	closedir(d);
	*out = v;
	*n = k;
	return 0;
}

/* Reads the settings the UI uses: [ui] bell and the download folder. */
static int
load_config(struct tui *t)
{
	struct fg_config cfg;
	int r;

	if ((r = fg_conf_load(t->ctx, &cfg)) < 0) {
		t->m->bell_on = cfg.bell;
		snprintf(t->download_dir, sizeof(t->download_dir), "%s",
		    cfg.download_dir != NULL ? cfg.download_dir : "");
	}
	fg_config_free(&cfg);
	return r;
}

/* Sets up the terminal; 0 on success. */
static int
curses_init(struct tui *t)
{
	if (newterm(NULL, stdout, stdin) == NULL) {
		fg_cmd_error("cannot use the terminal (TERM=%s)",
		    getenv("TERM") ? getenv("TERM") : "");
		return -1;
	}
	t->curses = 1;
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	fg_tui_draw_init(!fg_tui_no_color());
	fg_tui_resize(t->m, COLS, LINES);
	return 0;
}

/* The main loop: poll the terminal and both connections. */
static void
loop(struct tui *t)
{
	struct pollfd pfd[3];
	int n, r;

	for (;;) {
		if (run_actions(t) || stop_signal || t->m->oom)
			break;
		if (t->m->bell) {
			beep();
			t->m->bell = 0;
		}
		if (t->m->dirty) {
			t->m->dirty = 0;
			fg_tui_draw(t->m);
		}
		memset(pfd, 0, sizeof(pfd));
		pfd[0].fd = 0;
		pfd[0].events = POLLIN;
		pfd[1].fd = t->req.c.fd;
		pfd[1].events = POLLIN;
		pfd[2].fd = t->watch.c.fd;
		pfd[2].events = POLLIN;
		n = poll(pfd, 3, t->req.c.fd < 0 ? 1000 : 5000);
		if (n < 0 && errno != EINTR)
			break;
		read_keys(t);
		if (n <= 0 && t->req.c.fd >= 0)
			continue;
		if (pfd[1].revents && (r = conn_pump(t, &t->req, 0)) != 0)
			conn_close(&t->req);
		if (pfd[2].revents && (r = conn_pump(t, &t->watch, 1)) != 0)
			conn_close(&t->watch);
		if ((t->req.c.fd < 0 || t->watch.c.fd < 0) && t->m->connected) {
			if (t->daemon_pid > 0 && waitpid(t->daemon_pid, &r,
			    WNOHANG) == t->daemon_pid) {
				t->daemon_pid = 0;	/* ours, and it ended */
				t->started = 0;
			}
			conn_close(&t->req);
			conn_close(&t->watch);
			fg_tui_set_connected(t->m, 0);
			(void)fg_tui_notice(t->m, NULL, "the daemon went away; "
			    "reconnecting");
			t->retry_at = time(NULL) + 1;
		}
		if (t->req.c.fd < 0 && time(NULL) >= t->retry_at) {
			t->retry_at = time(NULL) + 2;
			if (connect_daemon(t, 1, 1) == 0)
				(void)fg_tui_notice(t->m, NULL, "reconnected");
		}
	}
}

int
fg_cmd_tui(struct fg_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		FG_NODE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct fg_node_opts o;
	struct tui t;
	char err[1024];
	int c, r, ret = FG_EXIT_FAIL;

	memset(&t, 0, sizeof(t));
	t.ctx = ctx;
	t.req.c.fd = t.watch.c.fd = -1;
	fg_node_opts_init(&o);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		if (c == 'h') {
			fg_cmd_print_cmd_help(ctx->cmd, stdout);
			return FG_EXIT_OK;
		}
		if ((r = fg_cmd_node_option(ctx, &o, c, argv)) >= 0)
			return r;
	}
	if (optind < argc)
		return fg_cmd_usage_error(ctx, "unexpected argument '%s'",
		    argv[optind]);
	/* The options (checked above) go to a daemon we start, as given. */
	t.dopts = argv + 1;
	t.ndopts = optind - 1;
	if (!isatty(0) || !isatty(1)) {
		fg_cmd_error("the chat UI needs a terminal; see 'feige --help' "
		    "for the commands");
		return FG_EXIT_USAGE;
	}
	if (utf8_locale() != 0) {
		fg_cmd_error("the chat UI needs a UTF-8 locale (try "
		    "LANG=C.UTF-8)");
		return FG_EXIT_FAIL;
	}
	if (fg_home_resolve(ctx->home_opt, 0, t.home, sizeof(t.home), err,
	    sizeof(err)) != 0 ||
	    fg_home_socket(t.home, t.sock, sizeof(t.sock), err,
	    sizeof(err)) != 0) {
		fg_cmd_error("%s", err);
		return FG_EXIT_FAIL;
	}
	if ((t.m = fg_tui_new()) == NULL) {
		fg_cmd_error("out of memory");
		return FG_EXIT_FAIL;
	}
	fg_tui_set_path_cb(t.m, path_complete_cb, &t);
	if ((r = load_config(&t)) >= 0) {
		ret = r;
		goto out;
	}
	if (fg_conf_history(ctx, o.history, o.no_history, t.histpath,
	    sizeof(t.histpath), err, sizeof(err)) != 0)
		t.histpath[0] = '\0';
	if (connect_daemon(&t, 1, 0) != 0) {
		ret = FG_EXIT_NO_DAEMON;
		goto out;
	}
	signal(SIGTERM, stop_cb);
	signal(SIGHUP, stop_cb);
	signal(SIGINT, stop_cb);
	if (curses_init(&t) != 0)
		goto out;
	loop(&t);
	ret = t.m->oom ? FG_EXIT_FAIL : FG_EXIT_OK;
 out:
	if (t.curses)
		endwin();
	/* A daemon started for a UI that could not run goes too. */
	if (ret != FG_EXIT_OK && t.started && t.daemon_pid > 0)
		kill(t.daemon_pid, SIGTERM);
	if (t.m != NULL && t.m->oom)
		fg_cmd_error("out of memory");
	conn_close(&t.req);
	conn_close(&t.watch);
	fg_history_close(t.hist);
	fg_tui_free(t.m);
	fg_node_opts_free(&o);
	return ret;
}
