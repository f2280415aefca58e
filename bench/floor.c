/* The least any runner CLI can cost: a static program that forks, execs its
 * arguments and waits, with nothing else (no pipes, limits or filter).  The
 * bench times `floor /bin/true` next to `dualpipe run -- /bin/true`. */
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	pid_t pid = fork();
	if (pid == 0) {
		execv(argv[1], argv + 1);
		_exit(127);
	}
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return 1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}
