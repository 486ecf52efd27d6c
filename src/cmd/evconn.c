/* evconn: requests and events on one daemon connection. */
#include "evconn.h"

#include <limits.h>
#include <string.h>

#include "feige/feige.h"

int
fg_evconn_open(struct fg_evconn *e, struct fg_cmd_ctx *ctx, int watch,
    const char *nodaemon)
{
	char path[PATH_MAX], err[1024];
	json_t *req = NULL, *reply = NULL;
	int r;

	memset(e, 0, sizeof(*e));
	e->c.fd = -1;
	if ((r = fg_cmd_socket(ctx, 0, path, sizeof(path))) != 0)
		return r;
	if ((r = fg_client_connect(&e->c, path, err, sizeof(err))) != 0) {
		e->absent = r == FG_ERR_NOT_FOUND;
		if (r != FG_ERR_NOT_FOUND)
			fg_cmd_error("%s", err);
		else if (nodaemon == NULL)
			fg_cmd_error("no daemon running (start one with "
			    "'feige daemon')");
		else if (*nodaemon != '\0')
			fg_cmd_error("%s", nodaemon);
		return FG_EXIT_NO_DAEMON;
	}
	e->open = 1;
	if ((e->queue = json_array()) == NULL) {
		fg_cmd_error("out of memory");
		return FG_EXIT_FAIL;
	}
	if (!watch)
		return FG_EXIT_OK;
	if ((req = fg_cmd_request("watch")) == NULL) {
		fg_cmd_error("out of memory");
		return FG_EXIT_FAIL;
	}
	if (fg_evconn_call(e, req, &reply, err, sizeof(err)) != 0) {
		fg_cmd_error("%s", err);
		r = FG_EXIT_FAIL;
	} else
		r = fg_cmd_check(reply);
	json_decref(req);
	json_decref(reply);
	return r;
}

int
fg_evconn_call(struct fg_evconn *e, json_t *req, json_t **reply, char *err,
    size_t errlen)
{
	json_t *m, *id;
	int r, want = ++e->next_id;

	*reply = NULL;
	if (json_object_set_new(req, "id", json_integer(want)) != 0) {
		snprintf(err, errlen, "out of memory");
		return FG_ERR_ALLOC;
	}
	if ((r = fg_client_send(&e->c, req, err, errlen)) != 0)
		return r;
	for (;;) {
		if ((r = fg_client_recv(&e->c, &m, err, errlen)) != 0)
			return r;
		if (json_object_get(m, "event") != NULL) {
			if (json_array_append_new(e->queue, m) != 0) {
				snprintf(err, errlen, "out of memory");
				return FG_ERR_ALLOC;
			}
			continue;
		}
		id = json_object_get(m, "id");
		if (json_is_integer(id) && json_integer_value(id) == want) {
			*reply = m;
			return 0;
		}
		/* A reply without our id: the daemon found the line bad. */
		if (id == NULL || json_is_null(id)) {
			*reply = m;
			return 0;
		}
		json_decref(m);
	}
}

int
fg_evconn_event(struct fg_evconn *e, json_t **ev, char *err, size_t errlen)
{
	json_t *m;
	int r;

	*ev = NULL;
	if (json_array_size(e->queue) > 0) {
		*ev = json_incref(json_array_get(e->queue, 0));
		(void)json_array_remove(e->queue, 0);
		return 0;
	}
	for (;;) {
		if ((r = fg_client_recv(&e->c, &m, err, errlen)) != 0)
			return r;
		if (json_object_get(m, "event") != NULL) {
			*ev = m;
			return 0;
		}
		json_decref(m);
	}
}

void
fg_evconn_close(struct fg_evconn *e)
{
	if (e->open)
		fg_client_close(&e->c);
	e->open = 0;
	json_decref(e->queue);
	e->queue = NULL;
}
