/* Option tables: matching "--name=value" against them, parsing each kind of
 * value into the command's config, and --help generated from the same tables. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "base/fmt.h"
#include "cli/cli.h"

#define HELP_COLUMN 28 /* where the help lines start in --help */

/* arg's value when arg is option o ("" for a flag); NULL when it is not.
 * *bare is set for "--name" alone when o takes a value. */
static const char *match(const struct cli_option *o, const char *arg, int *bare)
{
	size_t n = strlen(o->name);

	if (strncmp(arg, o->name, n) != 0)
		return NULL;
	if (o->kind == CLI_FLAG)
		return arg[n] == '\0' ? "" : NULL;
	if (arg[n] == '=')
		return arg + n + 1;
	if (arg[n] == '\0')
		*bare = 1;
	return NULL;
}

int cli_bad_value(const struct cli_option *o, const char *v, char *err, size_t errlen)
{
	dp_fmt(err, errlen, "%s: '%s' is not %s", o->name, v, o->bad);
	return -1;
}

/* Stores v, parsed as o's kind says, into cfg; 0 or -1 with a message. */
static int store(const struct cli_option *o, void *cfg, const char *v, char *err, size_t errlen)
{
	char *at = (char *)cfg + o->offset;
	uint64_t n;

	switch (o->kind) {
	case CLI_FLAG:
		*(int *)at = 1;
		return 0;
	case CLI_TEXT:
		*(const char **)at = v;
		return 0;
	case CLI_SECONDS:
		return dp_parse_seconds(v, (double *)at) < 0 ? cli_bad_value(o, v, err, errlen) : 0;
	case CLI_SIZE:
		return dp_parse_size(v, (uint64_t *)at) < 0 ? cli_bad_value(o, v, err, errlen) : 0;
	case CLI_COUNT:
		/* a count, not a size: no K/M/G suffix */
		if (dp_parse_size(v, &n) < 0 || n > o->max || strpbrk(v, "kKmMgGtT"))
			return cli_bad_value(o, v, err, errlen);
		*(int *)at = (int)n;
		return 0;
	case CLI_CUSTOM:
		return o->parse(cfg, o, v, err, errlen);
	}
	return cli_bad_value(o, v, err, errlen);
}

/* 1: arg was an option of cmd and is stored; 0: it is none; -1: bad value. */
static int parse_option(const struct cli_command *cmd, const char *arg, char *err, size_t errlen)
{
	for (size_t u = 0; u < cmd->n_uses; u++) {
		const struct cli_group *g = cmd->uses[u].group;
		for (size_t i = 0; i < g->n; i++) {
			const struct cli_option *o = &g->opts[i];
			int bare = 0;
			const char *v = match(o, arg, &bare);
			if (v)
				return store(o, cmd->uses[u].cfg, v, err, errlen) < 0 ? -1 : 1;
			if (bare) { /* "--time 2": the value follows '=', never a space */
				dp_fmt(err, errlen, "%s needs a value: %s=%s (with '=', not a space)", o->name, o->name,
				       o->value ? o->value : "VALUE");
				return -1;
			}
		}
	}
	return 0;
}

int cli_parse_args(const struct cli_command *cmd, int argc, char **argv, char *err, size_t errlen)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0)
			return i + 1;
		if (a[0] != '-' || (cmd->lone_dash_is_operand && a[1] == '\0'))
			break;
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
			return CLI_HELP;
		int r = parse_option(cmd, a, err, errlen);
		if (r < 0)
			return -1;
		if (r == 0) {
			dp_fmt(err, errlen, "unknown option '%s' (see dualpipe %s --help)", a, cmd->name);
			return -1;
		}
	}
	return i;
}

static void print_group(const struct cli_group *g, FILE *f)
{
	fprintf(f, "%s\n", g->title);
	for (size_t i = 0; i < g->n; i++) {
		const struct cli_option *o = &g->opts[i];
		int w = o->value ? fprintf(f, "  %s=%s", o->name, o->value) : fprintf(f, "  %s", o->name);
		/* a long NAME=VALUE gets its help on the next line */
		if (w >= HELP_COLUMN - 1)
			fprintf(f, "\n%*s%s\n", HELP_COLUMN, "", o->help);
		else
			fprintf(f, "%*s%s\n", HELP_COLUMN - w, "", o->help);
	}
}

void cli_print_help(const struct cli_command *cmd, FILE *f)
{
	fputs(cmd->synopsis, f);
	for (size_t u = 0; u < cmd->n_uses; u++) {
		if (cmd->uses[u].hidden)
			continue;
		fputc('\n', f);
		if (cmd->uses[u].note)
			fputs(cmd->uses[u].note, f);
		print_group(cmd->uses[u].group, f);
	}
	if (cmd->epilogue)
		fputs(cmd->epilogue, f);
}
