#!/bin/bash
# bench/publish/bench.sh -- kmsdns-publish against a shell loop of nsupdate.
#
# Publishes one host (kms1.example.test) into N zones (default 200) of one
# loopback named, signed with TSIG and with GSS-TSIG (MIT KDC), once with
# `kmsdns-publish` and once with one `nsupdate -k` / `nsupdate -g` per
# domain, in the same run against the same server, and prints the times
# and the ratio. Between runs the records are withdrawn again, so every run
# adds N records. Not a test: run it by hand, as root:
#
#   bench/publish/bench.sh [N]
#
# PUBLISH=path/to/kmsdns-publish selects the binary (default: the one in
# _build; a build without sanitizers gives the fair figure).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
# shellcheck source=../../tests/integration/harness.sh
. "$TOP/tests/integration/harness.sh"

N=${1:-200}
PUBLISH=${PUBLISH:-$TOP/_build/nsupdate_tool/kmsdns-publish}
[ -x "$PUBLISH" ] || { echo "bench: $PUBLISH not built" >&2; exit 1; }
h_require_root
h_require_cmd named nsupdate dig tsig-keygen krb5kdc kdb5_util kadmin.local kinit
H_TEST_TIMEOUT=${H_TEST_TIMEOUT:-1200}
h_init bench_publish

h_kdc_start EXAMPLE.TEST
NS=$(h_named_dir ns1)
PORT=$(h_named_port ns1)
h_kdc_principal DNS/ns1.example.test "$NS/dns.keytab" >/dev/null
HOST_KT=$(h_kdc_principal host/kms1.example.test)
TSIG=$(h_tsig_key kms-tsig.example.test hmac-sha256)

CONF="$H_TMP/publish.conf"
printf 'host kms1.example.test\nserver 127.0.0.1#%s\njobs 8\n' "$PORT" >"$CONF"
: >"$H_TMP/zones.conf"
for i in $(seq -w 1 "$N"); do
	z="z$i.bench.test"
	cat >"$NS/$z.db" <<EOF
\$TTL 300
@ IN SOA ns1.example.test. hostmaster.$z. ( 1 3600 600 86400 300 )
  IN NS  ns1.example.test.
EOF
	cat >>"$H_TMP/zones.conf" <<EOF
zone "$z" { type primary; file "$z.db"; update-policy {
	grant EXAMPLE.TEST krb5-subdomain-self-rhs _vlmcs._tcp.$z. SRV;
	grant kms-tsig.example.test. name _vlmcs._tcp.$z. SRV; }; };
EOF
	echo "domain $z,10,50" >>"$CONF"
done
echo "include \"$TSIG\";" >>"$H_TMP/zones.conf"
H_NAMED_SEVERITY=notice H_NAMED_OPTIONS="	tkey-gssapi-keytab \"$NS/dns.keytab\";" \
	h_named_start ns1 "$H_TMP/zones.conf"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
count() { # how many zones hold our record
	local n=0 i
	for i in $(seq -w 1 "$N"); do
		dig @127.0.0.1 -p "$PORT" +short "_vlmcs._tcp.z$i.bench.test" SRV |
			grep -q kms1.example.test && n=$((n + 1))
	done
	echo "$n"
}
reset() {
	"$PUBLISH" -c "$CONF" --tsig-key "$TSIG" --withdraw >/dev/null ||
		h_fail "withdraw failed"
}
nsupdate_loop() { # NSUPDATE-OPTIONS...
	local i
	for i in $(seq -w 1 "$N"); do
		printf 'server 127.0.0.1 %s\nzone z%s.bench.test\nupdate add _vlmcs._tcp.z%s.bench.test. 3600 IN SRV 10 50 1688 kms1.example.test.\nsend\n' \
			"$PORT" "$i" "$i" | nsupdate "$@" || return 1
	done
}
run() { # LABEL CMD...: time CMD, check all N records are there, then reset
	local label=$1 t0 t1 n
	shift
	t0=$(now_ms)
	"$@" >"$H_TMP/out" 2>&1 || { cat "$H_TMP/out" >&2; h_fail "$label failed"; }
	t1=$(now_ms)
	n=$(count)
	[ "$n" -eq "$N" ] || h_fail "$label: $n of $N records published"
	reset
	echo $((t1 - t0))
}

kinit -k -t "$HOST_KT" host/kms1.example.test # for nsupdate -g only
T_NS_K=$(run "nsupdate -k loop" nsupdate_loop -k "$TSIG")
T_PUB_K=$(run "kmsdns-publish --tsig-key" "$PUBLISH" -c "$CONF" --tsig-key "$TSIG")
T_NS_G=$(run "nsupdate -g loop" nsupdate_loop -g)
T_PUB_G=$(run "kmsdns-publish --gss" "$PUBLISH" -c "$CONF" --gss --keytab "$HOST_KT")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / (b > 0 ? b : 1) }'; }
printf 'publish one host to %d zones on one loopback named (%s)\n' "$N" "$("$PUBLISH" --help >/dev/null && named -v)"
printf '%-28s %8s ms\n' "nsupdate -k, one per domain" "$T_NS_K" \
	"kmsdns-publish --tsig-key" "$T_PUB_K"
printf '%-28s %8sx\n' "TSIG speed-up" "$(ratio "$T_NS_K" "$T_PUB_K")"
printf '%-28s %8s ms\n' "nsupdate -g, one per domain" "$T_NS_G" \
	"kmsdns-publish --gss" "$T_PUB_G"
printf '%-28s %8sx\n' "GSS-TSIG speed-up" "$(ratio "$T_NS_G" "$T_PUB_G")"
h_named_stop ns1 >/dev/null || true
exit 0
