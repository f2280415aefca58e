/* judge_lang.c: language definitions as data (docs/judge-languages.md).
 * One file per language, DIR/ID.lang, lines of KEY = VALUE; the directories
 * are searched in order and the first one holding ID.lang wins. */
#ifndef DP_JUDGE_LANG_H
#define DP_JUDGE_LANG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct judge_lang {
	char *id;             /* ID of ID.lang */
	char *path;           /* the file it was read from */
	char *name;           /* "C++17 (g++)" */
	char *source;         /* the name the source is compiled under ("Main.java") */
	char *compile;        /* compile command with {src} {out}, or NULL (none) */
	char *run;            /* run command with {src} {out} {mem_mb} */
	char *policy;         /* seccomp policy of the solution, or NULL (the run's) */
	int extra_procs;      /* added to --procs */
	uint64_t extra_memory; /* added to --mem: the runtime's own memory */
	double extra_time;    /* seconds added to --time (and --wall) */
	double time_factor;   /* --time (and --wall) multiplied first; 1 by default */
	double compile_time;  /* compiler CPU seconds, 0: the judge's default */
	uint64_t compile_memory; /* compiler memory, 0: the judge's default */
	int compile_procs;    /* compiler processes+threads, 0: the default */
	char **env;           /* NAME=VALUE for the solution and the compiler */
	size_t n_env;
	char **binds;         /* host paths shown read-only to both (ghc's /var/lib/ghc) */
	size_t n_binds;
};

/* Where ID.lang files are looked for, in order (strings owned by the caller). */
struct judge_lang_dirs {
	const char *dirs[8];
	size_t n;
};

/* The search order: opt_dir (--lang-dir), then each entry of
 * $DUALPIPE_LANG_DIR (colon-separated), then installed (the install's
 * share/dualpipe/languages), then source_tree (a build's ../languages).
 * NULL or empty entries are left out; at most 8 in all. */
void judge_lang_dirs_init(struct judge_lang_dirs *d, const char *opt_dir, char *env_copy,
			  const char *installed, const char *source_tree);

/* Reads one language file: 0, or -1 with "FILE:LINE: what is wrong" in err. */
int judge_lang_parse(const char *path, const char *id, struct judge_lang *out, char *err, size_t errlen);
/* Finds and reads ID.lang: 0, -ENOENT (err names the directories searched), or -1 (bad file). */
int judge_lang_find(const struct judge_lang_dirs *d, const char *id, struct judge_lang *out,
		    char *err, size_t errlen);
void judge_lang_free(struct judge_lang *l);

/* Whether the toolchain is installed: the first word of compile and of run,
 * unless it is {out}, found in path; 1 yes, 0 no (missing names it). */
int judge_lang_installed(const struct judge_lang *l, const char *path, char *missing, size_t len);

/* Every language of the directories, each ID once (the first wins), sorted by
 * ID: one line each with its name, whether installed, and the file.  0, or -1
 * with the first bad file's "FILE:LINE: ..." in err. */
int judge_lang_list(const struct judge_lang_dirs *d, const char *path, FILE *f, char *err, size_t errlen);

/* s with every {mem_mb} replaced by mem_mb (malloc'd); NULL when out of memory. */
char *judge_lang_substitute_mem(const char *s, uint64_t mem_mb);

#endif
