/* hello: prints a greeting, optionally to a name given on the command line. */
#include <stdio.h>
#include <string.h>

#ifndef HELLO_GREETING
#define HELLO_GREETING "Hello"
#endif

int main(int argc, char **argv)
{
	const char *who = "world";

	if (argc > 1)
		who = argv[1];

	printf("%s, %s!\n", HELLO_GREETING, who);

	return 0;
}
