/*
 * tnode: a harness for engine tests. Several nodes run in one process on
 * one loop, node i bound to 127.0.0.(i+2) on a port of the test's own, each
 * announcing itself only to the others. Events are recorded per node.
 */
#ifndef FGT_TNODE_H
#define FGT_TNODE_H

#include <stdint.h>

#include "node.h"

#define TN_MAX		4
#define TN_MAXMSG	64
#define TN_MAXXFER	16

struct tn_rec {
	int		 joins, leaves, changes, receipts, reads, infos, offers;
	int		 offer_ends, last_offer_end;
	int		 nmsg;
	char		*text[TN_MAXMSG];
	uint32_t	 cmd[TN_MAXMSG];
	uint64_t	 pktno[TN_MAXMSG];
	uint32_t	 ip[TN_MAXMSG];
	uint16_t	 port[TN_MAXMSG];
	uint64_t	 read_id;
	uint64_t	 last_offer;	/* id of the last offer received */
	char		 info[256];
	int		 xfers_done, xfer_progress;
	int		 xfer_status;
	int		 xfer_encrypted;
	uint64_t	 xfer_offset;	/* where the last file of the last transfer started */
	char		 xfer_error[256];
	char		 xfer_path[4096];
};

struct tnode {
	struct fg_node	*node;
	struct tn_rec	 rec;
	char		 addr[16];
	char		 user[16];
	int		 stopped;
	struct fg_keystore *ks;		/* set before tn_start to encrypt */
	const char	*targets;	/* set before tn_start: entries go only there */
	int		 get_list;	/* set before tn_start: ask for host lists */
	int		 security;	/* FG_EV_SECURITY events seen */
	int		 last_encrypted, last_verified; /* of the last message */
	int		 receipts_encrypted;
	int		 uploads_done, uploads_encrypted;
	uint32_t	 drop_mode;	/* drop the next drop_left datagrams of this mode */
	int		 drop_left;
};

struct tn_env {
	uv_loop_t	 loop;
	uint16_t	 port;
	int		 count;
	struct tnode	 t[TN_MAX];
};

/* Starts count nodes and waits until all see each other; NULL on failure. */
struct tn_env *tn_setup(int count);
/* Stops every node and frees the environment. */
void	tn_teardown(struct tn_env *e);
/* Starts (again) node i. */
int	tn_start(struct tn_env *e, int i);
/* Stops node i and waits for it to close. */
void	tn_stop(struct tn_env *e, int i);
/* Runs the loop until cond(arg) or ms pass; returns cond's last value. */
int	tn_run_until(struct tn_env *e, int (*cond)(void *), void *arg, unsigned ms);
/* Runs the loop for ms. */
void	tn_settle(struct tn_env *e, unsigned ms);
/* 1 when every node lists every other. */
int	tn_all_see_all(void *env);
/* The UDP address of node i. */
struct fg_dest tn_dest(const struct tn_env *e, int i);

#endif /* FGT_TNODE_H */
