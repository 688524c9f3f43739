#!/bin/bash
# Rows the module cannot use, written around the schema's checks (issue 10,
# item 4): a target with a space, a NUL inside a target, an empty target,
# TTL 2^40, priority 'abc', SOA MNAME 'bad name', orphan rows of a zone
# deleted with foreign keys off. named starts, serves the good zones and
# records, and logs one line per bad row naming the zone, the table and
# key and the reason -- at a cold start and when the rows appear later.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=harness.sh
. "$here/harness.sh"
# shellcheck source=dlz_lib.sh
. "$here/dlz_lib.sh"

dlz_require
h_require_cmd sqlite3
h_init dlz_bad_rows
dlz_registry_init
dlz_reg zone add good.test --ns ns1.good.test=127.0.0.1 >/dev/null
dlz_reg host add good.test kms1.good.test >/dev/null
dlz_reg zone add badsoa.test --ns ns1.badsoa.test=127.0.0.1 >/dev/null
dlz_reg zone add gone.test --ns ns1.gone.test=127.0.0.1 >/dev/null
dlz_reg host add gone.test kms1.gone.test >/dev/null
dlz_reg zone add later.test --ns ns1.later.test=127.0.0.1 >/dev/null
dlz_reg host add later.test kms1.later.test >/dev/null
log=$H_TMP/ns1/named.log

# row PORT TARGET-SQL [TTL [PRIORITY]]: an SRV row of good.test as SQL.
row() {
	echo "INSERT INTO hosts VALUES ('good.test', ${4:-0}, 0, $1, $2, ${3:-60}, '', 'static', '', 0, 0, 'active');"
}
sqlite3 "$DLZ_DB" "PRAGMA ignore_check_constraints = ON; PRAGMA foreign_keys = OFF;
$(row 1001 "'a b.good.test'")
$(row 1002 "CAST('x' || char(0) || 'y.good.test' AS TEXT)")
$(row 1003 "''")
$(row 1004 "'kms4.good.test'" 1099511627776)
$(row 1005 "'kms5.good.test'" 60 "'abc'")
UPDATE zones SET soa_mname = 'bad name' WHERE name = 'badsoa.test';
DELETE FROM zones WHERE name = 'gone.test';"

# cold start: named starts and serves the good data (the module logs to
# stderr then: the lines are checked at a reload below)
dlz_named_start ns1 poll-interval=200
h_assert_eq "0 0 1688 kms1.good.test." "$(dlz_srv good.test)" "good records of a zone with bad rows"
h_assert_eq NOERROR "$(h_rcode good.test SOA)" "zone with bad rows answers"
h_assert_eq "0 0 1688 kms1.later.test." "$(dlz_srv later.test)" "other zone served"
h_assert_eq REFUSED "$(h_rcode badsoa.test SOA)" "zone with a bad SOA is not served"
h_assert_eq REFUSED "$(h_rcode gone.test SOA)" "deleted zone is not served"

h_named_reload ns1
h_wait_until 10 grep -qF "port=1004 target=" "$log" ||
	h_fail "bad rows not logged at a reload"
check_line() { # check_line TEXT...: one log line holds every TEXT
	local l
	l=$(grep -F -- "$1" "$log" | tail -n 1)
	[ -n "$l" ] || h_fail "no log line with: $1"
	for t in "$@"; do h_assert_contains "$l" "$t" "log line about $1"; done
}
check_line 'port=1001 target="a b.good.test"' "zone good.test: table hosts, row " "not allowed in a host name; row skipped"
check_line 'port=1002 target="x\x00y.good.test"' "zone good.test: table hosts" "holds a NUL byte; row skipped"
check_line 'port=1003 target=""' "zone good.test: table hosts" "name is empty; row skipped"
check_line 'port=1004 target="kms4.good.test"' "ttl 1099511627776 is out of range 0-2147483647; row skipped"
check_line 'priority="abc" weight=0 port=1005' 'priority "abc" is not an integer; row skipped'
check_line 'zone badsoa.test: table zones, row name="badsoa.test"' 'soa_mname "bad name"' "zone not served"
check_line 'table hosts, row zone="gone.test"' "zone gone.test does not exist" "row skipped"
h_assert_eq 1 "$(grep -c 'port=1001 target=' "$log")" "one line per bad row and load"

# a bad row written while named runs: the zone keeps being served
sqlite3 "$DLZ_DB" "PRAGMA ignore_check_constraints = ON;
INSERT INTO hosts VALUES ('later.test', 0, 0, 2001, 'a b.later.test', 60, '', 'static', '', 0, 0, 'active');
UPDATE zones SET serial = serial + 1 WHERE name = 'later.test';"
h_wait_until 5 grep -qF 'zone later.test: table hosts, row zone="later.test" priority=0 weight=0 port=2001' "$log" ||
	h_fail "bad row written at run time not logged"
h_assert_eq "0 0 1688 kms1.later.test." "$(dlz_srv later.test)" "zone with a new bad row still served"

# a restart: still starts
h_assert_ok h_named_stop ns1
dlz_named_start ns1
h_assert_eq "0 0 1688 kms1.good.test." "$(dlz_srv good.test)" "served after a restart"
h_assert_ok h_named_stop ns1
dlz_assert_clean ns1
exit 0
