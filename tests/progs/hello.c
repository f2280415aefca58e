/* Prints one line and exits 0. */
#include <stdio.h>
int main(void) { puts("hello sandbox"); return 0; }
