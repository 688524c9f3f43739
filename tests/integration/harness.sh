# shellcheck shell=bash
# shellcheck disable=SC2034 # H_* globals are for the test scripts
# kmsdns integration test harness: a bash library, sourced by test scripts.
#
#   #!/bin/bash
#   set -euo pipefail
#   . "$(cd "$(dirname "$0")" && pwd)/harness.sh"
#   h_require_root
#   h_require_cmd named dig
#   h_init my_test
#   h_named_start ns1 - <<EOF
#   zone "example.test" { type primary; file "example.test.db"; };
#   EOF
#   h_assert_eq "127.0.0.1" "$(h_dig +short ns1.example.test A)"
#
# Everything runs on 127.0.0.1 only, inside one temp dir per test ($H_TMP),
# and every wait is bounded.  Processes started through the harness are
# stopped by PID when the test exits (normally, on failure, on INT/TERM); the
# temp dir is then removed (kept when KEEP_TMP=1).  When the test fails, the
# logs of all named instances and of the KDC are printed to stderr first.
#
# Functions never rely on `set -e` (bash disables it inside `if f; then` and
# `f || ...`): each checks its own steps and calls h_fail or returns non-zero.
#
# Tunables (environment):
#   KEEP_TMP=1            keep the temp dir (its path is printed)
#   TMPDIR                parent of the temp dir (default /tmp)
#   H_TEST_TIMEOUT=300    whole-test watchdog in seconds (0 = off): SIGTERM to the test
#   H_START_TIMEOUT=15    seconds to wait for named/KDC to come up
#   H_STOP_TIMEOUT=10     seconds to wait after SIGTERM before SIGKILL
#   H_PORT_MIN/H_PORT_MAX port range for h_free_port (default 20000..32767,
#                         kept below the kernel's ephemeral range)
#   H_LOG_LINES=300       lines of each log printed on failure (0 = whole log)
#   H_NAMED_PRELOAD       LD_PRELOAD for named processes (e.g. libasan.so)
#   H_NAMED_OPTIONS       extra text inserted in named.conf's options { } block
#   H_NAMED_ARGS          extra named command-line arguments (e.g. "-d 5")
#   H_NAMED_SEVERITY=info severity of named's log channel (e.g. debug 3)
#   H_VERBOSE=1           echo h_dig/h_nsupdate commands to stderr

# ---------------------------------------------------------------------------
# Internal state.  Per-instance state lives in files under $H_TMP, so helper
# calls made in command substitutions ($(...), i.e. subshells) are not lost.
H_TMP=""          # the test's temp dir
H_NAME=""         # test name given to h_init
H_CUR=""          # current named instance (used by h_dig / h_nsupdate)
H_REALM=""        # Kerberos realm once h_kdc_start ran
H_KDC_PORT=""     # KDC port once h_kdc_start ran
H__T0=$SECONDS
H__WATCHDOG=""
# sbin dirs hold named, krb5kdc, kdb5_util, tsig-keygen
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH=$PATH:/usr/sbin:/sbin ;; esac
export PATH

# h_log MSG...: print an informational line (to stderr, with elapsed seconds).
h_log() {
	printf '# [%3ds] %s\n' "$((SECONDS - H__T0))" "$*" >&2
}

# h_fail MSG...: print "FAIL: MSG" (and the caller's location) and exit 1.
# Inside $(...) it only ends the subshell; the failed substitution then
# fails the assignment, which ends a test running under `set -e`.
h_fail() {
	local i=1
	printf 'FAIL: %s\n' "$*" >&2
	# report the innermost caller outside this library
	while [ "$i" -lt "${#BASH_SOURCE[@]}" ] && [ "${BASH_SOURCE[$i]}" = "${BASH_SOURCE[0]}" ]; do
		i=$((i + 1))
	done
	[ "$i" -lt "${#BASH_SOURCE[@]}" ] || i=1
	printf '      at %s:%s\n' "${BASH_SOURCE[$i]##*/}" "${BASH_LINENO[$((i - 1))]}" >&2
	exit 1
}

# h_skip REASON: skip the test (automake exit code 77) with a one-line reason.
h_skip() {
	printf 'SKIP: %s\n' "$*" >&2
	exit 77
}

# h_require_root: skip unless running as root (named/KDC setup needs it).
h_require_root() {
	[ "$(id -u)" -eq 0 ] || h_skip "needs root"
}

# h_require_cmd CMD...: skip unless every CMD is found in PATH (or sbin dirs).
h_require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || h_skip "missing tool: $c"
	done
}

# h_init NAME: create the test's temp dir ($H_TMP), install the cleanup trap,
# keep Kerberos state (ccache, replay cache, default keytab) inside it and
# start the whole-test watchdog.  Call once, before any other h_* helper
# that starts something.
h_init() {
	[ -z "$H_TMP" ] || h_fail "h_init called twice"
	H_NAME=${1:?h_init NAME}
	H_TMP=$(mktemp -d "${TMPDIR:-/tmp}/kmsdns-it-$H_NAME.XXXXXX") || h_fail "mktemp failed"
	mkdir -p "$H_TMP/pids" "$H_TMP/rcache" || h_fail "cannot populate $H_TMP"
	: >"$H_TMP/ports"
	trap 'h__cleanup' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
	export KRB5CCNAME="FILE:$H_TMP/ccache"
	export KRB5RCACHEDIR="$H_TMP/rcache"
	export KRB5_KTNAME="FILE:$H_TMP/default.keytab"
	export KRB5_CLIENT_KTNAME="FILE:$H_TMP/default_client.keytab"
	H__T0=$SECONDS
	local t=${H_TEST_TIMEOUT:-300} me=$$
	if [ "$t" -gt 0 ]; then
		# Bounded whole test: SIGTERM the test (=> normal cleanup) after $t s.
		(
			trap 'kill "$sp" 2>/dev/null; wait "$sp"; exit 0' TERM
			sleep "$t" 3>&- & sp=$!
			wait "$sp" && { echo "FAIL: watchdog: test ran longer than ${t}s" >&3; kill -TERM "$me"; }
			exit 0
		) 3>&2 </dev/null >/dev/null 2>&1 &
		H__WATCHDOG=$!
	fi
	h_log "test $H_NAME: temp dir $H_TMP"
}

# h__cleanup: EXIT trap; stops everything, dumps logs on failure, removes $H_TMP.
h__cleanup() {
	local rc=$? f label
	set +e
	# finish the cleanup even if signalled again (it is bounded)
	trap - EXIT
	trap '' INT TERM HUP
	# no `wait` here: inside a trap that interrupted `wait`, bash may block
	# forever waiting for a child that has already exited
	[ -n "$H__WATCHDOG" ] && kill "$H__WATCHDOG" 2>/dev/null
	if [ -n "$H_TMP" ] && [ -d "$H_TMP" ]; then
		# stop named instances first (they may talk to the KDC), then the rest
		for f in "$H_TMP"/pids/named-*.pid "$H_TMP"/pids/*.pid; do
			[ -f "$f" ] || continue
			label=${f##*/}; label=${label%.pid}
			h_stop "$label" >/dev/null 2>&1
		done
		if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
			h_dump_logs
		fi
		while read -r f; do
			[ -n "$f" ] && rm -f "$(h__port_lock "$f")"
		done <"$H_TMP/ports"
		if [ "${KEEP_TMP:-0}" = 1 ]; then
			echo "# KEEP_TMP=1: kept $H_TMP" >&2
		else
			rm -rf "$H_TMP"
		fi
	fi
	case $rc in
	0) h_log "test $H_NAME: PASS" ;;
	77) h_log "test $H_NAME: SKIP" ;;
	*) h_log "test $H_NAME: FAIL (exit $rc)" ;;
	esac
	exit "$rc"
}

# h_dump_logs: print the logs of every named instance and of the KDC to stderr
# (last $H_LOG_LINES lines of each).  Called automatically when a test fails.
h_dump_logs() {
	local f n=${H_LOG_LINES:-300}
	for f in "$H_TMP"/*/named.log "$H_TMP"/*/named.stderr "$H_TMP"/*/asan.* \
		"$H_TMP"/kdc/kdc.log "$H_TMP"/kdc/krb5kdc.stderr "$H_TMP"/*.stderr; do
		[ -s "$f" ] || continue
		echo "----- ${f#"$H_TMP"/} -----" >&2
		if [ "$n" -gt 0 ]; then tail -n "$n" "$f" >&2; else cat "$f" >&2; fi
	done
	echo "----- end of logs -----" >&2
}

# ---------------------------------------------------------------------------
# Processes

# h_spawn LABEL LOGFILE CMD...: start CMD in the background (stdin /dev/null,
# stdout+stderr appended to LOGFILE) and register it as LABEL, so that
# h_stop LABEL and the exit trap stop it.  Prints nothing.
h_spawn() {
	local label=${1:?h_spawn LABEL LOGFILE CMD...} log=${2:?h_spawn LABEL LOGFILE CMD...}
	shift 2
	[ -n "$H_TMP" ] || h_fail "h_spawn before h_init"
	[ ! -f "$H_TMP/pids/$label.pid" ] || h_fail "process '$label' already running"
	"$@" </dev/null >>"$log" 2>&1 &
	h__register "$label" $!
}

# h__register LABEL PID: record PID and its start time in $H_TMP/pids/LABEL.pid
# (internal).  The start time survives exec and guards against PID reuse.
h__register() {
	echo "$2 $(h__starttime "$2")" >"$H_TMP/pids/$1.pid"
}

# h__starttime PID: print the start time of PID (field 22 of /proc/PID/stat).
h__starttime() {
	local s
	s=$(cat "/proc/$1/stat" 2>/dev/null) || { echo -; return 0; }
	s=${s##*) }
	read -r -a s <<<"$s"
	echo "${s[19]:--}"
}

# h_pid LABEL: print the PID of process LABEL (fails if not running/registered).
h_pid() {
	local f="$H_TMP/pids/${1:?h_pid LABEL}.pid" pid st
	[ -f "$f" ] || return 1
	read -r pid st <"$f"
	echo "$pid"
}

# h_alive PID: true if PID exists and is not a zombie.
h_alive() {
	local s
	s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	s=${s##*) }
	case ${s:0:1} in Z | X | "") return 1 ;; esac
	return 0
}

# h_stop LABEL: stop process LABEL: SIGTERM, wait up to $H_STOP_TIMEOUT s
# (default 10), then SIGKILL.  Returns 0 if it exited with status 0 (or died
# of the SIGTERM), 1 otherwise (crash, non-zero exit, needed SIGKILL).  The exit
# status is saved in $H_TMP/pids/LABEL.status.
h_stop() {
	local label=${1:?h_stop LABEL} f pid st0 i n st=0 killed=0
	f="$H_TMP/pids/$label.pid"
	[ -f "$f" ] || return 0
	read -r pid st0 <"$f"
	rm -f "$f"
	# only signal the process we started (same start time: no PID reuse)
	if h_alive "$pid" && [ "$(h__starttime "$pid")" = "$st0" ]; then
		kill -TERM "$pid" 2>/dev/null
		n=$(( ${H_STOP_TIMEOUT:-10} * 10 ))
		for ((i = 0; i < n; i++)); do
			h_alive "$pid" || break
			sleep 0.1
		done
		if h_alive "$pid"; then
			echo "WARNING: $label (pid $pid) ignored SIGTERM for ${H_STOP_TIMEOUT:-10}s: SIGKILL" >&2
			kill -KILL "$pid" 2>/dev/null
			killed=1
			for ((i = 0; i < 50; i++)); do h_alive "$pid" || break; sleep 0.1; done
		fi
	fi
	# reap and get the exit status (only possible in the shell that started it)
	wait "$pid" 2>/dev/null || st=$?
	[ "$st" -eq 127 ] && st=0 # not a child of this shell: status unknown
	[ "$st" -eq 143 ] && [ "$killed" -eq 0 ] && st=0 # died of our SIGTERM
	echo "$st" >"$H_TMP/pids/$label.status"
	if [ "$killed" -eq 1 ] || [ "$st" -ne 0 ]; then
		echo "WARNING: $label (pid $pid) exit status $st$([ "$killed" -eq 1 ] && echo ' (SIGKILLed)')" >&2
		return 1
	fi
	return 0
}

# h_wait_until TIMEOUT_S CMD...: run CMD every 0.1 s until it succeeds;
# returns 0 then, 1 after TIMEOUT_S seconds (CMD output is discarded).
h_wait_until() {
	local t=${1:?h_wait_until TIMEOUT_S CMD...} end
	shift
	end=$(($(date +%s%N) / 1000000 + ${t%.*} * 1000))
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ "$(($(date +%s%N) / 1000000))" -ge "$end" ] && return 1
		sleep 0.1
	done
}

# ---------------------------------------------------------------------------
# Ports

# h__port_lock PORT: path of the cross-test lock file of PORT (internal).
h__port_lock() {
	echo "${H_PORT_LOCK_DIR:-/tmp}/kmsdns-it-port-$1.lock"
}

# h_port_in_use PORT: true if any TCP or UDP socket (any state, any address,
# IPv4 or IPv6) uses local port PORT.
h_port_in_use() {
	[ -n "$(ss -Htuan "sport = :$1" 2>/dev/null)" ]
}

# h_port_listening PORT: true if a TCP listener or a bound UDP socket uses
# local port PORT (ignores TIME_WAIT etc., so an instance can be restarted).
h_port_listening() {
	[ -n "$(ss -Htuln "sport = :$1" 2>/dev/null)" ]
}

# h_free_port: print a random port in [H_PORT_MIN, H_PORT_MAX] that no TCP or
# UDP socket uses and no other test has reserved; reserve it (a lock file,
# removed at exit) so that later calls in any test don't return it again.
# Needed because named sets SO_REUSEPORT: a second named on a busy port
# would start fine and silently share the traffic.  50 tries at most.
h_free_port() {
	local lo=${H_PORT_MIN:-20000} hi=${H_PORT_MAX:-} eph p lock owner i
	if [ -z "$hi" ]; then
		read -r eph _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || eph=32768
		hi=$((eph - 1))
		[ "$hi" -gt 32767 ] && hi=32767
	fi
	[ "$hi" -ge "$lo" ] || h_fail "h_free_port: empty range $lo..$hi"
	[ -n "$H_TMP" ] || h_fail "h_free_port before h_init"
	for ((i = 0; i < 50; i++)); do
		p=$((lo + (RANDOM * 32768 + RANDOM) % (hi - lo + 1)))
		lock=$(h__port_lock "$p")
		if [ -e "$lock" ]; then
			owner=$(cat "$lock" 2>/dev/null)
			# stale lock of a test that died without cleanup?
			if [ -n "$owner" ] && ! kill -0 "$owner" 2>/dev/null; then
				rm -f "$lock"
			else
				continue
			fi
		fi
		h_port_in_use "$p" && continue
		# atomic O_EXCL create
		(set -o noclobber; echo $$ >"$lock") 2>/dev/null || continue
		if h_port_in_use "$p"; then rm -f "$lock"; continue; fi
		echo "$p" >>"$H_TMP/ports"
		echo "$p"
		return 0
	done
	h_fail "h_free_port: no free port in $lo..$hi after 50 tries"
}

# ---------------------------------------------------------------------------
# named

# h_named_dir NAME: create (if needed) and print instance NAME's directory
# ($H_TMP/NAME): named's working directory, relative file names in its
# named.conf are relative to it; put zone files and keytabs there.
h_named_dir() {
	local n=${1:?h_named_dir NAME}
	[ -n "$H_TMP" ] || h_fail "h_named_dir before h_init"
	case $n in *[!A-Za-z0-9_-]*) h_fail "bad instance name '$n'" ;; esac
	mkdir -p "$H_TMP/$n" || h_fail "mkdir $H_TMP/$n"
	echo "$H_TMP/$n"
}

# h_named_port NAME: print instance NAME's DNS port, choosing a free one on
# first use (so a primary's config can name its secondary's port before
# either is started).
h_named_port() {
	local d
	d=$(h_named_dir "${1:?h_named_port NAME}") || exit 1
	if [ ! -s "$d/port" ]; then
		h_free_port >"$d/port" || h_fail "no free port for $1"
	fi
	cat "$d/port"
}

# h_named_conf NAME: print the path of instance NAME's named.conf.
h_named_conf() {
	echo "$(h_named_dir "${1:?h_named_conf NAME}")/named.conf"
}

# h_named_start NAME [FRAGMENT...]: write named.conf for instance NAME,
# check it with named-checkconf -z, start `named -f` on 127.0.0.1 port
# $(h_named_port NAME), wait (bounded) until it answers and its zones are
# loaded (it logged "running"; keep H_NAMED_SEVERITY at notice or lower),
# check that no other process shares its port, and make it the current
# instance (see h_use).  Fails, printing named's log, if named exits early
# or is not ready within $H_START_TIMEOUT s.  Can restart a stopped instance
# (same port).
#   FRAGMENT: files whose text is appended after the options/controls/logging
#   statements (zones, keys, dlz, include ...); "-" means stdin (heredoc).
#   $H_NAMED_OPTIONS: extra text inside options { }.
#   $H_NAMED_PRELOAD: LD_PRELOAD for named.  $H_NAMED_ARGS: extra arguments.
# named runs with the test's KRB5_CONFIG/KRB5RCACHEDIR/KRB5_KTNAME; its log
# is NAME/named.log, its stdout/stderr NAME/named.stderr.
h_named_start() {
	local n=${1:?h_named_start NAME [FRAGMENT...]} d port conf f pid i n10 label l0
	shift
	d=$(h_named_dir "$n") || exit 1
	port=$(h_named_port "$n") || exit 1
	conf="$d/named.conf"
	label="named-$n"
	cat >"$conf" <<EOF || h_fail "cannot write $conf"
// generated by kmsdns tests/integration/harness.sh for instance '$n'
options {
	directory "$d";
	pid-file "$d/named.pid";
	lock-file "$d/named.lock";
	session-keyfile "$d/session.key";
	managed-keys-directory "$d";
	dump-file "$d/named_dump.db";
	statistics-file "$d/named.stats";
	listen-on port $port { 127.0.0.1; };
	listen-on-v6 { none; };
	recursion no;
	dnssec-validation no;
	notify explicit;
	querylog no;
${H_NAMED_OPTIONS:-}
};
controls { };
logging {
	channel h_log {
		file "$d/named.log";
		severity ${H_NAMED_SEVERITY:-info};
		print-time yes;
		print-category yes;
		print-severity yes;
	};
	category default { h_log; };
};
EOF
	for f in "$@"; do
		if [ "$f" = - ]; then cat >>"$conf"; else cat -- "$f" >>"$conf"; fi ||
			h_fail "cannot append '$f' to $conf"
	done
	if ! (cd "$d" && named-checkconf -z "$conf") >"$d/checkconf.out" 2>&1; then
		cat "$d/checkconf.out" >&2
		nl -ba "$conf" >&2
		h_fail "named-checkconf rejected $conf"
	fi
	[ ! -f "$H_TMP/pids/$label.pid" ] || h_fail "named '$n' already running"
	h_port_listening "$port" && h_fail "port $port (named '$n') is in use by another socket"
	touch "$d/named.log"
	l0=$(wc -l <"$d/named.log")
	(
		cd "$d" || exit 1
		if [ -n "${H_NAMED_PRELOAD:-}" ]; then export LD_PRELOAD="$H_NAMED_PRELOAD"; fi
		# shellcheck disable=SC2086
		exec named -f -c "$conf" ${H_NAMED_ARGS:-}
	) </dev/null >>"$d/named.stderr" 2>&1 &
	pid=$!
	h__register "$label" "$pid"
	H_CUR=$n
	# ready = answers a query and has logged "running" (all zones loaded)
	n10=$(( ${H_START_TIMEOUT:-15} * 10 ))
	for ((i = 0; i < n10; i++)); do
		if ! h_alive "$pid"; then
			h_named_log_tail "$n"
			h_fail "named '$n' exited during startup (see log above)"
		fi
		if tail -n "+$((l0 + 1))" "$d/named.log" | grep ' running$' >/dev/null &&
			timeout 5 dig @127.0.0.1 -p "$port" +time=1 +tries=1 version.bind CH TXT 2>/dev/null |
			grep 'status: ' >/dev/null; then
			break
		fi
		sleep 0.1
	done
	if [ "$i" -ge "$n10" ]; then
		h_named_log_tail "$n"
		h_fail "named '$n' not ready on port $port after ${H_START_TIMEOUT:-15}s"
	fi
	h__check_port_owner "$port" "$pid" || {
		h_named_log_tail "$n"
		h_fail "port $port is shared with another process (SO_REUSEPORT); see ss output above"
	}
	h_log "named '$n' up: pid $pid, 127.0.0.1 port $port"
}

# h__check_port_owner PORT PID: every socket on PORT belongs to PID (root only).
h__check_port_owner() {
	local out
	[ "$(id -u)" -eq 0 ] || return 0
	out=$(ss -Htulnp "sport = :$1" 2>/dev/null) || return 0
	if printf '%s\n' "$out" | grep -v "pid=$2," | grep -q .; then
		printf '%s\n' "$out" >&2
		return 1
	fi
}

# h_named_log_tail NAME [LINES]: print the end of instance NAME's named.log
# and named.stderr to stderr.
h_named_log_tail() {
	local d="$H_TMP/${1:?}" n=${2:-${H_LOG_LINES:-300}}
	echo "----- $1/named.log -----" >&2
	tail -n "$n" "$d/named.log" >&2 2>/dev/null
	if [ -s "$d/named.stderr" ]; then
		echo "----- $1/named.stderr -----" >&2
		tail -n "$n" "$d/named.stderr" >&2
	fi
}

# h_named_pid NAME: print the PID of running instance NAME.
h_named_pid() {
	h_pid "named-${1:?h_named_pid NAME}"
}

# h_named_stop NAME: stop instance NAME (SIGTERM, bounded wait, SIGKILL);
# returns non-zero if named did not exit cleanly (see h_stop).
h_named_stop() {
	local n=${1:?h_named_stop NAME}
	h_stop "named-$n" || return 1
	h_log "named '$n' stopped"
}

# h_named_reload NAME: SIGHUP instance NAME (re-read named.conf and zones;
# there is no rndc channel).  Does not wait; poll with h_wait_until.
h_named_reload() {
	local pid
	pid=$(h_named_pid "${1:?h_named_reload NAME}") || h_fail "named '$1' not running"
	kill -HUP "$pid"
}

# h_use NAME: make instance NAME the target of h_dig / h_nsupdate.
h_use() {
	[ -d "$H_TMP/${1:?h_use NAME}" ] || h_fail "no named instance '$1'"
	H_CUR=$1
}

# h_dig ARGS...: dig @127.0.0.1 -p PORT +time=2 +tries=1 ARGS against the
# current instance (bounded by `timeout 15`).  Output as dig's.
h_dig() {
	[ -n "$H_CUR" ] || h_fail "h_dig: no named instance started"
	local port
	port=$(cat "$H_TMP/$H_CUR/port") || h_fail "h_dig: no port for '$H_CUR'"
	[ "${H_VERBOSE:-0}" = 1 ] && echo "+ dig @127.0.0.1 -p $port $*" >&2
	timeout 15 dig @127.0.0.1 -p "$port" +time=2 +tries=1 "$@"
}

# h_rcode ARGS...: print the response code (NOERROR, NXDOMAIN, REFUSED ...)
# of h_dig ARGS; prints "TIMEOUT" (and returns 1) when there was no answer.
h_rcode() {
	local out rc
	out=$(h_dig +noall +comments "$@" 2>&1) || true
	rc=$(printf '%s\n' "$out" | sed -n 's/.*status: \([A-Z]*\),.*/\1/p' | head -n 1)
	if [ -z "$rc" ]; then echo TIMEOUT; return 1; fi
	echo "$rc"
}

# h_nsupdate [NSUPDATE-OPTION...]: run nsupdate against the current
# instance: the update script is read from stdin, "server 127.0.0.1 PORT" is
# prepended.  Bounded (-t 5 -u 2 -r 1, and `timeout 30`).  Returns
# nsupdate's exit status; output passes through.
h_nsupdate() {
	[ -n "$H_CUR" ] || h_fail "h_nsupdate: no named instance started"
	local port
	port=$(cat "$H_TMP/$H_CUR/port") || h_fail "h_nsupdate: no port for '$H_CUR'"
	[ "${H_VERBOSE:-0}" = 1 ] && echo "+ nsupdate -t 5 -u 2 -r 1 $* (server 127.0.0.1 $port)" >&2
	{ echo "server 127.0.0.1 $port"; cat; } |
		timeout 30 nsupdate -t 5 -u 2 -r 1 "$@"
}

# h_tsig_key NAME [ALG [FILE]]: generate a TSIG key NAME (default
# hmac-sha256) with tsig-keygen into FILE (default $H_TMP/keys/NAME.key) and
# print the path.  The file is a named.conf `key` statement (include it) and
# an nsupdate -k key file.
h_tsig_key() {
	local name=${1:?h_tsig_key NAME [ALG [FILE]]} alg=${2:-hmac-sha256} f=${3:-}
	[ -n "$H_TMP" ] || h_fail "h_tsig_key before h_init"
	[ -n "$f" ] || { mkdir -p "$H_TMP/keys" && f="$H_TMP/keys/$name.key"; }
	tsig-keygen -a "$alg" "$name" >"$f" || h_fail "tsig-keygen -a $alg $name failed"
	echo "$f"
}

# ---------------------------------------------------------------------------
# Kerberos (MIT)

# h_kdc_start [REALM]: start an MIT KDC for REALM (default EXAMPLE.TEST) on
# 127.0.0.1 port $H_KDC_PORT (TCP+UDP), with its database in $H_TMP/kdc, and
# export KRB5_CONFIG ($H_TMP/krb5.conf: default realm, no DNS lookups or
# canonicalisation, DOMAIN -> REALM mapping for the lower-cased realm) and
# KRB5_KDC_PROFILE.  Waits (bounded) until the KDC listens.
h_kdc_start() {
	local realm=${1:-EXAMPLE.TEST} dom d port pid i n10
	[ -n "$H_TMP" ] || h_fail "h_kdc_start before h_init"
	[ -z "$H_REALM" ] || h_fail "KDC already started"
	dom=$(echo "$realm" | tr '[:upper:]' '[:lower:]')
	d="$H_TMP/kdc"
	mkdir -p "$d" || h_fail "mkdir $d"
	port=$(h_free_port) || exit 1
	cat >"$H_TMP/krb5.conf" <<EOF
[libdefaults]
	default_realm = $realm
	dns_lookup_kdc = false
	dns_lookup_realm = false
	rdns = false
	dns_canonicalize_hostname = false
	default_ccache_name = FILE:$H_TMP/ccache
	default_keytab_name = FILE:$H_TMP/default.keytab
[realms]
	$realm = {
		kdc = 127.0.0.1:$port
	}
[domain_realm]
	.$dom = $realm
	$dom = $realm
EOF
	cat >"$d/kdc.conf" <<EOF
[kdcdefaults]
	kdc_listen = 127.0.0.1:$port
	kdc_tcp_listen = 127.0.0.1:$port
[realms]
	$realm = {
		database_name = $d/principal
		key_stash_file = $d/stash
		acl_file = $d/kadm5.acl
	}
[logging]
	kdc = FILE:$d/kdc.log
	default = FILE:$d/krb5lib.log
EOF
	: >"$d/kadm5.acl"
	export KRB5_CONFIG="$H_TMP/krb5.conf" KRB5_KDC_PROFILE="$d/kdc.conf"
	kdb5_util create -s -r "$realm" -P "h-$RANDOM$RANDOM$RANDOM" >"$d/setup.log" 2>&1 ||
		{ cat "$d/setup.log" >&2; h_fail "kdb5_util create failed"; }
	h_port_listening "$port" && h_fail "KDC port $port in use"
	h_spawn kdc "$d/krb5kdc.stderr" krb5kdc -n -r "$realm"
	pid=$(h_pid kdc)
	n10=$(( ${H_START_TIMEOUT:-15} * 10 ))
	for ((i = 0; i < n10; i++)); do
		h_alive "$pid" || { h_dump_logs; h_fail "krb5kdc exited during startup"; }
		if [ -n "$(ss -Hlnt "sport = :$port")" ] && [ -n "$(ss -Hlnu "sport = :$port")" ]; then
			break
		fi
		sleep 0.1
	done
	[ "$i" -lt "$n10" ] || { h_dump_logs; h_fail "krb5kdc not listening on $port after ${H_START_TIMEOUT:-15}s"; }
	h__check_port_owner "$port" "$pid" || h_fail "KDC port $port shared with another process"
	H_REALM=$realm
	H_KDC_PORT=$port
	h_log "KDC $realm up: pid $pid, 127.0.0.1 port $port"
}

# h_kdc_principal PRINCIPAL [KEYTAB]: create PRINCIPAL (realm appended when
# missing) with a random key and export it to KEYTAB (default
# $H_TMP/<principal with / replaced by _>.keytab); prints the keytab path.
h_kdc_principal() {
	local p=${1:?h_kdc_principal PRINCIPAL [KEYTAB]} kt=${2:-} out
	[ -n "$H_REALM" ] || h_fail "h_kdc_principal before h_kdc_start"
	case $p in *@*) ;; *) p="$p@$H_REALM" ;; esac
	[ -n "$kt" ] || kt="$H_TMP/$(echo "${p%@*}" | tr '/' '_').keytab"
	# kadmin.local -q exits 0 even when the query fails: check the keytab
	out=$(kadmin.local -r "${p#*@}" -q "addprinc -randkey $p" 2>&1 &&
		kadmin.local -r "${p#*@}" -q "ktadd -k $kt $p" 2>&1)
	if ! klist -k "$kt" 2>/dev/null | grep -qF " $p"; then
		printf '%s\n' "$out" >&2
		h_fail "could not create principal $p in keytab $kt"
	fi
	echo "$kt"
}

# h_kinit PRINCIPAL KEYTAB: get a TGT for PRINCIPAL from KEYTAB into the
# test's ccache ($KRB5CCNAME), bounded by `timeout 15`.
h_kinit() {
	local p=${1:?h_kinit PRINCIPAL KEYTAB} kt=${2:?h_kinit PRINCIPAL KEYTAB}
	timeout 15 kinit -k -t "$kt" "$p" || h_fail "kinit -k -t $kt $p failed"
}

# ---------------------------------------------------------------------------
# Assertions (each prints a clear message and exits 1 on failure)

# h_assert_eq EXPECTED ACTUAL [MSG]
h_assert_eq() {
	[ "$1" = "$2" ] && return 0
	h_fail "${3:-values differ}: expected [$1], got [$2]"
}

# h_assert_contains HAYSTACK NEEDLE [MSG]: HAYSTACK contains the fixed string NEEDLE.
h_assert_contains() {
	case $1 in *"$2"*) return 0 ;; esac
	h_fail "${3:-missing text}: [$2] not found in:
$1"
}

# h_assert_not_contains HAYSTACK NEEDLE [MSG]
h_assert_not_contains() {
	case $1 in *"$2"*) h_fail "${3:-unexpected text}: [$2] found in:
$1" ;; esac
	return 0
}

# h_assert_ok CMD...: CMD must succeed (its output passes through).
h_assert_ok() {
	"$@" && return 0
	h_fail "command failed (exit $?): $*"
}

# h_assert_fails CMD...: CMD must fail (exit non-zero; output passes through).
h_assert_fails() {
	if "$@"; then h_fail "command succeeded but should have failed: $*"; fi
	return 0
}
