/* The empty prebuilt-filter table the generator itself links against: with
 * it every shipped policy is parsed and compiled at run time. */
#include <stddef.h>
#include "seccomp/seccomp.h"
const struct dp_prebuilt_filter dp_prebuilt_filters[] = { { .name = NULL } };
