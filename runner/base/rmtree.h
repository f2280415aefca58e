/* base/rmtree.c: removing a directory tree a sandboxed program may have shaped. */
#ifndef DP_BASE_RMTREE_H
#define DP_BASE_RMTREE_H

/* Removes name (a directory tree, or a single non-directory) in the directory
 * parent: fd-relative, so any depth; links are removed, never followed; other
 * filesystems are not entered (-EXDEV); one fd at a time.  Removes all it can;
 * 0, or the first -errno met (the tree is then partly left). */
int dp_remove_tree_at(int parent, const char *name);

#endif
