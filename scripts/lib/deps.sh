# deps.sh -- install the Debian 12 packages kmsdns needs to build and test.
# Sourced by scripts/test and scripts/demo. Installs only what is missing;
# when not root it prints the exact apt-get line and fails.

KD_DEB_PACKAGES="build-essential autoconf automake libtool pkg-config \
libldns-dev libkrb5-dev libsqlite3-dev libcmocka-dev sqlite3 \
bind9 bind9-dev bind9-utils bind9-dnsutils \
krb5-kdc krb5-admin-server krb5-user \
iproute2 procps man-db groff-base libssl-dev jq python3 dnsperf \
debhelper lintian knot prometheus samba-ad-dc samba-ad-provision \
ansible-core"

kd_missing_packages() {
	local pkg missing=()
	for pkg in "$@"; do
		if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
			missing+=("$pkg")
		fi
	done
	printf '%s\n' "${missing[@]}"
}

# kd_install_packages PKG... -- apt-get install what is missing, as root.
kd_install_packages() {
	local missing
	missing=$(kd_missing_packages "$@" | tr '\n' ' ')
	missing=${missing% }
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "kmsdns: missing Debian packages; as root run: apt-get install -y $missing" >&2
		return 1
	fi
	echo "kmsdns: installing Debian packages: $missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null || { echo "kmsdns: apt-get update failed" >&2; return 1; }
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
		{ echo "kmsdns: apt-get install -y $missing failed" >&2; return 1; }
}

# kd_require_root WHAT -- the integration tests start named and a KDC as root.
kd_require_root() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "kmsdns: $1 must run as root (it starts named and a Kerberos KDC on 127.0.0.1)" >&2
		return 1
	fi
}
