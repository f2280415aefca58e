/* The plan's layout: built by sandbox/ns_plan.c, interpreted by child/ns_child.c
 * (the one header outside child/ that child/ includes: data, no calls). */
#ifndef DP_SANDBOX_NS_LAYOUT_H
#define DP_SANDBOX_NS_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

enum dp_ns_op_kind { DP_NS_BIND, DP_NS_TMPFS, DP_NS_PROC, DP_NS_SYMLINK, DP_NS_SETATTR, DP_NS_MKNOD,
		    DP_NS_OVERLAY, /* read-only overlayfs, src: its mount data ("lowerdir=...") */
		    DP_NS_DETACH };  /* umount2(MNT_DETACH) and rmdir of dst */
struct dp_ns_op {
	enum dp_ns_op_kind kind;
	char *src;               /* bind: "/.oldroot" + host path; symlink: link text; tmpfs: mount data */
	char *dst;               /* absolute path in the new root (mount point made if missing) */
	char *what;              /* for error messages */
	unsigned long mflags;    /* mount(2) flags of the mount call itself */
	uint64_t attr;           /* MOUNT_ATTR_* added afterwards with mount_setattr (0: none) */
	bool recursive;          /* attr applies to submounts too */
	bool file;               /* the mount point is a regular file */
	unsigned long remount;   /* MS_* for a bind-remount when mount_setattr is missing (keeps locked flags) */
	mode_t mode;             /* mknod: S_IFCHR | permissions (umask is 0 while init builds) */
	dev_t rdev;              /* mknod: the host node's device number */
	/* A caller's path (workdir, --bind/--ro-bind source, --tmpfs, the program
	 * file): the child opens src without following any link and checks it is
	 * the object the parent checked (src_dev/src_ino), binds from that fd, and
	 * makes the mount point without following links either. */
	bool fallback;           /* run only when the overlay op just before it failed */
	bool checked;
	dev_t src_dev;
	ino_t src_ino;
	bool no_create;          /* dst lies in a bound host directory: it must exist there,
				  * no mount point is ever made in a host directory */
	bool idmap;              /* workdir as root: idmapped, disk_uid/gid shown as box_uid/gid */
	uid_t disk_uid, box_uid;
	gid_t disk_gid, box_gid;
};
/* Special values of *extra for steps that are not ops[] entries. */
enum { DP_NS_X_PRIVATE = -1, DP_NS_X_ROOT = -2, DP_NS_X_PIVOT = -3, DP_NS_X_DETACH = -4,
       DP_NS_X_ROOT_RO = -5, DP_NS_X_CHDIR = -6, DP_NS_X_LO = -7, DP_NS_X_HOSTNAME = -8,
       DP_NS_X_NETNS = -9 };
struct dp_ns_plan {
	unsigned long clone_flags;  /* for the runner's clone3: CLONE_NEWPID (| CLONE_NEWUSER) */
	unsigned long unshare_flags; /* what init unshares: CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS */
	bool netns;              /* a new network namespace (made by init's helper: child/ns_child.c) */
	bool netns_own_userns;   /* as root: the netns belongs to a user namespace of its own,
				  * so host uevents (broadcast to namespaces of the initial one) miss it */
	bool userns;             /* CLONE_NEWUSER: parent writes "uid uid 1" / "gid gid 1" maps */
	uid_t uid;
	gid_t gid;
	char *base;              /* existing host dir the root tmpfs is mounted on (private mount ns) */
	char *root_data;         /* tmpfs options of the new root */
	char *cwd;
	char *exec_path;
	int workdir_op;          /* index of the workdir's op in ops, -1 when none */
	struct dp_ns_op *ops;
	size_t n_ops, cap_ops;
};

#endif
