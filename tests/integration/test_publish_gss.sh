#!/bin/bash
# kmsdns-publish with GSS-TSIG against a real MIT KDC and named, under
# `grant EXAMPLE.TEST krb5-subdomain-self-rhs _vlmcs._tcp.ZONE. SRV`:
# credentials from a keytab (no kinit), 3 domains on one server with ONE
# negotiation, verified TKEY/answers, TKEY delete at the end, idempotence,
# a changed weight, a foreign target (REFUSED), a clock skew (BADTIME
# corrected), an unknown server principal, withdraw; the default client
# principal of a keytab as an AD join writes it (host/FQDN refused by the
# KDC, SHORTNAME$ used) and the KDC's own reason when none works.
set -euo pipefail
# shellcheck source=harness.sh
. "$(cd "$(dirname "$0")" && pwd)/harness.sh"

h_require_root
h_require_cmd named named-checkconf dig krb5kdc kdb5_util kadmin.local klist ss timeout python3
PUBLISH=${abs_top_builddir:-$(cd "$(dirname "$0")/../.." && pwd)/_build}/nsupdate_tool/kmsdns-publish
[ -x "$PUBLISH" ] || h_skip "kmsdns-publish not built ($PUBLISH)"
h_init publish_gss

h_kdc_start EXAMPLE.TEST
NS=$(h_named_dir ns1)
PORT=$(h_named_port ns1)
h_kdc_principal DNS/ns1.example.test "$NS/dns.keytab" >/dev/null
HOST_KT=$(h_kdc_principal host/kms1.example.test)
# no ticket cache: the publisher must get its TGT from the keytab itself
rm -f "$H_TMP/ccache"

for z in a.test b.test c.test d.test; do
	cat >"$NS/$z.db" <<EOF
\$TTL 300
@               IN SOA ns1.example.test. hostmaster.$z. ( 1 3600 600 86400 300 )
                IN NS  ns1.example.test.
_vlmcs._tcp     IN SRV 0 100 1688 kms0.$z.
EOF
done
{
	for z in a.test b.test c.test; do
		echo "zone \"$z\" { type primary; file \"$z.db\"; update-policy {"
		echo "	grant EXAMPLE.TEST krb5-subdomain-self-rhs _vlmcs._tcp.$z. SRV; }; };"
	done
	echo "zone \"d.test\" { type primary; file \"d.test.db\"; update-policy {"
	echo "	grant KMS5\$@EXAMPLE.TEST name _vlmcs._tcp.d.test. SRV; }; };"
} >"$H_TMP/zones.conf"
H_NAMED_OPTIONS="	tkey-gssapi-keytab \"$NS/dns.keytab\";" h_named_start ns1 "$H_TMP/zones.conf"

pub() { # ARGS...: output in $OUT, stderr in $ERR, status in $RC
	RC=0
	OUT=$(timeout 60 "$PUBLISH" --host kms1.example.test --server "127.0.0.1#$PORT" \
		--gss --keytab "$HOST_KT" --timeout 3000 "$@" 2>"$H_TMP/stderr") || RC=$?
	ERR=$(cat "$H_TMP/stderr")
	printf '%s\n' "$OUT" "$ERR" | sed 's/^/  | /' >&2
}
srv() { h_dig +short "_vlmcs._tcp.$1" SRV | sort; }
serial() { h_dig +short "$1" SOA | awk '{print $3}'; }
json_check() { # PYTHON-EXPRESSIONS over doc
	printf '%s\n' "$OUT" | python3 -c "
import json, sys
doc = json.load(sys.stdin)
$1
" || h_fail "JSON check failed: $1"
}
DOMAINS=(--domain a.test,0,100 --domain b.test,10,50 --domain c.test,20,0)

# --- publish to 3 domains: one negotiation for the server --------------------
pub --json "${DOMAINS[@]}"
h_assert_eq 0 "$RC" "GSS publish exit status"
h_assert_eq "" "$ERR" "GSS publish stderr (a failed TKEY delete warns there)"
json_check '
assert doc["auth"] == "gss" and doc["gss_negotiations"] == 1, doc
assert [d["action"] for d in doc["domains"]] == ["added"] * 3, doc
assert all(d["result"] == "ok" and d["updates_sent"] == 1 for d in doc["domains"]), doc'
h_assert_eq "0 100 1688 kms0.a.test.
0 100 1688 kms1.example.test." "$(srv a.test)" "a.test RRset"
h_assert_eq "0 100 1688 kms0.b.test.
10 50 1688 kms1.example.test." "$(srv b.test)" "b.test RRset"
h_assert_eq "0 100 1688 kms0.c.test.
20 0 1688 kms1.example.test." "$(srv c.test)" "c.test RRset"
h_assert_eq 3 "$(grep -c 'host/kms1.example.test\\@EXAMPLE.TEST: updating zone' "$NS/named.log")" \
	"updates signed by the host principal"
[ ! -e "$H_TMP/ccache" ] || h_fail "the publisher wrote the default ccache (kinit-like side effect)"

# --- second run: unchanged, nothing sent, no negotiation ---------------------
S1="$(serial a.test) $(serial b.test) $(serial c.test)"
pub --json "${DOMAINS[@]}"
h_assert_eq 0 "$RC" "second GSS run"
json_check '
assert doc["gss_negotiations"] == 0, doc
assert [d["action"] for d in doc["domains"]] == ["unchanged"] * 3, doc'
h_assert_eq "$S1" "$(serial a.test) $(serial b.test) $(serial c.test)" "serials after an unchanged run"

# --- changed weight: only our record, the other host's stays -----------------
pub --domain a.test,0,70 --domain b.test,10,50
h_assert_eq 0 "$RC" "weight change"
h_assert_contains "$OUT" "a.test zone=a.test server=127.0.0.1#$PORT action=updated result=ok" "a.test updated"
h_assert_contains "$OUT" "b.test zone=b.test server=127.0.0.1#$PORT action=unchanged result=ok" "b.test unchanged"
h_assert_eq "0 100 1688 kms0.a.test.
0 70 1688 kms1.example.test." "$(srv a.test)" "a.test after weight change"

# --- clock skew: the signed BADTIME answer corrects our offset once ----------
RC=0
OUT=$(KMSDNS_PUBLISH_CLOCK_OFFSET=5000 timeout 60 "$PUBLISH" --host kms1.example.test \
	--server "127.0.0.1#$PORT" --gss --keytab "$HOST_KT" --domain c.test,25,0 --json \
	2>"$H_TMP/stderr") || RC=$?
printf '%s\n' "$OUT" | sed 's/^/  | /' >&2
h_assert_eq 0 "$RC" "GSS publish with a skewed clock"
# the TKEY delete at the end is signed with the corrected clock too
h_assert_eq "" "$(cat "$H_TMP/stderr")" "stderr with a skewed clock"
json_check '
d = doc["domains"][0]
assert d["action"] == "updated" and d["updates_sent"] == 2, d'
grep -q "tsig verify failure (BADTIME)" "$NS/named.log" || h_fail "named saw no BADTIME"

# --- a target that is not ours: krb5-subdomain-self-rhs refuses --------------
RC=0
OUT=$(timeout 60 "$PUBLISH" --host kms2.example.test --principal host/kms1.example.test \
	--server "127.0.0.1#$PORT" --gss --keytab "$HOST_KT" --domain b.test 2>&1) || RC=$?
printf '%s\n' "$OUT" | sed 's/^/  | /' >&2
h_assert_eq 1 "$RC" "foreign target exit status"
h_assert_contains "$OUT" "b.test zone=b.test server=127.0.0.1#$PORT action=added result=failed error=REFUSED windows=0x8007232D event=12293" "foreign target refused"

# --- a server principal the KDC does not know ---------------------------------
pub --server-principal DNS/nsx.example.test@EXAMPLE.TEST --domain b.test,1,1 --domain c.test,1,1 --json
h_assert_eq 1 "$RC" "unknown server principal exit status"
json_check '
assert doc["gss_negotiations"] == 1, doc    # not tried again per zone
assert [d["error"] for d in doc["domains"]] == ["gss", "gss"], doc
assert all("DNS/nsx.example.test@EXAMPLE.TEST" in d["detail"] for d in doc["domains"]), doc'
pub --server-principal DNS/nsx.example.test@EXAMPLE.TEST --domain b.test,1,1
h_assert_contains "$OUT" "error=gss" "unknown server principal (text)"
# a keytab without the principal: a usage error before anything is sent
pub --principal host/nobody.example.test --domain b.test
h_assert_eq 2 "$RC" "credentials error exit status"
h_assert_contains "$ERR" "host/nobody.example.test" "credentials error names the principal"

# --- the default client principal: host/FQDN, then SHORTNAME$ -----------------
# a keytab as a domain join writes it: KMS5$ and a host/ entry the KDC
# refuses (an AD KDC knows host/ names only as SPNs of the machine account)
JOIN_KT="$H_TMP/join.keytab"
h_kdc_principal 'KMS5$' "$JOIN_KT" >/dev/null
h_kdc_principal host/kms5.example.test "$JOIN_KT" >/dev/null
kadmin.local -r EXAMPLE.TEST -q "delprinc -force host/kms5.example.test" >/dev/null 2>&1 ||
	h_fail "kadmin delprinc failed"
pub_join() { # publish kms5 from $JOIN_KT, no --principal; $OUT, $RC
	RC=0
	OUT=$(timeout 60 "$PUBLISH" --host kms5.example.test --server "127.0.0.1#$PORT" --gss \
		--keytab "$JOIN_KT" --timeout 3000 --domain d.test,0,5 2>&1) || RC=$?
	printf '%s\n' "$OUT" | sed 's/^/  | /' >&2
}
pub_join
h_assert_eq 0 "$RC" "machine account publish: exit status"
h_assert_contains "$OUT" "d.test zone=d.test server=127.0.0.1#$PORT action=added result=ok" "machine account publish"
# (named escapes the key name: KMS5\$\@EXAMPLE.TEST)
grep -qF '/key KMS5\$\@EXAMPLE.TEST: updating zone '"'"'d.test/IN'"'"': adding an RR' "$NS/named.log" ||
	h_fail "named did not log the UPDATE signed by KMS5\$@EXAMPLE.TEST"
# neither works: the KDC's reason for each, exit 2, nothing sent
kadmin.local -r EXAMPLE.TEST -q "ktremove -k $JOIN_KT KMS5\$@EXAMPLE.TEST all" >/dev/null 2>&1 ||
	h_fail "kadmin ktremove failed"
pub_join
h_assert_eq 2 "$RC" "no usable principal: exit status"
h_assert_contains "$OUT" "no Kerberos login from keytab $JOIN_KT (host/kms5.example.test@EXAMPLE.TEST: Client 'host/kms5.example.test@EXAMPLE.TEST' not found in Kerberos database; KMS5\$: not in the keytab)" "the KDC's reason"

# --- short-lived tickets: a context about to end is renegotiated -------------
# named keeps a GSS key no longer than the ticket lives; with 30 s service
# tickets every context is within the 60 s renewal margin, so each zone
# gets a new one, and all of them are deleted at the end.
kadmin.local -r EXAMPLE.TEST -q "modprinc -maxlife 30sec DNS/ns1.example.test" >/dev/null 2>&1 ||
	h_fail "kadmin modprinc failed"
pub --jobs 1 --refresh --json "${DOMAINS[@]}"
h_assert_eq 0 "$RC" "publish with short-lived tickets"
h_assert_eq "" "$ERR" "stderr with short-lived tickets (TKEY deletes)"
json_check '
assert doc["gss_negotiations"] == 3, doc
assert [d["action"] for d in doc["domains"]] == ["updated", "refreshed", "updated"], doc
assert all(d["result"] == "ok" and d["updates_sent"] == 1 for d in doc["domains"]), doc'
kadmin.local -r EXAMPLE.TEST -q "modprinc -maxlife 1day DNS/ns1.example.test" >/dev/null 2>&1 ||
	h_fail "kadmin modprinc failed"
pub --jobs 1 --refresh --json "${DOMAINS[@]}"
json_check '
assert doc["gss_negotiations"] == 1, doc'

# --- withdraw: ours only ------------------------------------------------------
pub --withdraw "${DOMAINS[@]}"
h_assert_eq 0 "$RC" "GSS withdraw"
h_assert_eq "0 100 1688 kms0.a.test." "$(srv a.test)" "a.test after withdraw"
h_assert_eq "0 100 1688 kms0.b.test." "$(srv b.test)" "b.test after withdraw"
h_assert_eq "0 100 1688 kms0.c.test." "$(srv c.test)" "c.test after withdraw"

h_assert_ok h_named_stop ns1
exit 0
