/* jsonev: JSON renderings of peers and node events. */
#include "jsonev.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "charset.h"
#include "feige/feige.h"
#include "proto.h"

json_t *
fg_jsonev_str(const char *s, size_t len)
{
	struct fg_buf b;
	json_t *j;

	if (s == NULL)
		return json_string("");
	if (fg_utf8_valid(s, len))
		return json_stringn(s, len);
	fg_buf_init(&b, len * 3 + 16);
	if (fg_charset_to_utf8(FG_CS_UTF8, s, len, &b) != 0) {
		fg_buf_release(&b);
		return NULL;
	}
	j = json_stringn((const char *)fg_buf_ptr(&b), fg_buf_len(&b));
	fg_buf_release(&b);
	return j;
}

json_t *
fg_jsonev_cstr(const char *s)
{
	if (s == NULL)
		return json_null();
	return fg_jsonev_str(s, strlen(s));
}

void
fg_jsonev_ip(uint32_t ip, char *buf, size_t len)
{
	struct in_addr in;

	in.s_addr = ip;
	if (inet_ntop(AF_INET, &in, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
}

const char *
fg_jsonev_encoding(const struct fg_peer *p)
{
	int utf8opt = 0;

	if (fg_charset_for_send(&p->cs, &utf8opt) == FG_CS_UTF8)
		return "utf-8";
	return fg_charset_name(p->cs.legacy);
}

int
fg_jsonev_set(json_t *obj, const char *key, json_t *v)
{
	if (v == NULL)
		return FG_ERR_ALLOC;
	if (json_object_set_new(obj, key, v) != 0)
		return FG_ERR_ALLOC;
	return 0;
}

json_t *
fg_jsonev_peer(const struct fg_peer *p)
{
	char ip[INET_ADDRSTRLEN];
	json_t *o;

	if ((o = json_object()) == NULL)
		return NULL;
	fg_jsonev_ip(p->ip, ip, sizeof(ip));
	if (fg_jsonev_set(o, "index", json_integer(p->id)) != 0 ||
	    fg_jsonev_set(o, "nick", fg_jsonev_cstr(p->nick ? p->nick : "")) != 0 ||
	    fg_jsonev_set(o, "group", fg_jsonev_cstr(p->group ? p->group : "")) != 0 ||
	    fg_jsonev_set(o, "user", fg_jsonev_cstr(p->user ? p->user : "")) != 0 ||
	    fg_jsonev_set(o, "host", fg_jsonev_cstr(p->host ? p->host : "")) != 0 ||
	    fg_jsonev_set(o, "address", json_string(ip)) != 0 ||
	    fg_jsonev_set(o, "port", json_integer(p->port)) != 0 ||
	    fg_jsonev_set(o, "away", json_boolean(p->absent)) != 0 ||
	    fg_jsonev_set(o, "version", fg_jsonev_cstr(p->version ?
	    p->version : "")) != 0 ||
	    fg_jsonev_set(o, "encoding",
	    json_string(fg_jsonev_encoding(p))) != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The event's name on the wire. */
static const char *
event_name(enum fg_event_type t)
{
	switch (t) {
	case FG_EV_PEER_JOIN:	return "peer_join";
	case FG_EV_PEER_LEAVE:	return "peer_leave";
	case FG_EV_PEER_CHANGE:	return "peer_change";
	case FG_EV_MESSAGE:	return "message";
	case FG_EV_RECEIPT:	return "receipt";
	case FG_EV_READ:	return "read";
	case FG_EV_INFO:	return "info";
	case FG_EV_OFFER:	return "offer";
	case FG_EV_OFFER_END:	return "offer_end";
	case FG_EV_XFER_PROGRESS: return "xfer_progress";
	case FG_EV_XFER_DONE:	return "xfer_done";
	case FG_EV_LOG:		return "log";
	case FG_EV_SECURITY:	return "security";
	default:		return NULL;	/* not (yet) on the wire */
	}
}

/* Adds "address", "port" and "peer" (object or null) to an event. */
static int
add_origin(json_t *o, uint32_t ip, uint16_t port, const struct fg_peer *p)
{
	char buf[INET_ADDRSTRLEN];

	fg_jsonev_ip(ip, buf, sizeof(buf));
	if (fg_jsonev_set(o, "address", json_string(buf)) != 0 ||
	    fg_jsonev_set(o, "port", json_integer(port)) != 0 ||
	    fg_jsonev_set(o, "peer", p != NULL ? fg_jsonev_peer(p) :
	    json_null()) != 0)
		return FG_ERR_ALLOC;
	return 0;
}

/* Adds a received message's fields to an event. */
static int
add_message(json_t *o, const struct fg_message *m)
{
	if (fg_jsonev_set(o, "id", json_integer((json_int_t)m->id)) != 0 ||
	    fg_jsonev_set(o, "pktno", json_integer((json_int_t)m->pktno)) != 0 ||
	    fg_jsonev_set(o, "user", fg_jsonev_cstr(m->user ? m->user : "")) != 0 ||
	    fg_jsonev_set(o, "host", fg_jsonev_cstr(m->host ? m->host : "")) != 0 ||
	    fg_jsonev_set(o, "text", fg_jsonev_str(m->text, m->text ? m->len : 0)) != 0 ||
	    fg_jsonev_set(o, "sealed", json_boolean(m->sealed)) != 0 ||
	    fg_jsonev_set(o, "broadcast", json_boolean(m->broadcast)) != 0 ||
	    fg_jsonev_set(o, "autoret", json_boolean(m->autoret)) != 0 ||
	    fg_jsonev_set(o, "multicast", json_boolean(m->multicast)) != 0 ||
	    fg_jsonev_set(o, "attach", json_boolean(m->attach != NULL)) != 0 ||
	    fg_jsonev_set(o, "encrypted", json_boolean(m->encrypted)) != 0 ||
	    fg_jsonev_set(o, "verified", json_boolean(m->verified)) != 0 ||
	    fg_jsonev_set(o, "key", m->key_id != NULL ? json_string(m->key_id) :
	    json_null()) != 0)
		return FG_ERR_ALLOC;
	return add_origin(o, m->ip, m->port, m->peer);
}

const char *
fg_jsonev_file_state(int state)
{
	switch (state) {
	case FG_OFFER_NEW:	return "new";
	case FG_OFFER_FETCHING:	return "fetching";
	case FG_OFFER_DONE:	return "done";
	case FG_OFFER_FAILED:	return "failed";
	case FG_OFFER_DECLINED:	return "declined";
	}
	return "unknown";
}

const char *
fg_jsonev_offer_why(int why)
{
	switch (why) {
	case FG_OFFER_END_FETCHED:	return "fetched";
	case FG_OFFER_END_RELEASED:	return "released";
	case FG_OFFER_END_CANCELLED:	return "cancelled";
	case FG_OFFER_END_EXPIRED:	return "expired";
	}
	return "unknown";
}

/* Sets key in obj to the number v; fails when out of memory. */
static int
set_num(json_t *obj, const char *key, uint64_t v)
{
	return fg_jsonev_set(obj, key, json_integer((json_int_t)v));
}

/* Sets key in obj to the string s ("" for NULL). */
static int
set_str(json_t *obj, const char *key, const char *s)
{
	return fg_jsonev_set(obj, key, fg_jsonev_cstr(s != NULL ? s : ""));
}

/* A file of a received offer: {"fid","name","size","mtime","type","state"}. */
static json_t *
offer_file(const struct fg_offer_file *f)
{
	json_t *o;

	if ((o = json_object()) == NULL)
		return NULL;
	if (set_num(o, "fid", f->fid) != 0 ||
	    set_str(o, "name", f->name) != 0 ||
	    set_num(o, "size", f->size) != 0 ||
	    set_num(o, "mtime", f->mtime) != 0 ||
	    fg_jsonev_set(o, "type", json_string(f->attr == FG_FILE_DIR ?
	    "folder" : "file")) != 0 ||
	    fg_jsonev_set(o, "state",
	    json_string(fg_jsonev_file_state(f->state))) != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *
fg_jsonev_offer(const struct fg_offer *o, const struct fg_peer *p,
    const char *text, uint64_t age_ms)
{
	json_t *j, *files;
	uint64_t total = 0;
	size_t i;

	if ((j = json_object()) == NULL)
		return NULL;
	if ((files = json_array()) == NULL ||
	    json_object_set_new(j, "files", files) != 0)
		goto fail;
	for (i = 0; i < o->nfiles; i++) {
		total += o->files[i].size;
		if (json_array_append_new(files, offer_file(&o->files[i])) != 0)
			goto fail;
	}
	if (set_num(j, "id", o->id) != 0 ||
	    set_num(j, "pktno", o->pktno) != 0 ||
	    set_str(j, "user", o->user) != 0 ||
	    set_str(j, "host", o->host) != 0 ||
	    add_origin(j, o->ip, o->port, p) != 0 ||
	    fg_jsonev_set(j, "time", json_integer((json_int_t)time(NULL) -
	    (json_int_t)(age_ms / 1000))) != 0 ||
	    set_num(j, "age", age_ms / 1000) != 0 ||
	    set_str(j, "text", text) != 0 ||
	    set_num(j, "count", o->nfiles) != 0 ||
	    set_num(j, "total", total) != 0)
		goto fail;
	return j;
 fail:
	json_decref(j);
	return NULL;
}

/* Adds a transfer's fields (and, when it ended, how) to an event. */
static int
add_xfer(json_t *o, const struct fg_xfer_info *x, int done)
{
	char ip[INET_ADDRSTRLEN];
	const char *status = "ok";

	fg_jsonev_ip(x->ip, ip, sizeof(ip));
	if (set_num(o, "id", x->id) != 0 ||
	    set_num(o, "offer", x->offer_id) != 0 ||
	    fg_jsonev_set(o, "upload", json_boolean(x->upload)) != 0 ||
	    fg_jsonev_set(o, "address", json_string(ip)) != 0 ||
	    set_str(o, "name", x->name) != 0 ||
	    set_num(o, "file_done", x->file_done) != 0 ||
	    set_num(o, "file_total", x->file_total) != 0 ||
	    set_num(o, "offset", x->offset) != 0 ||
	    set_num(o, "done", x->done) != 0 ||
	    set_num(o, "total", x->total) != 0 ||
	    set_num(o, "files_done", x->files_done) != 0 ||
	    set_num(o, "files_total", x->files_total) != 0 ||
	    fg_jsonev_set(o, "encrypted", json_boolean(x->encrypted)) != 0)
		return FG_ERR_ALLOC;
	if (!done)
		return 0;
	if (x->status == FG_ERR_CLOSED)
		status = "cancelled";
	else if (x->status != 0)
		status = "error";
	if (fg_jsonev_set(o, "status", json_string(status)) != 0 ||
	    fg_jsonev_set(o, "error", x->status == 0 ? json_null() :
	    fg_jsonev_cstr(x->error ? x->error : fg_strerror(x->status))) != 0 ||
	    fg_jsonev_set(o, "path", fg_jsonev_cstr(x->path)) != 0)
		return FG_ERR_ALLOC;
	return 0;
}

/* Adds a received offer's fields and its message's id to an event. */
static int
add_offer_event(json_t *o, const struct fg_event *ev)
{
	json_t *j;
	int r;

	if ((j = fg_jsonev_offer(ev->offer, ev->peer, ev->msg != NULL ?
	    ev->msg->text : NULL, 0)) == NULL)
		return FG_ERR_ALLOC;
	r = json_object_update(o, j) == 0 ? 0 : FG_ERR_ALLOC;
	json_decref(j);
	if (r == 0 && ev->msg != NULL)
		r = set_num(o, "msg", ev->msg->id);
	return r;
}

json_t *
fg_jsonev_event(const struct fg_event *ev)
{
	const char *name = event_name(ev->type);
	json_t *o;
	int r = FG_ERR_ALLOC;

	if (name == NULL || (o = json_object()) == NULL)
		return NULL;
	if (fg_jsonev_set(o, "v", json_integer(FG_PROTO_VERSION)) != 0 ||
	    fg_jsonev_set(o, "event", json_string(name)) != 0)
		goto out;
	switch (ev->type) {
	case FG_EV_PEER_JOIN:
	case FG_EV_PEER_LEAVE:
	case FG_EV_PEER_CHANGE:
		if (ev->peer == NULL) {
			r = FG_ERR_INVAL;
			goto out;
		}
		r = fg_jsonev_set(o, "peer", fg_jsonev_peer(ev->peer));
		break;
	case FG_EV_MESSAGE:
		if (ev->msg == NULL) {
			r = FG_ERR_INVAL;
			goto out;
		}
		r = add_message(o, ev->msg);
		break;
	case FG_EV_RECEIPT:
	case FG_EV_READ:
		if ((r = fg_jsonev_set(o, "id",
		    json_integer((json_int_t)ev->id))) == 0 &&
		    (ev->type != FG_EV_RECEIPT || (r = fg_jsonev_set(o, "encrypted",
		    json_boolean(ev->encrypted))) == 0))
			r = add_origin(o, ev->ip, ev->port, ev->peer);
		break;
	case FG_EV_SECURITY:
		if ((r = fg_jsonev_set(o, "text", fg_jsonev_cstr(ev->text != NULL ?
		    ev->text : ""))) == 0)
			r = add_origin(o, ev->peer != NULL ? ev->peer->ip : 0,
			    ev->peer != NULL ? ev->peer->port : 0, ev->peer);
		break;
	case FG_EV_INFO:
		if ((r = fg_jsonev_set(o, "text", fg_jsonev_cstr(ev->text ?
		    ev->text : ""))) == 0 &&
		    (r = fg_jsonev_set(o, "absence",
		    json_boolean(ev->absence))) == 0)
			r = add_origin(o, ev->ip, ev->port, ev->peer);
		break;
	case FG_EV_OFFER:
		if (ev->offer == NULL) {
			r = FG_ERR_INVAL;
			goto out;
		}
		r = add_offer_event(o, ev);
		break;
	case FG_EV_OFFER_END:
		if ((r = fg_jsonev_set(o, "id",
		    json_integer((json_int_t)ev->id))) == 0 &&
		    (r = fg_jsonev_set(o, "why",
		    json_string(fg_jsonev_offer_why(ev->status)))) == 0)
			r = add_origin(o, ev->ip, ev->port, ev->peer);
		break;
	case FG_EV_XFER_PROGRESS:
	case FG_EV_XFER_DONE:
		if (ev->xfer == NULL) {
			r = FG_ERR_INVAL;
			goto out;
		}
		r = add_xfer(o, ev->xfer, ev->type == FG_EV_XFER_DONE);
		break;
	case FG_EV_LOG:
		r = fg_jsonev_set(o, "text", fg_jsonev_cstr(ev->text ?
		    ev->text : ""));
		break;
	default:
		r = FG_ERR_INVAL;
		break;
	}
 out:
	if (r != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}
