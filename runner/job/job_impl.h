/* Private to runner/job/: the request parsers, the scratch directory, the
 * text of outputs, the one place a run starts, and the language table. */
#ifndef DP_JOB_IMPL_H
#define DP_JOB_IMPL_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "dualpipe.h"
#include "judge/judge.h"

struct dp_pool;

#define JOB_OUTPUT_DEFAULT (1ull << 20)  /* bytes kept of stdout/stderr/each file when limits.output is not given */
#define JOB_OUTPUT_MAX     (16ull << 20) /* the largest limits.output a job may ask: results travel in memory */
#define JOB_FILES_MAX      (64ull << 20) /* bytes of all files, stdin and tests of one request */
#define JOB_NAMES_MAX      1000          /* files, outputs or tests in one request */

/* ---- job_req.c: the fields a run and a judge request share ---- */
/* The options of a request, parsed: everything owned here. */
struct job_spec {
	struct dp_options opt;   /* limits, envp, policy (job_shipped_policy's); argv when given */
	char **argv;             /* NULL-terminated, owned */
	char **env;              /* NULL-terminated "NAME=VALUE", PATH first unless given */
	uint64_t budget;         /* bytes of content left (JOB_FILES_MAX) */
};

/* The shipped policy name, loaded once for the process (never freed; the
 * same pointer each time, as a pool's shape needs); 0 or -errno with a message. */
int job_shipped_policy(const char *name, const struct dp_policy **out, char *err, size_t errlen);
/* The options of a job that gives no limits, no policy and no files: a pool of this shape serves it. */
int job_default_shape(struct dp_options *opt, char *err, size_t errlen);
/* err gets "unknown field 'K'" for a key of obj not in allowed (NULL-terminated); what
 * prefixes it ("limits: ..."); -EINVAL or 0. */
int job_check_keys(const json_t *obj, const char *what, const char *const *allowed, char *err, size_t errlen);
/* Fills spec from the shared fields of req: "argv" (required when need_argv),
 * "env", "limits", "policy"; -EINVAL with a message, -ENOMEM. */
int job_spec_parse(const json_t *req, int need_argv, struct job_spec *spec, char *err, size_t errlen);
void job_spec_free(struct job_spec *spec);
/* A file name a request may use: one component of [A-Za-z0-9._+-], not "." or "..", <= 255 bytes. */
int job_name_ok(const char *name);
/* A string field's bytes (what names the field in messages), charged to budget; -EINVAL. */
int job_content(const json_t *v, const char *what, uint64_t *budget, const char **data, size_t *len,
		char *err, size_t errlen);

/* ---- job_files.c: the scratch directory of one job ---- */
struct job_scratch {
	char path[4096];         /* absolute: $TMPDIR (or /tmp)/dp-job-XXXXXX */
	int fd;                  /* its directory, -1 when none */
};
/* Creates it (0700 for root, chmod'ed 0755 since boxes read it); 0 or -errno with a message. */
int job_scratch_create(struct job_scratch *s, char *err, size_t errlen);
/* Removes the tree (whatever a program left in it); accepts one never created. */
void job_scratch_remove(struct job_scratch *s);
/* A new directory name in dir (mode 0755) opened into *fd; 0 or -errno. */
int job_mkdir(int dir, const char *name, int *fd);
/* Writes data as a new file name in dir (mode 0644, O_EXCL, no link followed); 0 or -errno. */
int job_write(int dir, const char *name, const char *data, size_t len);
/* Every "name": "content" of the object files into dir; -EINVAL on a bad name or value. */
int job_write_files(int dir, const json_t *files, uint64_t *budget, char *err, size_t errlen);
/* A regular file name in dir read (at most cap bytes) as a result text; NULL (JSON null)
 * when it is missing or not a regular file.  *total gets its size. */
json_t *job_collect(int dir, const char *name, uint64_t cap, uint64_t *total);

/* ---- job_text.c: bytes as JSON ---- */
/* A JSON string of s[0..len): valid UTF-8 kept, each invalid byte U+FFFD; NULL when out of memory. */
json_t *job_text(const char *s, size_t len);
/* The memfd fd (from offset 0, at most cap bytes) as job_text. */
json_t *job_text_fd(int fd, uint64_t cap);
/* The run result as the object dp_result_write_json writes (the same fields); NULL and -errno. */
json_t *job_result_json(const struct dp_result *res, int *errp);
/* A memfd holding data (for stdin), or -errno. */
int job_memfd(const char *name, const char *data, size_t len);

/* ---- job_exec.c: the one place a job's run starts ---- */
/* dp_pool_run with a pool (a ready box when opt has its shape, else a cold
 * start with the same result), dp_run without one. */
int job_exec(struct dp_pool *pool, const struct dp_options *opt, struct dp_result *res);

/* ---- job_checker.c: "checker": {"language", "source"} ---- */
struct job_scratch;
/* Checks the object (before anything is made); -EINVAL with a message. */
int job_checker_check(const json_t *chk, uint64_t *budget, char *err, size_t errlen);
/* Compiles it in s->path/checker into *b (b->prog is the checker); -EINVAL when it does not compile. */
int job_checker_build(const struct judge_config *cfg, const json_t *chk, const struct job_scratch *s,
		      struct judge_build *b, char *err, size_t errlen);

/* ---- job_lang.c: the languages a judge job may name ---- */
struct job_lang {
	const char *name;        /* "c", "cpp", "python3" */
	const char *source;      /* the source file's name */
	const char *compile;     /* a judge --compile command, or NULL */
	const char *const *run;  /* the program's words ({src} {out}); NULL: {out} */
};
/* The language called name, or NULL. */
const struct job_lang *job_lang_find(const char *name);
/* "c, cpp, python3": the names for a message. */
const char *job_lang_names(void);

#endif
