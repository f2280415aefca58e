/* Language definitions as data: DIR/ID.lang, one KEY = VALUE per line
 * (docs/judge-languages.md).  Our own parser: the format is a handful of
 * keys, and every mistake must be reported as FILE:LINE before anything runs,
 * which a general-purpose format library would not word for us. */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/fileio.h"
#include "base/fmt.h"
#include "base/path.h"
#include "base/safe_path.h"
#include "judge/judge.h"
#include "judge/judge_lang.h"

#define LANG_FILE_MAX (64u << 10) /* a language file is a few lines */
#define LANG_EXT ".lang"

void judge_lang_dirs_init(struct judge_lang_dirs *d, const char *opt_dir, char *env_copy,
			  const char *installed, const char *source_tree)
{
	d->n = 0;
	if (opt_dir && *opt_dir)
		d->dirs[d->n++] = opt_dir;
	for (char *save = NULL, *s = env_copy ? strtok_r(env_copy, ":", &save) : NULL; s && d->n < 6;
	     s = strtok_r(NULL, ":", &save))
		d->dirs[d->n++] = s;
	if (installed && *installed)
		d->dirs[d->n++] = installed;
	if (source_tree && *source_tree)
		d->dirs[d->n++] = source_tree;
}

void judge_lang_free(struct judge_lang *l)
{
	if (!l)
		return;
	free(l->id);
	free(l->path);
	free(l->name);
	free(l->source);
	free(l->compile);
	free(l->run);
	free(l->policy);
	for (size_t i = 0; i < l->n_env; i++)
		free(l->env[i]);
	free(l->env);
	for (size_t i = 0; i < l->n_binds; i++)
		free(l->binds[i]);
	free(l->binds);
	memset(l, 0, sizeof(*l));
}

/* The text keys and where their value goes. */
static char **text_field(struct judge_lang *l, const char *key)
{
	static const struct { const char *key; size_t off; } keys[] = {
		{ "name", offsetof(struct judge_lang, name) },
		{ "source", offsetof(struct judge_lang, source) },
		{ "compile", offsetof(struct judge_lang, compile) },
		{ "run", offsetof(struct judge_lang, run) },
		{ "policy", offsetof(struct judge_lang, policy) },
	};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(keys[i].key, key))
			return (char **)((char *)l + keys[i].off);
	return NULL;
}

static int parse_count(const char *v, int *out)
{
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (!isdigit((unsigned char)*v) || *end || errno || n > 100000)
		return -1;
	*out = (int)n;
	return 0;
}

/* A command must split into words, its first one a program or {out}. */
static int check_command(const char *v, char *why, size_t len)
{
	char **argv = NULL;
	int ret = judge_split_command(v, &argv);
	if (ret < 0 || !argv || !argv[0]) {
		dp_fmt(why, len, ret == -ENOMEM ? "out of memory" : "cannot split '%s' into words (unbalanced quote?)", v);
		judge_free_argv(argv);
		return -1;
	}
	judge_free_argv(argv);
	return 0;
}

/* The numeric keys; 1 when key is one (ok or why set), 0 when it is not. */
static int number_field(struct judge_lang *l, const char *key, const char *v, char *why, size_t len)
{
	int bad = 0;
	if (!strcmp(key, "extra_procs"))
		bad = parse_count(v, &l->extra_procs);
	else if (!strcmp(key, "compile_procs"))
		bad = parse_count(v, &l->compile_procs) || l->compile_procs == 0;
	else if (!strcmp(key, "extra_memory"))
		bad = dp_parse_size(v, &l->extra_memory) < 0;
	else if (!strcmp(key, "compile_memory"))
		bad = dp_parse_size(v, &l->compile_memory) < 0 || !l->compile_memory;
	else if (!strcmp(key, "extra_time"))
		bad = dp_parse_seconds(v, &l->extra_time) < 0;
	else if (!strcmp(key, "compile_time"))
		bad = dp_parse_seconds(v, &l->compile_time) < 0 || l->compile_time <= 0;
	else if (!strcmp(key, "time_factor")) {
		char *end;
		l->time_factor = strtod(v, &end);
		bad = end == v || *end || !(l->time_factor >= 1 && l->time_factor <= 100);
	} else
		return 0;
	if (bad)
		dp_fmt(why, len, "%s: '%s' is not %s", key, v,
		       strstr(key, "memory") ? "a size (bytes, K, M, G)" : strstr(key, "time_factor") ?
		       "a factor from 1 to 100" : strstr(key, "time") ? "a number of seconds" : "a count");
	else
		why[0] = '\0';
	return 1;
}

/* Appends a copy of v to the list *v_list of *n. */
static int append(char ***list, size_t *n, const char *v, char *why, size_t len)
{
	char **e = realloc(*list, (*n + 1) * sizeof(*e));
	if (e)
		*list = e;
	if (!e || !(e[*n] = strdup(v))) {
		dp_fmt(why, len, "out of memory");
		return -1;
	}
	(*n)++;
	return 0;
}

static int add_env(struct judge_lang *l, const char *v, char *why, size_t len)
{
	const char *eq = strchr(v, '=');
	if (!eq || eq == v) {
		dp_fmt(why, len, "env: '%s' is not NAME=VALUE", v);
		return -1;
	}
	return append(&l->env, &l->n_env, v, why, len);
}

static int add_bind(struct judge_lang *l, const char *v, char *why, size_t len)
{
	if (v[0] != '/' || strchr(v, ':') || strstr(v, "/../") || !strcmp(v, "/")) {
		dp_fmt(why, len, "ro_bind: '%s' is not an absolute path (other than /, without ':' or '..')", v);
		return -1;
	}
	return append(&l->binds, &l->n_binds, v, why, len);
}

/* One KEY = VALUE (already trimmed); -1 with why. */
static int set_key(struct judge_lang *l, const char *key, const char *v, char *why, size_t len)
{
	char **t = text_field(l, key);
	if (t) {
		if (*t) {
			dp_fmt(why, len, "'%s' is given twice", key);
			return -1;
		}
		if (!*v) {
			dp_fmt(why, len, "'%s' has no value", key);
			return -1;
		}
		if (!strcmp(key, "source") && (strchr(v, '/') || !strcmp(v, ".") || !strcmp(v, ".."))) {
			dp_fmt(why, len, "source: '%s' must be a file name, without '/'", v);
			return -1;
		}
		if ((!strcmp(key, "compile") || !strcmp(key, "run")) && check_command(v, why, len) < 0)
			return -1;
		if (!(*t = strdup(v))) {
			dp_fmt(why, len, "out of memory");
			return -1;
		}
		return 0;
	}
	if (!strcmp(key, "env"))
		return add_env(l, v, why, len);
	if (!strcmp(key, "ro_bind"))
		return add_bind(l, v, why, len);
	if (number_field(l, key, v, why, len))
		return *why ? -1 : 0;
	dp_fmt(why, len, "unknown key '%s' (name, source, compile, run, policy, env, ro_bind, extra_procs, extra_memory, "
	       "extra_time, time_factor, compile_time, compile_memory, compile_procs)", key);
	return -1;
}

/* Line by line: blank lines and lines starting with # are skipped. */
static int parse_text(char *text, const char *path, struct judge_lang *l, char *err, size_t errlen)
{
	char why[700];
	int lineno = 0;

	for (char *line = text, *next; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else if (!*line)
			break; /* after the last newline: no line */
		lineno++;
		while (*line == ' ' || *line == '\t')
			line++;
		size_t n = strlen(line);
		while (n && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (!*line || *line == '#')
			continue;
		char *eq = strchr(line, '=');
		char *k = line, *ke = eq ? eq : line + n, *v = eq ? eq + 1 : NULL;
		while (ke > k && (ke[-1] == ' ' || ke[-1] == '\t'))
			ke--;
		*ke = '\0';
		int bad_key = !v || !*k;
		for (char *c = k; *c && !bad_key; c++)
			bad_key = !(islower((unsigned char)*c) || *c == '_');
		if (bad_key) {
			dp_fmt(err, errlen, "%s:%d: not KEY = VALUE: '%.200s'", path, lineno, line);
			return -1;
		}
		while (*v == ' ' || *v == '\t')
			v++;
		if (set_key(l, k, v, why, sizeof(why)) < 0) {
			dp_fmt(err, errlen, "%s:%d: %s", path, lineno, why);
			return -1;
		}
	}
	const char *missing = !l->name ? "name" : !l->source ? "source" : !l->run ? "run" : NULL;
	if (missing) {
		dp_fmt(err, errlen, "%s:%d: no '%s = ...' line (name, source and run are required)", path, lineno,
		       missing);
		return -1;
	}
	return 0;
}

int judge_lang_parse(const char *path, const char *id, struct judge_lang *out, char *err, size_t errlen)
{
	char why[600], *text = NULL;
	size_t len = 0;
	int fd, ret;

	memset(out, 0, sizeof(*out));
	out->time_factor = 1;
	if (dp_safe_open(path, 0, NULL, &fd, why, sizeof(why)) < 0) {
		dp_fmt(err, errlen, "language file %s", why);
		return -1;
	}
	ret = dp_read_fd(fd, LANG_FILE_MAX, &text, &len);
	close(fd);
	if (ret < 0 || strlen(text) != len) {
		dp_fmt(err, errlen, "%s:1: %s", path, ret < 0 ? strerror(-ret) : "a NUL byte: not a text file");
		free(text);
		return -1;
	}
	ret = parse_text(text, path, out, err, errlen);
	free(text);
	if (ret == 0 && (!(out->id = strdup(id)) || !(out->path = strdup(path)))) {
		dp_fmt(err, errlen, "out of memory");
		ret = -1;
	}
	if (ret < 0)
		judge_lang_free(out);
	return ret;
}

/* An ID is what a file name can hold without surprises. */
static int valid_id(const char *id)
{
	if (!*id || strlen(id) > 64)
		return 0;
	for (const char *c = id; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-' && *c != '+' && *c != '.')
			return 0;
	return id[0] != '.';
}

int judge_lang_find(const struct judge_lang_dirs *d, const char *id, struct judge_lang *out,
		    char *err, size_t errlen)
{
	char path[4200], where[2000] = "";

	if (!valid_id(id)) {
		dp_fmt(err, errlen, "--lang: '%s' is not a language id (letters, digits, _ - + .)", id);
		return -1;
	}
	for (size_t i = 0; i < d->n; i++) {
		dp_fmt(path, sizeof(path), "%s/%s" LANG_EXT, d->dirs[i], id);
		if (access(path, F_OK) == 0)
			return judge_lang_parse(path, id, out, err, errlen);
		size_t w = strlen(where);
		dp_fmt(where + w, sizeof(where) - w, "%s%s", w ? ", " : "", d->dirs[i]);
	}
	dp_fmt(err, errlen, "--lang: no language '%s' (no %s" LANG_EXT " in %s; see --list-langs)", id, id,
	       *where ? where : "any language directory");
	return -ENOENT;
}

/* The first word of cmd, when it names a program to look for (not {out}). */
static int first_word_found(const char *cmd, const char *path, char *missing, size_t len)
{
	char **argv = NULL, found[4096];
	int ok = 1;
	if (!cmd)
		return 1;
	if (judge_split_command(cmd, &argv) < 0 || !argv || !argv[0])
		ok = 0;
	else if (!strstr(argv[0], "{out}") && !strstr(argv[0], "{src}")) {
		if (strchr(argv[0], '/'))
			ok = access(argv[0], X_OK) == 0;
		else
			ok = dp_path_search(argv[0], path, found, sizeof(found)) == 0;
		if (!ok)
			dp_fmt(missing, len, "%s", argv[0]);
	}
	judge_free_argv(argv);
	return ok;
}

int judge_lang_installed(const struct judge_lang *l, const char *path, char *missing, size_t len)
{
	missing[0] = '\0';
	return first_word_found(l->compile, path, missing, len) && first_word_found(l->run, path, missing, len);
}

struct lang_entry {
	char *id;
	char *path;
};

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct lang_entry *)a)->id, ((const struct lang_entry *)b)->id);
}

/* Whether id is already in e[0..n). */
static int listed(const struct lang_entry *e, size_t n, const char *id)
{
	for (size_t k = 0; k < n; k++)
		if (!strcmp(e[k].id, id))
			return 1;
	return 0;
}

/* Adds the ID.lang files of dir not yet in *e (an earlier directory wins). */
static int collect_dir(const char *dir, struct lang_entry **e, size_t *n)
{
	DIR *dp = opendir(dir);
	struct dirent *de;
	int ret = 0;
	if (!dp)
		return 0; /* a directory of the search order that does not exist */
	while (ret == 0 && (de = readdir(dp))) {
		size_t l = strlen(de->d_name), ext = strlen(LANG_EXT);
		if (l <= ext || strcmp(de->d_name + l - ext, LANG_EXT))
			continue;
		char *id = strndup(de->d_name, l - ext);
		if (id && (!valid_id(id) || listed(*e, *n, id))) {
			free(id);
			continue;
		}
		struct lang_entry *ne = id ? realloc(*e, (*n + 1) * sizeof(**e)) : NULL;
		if (!ne) {
			free(id);
			ret = -ENOMEM;
			break;
		}
		*e = ne;
		ne[*n].id = id;
		ne[*n].path = dp_strfmt("%s/%s", dir, de->d_name);
		(*n)++;
	}
	closedir(dp);
	return ret;
}

int judge_lang_list(const struct judge_lang_dirs *d, const char *path, FILE *f, char *err, size_t errlen)
{
	struct lang_entry *e = NULL;
	size_t n = 0;
	int ret = 0;

	for (size_t i = 0; i < d->n && ret == 0; i++)
		ret = collect_dir(d->dirs[i], &e, &n);
	if (ret < 0)
		dp_fmt(err, errlen, "out of memory");
	if (n)
		qsort(e, n, sizeof(*e), entry_cmp);
	if (ret == 0)
		fprintf(f, "%-10s %-24s %-22s %s\n", "id", "name", "installed", "file");
	for (size_t i = 0; i < n && ret == 0; i++) {
		struct judge_lang l;
		char missing[256], inst[300];
		if (!e[i].path || judge_lang_parse(e[i].path, e[i].id, &l, err, errlen) < 0) {
			ret = -1;
			break;
		}
		dp_fmt(inst, sizeof(inst), "%s", judge_lang_installed(&l, path, missing, sizeof(missing)) ? "yes" : "no");
		if (*missing)
			dp_fmt(inst, sizeof(inst), "no (%s missing)", missing);
		fprintf(f, "%-10s %-24s %-22s %s\n", l.id, l.name, inst, l.path);
		judge_lang_free(&l);
	}
	if (ret == 0 && n == 0)
		fprintf(f, "(no languages defined)\n");
	for (size_t i = 0; i < n; i++) {
		free(e[i].id);
		free(e[i].path);
	}
	free(e);
	return ret;
}

char *judge_lang_substitute_mem(const char *s, uint64_t mem_mb)
{
	char num[32];
	size_t k = 0;
	snprintf(num, sizeof(num), "%llu", (unsigned long long)mem_mb);
	for (const char *p = s; (p = strstr(p, "{mem_mb}")); p += 8)
		k++;
	char *out = malloc(strlen(s) + k * strlen(num) + 1), *o = out;
	if (!out)
		return NULL;
	for (const char *p = s; *p;) {
		if (!strncmp(p, "{mem_mb}", 8)) {
			o = stpcpy(o, num);
			p += 8;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	return out;
}
