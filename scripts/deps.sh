#!/bin/sh
# Installs the build and test dependencies that are missing, on Debian or
# Ubuntu, with apt-get (as root, or through sudo when it needs no password).
# Otherwise prints the exact command to run and fails. FEIGE_SKIP_DEPS=1
# skips the whole check.
set -eu

[ "${FEIGE_SKIP_DEPS:-0}" = 1 ] && exit 0

PKGS="cmake make gcc pkg-config clang libuv1-dev libssl-dev libsqlite3-dev \
libncurses-dev libcmocka-dev libjansson-dev python3-pytest tmux iproute2"
[ $# -gt 0 ] && PKGS="$PKGS $*"

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
	echo "deps: not a Debian/Ubuntu system; install these by hand: $PKGS" >&2
	echo "deps: then run again with FEIGE_SKIP_DEPS=1" >&2
	exit 1
fi

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

missing=""
for p in $PKGS; do
	installed "$p" || missing="$missing $p"
done

as_root() {
	if [ "$(id -u)" = 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		sudo "$@"
	else
		return 99
	fi
}

apt_install() {
	echo "deps: installing: $*" >&2
	export DEBIAN_FRONTEND=noninteractive
	rc=0
	as_root apt-get install -y -q --no-install-recommends "$@" >/dev/null 2>&1 || rc=$?
	if [ $rc -ne 0 ] && [ $rc -ne 99 ]; then
		# The package lists may be stale or absent: refresh once and retry.
		as_root apt-get update -q >/dev/null 2>&1 || true
		rc=0
		as_root apt-get install -y -q --no-install-recommends "$@" >&2 || rc=$?
	fi
	if [ $rc -eq 99 ]; then
		echo "deps: missing packages and no root; run:" >&2
		echo "  sudo apt-get install -y $*" >&2
		return 1
	fi
	if [ $rc -ne 0 ]; then
		echo "deps: apt-get failed; run:  sudo apt-get install -y $*" >&2
		return 1
	fi
}

if [ -n "$missing" ]; then
	# shellcheck disable=SC2086
	apt_install $missing || exit 1
fi

# libFuzzer ships apart from clang on Debian (libclang-rt-N-dev).
if command -v clang >/dev/null 2>&1 && ! "$(dirname "$0")/have-libfuzzer.sh"; then
	major=$(clang --version | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -n 1)
	for p in "libclang-rt-$major-dev" "libclang-rt-dev"; do
		if apt-cache show "$p" >/dev/null 2>&1; then
			apt_install "$p" || true
			break
		fi
	done
	"$(dirname "$0")/have-libfuzzer.sh" || echo "deps: libFuzzer is not available; fuzz targets will be skipped" >&2
fi
exit 0
