#!/bin/bash
# Verifies every example in zones/: each named.conf passes named-checkconf -z
# (with the Debian paths moved into the test's temp dir), each zone file
# passes named-checkzone, zones/registry-setup.sh builds a registry with the
# kmsdns-registry of this build, and the DLZ examples really run: named
# loads the built module with that registry and answers SRV queries, takes
# a TSIG update under the registry's grant, and the secondary of the hidden
# primary example transfers the zone and follows a change, a secondary
# configured with the catalog zone only adds a zone added to the registry
# (knotc conf-check for the Knot example when Knot is installed); the native zone
# examples take TSIG and GSS-TSIG (real MIT KDC) updates under their
# update-policy, from nsupdate and from kmsdns-publish, refuse a host's A
# record (reported not-allowed) and a GSS-TSIG host's record for another host
# (REFUSED, 0x8007232D), and kmsdns-check finds both hosts.
set -euo pipefail
# shellcheck source=harness.sh
. "$(cd "$(dirname "$0")" && pwd)/harness.sh"

h_require_root
h_require_cmd named named-checkconf named-checkzone dig nsupdate tsig-keygen ss timeout
src=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${abs_top_builddir:-$src}
module="$build/dlz_module/.libs/dlz_kmsdns.so"
registry_tool="$build/dlz_module/kmsdns-registry"
[ -f "$module" ] || h_skip "module not built: $module"
[ -x "$registry_tool" ] || h_skip "kmsdns-registry not built: $registry_tool"
publish="$build/nsupdate_tool/kmsdns-publish"
check="$build/resolver_check/kmsdns-check"
[ -x "$publish" ] || h_fail "kmsdns-publish not built: $publish"
[ -x "$check" ] || h_fail "kmsdns-check not built: $check"
zones="$src/zones"
h_init zones

# Sanitized builds: named must load the ASan runtime before the module.
if [ -n "$(nm -D "$module" 2>/dev/null | grep -w __asan_init || true)" ]; then
	export H_NAMED_PRELOAD=${H_NAMED_PRELOAD:-$(gcc -print-file-name=libasan.so)}
	export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
fi

# --- the Debian paths of the examples, inside the temp dir -------------------
etc="$H_TMP/etc" cache="$H_TMP/cache" lib="$H_TMP/lib"
mkdir -p "$etc" "$cache" "$lib"
db="$lib/kmsdns/registry.db"
for k in kms-publish.example.test kms1.example.test kms2.example.test; do
	h_tsig_key "$k." hmac-sha256 "$etc/${k%%.*}.key" >/dev/null
done
: >"$etc/dns.keytab"
cp "$zones/db.example.test.dynamic" "$lib/db.example.test"
cp "$zones/db.example.test.static" "$etc/db.example.test"

# localize FILE: print FILE with its Debian paths replaced by temp dir paths
localize() {
	sed -e "s|/usr/lib/bind/dlz_kmsdns.so|$module|g" \
		-e "s|/var/lib/bind/kmsdns/registry.db|$db|g" \
		-e "s|/var/lib/bind/|$lib/|g" \
		-e "s|/var/cache/bind|$cache|g" \
		-e "s|/etc/bind/|$etc/|g" "$1"
}

# --- every example passes the BIND checkers ----------------------------------
n=0
for f in "$zones"/*.named.conf; do
	out="$H_TMP/${f##*/}"
	localize "$f" >"$out"
	if ! msg=$(cd "$cache" && named-checkconf -z "$out" 2>&1); then
		printf '%s\n' "$msg" >&2
		h_fail "named-checkconf -z rejects zones/${f##*/}"
	fi
	h_log "named-checkconf -z: zones/${f##*/} OK"
	n=$((n + 1))
done
h_assert_eq 6 "$n" "number of named.conf examples"
if command -v knotc >/dev/null; then
	msg=$(knotc -c "$zones/knot-catalog-secondary.conf" conf-check 2>&1) ||
		{ printf '%s\n' "$msg" >&2; h_fail "knotc conf-check rejects zones/knot-catalog-secondary.conf"; }
	h_log "knotc conf-check: zones/knot-catalog-secondary.conf OK"
else
	h_log "knotc not installed: zones/knot-catalog-secondary.conf not checked"
fi
for f in "$zones"/db.*; do
	msg=$(named-checkzone example.test "$f" 2>&1) || { printf '%s\n' "$msg" >&2; h_fail "named-checkzone rejects zones/${f##*/}"; }
	h_assert_contains "$msg" "OK" "named-checkzone zones/${f##*/}"
	h_log "named-checkzone: zones/${f##*/} OK"
done
srv=$(grep -Ec '^_vlmcs\._tcp[[:space:]]+[0-9]+ IN SRV [0-9]+ +[0-9]+ +1688 kms[0-9]\.example\.test\.$' "$zones/db.example.test.static")
h_assert_eq 3 "$srv" "hand-written SRV records in db.example.test.static"

# --- the registry of the DLZ examples -------------------------------------------
sec_port=$(h_named_port secondary)
PATH="$build/dlz_module:$PATH" KMSDNS_REGISTRY="$db" SECONDARY="127.0.0.1#$sec_port" KMSDNS_OWNER="" \
	bash "$zones/registry-setup.sh" >"$H_TMP/registry-setup.out" 2>&1 ||
	{ cat "$H_TMP/registry-setup.out" >&2; h_fail "zones/registry-setup.sh failed"; }
reg() { "$registry_tool" --db "$db" "$@"; }
for z in corp.example.test branch.example.test; do
	reg export "$z" >"$H_TMP/$z.export" || h_fail "kmsdns-registry export $z failed"
	msg=$(named-checkzone "$z" "$H_TMP/$z.export" 2>&1) || { printf '%s\n' "$msg" >&2; h_fail "export of $z is not a valid zone"; }
done

# start_example NAME CONF [SED-EXPR...]: start named instance NAME from the
# localized example CONF: its options go into the harness's options block
# (minus those the harness sets itself), the rest is appended; 192.0.2.x
# addresses become 127.0.0.1; SED-EXPRs are applied last.
start_example() {
	local name=$1 conf=$2 opts rest
	shift 2
	opts="$H_TMP/$name.options" rest="$H_TMP/$name.rest"
	: >"$opts"
	localize "$conf" | sed -e 's|192\.0\.2\.[0-9]*/24|127.0.0.1|g' -e 's|192\.0\.2\.[0-9]*|127.0.0.1|g' \
		"${@/#/-e}" >"$H_TMP/$name.conf"
	awk -v opts="$opts" -v rest="$rest" '
		/^options \{/ { inopt = 1; next }
		inopt && /^\};/ { inopt = 0; next }
		inopt {
			if ($1 ~ /^(directory|listen-on|listen-on-v6|recursion|dnssec-validation|notify|pid-file)$/) next
			print > opts; next
		}
		{ print > rest }' "$H_TMP/$name.conf"
	H_NAMED_OPTIONS=$(cat "$opts") h_named_start "$name" "$rest"
}

# --- (a) dlz-kmsdns.named.conf: named loads the module ----------------------------
start_example dlz "$zones/dlz-kmsdns.named.conf"
h_assert_eq "0 100 1688 kms1.corp.example.test." "$(h_dig +short _vlmcs._tcp.corp.example.test SRV)" \
	"SRV record served by the module"
h_assert_eq "127.0.0.1" "$(h_dig +short ns1.corp.example.test A)" "in-zone name server address"
h_assert_eq NXDOMAIN "$(h_rcode _vlmcs._tcp.branch.example.test SRV)" "zone without hosts: no such name (as in its AXFR)"
h_assert_eq "" "$(h_dig +short _vlmcs._tcp.branch.example.test SRV)" "zone without hosts: no SRV"
# minimal-responses: the answer carries no authority or additional records
out=$(h_dig +norec _vlmcs._tcp.corp.example.test SRV)
h_assert_contains "$out" "AUTHORITY: 0, ADDITIONAL: 1" "minimal responses (only the OPT record)"
# the registry grant of the example key: a TSIG update is applied
h_assert_ok h_nsupdate -k "$etc/kms-publish.key" <<'EOF2'
zone branch.example.test
update add _vlmcs._tcp.branch.example.test. 600 IN SRV 5 10 1688 kms2.branch.example.test.
send
EOF2
h_assert_eq "5 10 1688 kms2.branch.example.test." "$(h_dig +short _vlmcs._tcp.branch.example.test SRV)" \
	"SRV added by TSIG update under the registry's grant"
h_assert_ok h_named_stop dlz

# --- (b) hidden primary + ordinary secondary -------------------------------------
pri_port=$(h_named_port primary)
start_example primary "$zones/dlz-hidden-primary.named.conf"
start_example secondary "$zones/dlz-secondary.named.conf" \
	"s|primaries { 127.0.0.1; }|primaries { 127.0.0.1 port $pri_port; }|"
grep -q "primaries { 127.0.0.1 port $pri_port; }" "$H_TMP/secondary.conf" || h_fail "could not point the secondary at port $pri_port"
serial() { h_use "$1"; h_dig +short corp.example.test SOA | awk '{ print $3 }'; }
converged() { [ -n "$(serial primary)" ] && [ "$(serial primary)" = "$(serial secondary)" ]; }
h_wait_until 15 converged || h_fail "secondary did not transfer corp.example.test (primary $(serial primary), secondary $(serial secondary))"
h_use secondary
h_assert_eq "0 100 1688 kms1.corp.example.test." "$(h_dig +short _vlmcs._tcp.corp.example.test SRV)" \
	"SRV on the secondary"
# a change in the registry reaches the secondary by the module's NOTIFY
reg host add corp.example.test kms3.corp.example.test --priority 10 --weight 5 >/dev/null
has_kms3() { h_use secondary; h_dig +short _vlmcs._tcp.corp.example.test SRV | grep -q 'kms3.corp.example.test'; }
h_wait_until 10 has_kms3 || h_fail "secondary did not follow a registry change within 10 s (NOTIFY)"
h_wait_until 5 converged || h_fail "serials differ after the change"
h_assert_ok h_named_stop secondary

# --- (b2) the same primary, a secondary configured with the catalog only ---------
start_example secondary "$zones/dlz-catalog-secondary.named.conf" \
	"s|primaries { 127.0.0.1; }|primaries { 127.0.0.1 port $pri_port; }|"
[ "$(grep -c "primaries { 127.0.0.1 port $pri_port; }" "$H_TMP/secondary.conf")" -eq 2 ] ||
	h_fail "could not point the catalog secondary at port $pri_port"
h_wait_until 15 has_kms3 || h_fail "the catalog secondary does not serve corp.example.test"
served() { h_use secondary; h_dig +norec "$1" SOA | grep -q 'flags: qr aa'; }
if served branch.example.test; then h_fail "branch.example.test (--no-catalog) is on the catalog secondary"; fi
reg zone add new.example.test --ns ns1.new.example.test=127.0.0.1 \
	--allow-transfer 127.0.0.1 --notify "127.0.0.1#$sec_port" >/dev/null
h_wait_until 10 served new.example.test || h_fail "the catalog secondary did not add new.example.test within 10 s"
h_assert_ok h_named_stop secondary
h_assert_ok h_named_stop primary

# --- (c) native zones: TSIG and GSS-TSIG updates under the examples' policies ------
srv() { h_dig +short _vlmcs._tcp.example.test SRV | sort; }
cp "$zones/db.example.test.dynamic" "$lib/db.example.test"
start_example tsig "$zones/native-tsig.named.conf"
h_assert_ok h_nsupdate -k "$etc/kms1.key" <<'EOF2'
zone example.test
update add _vlmcs._tcp.example.test. 3600 IN SRV 0 100 1688 kms1.example.test.
send
EOF2
h_assert_fails h_nsupdate -k "$etc/kms1.key" <<'EOF2'
zone example.test
update add kms1.example.test. 3600 IN A 192.0.2.99
send
EOF2
# pub INSTANCE ARGS...: kmsdns-publish against named INSTANCE
pub() {
	local p
	p=$(h_named_port "$1") || return 2
	shift
	"$publish" --server "127.0.0.1#$p" --timeout 5000 "$@"
}
ns="127.0.0.1#$(h_named_port tsig)"
out=$(pub tsig --tsig-key "$etc/kms2.key" --host kms2.example.test --domain example.test,0,50 \
	--register-address --address 192.0.2.99) || h_fail "kmsdns-publish with kms2's TSIG key failed: $out"
h_assert_contains "$out" "example.test zone=example.test server=$ns action=added result=ok" \
	"kmsdns-publish with kms2's TSIG key"
h_assert_contains "$out" "kms2.example.test zone=example.test server=$ns action=updated result=not-allowed" \
	"kms2's A record refused by the policy, not a failure"
h_assert_eq "192.0.2.12" "$(h_dig +short kms2.example.test A)" "kms2's A record unchanged"
h_assert_eq "0 100 1688 kms1.example.test.
0 50 1688 kms2.example.test." "$(srv)" "SRV added with each host's TSIG key (nsupdate, kmsdns-publish)"
h_assert_ok h_named_stop tsig

h_require_cmd krb5kdc kdb5_util kadmin.local kinit klist
rm -f "$lib"/db.example.test*
cp "$zones/db.example.test.dynamic" "$lib/db.example.test"
h_kdc_start EXAMPLE.TEST
rm -f "$etc/dns.keytab" # the empty placeholder of the checkconf runs
h_kdc_principal DNS/ns1.example.test "$etc/dns.keytab" >/dev/null
h_kinit host/kms2.example.test "$(h_kdc_principal host/kms2.example.test)"
start_example gss "$zones/native-gss-tsig.named.conf"
h_assert_ok h_nsupdate -g <<'EOF2'
zone example.test
update add _vlmcs._tcp.example.test. 3600 IN SRV 0 50 1688 kms2.example.test.
send
EOF2
h_assert_fails h_nsupdate -g <<'EOF2'
zone example.test
update add _vlmcs._tcp.example.test. 3600 IN SRV 0 50 1688 kms1.example.test.
send
EOF2
h_assert_eq "0 50 1688 kms2.example.test." "$(srv)" "SRV added by GSS-TSIG, foreign target refused"
ns="127.0.0.1#$(h_named_port gss)"
kt1=$(h_kdc_principal host/kms1.example.test)
out=$(pub gss --gss --keytab "$kt1" --host kms1.example.test --domain example.test,0,100) ||
	h_fail "kmsdns-publish --gss as host/kms1 failed: $out"
h_assert_contains "$out" "example.test zone=example.test server=$ns action=added result=ok" \
	"kmsdns-publish --gss as host/kms1"
st=0
out=$(pub gss --gss --keytab "$kt1" --principal host/kms1.example.test@EXAMPLE.TEST \
	--host kms2.example.test --domain example.test,5,5) || st=$?
h_assert_eq 1 "$st" "exit status of kmsdns-publish --gss for another host's record: $out"
h_assert_contains "$out" "result=failed error=REFUSED windows=0x8007232D event=12293" \
	"kmsdns-publish --gss for another host's record"
h_assert_eq "0 100 1688 kms1.example.test.
0 50 1688 kms2.example.test." "$(srv)" "SRV added by GSS-TSIG (nsupdate, kmsdns-publish), foreign target refused"
# what clients of example.test find (192.0.2.x is not reachable: no probes)
st=0
out=$("$check" --suffix example.test --server "$ns" --no-probe --expect kms1.example.test \
	--expect kms2.example.test) || st=$?
h_assert_eq 0 "$st" "kmsdns-check exit status: $out"
h_assert_contains "$out" "kms1.example.test:1688  priority 0 weight 100" "kmsdns-check lists kms1"
h_assert_contains "$out" "kms2.example.test:1688  priority 0 weight 50" "kmsdns-check lists kms2"
h_assert_ok h_named_stop gss
exit 0
