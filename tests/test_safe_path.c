/* base/safe_path.c: caller paths opened without following planted links,
 * without blocking on planted FIFOs, without truncating what is refused, and
 * results replaced atomically.  Each test works in a scratch directory of its
 * own under /tmp. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "base/safe_path.h"

static char dir[64];

static void make_dir(void)
{
	snprintf(dir, sizeof dir, "/tmp/dp-safe-path-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	chmod(dir, 0755);
}

static void remove_dir(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

static char *at(const char *name)
{
	static char buf[8][256];
	static int i;
	char *p = buf[i++ % 8];
	snprintf(p, 256, "%s/%s", dir, name);
	return p;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

static char *slurp(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f, "%s", path);
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

TestSuite(safe_path, .init = make_dir, .fini = remove_dir);

Test(safe_path, a_planted_final_link_is_neither_followed_nor_written_through)
{
	write_file(at("victim"), "precious\n");
	cr_assert_eq(symlink(at("victim"), at("out")), 0);
	char why[512] = "";
	int fd = -1;
	int r = dp_safe_open(at("out"), DP_SAFE_WRITE | DP_SAFE_CREATE | DP_SAFE_TRUNC, NULL, &fd, why, sizeof why);
	cr_assert_eq(r, -ELOOP, "r=%d %s", r, why);
	cr_assert_eq(fd, -1);
	cr_assert(strstr(why, "symbolic link"), "%s", why);
	cr_assert_str_eq(slurp(at("victim")), "precious\n");
}

Test(safe_path, a_link_in_a_middle_component_is_refused_and_named)
{
	cr_assert_eq(mkdir(at("real"), 0755), 0);
	write_file(at("real/in"), "secret\n");
	cr_assert_eq(symlink(at("real"), at("via")), 0);
	char why[512] = "";
	int fd = -1;
	cr_assert_eq(dp_safe_open(at("via/in"), 0, NULL, &fd, why, sizeof why), -ELOOP);
	cr_assert(strstr(why, at("via")), "the message names the link: %s", why);
	/* the same file by its real path opens */
	cr_assert_eq(dp_safe_open(at("real/in"), 0, NULL, &fd, why, sizeof why), 0, "%s", why);
	close(fd);
}

Test(safe_path, a_planted_fifo_never_blocks_and_is_refused_unless_asked_for)
{
	cr_assert_eq(mkfifo(at("fifo"), 0666), 0);
	char why[512] = "";
	int fd = -1;
	/* reading: a blocking open would wait for a writer forever */
	cr_assert_eq(dp_safe_open(at("fifo"), 0, NULL, &fd, why, sizeof why), -EPERM);
	cr_assert(strstr(why, "FIFO"), "%s", why);
	/* writing: no reader, and no wait for one */
	cr_assert_lt(dp_safe_open(at("fifo"), DP_SAFE_WRITE | DP_SAFE_SPECIAL, NULL, &fd, why, sizeof why), 0);
	/* asked for, in a directory only root writes: opened, nonblocking */
	cr_assert_eq(dp_safe_open(at("fifo"), DP_SAFE_SPECIAL, NULL, &fd, why, sizeof why), 0, "%s", why);
	cr_assert(fcntl(fd, F_GETFL) & O_NONBLOCK);
	close(fd);
}

Test(safe_path, a_fifo_in_a_directory_others_can_write_is_refused_even_when_asked_for)
{
	cr_assert_eq(chmod(dir, 01777), 0);
	cr_assert_eq(mkfifo(at("fifo"), 0666), 0);
	char why[512] = "";
	int fd = -1;
	cr_assert_eq(dp_safe_open(at("fifo"), DP_SAFE_SPECIAL, NULL, &fd, why, sizeof why), -EPERM);
	cr_assert(strstr(why, "other users can write"), "%s", why);
}

Test(safe_path, a_directory_owned_by_a_box_uid_is_untrusted)
{
	struct dp_untrusted_uids box = { 60000, 1000 };
	cr_assert_eq(chown(dir, 60007, 60007), 0);
	cr_assert_eq(mkfifo(at("fifo"), 0666), 0);
	char why[512] = "";
	int fd = -1;
	cr_assert_eq(dp_safe_open(at("fifo"), DP_SAFE_SPECIAL, &box, &fd, why, sizeof why), -EPERM, "%s", why);
	/* the same directory owned by another uid, outside the box range */
	cr_assert_eq(chown(dir, 59999, 59999), 0);
	cr_assert_eq(dp_safe_open(at("fifo"), DP_SAFE_SPECIAL, &box, &fd, why, sizeof why), 0, "%s", why);
	close(fd);
	cr_assert_eq(chown(dir, 0, 0), 0);
}

Test(safe_path, a_device_opens_only_when_asked_for)
{
	char why[512] = "";
	int fd = -1;
	cr_assert_eq(dp_safe_open("/dev/null", DP_SAFE_WRITE, NULL, &fd, why, sizeof why), -EPERM);
	cr_assert(strstr(why, "character device"), "%s", why);
	cr_assert_eq(dp_safe_open("/dev/null", DP_SAFE_WRITE | DP_SAFE_SPECIAL, NULL, &fd, why, sizeof why), 0, "%s", why);
	cr_assert_eq(write(fd, "x", 1), 1);
	cr_assert_eq(fcntl(fd, F_GETFL) & O_NONBLOCK, 0, "devices block as usual");
	close(fd);
}

Test(safe_path, a_planted_hard_link_is_refused_for_writing_and_left_untouched)
{
	write_file(at("victim"), "precious\n");
	cr_assert_eq(link(at("victim"), at("out")), 0);
	char why[512] = "";
	int fd = -1;
	int r = dp_safe_open(at("out"), DP_SAFE_WRITE | DP_SAFE_CREATE | DP_SAFE_TRUNC, NULL, &fd, why, sizeof why);
	cr_assert_eq(r, -EMLINK, "%s", why);
	cr_assert_str_eq(slurp(at("victim")), "precious\n", "not truncated before the refusal");
	/* reading through it is harmless and allowed */
	cr_assert_eq(dp_safe_open(at("out"), 0, NULL, &fd, why, sizeof why), 0, "%s", why);
	close(fd);
}

Test(safe_path, create_and_truncate_a_plain_file)
{
	write_file(at("out"), "old contents\n");
	char why[512] = "";
	int fd = -1;
	cr_assert_eq(dp_safe_open(at("out"), DP_SAFE_WRITE | DP_SAFE_CREATE | DP_SAFE_TRUNC, NULL, &fd, why, sizeof why), 0, "%s", why);
	cr_assert_eq(write(fd, "new\n", 4), 4);
	close(fd);
	cr_assert_str_eq(slurp(at("out")), "new\n");
	cr_assert_eq(dp_safe_open(at("fresh"), DP_SAFE_WRITE | DP_SAFE_CREATE, NULL, &fd, why, sizeof why), 0, "%s", why);
	close(fd);
	struct stat st;
	cr_assert_eq(stat(at("fresh"), &st), 0);
	cr_assert(S_ISREG(st.st_mode));
	cr_assert_eq(dp_safe_open(at("fresh"), DP_SAFE_WRITE | DP_SAFE_EXCL, NULL, &fd, why, sizeof why), -EEXIST);
}

Test(safe_path, names_of_the_runners_own_fds_are_duplicated_not_reopened)
{
	cr_assert_eq(dp_safe_fd_name("/dev/stdout"), 1);
	cr_assert_eq(dp_safe_fd_name("/dev/stdin"), 0);
	cr_assert_eq(dp_safe_fd_name("/proc/self/fd/7"), 7);
	cr_assert_eq(dp_safe_fd_name("/dev/fd/12"), 12);
	cr_assert_eq(dp_safe_fd_name("/dev/fd/"), -1);
	cr_assert_eq(dp_safe_fd_name("/dev/fd/1x"), -1);
	cr_assert_eq(dp_safe_fd_name("/dev/stdout2"), -1);
	/* fd 1 redirected into a file with content: writing "/dev/stdout" appends at its offset */
	write_file(at("log"), "first line\n");
	int log = open(at("log"), O_WRONLY | O_APPEND);
	cr_assert_geq(log, 0);
	int saved = dup(1);
	dup2(log, 1);
	close(log);
	char why[512] = "";
	int fd = -1;
	int r = dp_safe_open("/dev/stdout", DP_SAFE_WRITE | DP_SAFE_TRUNC, NULL, &fd, why, sizeof why);
	dup2(saved, 1);
	close(saved);
	cr_assert_eq(r, 0, "%s", why);
	cr_assert_eq(write(fd, "second line\n", 12), 12);
	close(fd);
	cr_assert_str_eq(slurp(at("log")), "first line\nsecond line\n");
	cr_assert_eq(dp_safe_open("/dev/fd/999", DP_SAFE_WRITE, NULL, &fd, why, sizeof why), -EBADF);
}

Test(safe_path, an_atomic_file_is_whole_or_absent)
{
	write_file(at("result.json"), "{\"old\": true}\n");
	struct dp_atomic_file af;
	char why[512] = "";
	cr_assert_eq(dp_atomic_open(at("result.json"), NULL, &af, why, sizeof why), 0, "%s", why);
	cr_assert_eq(write(af.fd, "{\"new\": ", 8), 8);
	/* a reader meanwhile sees the old object, whole */
	cr_assert_str_eq(slurp(at("result.json")), "{\"old\": true}\n");
	cr_assert_eq(write(af.fd, "true}\n", 6), 6);
	cr_assert_eq(dp_atomic_commit(&af), 0);
	cr_assert_str_eq(slurp(at("result.json")), "{\"new\": true}\n");
	/* an abort leaves the old file and no temporary file */
	cr_assert_eq(dp_atomic_open(at("result.json"), NULL, &af, why, sizeof why), 0, "%s", why);
	cr_assert_eq(write(af.fd, "partial", 7), 7);
	dp_atomic_abort(&af);
	cr_assert_str_eq(slurp(at("result.json")), "{\"new\": true}\n");
	char cmd[160];
	snprintf(cmd, sizeof cmd, "test $(ls -A '%s' | wc -l) -eq 1", dir);
	cr_assert_eq(system(cmd), 0, "only result.json is left");
}

Test(safe_path, an_atomic_file_replaces_a_planted_link_never_writes_through_it)
{
	write_file(at("victim"), "precious\n");
	cr_assert_eq(symlink(at("victim"), at("result.json")), 0);
	struct dp_atomic_file af;
	char why[512] = "";
	cr_assert_eq(dp_atomic_open(at("result.json"), NULL, &af, why, sizeof why), -ELOOP, "%s", why);
	cr_assert_str_eq(slurp(at("victim")), "precious\n");
	/* nor through a link in the directory part */
	cr_assert_eq(mkdir(at("real"), 0755), 0);
	cr_assert_eq(symlink(at("real"), at("via")), 0);
	cr_assert_eq(dp_atomic_open(at("via/r.json"), NULL, &af, why, sizeof why), -ELOOP, "%s", why);
}

Test(safe_path, an_atomic_file_on_a_device_or_fd_is_written_in_place)
{
	struct dp_atomic_file af;
	char why[512] = "";
	cr_assert_eq(dp_atomic_open("/dev/null", NULL, &af, why, sizeof why), 0, "%s", why);
	cr_assert_eq(af.dirfd, -1);
	cr_assert_eq(write(af.fd, "x", 1), 1);
	cr_assert_eq(dp_atomic_commit(&af), 0);
	struct stat st;
	cr_assert_eq(stat("/dev/null", &st), 0);
	cr_assert(S_ISCHR(st.st_mode), "/dev/null is still the device");
}

Test(safe_path, a_special_file_a_box_uid_made_is_refused_even_in_a_trusted_directory)
{
	/* after a run the workdir is the caller's again, but the FIFO keeps the box's uid */
	struct dp_untrusted_uids box = { 60000, 1000 };
	cr_assert_eq(mkfifo(at("fifo"), 0666), 0);
	cr_assert_eq(chown(at("fifo"), 60003, 60003), 0);
	char why[512] = "";
	int fd = -1;
	cr_assert_eq(dp_safe_open(at("fifo"), DP_SAFE_SPECIAL, &box, &fd, why, sizeof why), -EPERM, "%s", why);
	cr_assert(strstr(why, "sandbox uid"), "%s", why);
	cr_assert_eq(chown(at("fifo"), 0, 0), 0);
	cr_assert_eq(dp_safe_open(at("fifo"), DP_SAFE_SPECIAL, &box, &fd, why, sizeof why), 0, "%s", why);
	close(fd);
}

Test(safe_path, openat_and_parent_apply_the_same_rules_relative_to_a_directory)
{
	char name[256], why[512] = "";
	int dfd = -1, fd = -1;
	cr_assert_eq(dp_safe_parent(at("new"), NULL, &dfd, name, sizeof name, why, sizeof why), 0, "%s", why);
	cr_assert_str_eq(name, "new");
	cr_assert_eq(dp_safe_openat(dfd, name, at("new"), DP_SAFE_WRITE | DP_SAFE_EXCL, NULL, &fd, why, sizeof why), 0, "%s", why);
	close(fd);
	cr_assert_eq(dp_safe_openat(dfd, name, at("new"), DP_SAFE_WRITE | DP_SAFE_EXCL, NULL, &fd, why, sizeof why), -EEXIST);
	write_file(at("victim"), "precious\n");
	cr_assert_eq(symlink(at("victim"), at("l")), 0);
	cr_assert_eq(dp_safe_openat(dfd, "l", at("l"), DP_SAFE_WRITE | DP_SAFE_TRUNC, NULL, &fd, why, sizeof why), -ELOOP);
	cr_assert_str_eq(slurp(at("victim")), "precious\n");
	cr_assert_eq(dp_safe_openat(dfd, "../x", at("x"), 0, NULL, &fd, why, sizeof why), -EINVAL, "one component only");
	close(dfd);
	/* a link in the directory part of dp_safe_parent */
	cr_assert_eq(mkdir(at("real"), 0755), 0);
	cr_assert_eq(symlink(at("real"), at("via")), 0);
	cr_assert_eq(dp_safe_parent(at("via/f"), NULL, &dfd, name, sizeof name, why, sizeof why), -ELOOP);
	cr_assert_eq(dp_safe_parent(at("real/.."), NULL, &dfd, name, sizeof name, why, sizeof why), -EISDIR);
}

Test(safe_path, path_only_opens_any_type_without_links_and_without_side_effects)
{
	char why[512] = "";
	int fd = -1;
	cr_assert_eq(mkfifo(at("fifo"), 0666), 0);
	/* O_PATH: no wait for a writer, no refusal of the type */
	cr_assert_eq(dp_safe_open(at("fifo"), DP_SAFE_PATH, NULL, &fd, why, sizeof why), 0, "%s", why);
	close(fd);
	cr_assert_eq(dp_safe_open(dir, DP_SAFE_PATH, NULL, &fd, why, sizeof why), 0, "%s", why);
	close(fd);
	cr_assert_eq(symlink(dir, at("l")), 0);
	cr_assert_eq(dp_safe_open(at("l"), DP_SAFE_PATH, NULL, &fd, why, sizeof why), -ELOOP);
	cr_assert_eq(dp_safe_open("/dev/stdout", DP_SAFE_PATH, NULL, &fd, why, sizeof why), -ELOOP,
		     "not an fd name here: /dev/stdout is a link");
}
