#!/bin/bash
# kmsdns-check's monitoring formats against a real named and KMS responders
# on loopback: --format nagios (status line with perfdata, long output, exit
# 0/1/2/3 for OK/WARNING/CRITICAL/UNKNOWN, usage errors 3) and --format
# prometheus (textfile-collector metrics that promtool check metrics
# accepts).
set -euo pipefail
# shellcheck source=harness.sh
. "$(cd "$(dirname "$0")" && pwd)/harness.sh"
# shellcheck source=check_lib.sh
. "$(cd "$(dirname "$0")" && pwd)/check_lib.sh"

h_require_root
h_require_cmd named named-checkconf dig jq python3 ss timeout promtool
h_init check_monitoring

KMS=$(h_free_port)
CLOSED=$(h_free_port)
NS=$(h_named_dir ns1)
cat >"$NS/m.test.db" <<ZONE
\$TTL 300
@               IN SOA ns1.m.test. hostmaster.m.test. ( 1 3600 600 86400 60 )
                IN NS  ns1.m.test.
ns1             IN A   127.0.0.1
kms1            IN A   127.0.0.41
kms2            IN A   127.0.0.42
_vlmcs._tcp.ok      IN SRV 0 0 $KMS kms1.m.test.
_vlmcs._tcp.warn    IN SRV 0 50 $KMS kms1.m.test.
_vlmcs._tcp.warn    IN SRV 0 50 $CLOSED kms2.m.test.
_vlmcs._tcp.crit    IN SRV 0 0 $CLOSED kms2.m.test.
ZONE
h_named_start ns1 - <<CONF
zone "m.test" { type primary; file "m.test.db"; };
CONF
SRV=(--server "127.0.0.1#$(h_named_port ns1)" --timeout 1000)
ck_kms kms 127.0.0.41 "$KMS" kms

perf='hosts=[0-9]+;;;0 kms_hosts=[0-9]+;;;0 query_time=[0-9]+\.[0-9]{3}s;;;0 probe_time=[0-9]+\.[0-9]{3}s;;;0$'
# nagios_case SUFFIX RC FIRST_LINE_START: the status line, its perfdata
nagios_case() {
	ck_run --suffix "$1" "${SRV[@]}" --format nagios
	ck_expect_rc "$2" "nagios $1"
	local first
	first=$(printf '%s\n' "$CK_OUT" | head -1)
	case $first in
	"$3"*) ;;
	*) h_fail "nagios $1: first line: $first" ;;
	esac
	[[ $first =~ \ \|\ $perf ]] || h_fail "nagios $1: no perfdata in: $first"
}
nagios_case ok.m.test 0 "KMS DISCOVERY OK - clients find a KMS host through _vlmcs._tcp.ok.m.test (1 of 1 hosts answer as KMS) | hosts=1;;;0 kms_hosts=1;;;0"
nagios_case warn.m.test 1 "KMS DISCOVERY WARNING - clients find a KMS host through _vlmcs._tcp.warn.m.test (1 of 2 hosts answer as KMS); 1 problem: port_closed | hosts=2;;;0 kms_hosts=1;;;0"
h_assert_contains "$CK_OUT" "
[warning] port_closed: _vlmcs._tcp.warn.m.test: kms2.m.test (127.0.0.42) refuses TCP port $CLOSED"
nagios_case crit.m.test 2 "KMS DISCOVERY CRITICAL - clients fail with 0xC004F074; 2 problems: no_kms_reachable, port_closed | hosts=1;;;0 kms_hosts=0;;;0"
# usage errors are UNKNOWN (3) in this mode, also before --format
ck_run --timeout 0 --format nagios "${SRV[@]}" --suffix ok.m.test
ck_expect_rc 3 "nagios usage error"
h_assert_eq "KMS DISCOVERY UNKNOWN - --timeout: 0 is out of range 1-600000" "$CK_OUT"
ck_run --suffix ok.m.test --resolv-conf /nonexistent --format=nagios
ck_expect_rc 3 "nagios bad input"
h_assert_contains "$CK_OUT" "KMS DISCOVERY UNKNOWN - "
ck_run --timeout 0 --suffix ok.m.test
ck_expect_rc 64 "usage error without nagios"
ck_run --format xml --suffix ok.m.test
ck_expect_rc 64 "bad format"
h_assert_contains "$CK_ERR" '--format: "xml" is not text, json, nagios or prometheus'

# --- prometheus: promtool accepts it; the values are the report's ------------------
ck_run --suffix warn.m.test --suffix ok.m.test "${SRV[@]}" --format prometheus
ck_expect_rc 1 "prometheus"
printf '%s\n' "$CK_OUT" >"$H_TMP/kmsdns.prom"
promtool check metrics <"$H_TMP/kmsdns.prom" >"$H_TMP/promtool.out" 2>&1 ||
	h_fail "promtool check metrics failed: $(cat "$H_TMP/promtool.out")"
h_assert_contains "$CK_OUT" 'kmsdns_check_records{suffix="warn.m.test"} 2'
h_assert_contains "$CK_OUT" "kmsdns_check_host_up{suffix=\"warn.m.test\",host=\"kms1.m.test\",port=\"$KMS\"} 1"
h_assert_contains "$CK_OUT" "kmsdns_check_host_up{suffix=\"warn.m.test\",host=\"kms2.m.test\",port=\"$CLOSED\"} 0"
h_assert_contains "$CK_OUT" "kmsdns_check_probe_seconds{suffix=\"warn.m.test\",host=\"kms2.m.test\",port=\"$CLOSED\",address=\"127.0.0.42\",result=\"closed\"} "
h_assert_contains "$CK_OUT" 'kmsdns_check_findings{severity="warning"} 2' # port_closed, suffixes_disagree
h_assert_contains "$CK_OUT" 'kmsdns_check_exit_status 1'
now=$(date +%s)
ts=$(printf '%s\n' "$CK_OUT" | awk '/^kmsdns_check_last_run_timestamp_seconds/ { printf "%d", $2 }')
[ $((now - ts)) -le 60 ] && [ $((now - ts)) -ge -1 ] || h_fail "last run timestamp $ts, now $now"
# the JSON synonym is unchanged
ck_run --suffix ok.m.test "${SRV[@]}" --json
ck_expect_rc 0 "--json"

h_stop kms || true
h_assert_ok h_named_stop ns1
exit 0
