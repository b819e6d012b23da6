#include <stdio.h>
#include "greet.h"

int greet_format(char *buf, size_t size, const char *greeting, const char *who)
{
	if (!greeting || !*greeting)
		greeting = "Hello";
	if (!who || !*who)
		who = "world";
	return snprintf(buf, size, "%s, %s!", greeting, who);
}

const char *greet_version(void)
{
	return GREET_VERSION;
}
