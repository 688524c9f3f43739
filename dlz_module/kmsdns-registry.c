/*
 * kmsdns-registry.c -- the registry admin tool; the work is in
 * registry_cli.c.
 */
#include "config.h"

#include <stdio.h>

#include "registry_cli.h"

int
main(int argc, char **argv)
{
	return registry_cli_main(argc, argv, stdout, stderr);
}
