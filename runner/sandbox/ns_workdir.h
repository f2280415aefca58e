/* sandbox/ns_workdir.c: the caller's --dir, lent to a run and given back
 * exactly as it was. */
#ifndef DP_SANDBOX_NS_WORKDIR_H
#define DP_SANDBOX_NS_WORKDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct dp_workdir;

/* Opens path without following links, takes the directory's lock (a second
 * run on the same directory is refused with -EBUSY while this one holds it)
 * and records its owner, mode and extended attributes (ACLs included).
 * -errno with a one-line reason in err. */
int dp_workdir_open(const char *what, const char *path, struct dp_workdir **out, char *err, size_t errlen);
/* Whether the filesystem of fd takes idmapped mounts on this kernel (ext4,
 * xfs, btrfs, f2fs from 5.12, tmpfs from 6.3); for the workdir's own fd. */
bool dp_fs_idmaps(int fd);
bool dp_workdir_fs_idmaps(const struct dp_workdir *wd);
/* The opened directory's device, inode and owner. */
void dp_workdir_id(const struct dp_workdir *wd, dev_t *dev, ino_t *ino, uid_t *uid, gid_t *gid);
/* The ids the program runs as (files they own are handed to the owner after
 * the run), and the box uid range whose leftovers are handed over too. */
void dp_workdir_run_as(struct dp_workdir *wd, uid_t uid, gid_t gid, uid_t box_first, unsigned box_count);
/* As root where no idmapped mount is used (core mode: no mount namespace; a
 * directory of uid or gid 0; a filesystem without idmapped mounts; every
 * writable --bind): the directory and every directory and singly-linked
 * regular file below it of the owner's uid (or gid) are lent to the run's
 * uid (gid) until dp_workdir_close, which hands them back.  0 or -errno. */
int dp_workdir_lend(struct dp_workdir *wd);
/* After the run (every process of it gone): regular files lose set-uid and
 * set-gid bits, entries owned by the run's or a box uid go to the owner,
 * the directory gets its owner, mode and attributes back; then the lock is
 * released and wd freed.  Accepts NULL. */
void dp_workdir_close(struct dp_workdir *wd);

#endif
