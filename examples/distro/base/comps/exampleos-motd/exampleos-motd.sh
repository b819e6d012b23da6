#!/bin/sh
# Writes the ExampleOS login banner to /run/motd.d/10-exampleos (shown by pam_motd).
set -eu
banner='@BANNER@'
mkdir -p /run/motd.d
{
	if command -v figlet >/dev/null 2>&1; then
		figlet -w 100 "$banner"
	else
		printf '%s\n' "$banner"
	fi
	printf 'Kernel %s, up since %s\n' "$(uname -r)" "$(uptime -s 2>/dev/null || echo boot)"
} > /run/motd.d/10-exampleos
