/*
 * kmsdns-registry.c -- the registry admin tool; the work is behind
 * registry_cli_main() (registry_cli.h, the cli_*.c files).
 */
#include "config.h"

#include <stdio.h>

#include "registry_cli.h"

int
main(int argc, char **argv)
{
	return registry_cli_main(argc, argv, stdout, stderr);
}
