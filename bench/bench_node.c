/*
 * bench_node: message and presence benchmarks on loopback.
 *
 *	bench_node msgs [COUNT]   acknowledged messages per second between two
 *	                          nodes, against raw UDP request/answer pairs
 *	                          over the same sockets' path (the baseline)
 *	bench_node peers [COUNT]  how long COUNT simulated hosts, each on its
 *	                          own 127.x address, take to be entered and
 *	                          listed by one node, and the node's memory
 *
 * Traffic goes only to 127.0.0.0/8. Figures print as "name value unit".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "feige/feige.h"
#include "node.h"
#include "proto.h"

#define WINDOW	64	/* messages in flight at once */

static uv_loop_t loop;
static uint16_t port;

/* Wall-clock seconds. */
static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The process's resident set in KiB, from /proc. */
static long
rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "VmRSS:", 6) == 0)
			v = strtol(line + 6, NULL, 10);
	fclose(f);
	return v;
}

/* Makes and starts a node bound to addr, announcing itself to target. */
static struct fg_node *
start(const char *addr, const char *user, const char *target, size_t max_peers)
{
	struct fg_node_config cfg;
	struct fg_node *n;
	char err[256];

	memset(&cfg, 0, sizeof(cfg));
	cfg.user = user;
	cfg.host = "bench";
	cfg.bind = addr;
	cfg.port = port;
	cfg.broadcast = target;
	cfg.broadcast_only = 1;
	cfg.max_peers = max_peers;
	if (fg_node_new(&loop, &cfg, NULL, NULL, &n, err, sizeof(err)) != 0 ||
	    fg_node_start(n, err, sizeof(err)) != 0) {
		fprintf(stderr, "bench: %s\n", err);
		exit(1);
	}
	return n;
}

static void
tick_cb(uv_timer_t *t)
{
	(void)t;
}

/* Runs the loop for up to ms or until *flag. */
static void
run_for(unsigned ms, const int *flag)
{
	uv_timer_t t;
	double end = now_s() + ms / 1000.0;

	uv_timer_init(&loop, &t);
	while ((flag == NULL || !*flag) && now_s() < end) {
		uv_timer_start(&t, tick_cb, 5, 0);
		uv_run(&loop, UV_RUN_ONCE);
	}
	uv_close((uv_handle_t *)&t, NULL);
	uv_run(&loop, UV_RUN_NOWAIT);
}

struct msgbench {
	struct fg_node	*a;
	struct fg_dest	 to;
	long		 total, sent, acked, failed;
	int		 done;
};

static void send_next(struct msgbench *mb);

static void
sent_cb(struct fg_node *n, uint64_t id, const struct fg_dest *to, int status,
    void *arg)
{
	struct msgbench *mb = arg;

	(void)n;
	(void)id;
	(void)to;
	if (status == 0)
		mb->acked++;
	else
		mb->failed++;
	if (mb->acked + mb->failed == mb->total)
		mb->done = 1;
	else
		send_next(mb);
}

static void
send_next(struct msgbench *mb)
{
	uint64_t id;
	char text[64];

	if (mb->sent >= mb->total)
		return;
	snprintf(text, sizeof(text), "benchmark message %ld", mb->sent);
	if (fg_node_send(mb->a, &mb->to, 1, text, 0, sent_cb, mb, &id) != 0) {
		mb->failed++;
		mb->done = mb->acked + mb->failed == mb->total;
	}
	mb->sent++;
}

/* Raw UDP: WINDOW requests in flight, each answered by an echo, same path. */
static double
raw_baseline(long total)
{
	int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in sa, sb;
	char buf[128];
	long sent = 0, got = 0;
	double t0;
	ssize_t n;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)(port + 1));
	inet_pton(AF_INET, "127.0.0.2", &sa.sin_addr);
	sb = sa;
	inet_pton(AF_INET, "127.0.0.3", &sb.sin_addr);
	if (bind(a, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    bind(b, (struct sockaddr *)&sb, sizeof(sb)) != 0) {
		perror("bench: raw bind");
		exit(1);
	}
	memset(buf, 'x', sizeof(buf));
	t0 = now_s();
	while (got < total) {
		while (sent < total && sent - got < WINDOW) {
			sendto(a, buf, 60, 0, (struct sockaddr *)&sb, sizeof(sb));
			sent++;
		}
		/* The far side answers every request, as a node answers RECVMSG. */
		while ((n = recv(b, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
			sendto(b, buf, 40, 0, (struct sockaddr *)&sa, sizeof(sa));
		while ((n = recv(a, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
			got++;
	}
	close(a);
	close(b);
	return total / (now_s() - t0);
}

static int
bench_msgs(long total)
{
	struct msgbench mb;
	struct fg_node *a, *b;
	double t0, rate, base;
	int stopped = 0;

	a = start("127.0.0.2", "benchA", "127.0.0.3", 0);
	b = start("127.0.0.3", "benchB", "127.0.0.2", 0);
	run_for(300, NULL);
	memset(&mb, 0, sizeof(mb));
	mb.a = a;
	inet_pton(AF_INET, "127.0.0.3", &mb.to.ip);
	mb.to.port = port;
	mb.total = total;
	t0 = now_s();
	while (mb.sent < WINDOW && mb.sent < total)
		send_next(&mb);
	run_for(600000, &mb.done);
	rate = mb.acked / (now_s() - t0);
	base = raw_baseline(total);
	printf("msgs_acked %ld count\n", mb.acked);
	printf("msgs_failed %ld count\n", mb.failed);
	printf("msgs_per_second %.0f msg/s\n", rate);
	printf("raw_udp_pairs_per_second %.0f pair/s\n", base);
	printf("msgs_ratio_to_raw %.3f x\n", rate / base);
	fg_node_stop(a, NULL, NULL);
	fg_node_stop(b, NULL, NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
	fg_node_free(a);
	fg_node_free(b);
	(void)stopped;
	return mb.failed == 0 ? 0 : 1;
}

/* The address of simulated host i: 127.1.0.1 upwards. */
static void
sim_addr(long i, struct sockaddr_in *sa)
{
	uint32_t h = (127U << 24) | (1U << 16) | (uint32_t)(i + 1);

	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons(port);
	sa->sin_addr.s_addr = htonl(h);
}

static int
bench_peers(long total)
{
	struct fg_node *n;
	struct sockaddr_in node_sa, sa;
	char pkt[256];
	long i, batch = 256, rss0, rss1;
	int *fds;
	double t0, t_enter, t_list;
	size_t listed = 0;
	const struct fg_peer *p;
	int len, listed_flag = 0;

	fds = calloc((size_t)batch, sizeof(*fds));
	rss0 = rss_kib();
	n = start("127.0.0.2", "benchnode", "127.0.0.3", (size_t)total + 16);
	sim_addr(-1, &node_sa);
	inet_pton(AF_INET, "127.0.0.2", &node_sa.sin_addr);
	t0 = now_s();
	for (i = 0; i < total; i += batch) {
		long j, m = total - i < batch ? total - i : batch;

		/* A batch of hosts, each on its own address, sends BR_ENTRY. */
		for (j = 0; j < m; j++) {
			fds[j] = socket(AF_INET, SOCK_DGRAM, 0);
			sim_addr(i + j, &sa);
			if (fds[j] < 0 || bind(fds[j], (struct sockaddr *)&sa, sizeof(sa)) != 0) {
				perror("bench: bind simulated host");
				return 1;
			}
			len = snprintf(pkt, sizeof(pkt), "1:%ld:sim%ld:h%ld:%u:Sim %ld",
			    1000 + i + j, i + j, i + j, FG_CMD_BR_ENTRY | FG_OPT_CAPUTF8, i + j);
			pkt[len] = '\0';
			sendto(fds[j], pkt, (size_t)len + 1, 0, (struct sockaddr *)&node_sa,
			    sizeof(node_sa));
		}
		run_for(5, NULL);
		for (j = 0; j < m; j++)
			close(fds[j]);
	}
	while (fg_peers_count(fg_node_peers(n)) < (size_t)total && now_s() - t0 < 60)
		run_for(10, &listed_flag);
	t_enter = now_s() - t0;
	/* Listing: walk the table as `feige list` does. */
	for (p = fg_peers_first(fg_node_peers(n)); p != NULL; p = fg_peers_next(p))
		listed += p->nick[0] != '\0';
	t_list = now_s() - t0;
	rss1 = rss_kib();
	printf("peers_entered %zu count\n", fg_peers_count(fg_node_peers(n)));
	printf("peers_listed %zu count\n", listed);
	printf("peers_enter_seconds %.3f s\n", t_enter);
	printf("peers_enter_and_list_seconds %.3f s\n", t_list);
	printf("node_rss_kib %ld KiB\n", rss1);
	printf("node_rss_growth_kib %ld KiB\n", rss1 - rss0);
	fg_node_stop(n, NULL, NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
	fg_node_free(n);
	free(fds);
	return listed == (size_t)total ? 0 : 1;
}

int
main(int argc, char **argv)
{
	long count;

	if (argc < 2) {
		fprintf(stderr, "usage: bench_node msgs|peers [COUNT]\n");
		return 2;
	}
	uv_loop_init(&loop);
	port = (uint16_t)(30000 + getpid() % 20000);
	if (strcmp(argv[1], "msgs") == 0) {
		count = argc > 2 ? atol(argv[2]) : 20000;
		return bench_msgs(count);
	}
	if (strcmp(argv[1], "peers") == 0) {
		count = argc > 2 ? atol(argv[2]) : 10000;
		return bench_peers(count);
	}
	fprintf(stderr, "usage: bench_node msgs|peers [COUNT]\n");
	return 2;
}
