#!/bin/bash
# Runs contrib/ansible/registry.yml with the real ansible-playbook against an
# empty registry made by this build's kmsdns-registry: check mode reports
# changes and changes nothing, the first run changes, the second reports
# changed=0 failed=0, the registry then holds what the playbook declares
# (checked with jq), the audit log names the user, and a setting changed
# outside the playbook is put back by the next run.
set -euo pipefail
# shellcheck source=harness.sh
. "$(cd "$(dirname "$0")" && pwd)/harness.sh"

h_require_cmd ansible-playbook jq
src=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${abs_top_builddir:-$src}
tool="$build/dlz_module/kmsdns-registry"
[ -x "$tool" ] || h_fail "kmsdns-registry not built: $tool"
playbook="$src/contrib/ansible/registry.yml"
# ansible-playbook is slow to start on a busy machine: three runs and a check.
export H_TEST_TIMEOUT=${H_TEST_TIMEOUT:-900}
h_init ansible

export PATH="$build/dlz_module:$PATH"
export KMSDNS_REGISTRY="$H_TMP/registry.db"
export HOME="$H_TMP/home" ANSIBLE_LOCAL_TEMP="$H_TMP/ansible-tmp"
export ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_FORCE_COLOR=0
export ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3
export SUDO_USER=ansible-test
mkdir -p "$HOME" "$ANSIBLE_LOCAL_TEMP"
kmsdns-registry init >/dev/null

# play [ANSIBLE-OPTIONS...]: run the playbook (bounded), print its recap line.
play() {
	local out="$H_TMP/play.$((++runs)).log"
	timeout 400 ansible-playbook -i localhost, -c local "$@" "$playbook" >"$out" 2>&1 ||
		h_fail "ansible-playbook $* failed: $(tail -n 30 "$out")"
	grep -E '^localhost +:' "$out" | tr -s ' '
}
runs=0

recap=$(play --check)
h_assert_contains "$recap" "changed=4 unreachable=0 failed=0" "check mode on an empty registry"
h_assert_eq "[]" "$(kmsdns-registry zone list --json)" "check mode changed nothing"
h_assert_eq "[]" "$(kmsdns-registry log --json)" "check mode logged nothing"

recap=$(play)
h_assert_contains "$recap" "changed=4 unreachable=0 failed=0" "first run"
recap=$(play)
h_assert_contains "$recap" "ok=7 changed=0 unreachable=0 failed=0" "second run"
recap=$(play --check)
h_assert_contains "$recap" "changed=0 unreachable=0 failed=0" "check mode on the provisioned registry"

# The registry holds what the playbook declares.
h_assert_eq "branch.example.test 600 ns1.corp.example.test
corp.example.test 3600 ns1.corp.example.test=192.0.2.53,ns2.corp.example.test=192.0.2.54 192.0.2.0/24 192.0.2.54#53" \
	"$(kmsdns-registry zone list --json | jq -r '.[] | [.zone, (.ttl|tostring),
		([.ns[] | .name + (if (.addresses|length) > 0 then "=" + (.addresses|join(",")) else "" end)] | join(","))]
		+ .allow_transfer + .notify | join(" ")')" "zones"
h_assert_eq "branch.example.test kms2.branch.example.test 10 0 1688  static 192.0.2.20,2001:db8::20
corp.example.test kms1.corp.example.test 0 10 1688 hq static 192.0.2.10" \
	"$(kmsdns-registry host list --json | jq -r '.[] | [.zone, .target, (.priority|tostring),
		(.weight|tostring), (.port|tostring), .site, .origin,
		([.addresses[].address] | join(","))] | join(" ")')" "hosts"
h_assert_eq "KMS1\$@EXAMPLE.TEST corp.example.test self
kms-admin-key branch.example.test any" \
	"$(kmsdns-registry grants --json | jq -r '.[] | [.identity, .zone, .scope] | join(" ")' | LC_ALL=C sort)" "grants"
h_assert_eq "hq 10.1.0.0/16,2001:db8:1::/48" \
	"$(kmsdns-registry site list --json | jq -r '.[] | .site + " " + (.prefixes | join(","))')" "sites"

# Every change is in the audit log, by the user who ran the playbook.
log=$(kmsdns-registry log --json)
h_assert_eq "7" "$(jq length <<<"$log")" "audit entries of the first run"
h_assert_eq "ansible-test" "$(jq -r '[.[].user] | unique | join(",")' <<<"$log")" "audit user"

# Drift: a setting changed behind the playbook's back is put back.
kmsdns-registry zone set corp.example.test --ttl 60 >/dev/null
recap=$(play)
h_assert_contains "$recap" "changed=1 unreachable=0 failed=0" "run after a drift"
h_assert_eq "3600" "$(kmsdns-registry zone list --json | jq '.[] | select(.zone == "corp.example.test") | .ttl')" \
	"the TTL is back"
h_assert_eq "3" "$(kmsdns-registry host list --json | jq '[.[].addresses[]] | length')" \
	"zone set kept the registrations"
h_log "ansible: check mode honest, first run changes, second changed=0, drift repaired"
