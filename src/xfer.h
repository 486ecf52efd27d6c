/*
 * xfer: file transfers on worker threads. A transfer is a job that owns
 * its socket and files and does blocking I/O (sendfile out, recv+write in)
 * on a thread of its own, so the event loop never waits on a disk or a slow
 * peer. The job reports progress and its end through the node's queue and
 * an async handle; the loop thread emits the events and joins the thread.
 */
#ifndef FG_XFER_H
#define FG_XFER_H

#include <stdatomic.h>
#include <stdint.h>
#include <sys/queue.h>
#include <uv.h>

#include "charset.h"
#include "node.h"

struct xfer_file {
	uint32_t	 fid;
	char		*name;		/* UTF-8; safe name (download) or base name (upload) */
	char		*path;		/* upload: the file or folder to read */
	uint64_t	 size, mtime;
	uint32_t	 attr;
	uint32_t	 req_pktno;	/* download: packet number of its request */
	int		 ok;		/* the worker finished it */
	char		*req_extra;	/* download, encrypted: the request's extra */
	uint8_t		 key[32];	/* download, encrypted: the stream key */
	int		 enc;		/* the transfer is encrypted (AES-256-CTR) */
	uint64_t	 offset;	/* download, encrypted: the offset asked for */
};

struct xjob {
	uint64_t	 id;
	uint64_t	 offer_id;
	int		 upload;
	uint32_t	 ip;
	uint16_t	 port;
	uint32_t	 bind_ip;	/* download: our address when bound to one */
	int		 sock;		/* upload: the accepted connection */

	/* Download: how to ask. */
	char		*user, *host;	/* our names in the request's charset */
	uint32_t	 req_opts;	/* UTF8OPT when the peer reads UTF-8 */
	uint64_t	 pktno;		/* the offer's packet number */
	enum fg_charset	 cs;		/* names in the stream / to write */
	int		 resume;	/* the peer honours offsets (our own nodes) */
	char		*dir;
	unsigned	 flags;
	struct fg_accept_caps caps;

	/* Upload: what was asked. */
	uint32_t	 req_mode;	/* GETFILEDATA or GETDIRFILES */
	uint64_t	 offset;
	int		 enc;		/* encrypt the stream (ENCFILEOPT) */
	uint8_t		 key[32];	/* its key (secret) */
	char		 ctr_no[24];	/* the request's packet number, the CTR nonce */

	struct xfer_file *files;
	size_t		 nfiles;

	/* Shared with the loop thread (under the node's xfer lock). */
	atomic_int	 cancel;
	int		 live_fd;	/* socket to shut down on cancel, or -1 */
	uv_thread_t	 thread;
	int		 started;

	/* Results and progress, written by the worker. */
	int		 status;
	char		 error[256];
	char		 path[4096];
	char		 cur[1024];	/* current name, UTF-8 */
	uint64_t	 file_done, file_total, done, total;
	uint32_t	 files_done;
	uint64_t	 last_post_ms;
	struct fg_node	*node;
	TAILQ_ENTRY(xjob) entry;
};
TAILQ_HEAD(xjob_list, xjob);

/* An event a worker hands to the loop thread. */
struct xfer_note {
	struct xjob	*job;
	int		 done;		/* 1: the job ended */
	struct fg_xfer_info info;
	char		 name[1024];
	TAILQ_ENTRY(xfer_note) entry;
};
TAILQ_HEAD(xfer_note_list, xfer_note);

/* Thread bodies. */
void	xfer_upload_main(void *arg);
void	xfer_download_main(void *arg);
/* Frees a job's memory (its thread must have been joined). */
void	xfer_job_free(struct xjob *j);
/* From a worker: queue a progress (done = 0) or end (done = 1) note. */
void	xfer_post(struct xjob *j, int done);
/* 1 when the job was asked to stop. */
int	xfer_cancelled(struct xjob *j);

#endif /* FG_XFER_H */
