/* base/strv.c: NULL-terminated string vectors (argv, envp) copied and freed. */
#ifndef DP_BASE_STRV_H
#define DP_BASE_STRV_H

/* A deep copy of v (NULL: an empty vector); NULL when out of memory. */
char **dp_strv_copy(const char *const *v);
/* Frees a vector made by dp_strv_copy; accepts NULL. */
void dp_strv_free(char **v);

#endif
