#!/bin/bash
# Site-aware order in a real named: a client whose source address is in a
# registry site gets that site's registrations at their own priority and
# every other one moved behind them (never hidden); a client in no site gets
# the registered priorities. Queries come from different 127.0.0.x source
# addresses (dig -b), all on loopback.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=harness.sh
. "$here/harness.sh"
# shellcheck source=dlz_lib.sh
. "$here/dlz_lib.sh"

dlz_require
h_init dlz_sites
dlz_registry_init
dlz_reg zone add example.test --ns ns1.example.test=127.0.0.1 --allow-transfer 127.0.0.0/8 >/dev/null
dlz_reg site add hq 127.0.0.64/26 >/dev/null
dlz_reg site add branch 127.0.0.128/26 >/dev/null
dlz_reg host add example.test kms-hq.example.test --weight 60 --site hq >/dev/null
dlz_reg host add example.test kms-branch.example.test --weight 40 --site branch >/dev/null
dlz_reg host add example.test kms-spare.example.test --priority 5 >/dev/null

dlz_named_start ns1

# srv_from ADDR: the SRV RRset as a client at ADDR sees it, sorted
srv_from() { h_dig -b "$1" +short _vlmcs._tcp.example.test SRV | sort -n; }

h_assert_eq "0 40 1688 kms-branch.example.test.
0 60 1688 kms-hq.example.test.
5 0 1688 kms-spare.example.test." "$(srv_from 127.0.0.1)" "a client in no site: registered priorities"
h_assert_eq "0 60 1688 kms-hq.example.test.
1 40 1688 kms-branch.example.test.
6 0 1688 kms-spare.example.test." "$(srv_from 127.0.0.70)" "a client in site hq: hq first, the others behind"
h_assert_eq "0 40 1688 kms-branch.example.test.
1 60 1688 kms-hq.example.test.
6 0 1688 kms-spare.example.test." "$(srv_from 127.0.0.130)" "a client in site branch: branch first"

# a site without registrations in the zone changes nothing
dlz_reg site add lab 127.0.0.192/26 >/dev/null
ms=$(dlz_wait_ms 1000 eval '[ "$(srv_from 127.0.0.200 | head -n 1)" = "0 40 1688 kms-branch.example.test." ]') ||
	h_fail "site lab not loaded within 1 s"
h_assert_eq "0 40 1688 kms-branch.example.test.
0 60 1688 kms-hq.example.test.
5 0 1688 kms-spare.example.test." "$(srv_from 127.0.0.200)" "a client in a site with no registration"

# AXFR (no client site applies to a transfer) carries the registered priorities
h_assert_contains "$(h_dig -b 127.0.0.70 example.test AXFR)" \
	"_vlmcs._tcp.example.test. 3600	IN	SRV	0 60 1688 kms-hq.example.test." "AXFR keeps the registered priority"

dlz_assert_clean ns1
h_log "sites: hq, branch and site-less clients each see their order (site lab loaded in ${ms} ms)"
