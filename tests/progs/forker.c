/* Forks once and waits. */
#include <sys/wait.h>
#include <unistd.h>
int main(void) { pid_t p = fork(); if (p == 0) _exit(0); wait(0); return p < 0 ? 1 : 0; }
