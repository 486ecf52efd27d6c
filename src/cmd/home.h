/*
 * home: where a user's feige state lives. The home is --home DIR, else
 * $FEIGE_HOME, else $XDG_STATE_HOME/feige, else ~/.local/state/feige; the
 * daemon creates it with mode 0700 and listens on <home>/feige.sock.
 */
#ifndef FG_CMD_HOME_H
#define FG_CMD_HOME_H

#include <stddef.h>

/* The socket's file name inside the home. */
#define FG_HOME_SOCKET	"feige.sock"

/* Picks the home from the given sources (NULL or "" means unset); pure. */
int	fg_home_pick(const char *opt, const char *feige_home,
	    const char *xdg_state, const char *home, char *out, size_t outlen,
	    char *err, size_t errlen);
/* Picks the home from opt and the environment; creates it (0700) if asked. */
int	fg_home_resolve(const char *opt, int create, char *out, size_t outlen,
	    char *err, size_t errlen);
/* Creates path and any missing parents with mode 0700; fine if it exists. */
int	fg_home_mkdirs(const char *path, char *err, size_t errlen);
/* Builds <home>/feige.sock, refusing paths too long for sun_path. */
int	fg_home_socket(const char *home, char *out, size_t outlen, char *err,
	    size_t errlen);

#endif /* FG_CMD_HOME_H */
