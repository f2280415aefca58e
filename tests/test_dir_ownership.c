/* The caller's directories come back as they were, and the box learns
 * nothing of the host through them: `dualpipe run` as root with the attack
 * programs of tests/attacks/ (dir_setid, dir_plant, write_cwd, dir_rewrite,
 * uevent_listen, etc_lock), and host-side postconditions checked here:
 * --dir's owner, mode and xattrs unchanged, what the box made owned by the
 * directory's owner with no set-id bit, nothing bound through a planted link,
 * bind sources unchanged, host flock and uevents out of the box's reach. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/xattr.h>
#include "testutil.h"
#include "sandbox/ns_workdir.h"

static unsigned OWNER = 1234, GROUP = 2345; /* of the test's --dir */

static void need_root(void)
{
	if (geteuid() != 0)
		cr_skip_test("needs root (box uids, chown)");
}

/* The caller's own attribute on --dir, which must survive: user.keep, or
 * trusted.keep where the filesystem has no user xattrs (tmpfs before 6.6). */
static const char *keep_attr = "user.keep";

/* A fresh directory under /tmp owned by OWNER:GROUP, mode 0750, with the
 * xattr keep_attr=1. */
static void make_dir(char *path, size_t len, const char *tag)
{
	snprintf(path, len, "/tmp/dptest-%s.XXXXXX", tag);
	cr_assert(mkdtemp(path));
	cr_assert_eq(chown(path, OWNER, GROUP), 0);
	cr_assert_eq(chmod(path, 0750), 0);
	int r = setxattr(path, "user.keep", "1", 1, 0);
	if (r < 0 && errno == EOPNOTSUPP) {
		keep_attr = "trusted.keep";
		r = setxattr(path, keep_attr, "1", 1, 0);
	}
	cr_assert_eq(r, 0, "setxattr %s: %s", keep_attr, strerror(errno));
}

static void rm_tree(const char *path)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
	cr_assert_eq(system(cmd), 0);
}

static int run_cli(struct tu_run *r, const char *const *args)
{
	cr_assert_eq(tu_cli(r, "run", args), 0);
	return r->rc;
}

/* How many entries lie below dir. */
static int check_tree_count(const char *dir)
{
	char cmd[600];
	int count = -1;
	snprintf(cmd, sizeof cmd, "find '%s' -mindepth 1 | wc -l", dir);
	FILE *f = popen(cmd, "r");
	cr_assert(f);
	if (fscanf(f, "%d", &count) != 1)
		count = -1;
	pclose(f);
	return count;
}

/* Every entry below dir (not following links): owned by OWNER:GROUP, no
 * set-uid/set-gid regular file, no device node.  Returns the entry count. */
static int check_tree(const char *dir)
{
	char cmd[700], out[4096];
	snprintf(cmd, sizeof cmd, "find '%s' -mindepth 1 \\( ! -user %d -o ! -group %d -o -type f -perm /6000 "
		 "-o -type c -o -type b \\) -printf '%%p %%u:%%g %%m\\n'", dir, OWNER, GROUP);
	FILE *f = popen(cmd, "r");
	cr_assert(f);
	size_t n = fread(out, 1, sizeof out - 1, f);
	out[n] = 0;
	pclose(f);
	cr_expect_str_empty(out, "entries of %s owned by others, set-id or devices:\n%s", dir, out);
	return check_tree_count(dir);
}

static void check_dir_itself(const char *dir)
{
	struct stat st;
	char list[256], val[8];
	cr_assert_eq(stat(dir, &st), 0);
	cr_expect_eq(st.st_uid, OWNER, "owner of --dir now %u", st.st_uid);
	cr_expect_eq(st.st_gid, GROUP, "group of --dir now %u", st.st_gid);
	cr_expect_eq(st.st_mode & 07777, 0750, "mode of --dir now %o", st.st_mode & 07777);
	ssize_t n = listxattr(dir, list, sizeof list);
	cr_expect_eq(n, (ssize_t)strlen(keep_attr) + 1, "xattrs of --dir changed (%zd bytes of names)", n);
	cr_expect_eq(getxattr(dir, keep_attr, val, sizeof val), 1);
	cr_expect_eq(getxattr(dir, "system.posix_acl_access", val, sizeof val), -1, "an ACL was left on --dir");
}

Test(dir_ownership, setid_devices_caps_and_dir_attrs_do_not_survive)
{
	need_root();
	char dir[64], opt[100];
	make_dir(dir, sizeof dir, "setid");
	snprintf(opt, sizeof opt, "--dir=%s", dir);
	struct tu_run r;
	const char *args[] = { opt, "--", tu_prog("dir_setid"), NULL };
	cr_assert_eq(run_cli(&r, args), 0, "rc %d: %s", r.rc, r.err);
	/* the kernel refuses what needs a capability (the box has none) */
	cr_expect(strstr(r.out, "mknod: EPERM"), "%s", r.out);
	cr_expect(strstr(r.out, "setcap: EPERM"), "%s", r.out);
	/* the rest the box may do inside; none of it may be left on the host */
	cr_expect(strstr(r.out, "chmod 04755: OK"), "%s", r.out);
	cr_expect_geq(check_tree(dir), 3);
	check_dir_itself(dir);
	rm_tree(dir);
}

/* A directory of root's is lent to the box uid rather than idmapped (a
 * set-uid file would be set-uid root meanwhile); afterwards the same holds. */
Test(dir_ownership, root_owned_dir_comes_back_to_root)
{
	need_root();
	OWNER = 0;
	GROUP = 0;
	char dir[64], opt[100];
	make_dir(dir, sizeof dir, "rootdir");
	snprintf(opt, sizeof opt, "--dir=%s", dir);
	struct tu_run r;
	const char *args[] = { opt, "--", tu_prog("dir_setid"), NULL };
	cr_assert_eq(run_cli(&r, args), 0, "rc %d: %s", r.rc, r.err);
	cr_expect(strstr(r.out, "chmod 04755: OK"), "%s", r.out);
	cr_expect_geq(check_tree(dir), 3);
	check_dir_itself(dir);
	rm_tree(dir);
}

Test(dir_ownership, files_left_are_rewritten_by_a_run_with_another_box_id)
{
	need_root();
	char dir[64], opt[100];
	make_dir(dir, sizeof dir, "rewrite");
	snprintf(opt, sizeof opt, "--dir=%s", dir);
	struct tu_run r;
	const char *first[] = { opt, "--box-uids=61000:4", "--", tu_prog("dir_rewrite"), NULL };
	cr_assert_eq(run_cli(&r, first), 0, "rc %d: %s %s", r.rc, r.out, r.err);
	cr_expect(strstr(r.out, "create: OK"), "%s", r.out);
	const char *second[] = { opt, "--box-uids=62000:4", "--", tu_prog("dir_rewrite"), NULL };
	cr_expect_eq(run_cli(&r, second), 0, "rc %d: %s %s", r.rc, r.out, r.err);
	cr_expect(strstr(r.out, "rewrite: OK"), "the second run could not rewrite: %s", r.out);
	check_tree(dir);
	check_dir_itself(dir);
	rm_tree(dir);
}

/* The runner in the background, its stdout on a pipe; *out gets the pipe. */
static pid_t spawn_bg(const char *const *args, int *out)
{
	int p[2];
	char bin[512];
	const char *argv[32];
	int n = 0;
	snprintf(bin, sizeof bin, "%s/dualpipe", tu_build());
	argv[n++] = bin;
	argv[n++] = "run";
	for (int i = 0; args[i] && n < 30; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	pid_t pid;
	cr_assert_eq(posix_spawn(&pid, bin, &fa, NULL, (char *const *)argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	*out = p[0];
	return pid;
}

/* Reads the background run's output until `word` appears (or 5 s pass). */
static bool wait_for(int fd, const char *word, char *buf, size_t len)
{
	size_t have = 0;
	double end = tu_now() + 5;
	buf[0] = 0;
	while (!strstr(buf, word) && tu_now() < end && have + 1 < len) {
		struct pollfd p = { fd, POLLIN, 0 };
		if (poll(&p, 1, 100) <= 0)
			continue;
		ssize_t n = read(fd, buf + have, len - 1 - have);
		if (n <= 0)
			break;
		have += (size_t)n;
		buf[have] = 0;
	}
	return strstr(buf, word) != NULL;
}

static int finish_bg(pid_t pid, int fd, char *buf, size_t len)
{
	size_t have = strlen(buf);
	ssize_t n;
	while (have + 1 < len && (n = read(fd, buf + have, len - 1 - have)) > 0)
		have += (size_t)n;
	buf[have] = 0;
	close(fd);
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

Test(dir_ownership, concurrent_runs_on_one_dir_leave_it_to_its_owner)
{
	need_root();
	char dir[64], opt[100], buf[4096];
	make_dir(dir, sizeof dir, "concurrent");
	snprintf(opt, sizeof opt, "--dir=%s", dir);
	int fd;
	const char *slow[] = { opt, "--", "/bin/sh", "-c", "echo started; sleep 1; touch a", NULL };
	pid_t pid = spawn_bg(slow, &fd);
	cr_assert(wait_for(fd, "started", buf, sizeof buf), "%s", buf);
	struct tu_run r;
	const char *quick[] = { opt, "--", "/bin/sh", "-c", "touch b", NULL };
	run_cli(&r, quick);
	/* refused with a message that says why, or run: either way the owner stays */
	if (r.rc != 0)
		cr_expect(strstr(r.err, "in use by another run"), "rc %d: %s", r.rc, r.err);
	cr_expect_eq(finish_bg(pid, fd, buf, sizeof buf), 0, "%s", buf);
	check_tree(dir);
	check_dir_itself(dir);
	rm_tree(dir);
}

/* The runner's own rule for where --dir is idmapped (sandbox/ns_workdir.c). */
static bool fs_idmaps(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(fd, 0, "%s: %s", dir, strerror(errno));
	bool r = dp_fs_idmaps(fd);
	close(fd);
	return r;
}

/* Through the idmapped mount the owner owns what the box makes at once (a
 * runner killed mid-run leaves nothing to a box uid); where the filesystem
 * has none, --dir is lent for the run and given back. */
Test(dir_ownership, files_belong_to_the_owner_while_the_run_lasts)
{
	need_root();
	char dir[64], opt[100], buf[4096], file[100];
	make_dir(dir, sizeof dir, "during");
	snprintf(opt, sizeof opt, "--dir=%s", dir);
	snprintf(file, sizeof file, "%s/during", dir);
	int fd;
	const char *slow[] = { opt, "--", "/bin/sh", "-c", "touch during; echo started; sleep 1", NULL };
	pid_t pid = spawn_bg(slow, &fd);
	cr_assert(wait_for(fd, "started", buf, sizeof buf), "%s", buf);
	struct stat st, dst;
	cr_assert_eq(stat(file, &st), 0);
	cr_assert_eq(stat(dir, &dst), 0);
	if (fs_idmaps(dir)) {
		cr_expect_eq(st.st_uid, OWNER, "a file the box made is owned by %u during the run", st.st_uid);
		cr_expect_eq(dst.st_uid, OWNER, "--dir is owned by %u during the run", dst.st_uid);
	} else { /* lent to the box uid for the run (without_idmapped_mounts_...): given back below */
		cr_expect_neq(dst.st_uid, OWNER, "--dir was not lent on a filesystem without idmapped mounts");
	}
	cr_expect_eq(finish_bg(pid, fd, buf, sizeof buf), 0, "%s", buf);
	check_dir_itself(dir);
	rm_tree(dir);
}

/* A filesystem without idmapped mounts (ramfs): the directory is lent to
 * the box uid for the run and the repair gives everything back. */
Test(dir_ownership, without_idmapped_mounts_the_dir_is_lent_and_repaired)
{
	need_root();
	char mnt[64], dir[100], opt[120];
	snprintf(mnt, sizeof mnt, "/tmp/dptest-ramfs.XXXXXX");
	cr_assert(mkdtemp(mnt));
	if (mount("none", mnt, "ramfs", 0, NULL) < 0) {
		rmdir(mnt);
		cr_skip_test("no ramfs: %s", strerror(errno));
	}
	snprintf(dir, sizeof dir, "%s/w", mnt);
	cr_assert_eq(mkdir(dir, 0750), 0);
	cr_assert_eq(chown(dir, OWNER, GROUP), 0);
	snprintf(opt, sizeof opt, "--dir=%s", dir);
	struct tu_run r;
	const char *args[] = { opt, "--", "/bin/sh", "-c", "touch f && chmod 4755 f && mkdir d && touch d/g", NULL };
	cr_expect_eq(run_cli(&r, args), 0, "rc %d: %s", r.rc, r.err);
	cr_expect_eq(check_tree(dir), 3);
	struct stat st;
	cr_assert_eq(stat(dir, &st), 0);
	cr_expect_eq(st.st_uid, OWNER);
	cr_expect_eq(st.st_mode & 07777, 0750);
	cr_assert_eq(umount(mnt), 0);
	rmdir(mnt);
}

/* A root-only directory the box must never get. */
static void make_victim(char *path, size_t len)
{
	snprintf(path, len, "/tmp/dptest-victim.XXXXXX");
	cr_assert(mkdtemp(path));
	cr_assert_eq(chmod(path, 0700), 0);
}

static void check_victim(const char *victim)
{
	struct stat st;
	cr_assert_eq(stat(victim, &st), 0);
	cr_expect_eq(st.st_uid, 0, "victim now owned by %u", st.st_uid);
	cr_expect_eq(st.st_mode & 07777, 0700);
	cr_expect_eq(check_tree_count(victim), 0);
}

Test(dir_ownership, planted_link_in_a_reused_dir_binds_nothing)
{
	need_root();
	char dir[64], victim[64], opt[100], through[200], bind[300], target[300];
	make_dir(dir, sizeof dir, "plant");
	make_victim(victim, sizeof victim);
	snprintf(opt, sizeof opt, "--dir=%s", dir);
	struct tu_run r;
	const char *plant[] = { opt, "--", tu_prog("dir_plant"), victim, NULL };
	cr_assert_eq(run_cli(&r, plant), 0, "%s %s", r.out, r.err);
	cr_assert(strstr(r.out, "to_victim: OK"), "%s", r.out);

	/* the link as the next run's --dir */
	snprintf(through, sizeof through, "--dir=%s/to_victim", dir);
	const char *as_dir[] = { through, "--", tu_prog("write_cwd"), NULL };
	cr_expect_neq(run_cli(&r, as_dir), 0, "%s", r.out);
	cr_expect(strstr(r.err, "symbolic link"), "%s", r.err);
	/* as a --bind and a --ro-bind source */
	snprintf(bind, sizeof bind, "--bind=%s/to_victim:/mnt/v", dir);
	const char *as_bind[] = { bind, "--", tu_prog("write_cwd"), "/mnt/v/pwned", NULL };
	cr_expect_neq(run_cli(&r, as_bind), 0, "%s", r.out);
	cr_expect(strstr(r.err, "symbolic link"), "%s", r.err);
	snprintf(bind, sizeof bind, "--ro-bind=%s/to_root:/mnt/r", dir);
	const char *as_ro[] = { bind, "--", "/bin/ls", "/mnt/r/root", NULL };
	cr_expect_neq(run_cli(&r, as_ro), 0, "%s", r.out);
	/* as a component of a --bind/--tmpfs target inside the dir */
	snprintf(target, sizeof target, "--bind=%s:%s/to_victim/x", victim, dir);
	const char *as_target[] = { opt, target, "--", "/bin/true", NULL };
	cr_expect_neq(run_cli(&r, as_target), 0, "%s", r.out);
	snprintf(target, sizeof target, "--tmpfs=%s/to_victim/t", dir);
	const char *as_tmpfs[] = { opt, target, "--", "/bin/true", NULL };
	cr_expect_neq(run_cli(&r, as_tmpfs), 0, "%s", r.out);
	check_victim(victim);
	rm_tree(dir);
	rm_tree(victim);
}

Test(dir_ownership, bind_sources_get_no_mount_points)
{
	need_root();
	char outer[64], inner[64], b1[100], b2[100];
	make_victim(outer, sizeof outer);
	make_victim(inner, sizeof inner);
	snprintf(b1, sizeof b1, "--bind=%s:/data", outer);
	snprintf(b2, sizeof b2, "--ro-bind=%s:/data/sub", inner);
	struct tu_run r;
	const char *args[] = { b1, b2, "--", "/bin/true", NULL };
	run_cli(&r, args);
	cr_expect(strstr(r.err, "/data/sub"), "rc %d: %s", r.rc, r.err);
	cr_expect_eq(check_tree_count(outer), 0, "a mount point was left in the --bind source");
	/* where the mount point exists in the source, the nested bind works */
	char sub[100];
	snprintf(sub, sizeof sub, "%s/sub", outer);
	cr_assert_eq(mkdir(sub, 0755), 0);
	const char *again[] = { b1, b2, "--", "/bin/true", NULL };
	cr_expect_eq(run_cli(&r, again), 0, "rc %d: %s", r.rc, r.err);
	cr_expect_eq(check_tree_count(outer), 1);
	rm_tree(outer);
	rm_tree(inner);
}

Test(dir_ownership, no_host_uevent_reaches_the_box)
{
	need_root();
	char uuid[64] = "", buf[4096];
	tu_slurp("/proc/sys/kernel/random/uuid", uuid, sizeof uuid);
	uuid[strcspn(uuid, "\n")] = 0;
	int fd;
	const char *args[] = { "--policy=none", "--", tu_prog("uevent_listen"), "1500", uuid, NULL };
	pid_t pid = spawn_bg(args, &fd);
	cr_assert(wait_for(fd, "listening", buf, sizeof buf), "%s", buf);
	/* a synthetic "change" event of /dev/null, tagged with our uuid */
	int u = open("/sys/devices/virtual/mem/null/uevent", O_WRONLY | O_CLOEXEC);
	cr_assert_geq(u, 0);
	char ev[100];
	snprintf(ev, sizeof ev, "change %s", uuid);
	cr_assert_eq(write(u, ev, strlen(ev)), (ssize_t)strlen(ev), "%s", strerror(errno));
	close(u);
	cr_expect_eq(finish_bg(pid, fd, buf, sizeof buf), 0, "%s", buf);
	cr_expect(strstr(buf, "the test's: 0"), "the box received the host's uevent: %s", buf);
}

Test(dir_ownership, box_locks_and_watches_no_host_inode_of_etc)
{
	need_root();
	char name[64], path[100], buf[4096];
	snprintf(name, sizeof name, ".dptest-%d", getpid());
	snprintf(path, sizeof path, "/etc/%s", name);
	int fd;
	const char *args[] = { "--", tu_prog("etc_lock"), "1500", name, NULL };
	pid_t pid = spawn_bg(args, &fd);
	cr_assert(wait_for(fd, "ready", buf, sizeof buf), "%s", buf);
	cr_expect(strstr(buf, "flock: OK"), "%s", buf);
	int pw = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
	cr_assert_geq(pw, 0);
	cr_expect_eq(flock(pw, LOCK_EX | LOCK_NB), 0, "the box's lock holds the host's /etc/passwd: %s",
		     strerror(errno));
	close(pw);
	int f = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	cr_assert_geq(f, 0);
	close(f);
	unlink(path);
	cr_expect_eq(finish_bg(pid, fd, buf, sizeof buf), 0, "%s", buf);
	cr_expect(strstr(buf, "test's file: 0"), "the box watched the host's /etc: %s", buf);
}

/* ---- the whole tree is the program's to write (issue 12) ---- */

/* dir/README.md and dir/a/b/old.txt, existing files of OWNER:GROUP. */
static void make_tree(char *dir, size_t len, const char *tag)
{
	char cmd[600];
	make_dir(dir, len, tag);
	snprintf(cmd, sizeof cmd, "cd '%s' && mkdir -p a/b && echo readme > README.md && echo old > a/b/old.txt && "
		 "chown -R %u:%u a README.md", dir, OWNER, GROUP);
	cr_assert_eq(system(cmd), 0);
}

static void expect_file(const char *dir, const char *name, const char *want)
{
	char path[300], got[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	tu_slurp(path, got, sizeof got);
	cr_expect_str_eq(got, want, "%s", path);
}

/* Existing files at every depth appended to, new directories made. */
static void write_whole_tree(const char *extra_opt)
{
	char dir[64], opt[100];
	make_tree(dir, sizeof dir, "tree");
	snprintf(opt, sizeof opt, "--dir=%s", dir);
	struct tu_run r;
	const char *args[] = { opt, extra_opt ? extra_opt : "--time=5", "--", "/bin/sh", "-c",
			       "echo x >> README.md && echo y >> a/b/old.txt && mkdir a/b/new && echo z > a/b/new/f", NULL };
	cr_assert_eq(run_cli(&r, args), 0, "rc %d: %s %s", r.rc, r.err, r.json);
	expect_file(dir, "README.md", "readme\nx\n");
	expect_file(dir, "a/b/old.txt", "old\ny\n");
	expect_file(dir, "a/b/new/f", "z\n");
	cr_expect_eq(check_tree(dir), 6);
	check_dir_itself(dir);
	rm_tree(dir);
}

Test(dir_ownership, whole_tree_of_a_user_is_writable)
{
	need_root();
	write_whole_tree(NULL);
}

Test(dir_ownership, whole_tree_of_root_is_writable)
{
	need_root();
	OWNER = 0;
	GROUP = 0;
	write_whole_tree(NULL);
}

Test(dir_ownership, whole_tree_is_writable_in_core_mode)
{
	need_root();
	write_whole_tree("--isolation=none");
}

Test(dir_ownership, whole_tree_is_writable_without_idmapped_mounts)
{
	need_root();
	char mnt[64], dir[100], opt[120], cmd[600];
	snprintf(mnt, sizeof mnt, "/tmp/dptest-ramfs.XXXXXX");
	cr_assert(mkdtemp(mnt));
	if (mount("none", mnt, "ramfs", 0, NULL) < 0) {
		rmdir(mnt);
		cr_skip_test("no ramfs: %s", strerror(errno));
	}
	snprintf(dir, sizeof dir, "%s/w", mnt);
	snprintf(cmd, sizeof cmd, "mkdir -p %s/sub && echo old > %s/sub/f && chown -R %u:%u %s", dir, dir, OWNER, GROUP, dir);
	cr_assert_eq(system(cmd), 0);
	snprintf(opt, sizeof opt, "--dir=%s", dir);
	struct tu_run r;
	const char *args[] = { opt, "--", "/bin/sh", "-c", "echo new >> sub/f && mkdir sub/d", NULL };
	cr_expect_eq(run_cli(&r, args), 0, "rc %d: %s", r.rc, r.err);
	expect_file(dir, "sub/f", "old\nnew\n");
	cr_expect_eq(check_tree(dir), 3);
	cr_assert_eq(umount(mnt), 0);
	rmdir(mnt);
}

/* A hard link planted in the tree names a file from elsewhere: never lent. */
Test(dir_ownership, hard_link_in_a_root_tree_is_not_lent)
{
	need_root();
	OWNER = 0;
	GROUP = 0;
	char dir[64], opt[100], secret[64], lpath[120];
	make_dir(dir, sizeof dir, "hlink");
	snprintf(secret, sizeof secret, "/tmp/dptest-secret.XXXXXX");
	int fd = mkstemp(secret);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "secret\n", 7), 7);
	close(fd);
	cr_assert_eq(chmod(secret, 0600), 0);
	snprintf(lpath, sizeof lpath, "%s/hl", dir);
	cr_assert_eq(link(secret, lpath), 0);
	snprintf(opt, sizeof opt, "--dir=%s", dir);
	struct tu_run r;
	const char *args[] = { opt, "--", "/bin/sh", "-c", "cat hl || echo denied", NULL };
	cr_assert_eq(run_cli(&r, args), 0, "rc %d: %s", r.rc, r.err);
	cr_expect_str_eq(r.out, "denied\n");
	struct stat st;
	cr_assert_eq(stat(secret, &st), 0);
	cr_expect_eq(st.st_uid, 0);
	cr_expect_eq(st.st_mode & 07777, 0600);
	unlink(secret);
	rm_tree(dir);
}

Test(dir_ownership, bind_is_writable_and_given_back)
{
	need_root();
	char dir[64], opt[100];
	make_tree(dir, sizeof dir, "bind");
	snprintf(opt, sizeof opt, "--bind=%s", dir);
	char cmd[400];
	snprintf(cmd, sizeof cmd, "cd %s && echo x >> README.md && echo y >> a/b/old.txt && mkdir a/b/new && echo z > a/b/new/f", dir);
	struct tu_run r;
	const char *args[] = { opt, "--", "/bin/sh", "-c", cmd, NULL };
	cr_assert_eq(run_cli(&r, args), 0, "rc %d: %s", r.rc, r.err);
	expect_file(dir, "README.md", "readme\nx\n");
	expect_file(dir, "a/b/new/f", "z\n");
	cr_expect_eq(check_tree(dir), 6);
	check_dir_itself(dir);
	rm_tree(dir);
}

/* git refuses a checkout whose owner is not the user ("dubious ownership"),
 * and a commit writes objects and the index everywhere below .git. */
static void git_in_checkout(void)
{
	if (access("/usr/bin/git", X_OK) != 0)
		cr_skip_test("git is not installed");
	char dir[64], opt[100], cmd[700];
	make_dir(dir, sizeof dir, "git");
	snprintf(cmd, sizeof cmd, "cd '%s' && git init -q . && echo a > README.md && git -c safe.directory='*' add . && "
		 "git -c safe.directory='*' -c user.name=t -c user.email=t@t commit -qm init && chown -R %u:%u .",
		 dir, OWNER, GROUP);
	cr_assert_eq(system(cmd), 0);
	snprintf(opt, sizeof opt, "--dir=%s", dir);
	struct tu_run r;
	const char *args[] = { opt, "--env=HOME=/tmp", "--", "/bin/sh", "-c",
			       "echo b >> README.md && git status --short && "
			       "git -c user.name=b -c user.email=b@b commit -qam box && git log --oneline | wc -l", NULL };
	cr_assert_eq(run_cli(&r, args), 0, "rc %d: %s", r.rc, r.err);
	cr_expect_str_eq(r.out, " M README.md\n2\n");
	snprintf(cmd, sizeof cmd, "git -c safe.directory='*' -C '%s' log --format=%%s | tr '\\n' ' '", dir);
	FILE *f = popen(cmd, "r");
	char log[128] = "";
	cr_assert(f);
	size_t n = fread(log, 1, sizeof log - 1, f);
	log[n] = 0;
	pclose(f);
	cr_expect_str_eq(log, "box init ");
	check_tree(dir);
	rm_tree(dir);
}

Test(dir_ownership, git_checkout_of_a_user)
{
	need_root();
	git_in_checkout();
}

Test(dir_ownership, git_checkout_of_root)
{
	need_root();
	OWNER = 0;
	GROUP = 0;
	git_in_checkout();
}
