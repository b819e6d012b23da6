/* greeter: greets everyone named on the command line, using libgreet. */
#include <stdio.h>
#include <string.h>
#include <greet.h>

int main(int argc, char **argv)
{
	char line[256];
	int i;

	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("greeter 0.9 (libgreet %s)\n", greet_version());
		return 0;
	}
	if (argc < 2) {
		greet_format(line, sizeof line, NULL, NULL);
		puts(line);
		return 0;
	}
	for (i = 1; i < argc; i++) {
		greet_format(line, sizeof line, "Welcome", argv[i]);
		puts(line);
	}
	return 0;
}
