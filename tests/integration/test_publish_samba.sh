#!/bin/bash
# kmsdns-publish with GSS-TSIG against Active Directory DNS: a Samba AD DC
# (Debian samba-ad-dc, internal DNS, which signs like a Windows DNS server)
# provisioned by the test on a random 127.x.y.z address added to lo (its
# KDC and DNS use the standard ports there), stopped by PID. The machine
# account keytab a domain join writes (KMS1$ and host/kms1.ad.test):
# publish with the default principal, the answers' MIC over the request MAC
# without its length verified (reply_mac_layout "unprefixed-request-mac"),
# no TKEY-delete warning, idempotent rerun; once the KDC no longer knows
# host/kms1.ad.test the default falls back to KMS1$; a keytab with only
# host/ gets the KDC's own reason (exit 2).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=harness.sh
. "$here/harness.sh"

h_require_root
h_require_cmd samba samba-tool klist ip ss dig timeout python3
[ -d /usr/share/samba/setup/ad-schema ] || h_skip "samba-ad-provision is not installed (no AD schema to provision)"
PUBLISH=${abs_top_builddir:-$(cd "$here/../.." && pwd)/_build}/nsupdate_tool/kmsdns-publish
[ -x "$PUBLISH" ] || h_skip "kmsdns-publish not built ($PUBLISH)"
h_init publish_samba

pick_ip() {
	local ip
	for _ in 1 2 3 4 5 6 7 8; do
		ip="127.$((RANDOM % 200 + 20)).$((RANDOM % 250 + 1)).$((RANDOM % 250 + 1))"
		if ! ss -Hlntu | awk '{print $5}' | grep -q "^$ip:" &&
			! ip addr show dev lo | grep -qF " $ip/"; then
			echo "$ip"
			return 0
		fi
	done
	h_fail "no free 127/8 address"
}
IP=$(pick_ip)
trap 'rc=$?; set +e; ip addr del "$IP/32" dev lo 2>/dev/null; (exit $rc); h__cleanup' EXIT
ip addr add "$IP/32" dev lo || h_fail "cannot add $IP to lo"

D="$H_TMP/dc"
T0=$(date +%s)
timeout 300 samba-tool domain provision --targetdir="$D" --realm=AD.TEST --domain=ADTEST \
	--server-role=dc --dns-backend=SAMBA_INTERNAL --adminpass='Kms-Adm1n-Pass!' \
	--host-name=dc1 --host-ip="$IP" --option="interfaces=$IP" \
	--option="bind interfaces only=yes" >"$H_TMP/provision.log" 2>&1 ||
	{ tail -20 "$H_TMP/provision.log" >&2; h_fail "samba-tool domain provision failed"; }
h_log "provisioned AD.TEST in $(($(date +%s) - T0)) s"
# loopback only: no forwarder; logs in the test dir; only the KDC and DNS
sed -i -e '/dns forwarder/d' -e "s|log file = .*|log file = $D/log.%m|" \
	-e '/^\[global\]/a\	server services = kdc dns\n\tallow dns updates = secure only' \
	"$D/etc/smb.conf"
h_spawn samba "$H_TMP/samba.out" samba -i -M single -s "$D/etc/smb.conf"
up() { [ -n "$(ss -Hltn "sport = :53" | grep -F "$IP:53")" ] && [ -n "$(ss -Hltn "sport = :88" | grep -F "$IP:88")" ]; }
h_wait_until 60 up || { cat "$H_TMP/samba.out" >&2; h_fail "samba did not listen on $IP:53 and :88"; }

# a machine account as a domain join makes it, and its keytab
tool() { timeout 120 samba-tool "$@" -s "$D/etc/smb.conf" >>"$H_TMP/tool.log" 2>&1 || h_fail "samba-tool $1 $2 failed"; }
tool computer create KMS1 --service-principal-name=host/kms1.ad.test -H "tdb://$D/private/sam.ldb"
tool user setpassword 'KMS1$' --newpassword='Kms1-Machine-Pass!' -H "tdb://$D/private/sam.ldb"
KT="$H_TMP/kms1.keytab"
HOST_KT="$H_TMP/host-only.keytab"
tool domain exportkeytab "$KT" --principal='KMS1$'
tool domain exportkeytab "$KT" --principal=host/kms1.ad.test
tool domain exportkeytab "$HOST_KT" --principal=host/kms1.ad.test
klist -k "$KT" | grep -qF 'KMS1$@AD.TEST' || h_fail "no KMS1\$ in the keytab"

cat >"$H_TMP/krb5.conf" <<EOF
[libdefaults]
	default_realm = AD.TEST
	dns_lookup_kdc = false
	dns_lookup_realm = false
	rdns = false
	dns_canonicalize_hostname = false
	default_ccache_name = FILE:$H_TMP/ccache
[realms]
	AD.TEST = {
		kdc = $IP
	}
[domain_realm]
	.ad.test = AD.TEST
EOF
export KRB5_CONFIG="$H_TMP/krb5.conf"

pub() { # KEYTAB ARGS...: publish kms1.ad.test at the DC; $OUT, $ERR, $RC
	local kt=$1
	shift
	RC=0
	OUT=$(timeout 60 "$PUBLISH" --host kms1.ad.test --server "$IP#53" --gss --keytab "$kt" \
		--timeout 5000 --domain ad.test,0,100 "$@" 2>"$H_TMP/stderr") || RC=$?
	ERR=$(cat "$H_TMP/stderr")
	printf '%s\n' "$OUT" "$ERR" | sed 's/^/  | /' >&2
}
srv() { timeout 10 dig +tcp +time=3 +tries=1 @"$IP" +short _vlmcs._tcp.ad.test SRV | sort; }

pub "$KT" --json
h_assert_eq 0 "$RC" "publish to AD DNS: exit status"
h_assert_eq "" "$ERR" "publish to AD DNS: stderr (the TKEY delete verified too)"
printf '%s\n' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)["domains"][0]
assert d["action"] == "added" and d["result"] == "ok", d
assert d["reply_mac_layout"] == "unprefixed-request-mac", d
' || h_fail "the AD DNS answer verified through the second layout"
h_assert_eq "0 100 1688 kms1.ad.test." "$(srv)" "the SRV record in AD DNS"
pub "$KT"
h_assert_contains "$OUT" "ad.test zone=ad.test server=$IP#53 action=unchanged result=ok" "rerun against AD DNS"

# the KDC stops knowing host/kms1.ad.test: the default principal is KMS1$
tool spn delete host/kms1.ad.test 'KMS1$' -H "tdb://$D/private/sam.ldb"
pub "$KT" --withdraw
h_assert_eq 0 "$RC" "withdraw as KMS1\$: exit status"
h_assert_eq "" "$ERR" "withdraw as KMS1\$: stderr"
h_assert_contains "$OUT" "ad.test zone=ad.test server=$IP#53 action=withdrawn result=ok" "withdraw as KMS1\$"
h_assert_eq "" "$(srv)" "the SRV record after withdraw"
# only host/ in the keytab: the KDC's reason, exit 2, nothing sent
pub "$HOST_KT"
h_assert_eq 2 "$RC" "host/ only: exit status"
h_assert_contains "$ERR" "host/kms1.ad.test@AD.TEST: Client 'host/kms1.ad.test@AD.TEST' not found in Kerberos database" "the KDC's reason"
h_assert_contains "$ERR" 'KMS1$: not in the keytab' "the machine account tried too"

h_assert_ok h_stop samba
h_log "publish_samba: AD DNS answers verified (second layout), default principal host/ then KMS1\$"
