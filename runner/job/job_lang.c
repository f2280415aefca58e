/* The languages a judge job names, in one table: the compile step and the
 * program's words as `dualpipe judge --compile/--source` take them.  When
 * runner/judge/ grows its own language definitions (`--lang`), this table
 * becomes a lookup there; nothing else in the job layer names a language. */
#include <string.h>

#include "base/util.h"
#include "job/job_impl.h"

static const char *const python3_run[] = { "python3", "{src}", NULL };

static const struct job_lang langs[] = {
	{ "c", "main.c", "gcc -O2 -std=gnu11 -o {out} {src} -lm", NULL },
	{ "cpp", "main.cpp", "g++ -O2 -std=gnu++17 -o {out} {src}", NULL },
	{ "python3", "main.py", NULL, python3_run },
};

const struct job_lang *job_lang_find(const char *name)
{
	for (size_t i = 0; name && i < DP_ARRAY_SIZE(langs); i++)
		if (!strcmp(langs[i].name, name))
			return &langs[i];
	return NULL;
}

const char *job_lang_names(void)
{
	return "c, cpp, python3";
}
