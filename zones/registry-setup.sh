#!/bin/bash
# registry-setup.sh -- create the kmsdns registry that the DLZ examples
# (dlz-kmsdns.named.conf, dlz-hidden-primary.named.conf) serve.
#
# Use it as a template for provisioning (shell, Ansible, CI): every step is
# one kmsdns-registry command, and a failed command changes nothing.  Run it
# as root before starting named; it leaves the registry owned by bind.
#
#   KMSDNS_REGISTRY  the registry (default /var/lib/bind/kmsdns/registry.db)
#   SECONDARY        address[#port] of the secondary that gets NOTIFY and
#                    may transfer corp.example.test (default 192.0.2.54)
#   KMSDNS_OWNER     owner of the registry files (default bind:bind if that
#                    user exists; empty: leave as is)
set -euo pipefail
db=${KMSDNS_REGISTRY:-/var/lib/bind/kmsdns/registry.db}
secondary=${SECONDARY:-192.0.2.54}
if [ -z "${KMSDNS_OWNER+set}" ] && id bind >/dev/null 2>&1; then
	KMSDNS_OWNER=bind:bind
fi
reg() { kmsdns-registry --db "$db" "$@"; }

dir=$(dirname "$db")
created_dir=
if [ ! -d "$dir" ]; then mkdir -p "$dir" && created_dir=$dir; fi
reg init

# corp.example.test: its SOA MNAME is the (hidden) primary, where KMS hosts
# send their updates; its NS is the secondary clients ask.
reg zone add corp.example.test \
	--soa-mname primary.corp.example.test \
	--ns ns1.corp.example.test="${secondary%%#*}" \
	--ttl 3600 \
	--allow-transfer "${secondary%%#*}" \
	--notify "$secondary"
# branch.example.test: served by this server alone (so not in the catalog).
reg zone add branch.example.test --ns ns1.branch.example.test=192.0.2.53 \
	--no-catalog
# The catalog zone: secondaries configured with it alone
# (dlz-catalog-secondary.named.conf) add and remove the member zones.
reg catalog set catalog.example.test \
	--allow-transfer "${secondary%%#*}" \
	--notify "$secondary"

# A host registered by the admin: never ages out.
reg host add corp.example.test kms1.corp.example.test \
	--port 1688 --priority 0 --weight 100 --address 192.0.2.11

# Who may publish by dynamic update:
#  - every Kerberos host of the realm, each only its own record (GSS-TSIG);
#  - the TSIG key of kms-publish.example.test, any record of the zone.
for zone in corp.example.test branch.example.test; do
	reg grant '*@EXAMPLE.TEST' --zone "$zone" self
	reg grant kms-publish.example.test --zone "$zone" any
done

reg zone list
reg catalog show
reg grants
if [ -n "${KMSDNS_OWNER:-}" ]; then
	# named (user bind) writes dynamic updates into the registry, and SQLite
	# creates its -wal/-shm files beside it: bind needs the directory too.
	chown "$KMSDNS_OWNER" "$db"
	for f in "$db-wal" "$db-shm" $created_dir; do
		[ ! -e "$f" ] || chown "$KMSDNS_OWNER" "$f"
	done
fi
