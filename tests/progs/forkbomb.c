/* Forks without end; every process then sleeps. */
#include <unistd.h>
int main(void) { for (;;) { fork(); usleep(1000); } }
