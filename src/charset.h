/*
 * charset: converts text between UTF-8 and the legacy code pages IPMsg peers
 * use (GBK/GB18030 for Chinese Windows and FeiQ, CP932 for Japanese), cuts
 * text at character boundaries, and picks a charset per peer as
 * protocol.md §1.4 describes. Conversions never fail on bad input: they
 * substitute and go on (UTF-8 output gets U+FFFD, legacy output '?').
 * They fail only when out is full (FG_ERR_LIMIT) or unusable, and then
 * leave it as it was.
 */
#ifndef FG_CHARSET_H
#define FG_CHARSET_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

enum fg_charset { FG_CS_UTF8 = 0, FG_CS_GBK, FG_CS_GB18030, FG_CS_CP932 };

struct fg_charset_peer {
	enum fg_charset	legacy;		 /* legacy charset, default GBK */
	unsigned	caputf8 : 1;	 /* advertised CAPUTF8OPT */
	unsigned	iptux : 1;	 /* version field says "iptux" */
	unsigned	sent_utf8 : 1;	 /* sent UTF-8 without UTF8OPT */
	unsigned	sent_legacy : 1; /* sent non-UTF-8 without UTF8OPT */
};

/* Parses a charset name (any case; also utf8, cp936, gb2312, sjis...). */
int	fg_charset_from_name(const char *name, enum fg_charset *cs);
/* The canonical name: "utf-8", "gbk", "gb18030" or "cp932". */
const char *fg_charset_name(enum fg_charset cs);

/* Appends text in cs to out as UTF-8; bad sequences become U+FFFD. */
int	fg_charset_to_utf8(enum fg_charset cs, const void *in, size_t len,
	    struct fg_buf *out);
/* Appends UTF-8 text to out in cs; what cs lacks, and bad bytes, become '?'. */
int	fg_charset_from_utf8(enum fg_charset cs, const void *in, size_t len,
	    struct fg_buf *out);
/* 1 when p is strict UTF-8 (no overlongs or surrogates, <= U+10FFFF). */
int	fg_utf8_valid(const void *p, size_t len);
/* Longest prefix of p, at most max bytes, that ends on a cs character. */
size_t	fg_charset_cut(enum fg_charset cs, const void *p, size_t len,
	    size_t max);
/* Cuts FeiQ's trailing "{/font;...}" off UTF-8 text via *len; 1 if cut. */
int	fg_feiq_strip_font(const char *text, size_t *len);

/* Closes the conversion descriptors the calling thread keeps (call before it ends). */
void	fg_charset_thread_end(void);

/* Starts a peer's state with the node's default legacy charset. */
void	fg_charset_peer_init(struct fg_charset_peer *p, enum fg_charset legacy);
/* Learns from a received packet: command word, version field, text. */
void	fg_charset_peer_learn(struct fg_charset_peer *p, uint32_t cmd,
	    const char *version, const void *raw, size_t rawlen);
/* The charset to decode a received packet with (after _learn on it). */
enum fg_charset fg_charset_for_recv(const struct fg_charset_peer *p,
	    uint32_t cmd, const void *raw, size_t rawlen);
/* The charset to send to the peer in; *utf8opt: whether to set UTF8OPT. */
enum fg_charset fg_charset_for_send(const struct fg_charset_peer *p,
	    int *utf8opt);

#endif /* FG_CHARSET_H */
