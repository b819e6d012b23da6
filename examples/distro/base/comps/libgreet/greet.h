/* libgreet: builds greeting sentences. */
#ifndef GREET_H
#define GREET_H

#include <stddef.h>

#define GREET_VERSION "1.0.0"

/* Writes "<greeting>, <who>!" into buf (at most size bytes, NUL-terminated).
 * Returns the length the full sentence needs, like snprintf. */
int greet_format(char *buf, size_t size, const char *greeting, const char *who);

/* The library's version string. */
const char *greet_version(void);

#endif
