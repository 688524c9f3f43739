/*
 * loopback.h -- sockets on 127.0.0.1 for the unit tests that talk to a
 * real peer (test_dns_tcp, test_probe).
 */
#ifndef KMSDNS_LOOPBACK_H
#define KMSDNS_LOOPBACK_H

#include <netinet/in.h>

/*
 * A TCP socket bound to 127.0.0.1 on a kernel-chosen port, not listening;
 * its address (with that port) into *ADDR. Fails the test on any error.
 */
int loopback_socket(struct sockaddr_in *addr);

#endif /* KMSDNS_LOOPBACK_H */
