/* In its --dir: files made set-uid/set-gid (at creation and by chmod), a
 * device node, a file capability, and the directory's own mode, an xattr
 * and an ACL changed.  The test checks on the host that none of it is left. */
#include "attack.h"
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

int main(void)
{
	int fd = open("suid_create", O_CREAT | O_WRONLY, 06755);
	say("create 06755: %s", fd < 0 ? ename(errno) : "OK");
	fd = open("suid_chmod", O_CREAT | O_WRONLY, 0755);
	say("chmod 04755: %s", RES(fchmod(fd, 04755)));
	say("chmod 02755: %s", RES(chmod("suid_create", 06755)));
	say("mkdir+chmod 02777: %s", RES(mkdir("sgid_dir", 0777) || chmod("sgid_dir", 02777)));
	say("mknod: %s", RES(mknod("dev_mem", S_IFCHR | 0666, makedev(1, 1))));
	/* VFS_CAP_REVISION_2 with CAP_SETUID permitted + effective */
	uint32_t cap[5] = { 0x02000001, 1u << 7, 0, 0, 0 };
	say("setcap: %s", RES(setxattr("suid_chmod", "security.capability", cap, sizeof cap, 0)));
	say("chmod dir 0777: %s", RES(chmod(".", 0777)));
	say("dir xattr: %s", RES(setxattr(".", "user.dptest", "x", 1, 0)));
	/* ACL: user::rwx user:12345:rwx group::r-x mask::rwx other::r-x */
	struct { uint32_t v; struct { uint16_t tag, perm; uint32_t id; } __attribute__((packed)) e[5]; }
	__attribute__((packed)) acl = { 2, { { 1, 7, ~0u }, { 2, 7, 12345 }, { 4, 5, ~0u }, { 0x10, 7, ~0u },
					  { 0x20, 5, ~0u } } };
	say("dir acl: %s", RES(setxattr(".", "system.posix_acl_access", &acl, sizeof acl, 0)));
	return 0;
}
