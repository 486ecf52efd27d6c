#!/usr/bin/env bash
# feige against a real iptux: `make interop` runs this as
#   tests/interop/run.sh BUILD_DIR        (BUILD_DIR holds the feige binary)
#
# Every iptux (the GUI under Xvfb, or iptux_driver.cpp, a headless peer on
# libiptux-core, iptux's own protocol engine) runs in network namespace 1
# (198.18.0.1) and feige in namespace 2 (198.18.0.2), joined by a veth pair.
# Nothing is sent outside those namespaces. Each side also gets its own UTS
# namespace, so the two "machines" have different host names (tuxbox and
# feigebox), as on a real LAN. Each scenario starts from fresh namespaces and
# a fresh feige home. Needs root; skips cleanly (exit 0) where it cannot run.
#
# Prints PASS/FAIL/SKIP lines and "N passed, N failed"; exits 1 on a failure.
# KEEP=1 keeps the scratch directory (logs, captures) even when all passed;
# ONLY="b e" runs only those scenarios (a b c c2 e f).
set -u
export LC_ALL=C.UTF-8

HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${1:-build/release}

npass=0 nfail=0
PASS() { echo "PASS: $*"; npass=$((npass + 1)); }
FAIL() { echo "FAIL: $*"; nfail=$((nfail + 1)); }
SKIP() { echo "SKIP: $*"; }
note() { echo "      $*"; }
skip_all() { echo "SKIP: $*"; echo "0 passed, 0 failed"; exit 0; }

[ "$(id -u)" = 0 ] || skip_all "interop tests need root (network namespaces)"
command -v ip >/dev/null 2>&1 || skip_all "no ip(8) (iproute2)"
FEIGE=$(cd "$BUILD" 2>/dev/null && pwd)/feige
[ -x "$FEIGE" ] || { echo "FAIL: no feige binary in $BUILD"; echo "0 passed, 1 failed"; exit 1; }

# --- network namespaces ---------------------------------------------------
NS1=fgi1-$$ NS2=fgi2-$$ VA=fgiA$$ VB=fgiB$$
IP1=198.18.0.1 IP2=198.18.0.2
if ip netns add "$NS1" 2>/dev/null; then
	ip netns del "$NS1"
else
	skip_all "ip netns does not work here"
fi

W=$(mktemp -d /tmp/feige-interop.XXXXXX) || skip_all "no scratch directory"
XDISP=

ns_down() {
	local ns pids
	for ns in "$NS1" "$NS2"; do
		ip netns list 2>/dev/null | grep -qw "$ns" || continue
		# Only our processes live in our namespaces.
		pids=$(ip netns pids "$ns" 2>/dev/null)
		[ -n "$pids" ] && kill $pids 2>/dev/null
	done
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		pids=$( (ip netns pids "$NS1"; ip netns pids "$NS2") 2>/dev/null)
		[ -z "$pids" ] && break
		sleep 0.2
	done
	[ -n "$pids" ] && kill -9 $pids 2>/dev/null
	ip netns del "$NS1" 2>/dev/null
	ip netns del "$NS2" 2>/dev/null	# the veth pair goes with them
	if [ -n "$XDISP" ]; then	# a killed Xvfb leaves its lock behind
		rm -f "/tmp/.X$XDISP-lock" "/tmp/.X11-unix/X$XDISP" 2>/dev/null
		XDISP=
	fi
	wait 2>/dev/null
}

cleanup() {
	ns_down
	if [ "$nfail" -gt 0 ] || [ -n "${KEEP:-}" ]; then
		echo "logs and captures kept in $W"
	else
		rm -rf "$W"
	fi
}
trap cleanup EXIT
trap 'echo "interrupted"; exit 130' INT TERM

ns_up() {
	ns_down
	ip netns add "$NS1" && ip netns add "$NS2" &&
	ip link add "$VA" netns "$NS1" type veth peer name "$VB" netns "$NS2" &&
	ip -n "$NS1" link set lo up && ip -n "$NS2" link set lo up &&
	ip -n "$NS1" addr add $IP1/24 brd + dev "$VA" &&
	ip -n "$NS2" addr add $IP2/24 brd + dev "$VB" &&
	ip -n "$NS1" link set "$VA" up && ip -n "$NS2" link set "$VB" up &&
	# So that 255.255.255.255 goes out of the veth, as on a LAN.
	ip -n "$NS1" route add default dev "$VA" &&
	ip -n "$NS2" route add default dev "$VB"
}

# on NS HOSTNAME CMD...: runs CMD in NS, in its own UTS namespace.
on() {
	local ns=$1 host=$2
	shift 2
	ip netns exec "$ns" unshare --uts sh -c 'hostname "$0" && exec "$@"' "$host" "$@"
}
# bg_on NS HOSTNAME CMD...: the same in the background; $! is CMD's pid.
bg_on() {
	local ns=$1 host=$2
	shift 2
	(exec ip netns exec "$ns" unshare --uts sh -c 'hostname "$0" && exec "$@"' "$host" "$@") &
}

# until_ok SECONDS CMD...: retries CMD every 0.2 s; its status at the end.
until_ok() {
	local n=$(($1 * 5))
	shift
	while :; do
		"$@" && return 0
		n=$((n - 1))
		[ $n -le 0 ] && return 1
		sleep 0.2
	done
}

# --- what we need, installed when missing ---------------------------------
need_pkgs() {
	local p missing=
	command -v dpkg >/dev/null 2>&1 || return 0
	for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
	[ -z "$missing" ] && return 0
	echo "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y --no-install-recommends $missing >"$W/apt.log" 2>&1 && return 0
	apt-get update >>"$W/apt.log" 2>&1 &&
		apt-get install -y --no-install-recommends $missing >>"$W/apt.log" 2>&1
}
need_pkgs iptux xvfb xdotool tshark python3 g++ pkgconf libgoogle-glog-dev \
	libjsoncpp-dev libglib2.0-dev libsigc++-2.0-dev libgflags-dev ||
	skip_all "cannot install iptux, Xvfb, tshark and the libiptux-core build deps (see apt-get output above)"
for c in iptux Xvfb tshark python3 g++ pkg-config unshare; do
	command -v $c >/dev/null 2>&1 || skip_all "$c is not available"
done
INSPECT="python3 $HERE/inspect.py"

DRIVER=$W/iptux_driver
g++ -std=c++17 -O1 -o "$DRIVER" "$HERE/iptux_driver.cpp" \
	$(pkg-config --cflags --libs iptux-core 2>/dev/null) >"$W/driver-build.log" 2>&1 ||
	{ DRIVER=; echo "iptux_driver did not build (libiptux-core headers?):"; tail -n 5 "$W/driver-build.log"; }

# --- feige, iptux_driver and capture helpers ------------------------------
FH= FSTART=0
fcli() { on "$NS2" feigebox "$FEIGE" --home "$FH" "$@"; }	# a feige client command

# feige_start DIR NICK: a daemon in NS2, and `watch --json` into DIR/watch.jsonl.
feige_start() {
	FH=$1
	mkdir -p "$FH"
	bg_on "$NS2" feigebox "$FEIGE" --home "$FH" daemon --nick "$2" >"$FH/daemon.log" 2>&1
	FSTART=$SECONDS
	until_ok 5 fcli status >/dev/null 2>&1 || { note "feige daemon did not start:"; tail -n 3 "$FH/daemon.log"; return 1; }
	bg_on "$NS2" feigebox "$FEIGE" --home "$FH" watch --json >"$FH/watch.jsonl" 2>"$FH/watch.err"
	sleep 0.3
}
# feige_settle: feige announces itself twice, 5 s apart; wait for the second.
feige_settle() { while [ $((SECONDS - FSTART)) -lt 7 ]; do sleep 0.2; done; }

feige_list() { fcli list --json >"$FH/list.json" 2>/dev/null && $INSPECT peer "$FH/list.json" "$@"; }
watch_has() { $INSPECT watch "$FH/watch.jsonl" "$1" >/dev/null; }

# driver OUT ARGS...: iptux_driver in NS1 (host tuxbox), in the background.
DPID=
driver() {
	local out=$1
	shift
	mkdir -p "$out.home"
	bg_on "$NS1" tuxbox env HOME="$out.home" "$DRIVER" "$@" >"$out" 2>"$out.err"
	DPID=$!
}
# driver_end [SECONDS]: waits for the driver (TERM after SECONDS); its status.
driver_end() {
	local n=$((${1:-30} * 5))
	while kill -0 "$DPID" 2>/dev/null && [ $n -gt 0 ]; do sleep 0.2; n=$((n - 1)); done
	kill -0 "$DPID" 2>/dev/null && kill "$DPID"
	wait "$DPID"
}
dline() { grep -qFx -- "$2" "$1"; }	# the driver printed exactly this line

CPID=
cap_start() {
	ip netns exec "$NS2" tshark -i "$VB" -f 'udp port 2425' -w "$1" >"$1.log" 2>&1 &
	CPID=$!
	until_ok 15 grep -q 'Capturing on' "$1.log" || { note "tshark did not start"; return 1; }
}
cap_stop() {	# cap_stop PCAP: stops tshark, writes PCAP.txt
	kill "$CPID" 2>/dev/null
	wait "$CPID" 2>/dev/null
	tshark -r "$1" -T fields -e frame.time_relative -e ip.src -e ip.dst \
		-e data.data >"$1.txt" 2>/dev/null
}

# --- a: the iptux GUI ----------------------------------------------------
FNICK=飞鸽测试
scenario_a() {
	local d=$W/a t win
	echo "== a: iptux GUI (Xvfb) at $IP1, feige at $IP2"
	ns_up || { FAIL "a: cannot set up the namespaces"; return; }
	mkdir -p "$d/home/.iptux"
	printf '{"version":1,"nick_name":"图形iptux","belong_group":"测试组","open_chat":true}\n' \
		>"$d/home/.iptux/config.json"
	ip netns exec "$NS1" Xvfb -displayfd 3 -nolisten tcp -screen 0 1024x768x24 \
		3>"$d/display" 2>"$d/xvfb.log" &
	until_ok 10 test -s "$d/display" || { SKIP "a: Xvfb cannot run here"; ns_down; return; }
	XDISP=$(cat "$d/display")
	bg_on "$NS1" tuxbox env -u DBUS_SESSION_BUS_ADDRESS HOME="$d/home" DISPLAY=":$XDISP" \
		NO_AT_BRIDGE=1 iptux -l INFO >"$d/iptux.log" 2>&1
	t=$!
	if ! until_ok 15 grep -q 'bind UDP port.*success' "$d/iptux.log"; then
		if kill -0 $t 2>/dev/null; then FAIL "a: iptux GUI did not bind UDP 2425"
		else SKIP "a: the iptux GUI cannot run here: $(tail -n 1 "$d/iptux.log")"; fi
		ns_down
		return
	fi
	feige_start "$d/feige" "$FNICK" || { FAIL "a: feige daemon did not start"; ns_down; return; }

	if until_ok 10 feige_list $IP1 version >/dev/null; then
		t=$(feige_list $IP1 nick group version encoding)
		case $t in
		*iptux*) PASS "a: feige lists the iptux GUI ($(echo $t))" ;;
		*) FAIL "a: the peer at $IP1 is not iptux: $(echo $t)" ;;
		esac
		[ "$(feige_list $IP1 nick group)" = "$(printf '图形iptux\t测试组')" ] &&
			PASS "a: the GUI's CJK nick and group arrive intact (图形iptux, 测试组)" ||
			FAIL "a: the GUI's nick and group arrive as: $(feige_list $IP1 nick group)"
	else
		FAIL "a: feige never listed the iptux GUI at $IP1"
	fi

	if fcli send $IP1 "你好 iptux 中文" >"$d/send.out" 2>&1; then
		PASS "a: feige send \"你好 iptux 中文\" to the GUI: exit 0 (iptux acknowledged)"
	else
		FAIL "a: feige send to the GUI: exit $? ($(cat "$d/send.out"))"
	fi

	# With open_chat, the message opens a chat window named after us.
	if command -v xdotool >/dev/null 2>&1; then
		win=
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			win=$(DISPLAY=":$XDISP" ip netns exec "$NS1" xdotool search --name "$FNICK" \
				getwindowname %@ 2>/dev/null | head -n 1)
			[ -n "$win" ] && break
			sleep 0.5
		done
		[ -n "$win" ] && PASS "a: the GUI lists us and opened a chat: window \"$win\"" ||
			FAIL "a: no iptux window names $FNICK (windows: $(DISPLAY=":$XDISP" ip netns exec "$NS1" \
				xdotool search --name . getwindowname %@ 2>/dev/null | tr '\n' '|'))"
	else
		SKIP "a: no xdotool to look at the GUI's windows"
	fi
	ns_down
}

# --- b, c: iptux_driver talking UTF-8, then GBK ---------------------------
# pair_test TAG ENCODING NICK TX RX: iptux (driver, NICK, ENCODING) sends TX
# to feige, feige answers RX; both must arrive intact, and the wire must
# carry them in ENCODING. The driver joins after feige's second entry round,
# so feige's last word to it is the answer to its own BR_ENTRY.
pair_test() {
	local tag=$1 enc=$2 nick=$3 tx=$4 rx=$5 d=$W/$1 t rc
	echo "== $tag: iptux_driver (encode $enc, nick $nick) at $IP1, feige at $IP2"
	ns_up || { FAIL "$tag: cannot set up the namespaces"; return; }
	mkdir -p "$d"
	cap_start "$d/cap.pcap" || { FAIL "$tag: no capture"; ns_down; return; }
	feige_start "$d/feige" "$FNICK" || { FAIL "$tag: feige daemon did not start"; ns_down; return; }
	feige_settle
	driver "$d/driver.out" --nick "$nick" --group 企鹅组 --encode "$enc" \
		--wait-pal $IP2 --expect-name "$FNICK" --send-after 0.3 --send $IP2 "$tx" \
		--expect-text "$rx" --timeout 20 --linger 1

	if until_ok 10 watch_has "$tx"; then
		PASS "$tag: feige received iptux's \"$tx\" intact"
	else
		FAIL "$tag: feige did not receive \"$tx\": $($INSPECT watch "$FH/watch.jsonl" "$tx")"
	fi
	t=$(feige_list $IP1 nick group version encoding)
	[ "$(feige_list $IP1 nick group)" = "$(printf '%s\t企鹅组' "$nick")" ] && [[ $t == *iptux* ]] &&
		PASS "$tag: feige lists iptux with nick and group intact ($(echo $t))" ||
		FAIL "$tag: feige lists iptux as: $(echo $t)"
	fcli send $IP1 "$rx" >"$d/send.out" 2>&1 &&
		PASS "$tag: feige send \"$rx\": exit 0 (iptux acknowledged)" ||
		FAIL "$tag: feige send \"$rx\": exit $? ($(cat "$d/send.out"))"
	driver_end 15
	rc=$?
	dline "$d/driver.out" "NAME ok ip=$IP2 name=$FNICK" &&
		PASS "$tag: iptux lists feige as \"$FNICK\" ($(grep "^PAL .*ip=$IP2 " "$d/driver.out" | tail -n 1 | grep -o 'encode=[^ ]*'))" ||
		FAIL "$tag: iptux's view of feige: $(grep "^PAL .*ip=$IP2 " "$d/driver.out" | tail -n 1)"
	dline "$d/driver.out" "GOT text=$rx" &&
		PASS "$tag: iptux received feige's \"$rx\" intact" ||
		FAIL "$tag: iptux did not get \"$rx\"; it got: $(grep "^MSG from=pal ip=$IP2 " "$d/driver.out" | tr '\n' '|')"
	[ $rc = 0 ] || note "driver: $(grep '^FAIL' "$d/driver.out" | tr '\n' ' ')"

	cap_stop "$d/cap.pcap"
	t=$($INSPECT wire "$d/cap.pcap.txt" $IP1 "$tx" "$enc") &&
		PASS "$tag: on the wire iptux sent $enc: $t" || FAIL "$tag: iptux's bytes: $t"
	t=$($INSPECT wire "$d/cap.pcap.txt" $IP2 "$rx" "$enc") &&
		PASS "$tag: on the wire feige answered in $enc: $t" || FAIL "$tag: feige's bytes: $t"
	# d: iptux accepts our acks.
	dline "$d/driver.out" "SENT ip=$IP2 acked=1 text=$tx" &&
		PASS "d ($enc): iptux's SendMessage saw our RECVMSG (acked=1)" ||
		FAIL "d ($enc): iptux's SendMessage did not see our RECVMSG: $(grep '^SENT' "$d/driver.out")"
	t=$($INSPECT once "$d/cap.pcap.txt" $IP1) &&
		PASS "d ($enc): $t" || FAIL "d ($enc): $t"
	ns_down
}

# --- c2: iptux with encode gbk and an ASCII nick (its login name, the default)
# Its BR_ENTRY tells feige nothing about its charset (ASCII, and iptux always
# writes "utf-8" in its charset section), so feige answers and writes in
# UTF-8; iptux reads a non-iptux peer with its own preference, GBK.
scenario_c2() {
	local d=$W/c2 t rx="你好"
	echo "== c2: iptux_driver (encode gbk, ASCII nick) joins after feige; feige speaks first"
	ns_up || { FAIL "c2: cannot set up the namespaces"; return; }
	mkdir -p "$d"
	cap_start "$d/cap.pcap" || { FAIL "c2: no capture"; ns_down; return; }
	feige_start "$d/feige" "$FNICK" || { FAIL "c2: feige daemon did not start"; ns_down; return; }
	feige_settle
	driver "$d/driver.out" --nick tux --encode gbk --wait-pal $IP2 --expect-name "$FNICK" \
		--expect-text "$rx" --timeout 12
	until_ok 5 grep -q "^PAL .*ip=$IP2 " "$d/driver.out"
	sleep 0.5
	fcli send $IP1 "$rx" >"$d/send.out" 2>&1 &&
		PASS "c2: feige send \"$rx\": exit 0 (iptux acknowledged)" ||
		FAIL "c2: feige send \"$rx\": exit $? ($(cat "$d/send.out"))"
	sleep 0.5
	kill "$DPID" 2>/dev/null
	driver_end 5
	dline "$d/driver.out" "NAME ok ip=$IP2 name=$FNICK" &&
		PASS "c2: iptux lists feige as \"$FNICK\"" ||
		FAIL "c2: iptux lists feige as: $(grep "^PAL .*ip=$IP2 " "$d/driver.out" | tail -n 1 | sed 's/.* name=//; s/ group=.* encode=/, encode=/; s/ version=.*//')"
	dline "$d/driver.out" "GOT text=$rx" && PASS "c2: iptux received \"$rx\" intact" ||
		FAIL "c2: iptux did not get \"$rx\"; it got: $(grep "^MSG from=pal ip=$IP2 " "$d/driver.out" | sed 's/.*text=//' | tr '\n' '|')"
	cap_stop "$d/cap.pcap"
	t=$($INSPECT wire "$d/cap.pcap.txt" $IP2 "$rx" utf-8) && note "c2: feige wrote UTF-8: $t"
	ns_down
}

# --- e: iptux running before feige starts ---------------------------------
# feige's BR_ENTRY carries its nick in the legacy charset (GBK), so an iptux
# that is already running records feige as gb18030 and talks GB18030 to it.
scenario_e() {
	local d=$W/e t
	local tx1="你好，feige（GB18030）" tx2="生僻字㐀𠮷，表情😀"
	local rx1="回复：收到，谢谢！" rx2="回复生僻字㐀𠮷😀" rx3="价格：100€"
	echo "== e: iptux_driver (encode utf-8) started before feige: iptux talks GB18030"
	ns_up || { FAIL "e: cannot set up the namespaces"; return; }
	mkdir -p "$d"
	cap_start "$d/cap.pcap" || { FAIL "e: no capture"; ns_down; return; }
	driver "$d/driver.out" --nick 图克斯 --encode utf-8 --wait-pal $IP2 --expect-name "$FNICK" \
		--send-after 1.5 --send $IP2 "$tx1" --send $IP2 "$tx2" \
		--expect-text "$rx1" --expect-text "$rx2" --expect-text "$rx3" --timeout 30
	sleep 1
	feige_start "$d/feige" "$FNICK" || { FAIL "e: feige daemon did not start"; ns_down; return; }

	until_ok 10 watch_has "$tx1" && PASS "e: feige received iptux's \"$tx1\" intact" ||
		FAIL "e: feige did not receive \"$tx1\": $($INSPECT watch "$FH/watch.jsonl" "$tx1")"
	until_ok 5 watch_has "$tx2" && PASS "e: feige received iptux's GB18030-only \"$tx2\" intact" ||
		FAIL "e: feige did not receive \"$tx2\" intact: $($INSPECT watch "$FH/watch.jsonl" "$tx2")"
	for t in "$rx1" "$rx2" "$rx3"; do
		fcli send $IP1 "$t" >"$d/send.out" 2>&1 &&
			PASS "e: feige send \"$t\": exit 0 (iptux acknowledged)" ||
			FAIL "e: feige send \"$t\": exit $? ($(cat "$d/send.out"))"
	done
	sleep 0.5
	kill "$DPID" 2>/dev/null	# it has all it will get
	driver_end 5
	dline "$d/driver.out" "NAME ok ip=$IP2 name=$FNICK" &&
		PASS "e: iptux lists feige as \"$FNICK\" ($(grep "^PAL .*ip=$IP2 " "$d/driver.out" | tail -n 1 | grep -o 'encode=[^ ]*'))" ||
		FAIL "e: iptux's view of feige: $(grep "^PAL .*ip=$IP2 " "$d/driver.out" | tail -n 1)"
	for t in "$rx1" "$rx2" "$rx3"; do
		dline "$d/driver.out" "GOT text=$t" && PASS "e: iptux received \"$t\" intact" ||
			FAIL "e: iptux did not get \"$t\"; it got: $(grep "^MSG from=pal ip=$IP2 " "$d/driver.out" | sed 's/.*text=//' | tr '\n' '|')"
	done
	cap_stop "$d/cap.pcap"
	t=$($INSPECT wire "$d/cap.pcap.txt" $IP1 "$tx1" gb18030) &&
		PASS "e: on the wire iptux sent GB18030: $t" || FAIL "e: iptux's bytes: $t"
	ns_down
}

# --- f: iptux restarts: its packet numbers start again from 1 -------------
scenario_f() {
	local d=$W/f t run i ok
	echo "== f: iptux restarts while feige runs (iptux numbers packets from 1 again)"
	ns_up || { FAIL "f: cannot set up the namespaces"; return; }
	mkdir -p "$d"
	cap_start "$d/cap.pcap" || { FAIL "f: no capture"; ns_down; return; }
	feige_start "$d/feige" "$FNICK" || { FAIL "f: feige daemon did not start"; ns_down; return; }
	feige_settle
	for run in 1 2; do
		driver "$d/driver$run.out" --nick 图克斯 --wait-pal $IP2 --send $IP2 "第${run}次启动，消息1" \
			--send $IP2 "第${run}次启动，消息2" --send $IP2 "第${run}次启动，消息3" --timeout 15
		driver_end 20
		ok=1
		for i in 1 2 3; do
			until_ok 2 watch_has "第${run}次启动，消息$i" || ok=0
		done
		[ $ok = 1 ] && PASS "f: iptux run $run: feige delivered all three messages" ||
			FAIL "f: iptux run $run: all acknowledged ($(grep -c '^SENT.*acked=1' "$d/driver$run.out")/3), but feige delivered only: $($INSPECT watch "$FH/watch.jsonl" "-" | sed 's/^got //')"
	done
	cap_stop "$d/cap.pcap"
	[ $ok = 1 ] || note "f: iptux sent: $($INSPECT sends "$d/cap.pcap.txt" $IP1 | tr '\n' ' ')"
	ns_down
}

want() { [ -z "${ONLY:-}" ] || [[ " $ONLY " == *" $1 "* ]]; }
T0=$SECONDS
want a && scenario_a
if [ -n "$DRIVER" ]; then
	want b && pair_test b utf-8 图克斯 "你好，feige（UTF-8）" "收到：飞鸽传书向你问好（UTF-8）"
	want c && pair_test c gbk 图克斯 "你好，feige（GBK）" "收到：飞鸽传书向你问好（GBK）"
	want c2 && scenario_c2
	want e && scenario_e
	want f && scenario_f
else
	SKIP "b-f: iptux_driver could not be built"
fi
echo "($((SECONDS - T0)) s)"
echo "$npass passed, $nfail failed"
[ "$nfail" = 0 ]
