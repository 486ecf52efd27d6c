/*
 * feige: the command-line entry point. Global options come before the
 * command; each command parses its own.
 *
 * Exit codes (also in `feige --help`):
 *   0  success
 *   1  other failure
 *   2  usage error
 *   3  unknown (or ambiguous) peer
 *   4  the peer never answered (no acknowledgement)
 *   5  no daemon could be reached or started, or the port could not be bound
 *   6  the peer declined the offer (send-file --wait)
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "feige/feige.h"

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "home",	required_argument, NULL, 'H' },
		{ "config",	required_argument, NULL, 'C' },
		{ "history",	required_argument, NULL, 'F' },
		{ "no-history",	no_argument,	   NULL, 'N' },
		{ "json",	no_argument,	   NULL, 'j' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ "version",	no_argument,	   NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct fg_cmd_ctx ctx;
	const struct fg_cmd_entry *e;
	int c;

	memset(&ctx, 0, sizeof(ctx));
	signal(SIGPIPE, SIG_IGN);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'H':
			ctx.home_opt = optarg;
			break;
		case 'C':
			if (*optarg == '\0')
				return fg_cmd_usage_error(NULL, "--config needs "
				    "a file");
			ctx.config_opt = optarg;
			break;
		case 'F':
			if (*optarg == '\0')
				return fg_cmd_usage_error(NULL, "--history needs "
				    "a file");
			ctx.history_opt = optarg;
			ctx.no_history = 0;
			break;
		case 'N':
			ctx.history_opt = NULL;
			ctx.no_history = 1;
			break;
		case 'j':
			ctx.json = 1;
			break;
		case 'h':
			fg_cmd_print_help(stdout);
			return FG_EXIT_OK;
		case 'V':
			printf("feige %s\n", FEIGE_VERSION);
			return FG_EXIT_OK;
		default:
			return fg_cmd_bad_option(NULL, c, argv);
		}
	}
	if (optind >= argc) {
		/* No command: the chat UI on a terminal, else the help. */
		if (!isatty(0) || !isatty(1)) {
			fg_cmd_print_help(stdout);
			return FG_EXIT_OK;
		}
		ctx.cmd = fg_cmd_find("tui");
		return fg_cmd_tui(&ctx, 1, (char *[]){ (char *)"tui", NULL });
	}
	if ((e = fg_cmd_find(argv[optind])) == NULL)
		return fg_cmd_usage_error(NULL, "unknown command '%s'",
		    argv[optind]);
	ctx.cmd = e;
	return e->exec(&ctx, argc - optind, argv + optind);
}
