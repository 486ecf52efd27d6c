"""Black-box test helpers: the feige binary, daemons in temp homes, a watcher
of `feige watch --json`, and a fake FeiQ peer speaking GBK over raw UDP.

Network rule: every packet these tests send goes to 127.0.0.0/8, or to
addresses inside network namespaces the tests made themselves. Every daemon
here runs with --bind 127.0.0.X --broadcast-only --broadcast <127.x list>.
"""

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HOST = "testhost"

# IPMsg modes and options the fake peer and the watch sync use.
BR_ENTRY, BR_EXIT, ANSENTRY = 0x01, 0x02, 0x03
SENDMSG, RECVMSG, READMSG = 0x20, 0x21, 0x30
GETINFO, SENDINFO = 0x40, 0x41
GETABSENCEINFO, SENDABSENCEINFO = 0x50, 0x51
SENDCHECKOPT, SECRETOPT, BROADCASTOPT = 0x100, 0x200, 0x400
AUTORETOPT, READCHECKOPT = 0x2000, 0x100000
FILEATTACHOPT, UTF8OPT, CAPUTF8OPT = 0x200000, 0x800000, 0x1000000

SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                   "runtime error:", "SUMMARY: UndefinedBehaviorSanitizer")


def feige_bin():
    return os.environ.get("FEIGE_BIN") or os.path.join(REPO, "build", "test", "feige")


def check_sanitizers(text, what):
    for mark in SANITIZER_MARKS:
        if mark in text:
            pytest.fail("sanitizer report from %s:\n%s" % (what, text[-6000:]))


class PortBusy(Exception):
    """The port (or address) was taken: the caller picks another port."""


def random_port():
    return 20000 + random.randrange(30000)


def port_free(addrs, port):
    """True when the TCP and UDP port are free on every address (a hint:
    another run may take it before our daemons bind; they retry then)."""
    for a in addrs:
        for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
            s = socket.socket(socket.AF_INET, kind)
            try:
                s.bind((a, port))
            except OSError:
                return False
            finally:
                s.close()
    return True


def short_tmpdir(tag):
    # Unix socket paths are limited to 107 bytes: keep homes short.
    return tempfile.mkdtemp(prefix="fgbb-%s-" % tag, dir="/tmp")


class Result:
    def __init__(self, args, rc, out, err):
        self.args, self.rc, self.out, self.err = args, rc, out, err

    def json(self):
        return json.loads(self.out)

    def json_lines(self):
        return [json.loads(l) for l in self.out.splitlines() if l.strip()]

    def __repr__(self):
        return "feige %s -> rc %s\nstdout: %s\nstderr: %s" % (
            " ".join(self.args), self.rc, self.out[-3000:], self.err[-3000:])


_session_base = None


def feige_env(base=None):
    """The environment of every feige process: HOME and the XDG folders in
    a temp dir of the test's own (so no user config is read and no history
    is written outside it), no FEIGE_HOME, a UTF-8 locale."""
    global _session_base
    if base is None:
        if _session_base is None:
            _session_base = short_tmpdir("env")
        base = _session_base
    env = dict(os.environ)
    for k in list(env):
        if k.startswith("FEIGE_") and k != "FEIGE_BIN" or k.startswith("XDG_"):
            del env[k]
    env.update({
        "HOME": os.path.join(base, "h"),
        "XDG_CONFIG_HOME": os.path.join(base, "h", "config"),
        "XDG_DATA_HOME": os.path.join(base, "h", "data"),
        "XDG_STATE_HOME": os.path.join(base, "h", "state"),
        "XDG_CACHE_HOME": os.path.join(base, "h", "cache"),
        "XDG_RUNTIME_DIR": os.path.join(base, "h", "run"),
        "LC_ALL": "C.UTF-8",
        # Keep sanitizer reports readable in logs; leaks fail the exit code.
        "ASAN_OPTIONS": env.get("ASAN_OPTIONS", "abort_on_error=0:detect_leaks=1"),
    })
    os.makedirs(env["XDG_RUNTIME_DIR"], mode=0o700, exist_ok=True)
    return env


def run_feige(args, timeout=60, input=None, prefix=None, env=None):
    """Runs the binary (after prefix, e.g. `ip netns exec NS`); returns a
    Result with stdout and stderr decoded as UTF-8."""
    cmd = (prefix or []) + [feige_bin()] + list(args)
    p = subprocess.run(cmd, input=input, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=timeout,
                       env=env if env is not None else feige_env())
    r = Result([a.decode("utf-8", "replace") if isinstance(a, bytes) else str(a)
                for a in args], p.returncode,
               p.stdout.decode("utf-8", "replace"),
               p.stderr.decode("utf-8", "replace"))
    check_sanitizers(r.err, "feige " + " ".join(r.args))
    return r


def pktno_gen():
    n = random.randrange(1000000, 100000000)
    while True:
        n += 1
        yield n


_pktnos = pktno_gen()


class Watch:
    """`feige watch --json`: collects event lines in a thread."""

    def __init__(self, daemon):
        self.daemon = daemon
        self.events = []
        self.cond = threading.Condition()
        self.proc = subprocess.Popen(
            [feige_bin(), "--home", daemon.home, "watch", "--json"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=daemon.env)
        self.err = b""
        self.bad_lines = []
        self.t = threading.Thread(target=self._read, daemon=True)
        self.t.start()
        self.te = threading.Thread(target=self._read_err, daemon=True)
        self.te.start()

    def _read(self):
        for line in self.proc.stdout:
            try:
                ev = json.loads(line.decode("utf-8"))
            except (ValueError, UnicodeDecodeError):
                self.bad_lines.append(line)
                continue
            with self.cond:
                self.events.append(ev)
                self.cond.notify_all()

    def _read_err(self):
        self.err = self.proc.stderr.read()

    def find(self, pred):
        with self.cond:
            for ev in self.events:
                if pred(ev):
                    return ev
        return None

    def wait_for(self, pred, timeout=10.0, what="event"):
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for ev in self.events:
                    if pred(ev):
                        return ev
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None and not self.t.is_alive():
                    break
                self.cond.wait(min(left, 0.2))
        raise AssertionError("no %s within %.1f s on %s; events: %s" % (
            what, timeout, self.daemon.name, json.dumps(self.events, ensure_ascii=False)[-4000:]))

    def sync(self, timeout=15.0):
        """Waits until this watcher is subscribed: pings the daemon with an
        unsolicited SENDINFO (which only raises an `info` event) until the
        watcher prints it."""
        token = "bb-sync-%d" % random.randrange(1 << 30)
        pkt = ("1:%d:bbsync:bbsync:%d:%s" % (next(_pktnos), SENDINFO, token)).encode() + b"\0"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.daemon.ping(pkt)
            try:
                self.wait_for(lambda e: e.get("event") == "info" and e.get("text") == token,
                              timeout=0.3)
                return
            except AssertionError:
                if self.proc.poll() is not None:
                    break
        raise AssertionError("watch on %s never subscribed (rc %s, stderr %r)" % (
            self.daemon.name, self.proc.poll(), self.err))

    def messages(self):
        with self.cond:
            return [e for e in self.events if e.get("event") == "message"]

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.t.join(5)
        self.te.join(5)
        check_sanitizers(self.err.decode("utf-8", "replace"), "feige watch")


class Daemon:
    """`feige --home H daemon` bound to one loopback address."""

    def __init__(self, name, addr, port, broadcast, user=None, extra=(), home=None,
                 netns=None, legacy=None):
        self.name = name
        self.addr = addr
        self.port = port
        self.broadcast = list(broadcast)
        self.user = user or name
        self.extra = list(extra)
        if legacy is not None:
            self.extra += ["--legacy-charset", legacy]
        self.own_home = home is None
        self.home = home or short_tmpdir(name)
        # In a namespace of the test's own: default broadcast targets.
        self.netns = netns
        self.proc = None
        self.logf = None
        self.log_path = os.path.join(self.home, "daemon.log")
        self.env = feige_env(self.home)
        self.watches = []

    def argv(self):
        a = [feige_bin(), "--home", self.home, "daemon", "--user", self.user,
             "--host", HOST]
        if self.netns is None or self.port != 2425:
            a += ["--port", str(self.port)]
        if self.netns is None:
            # The hard rule: bound to loopback, announcing to loopback only.
            assert self.addr.startswith("127.")
            assert self.broadcast and all(b.startswith("127.") for b in self.broadcast)
            a += ["--bind", self.addr, "--broadcast-only",
                  "--broadcast", ",".join(self.broadcast)]
            return a + self.extra
        return ["ip", "netns", "exec", self.netns] + a + self.extra

    def ping(self, payload):
        """Sends one datagram to the daemon's UDP port (loopback only)."""
        if self.netns is None:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                s.bind(("127.0.0.1", 0))
                s.sendto(payload, (self.addr, self.port))
            finally:
                s.close()
            return
        code = ("import socket,sys; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); "
                "s.sendto(bytes.fromhex(sys.argv[1]), ('127.0.0.1', int(sys.argv[2])))")
        subprocess.run(["ip", "netns", "exec", self.netns, "/usr/bin/python3", "-c", code,
                        payload.hex(), str(self.port)], check=True, timeout=20)

    def sock(self):
        return os.path.join(self.home, "feige.sock")

    def _connectable(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(self.sock())
            return True
        except OSError:
            return False
        finally:
            s.close()

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def start(self, timeout=20.0):
        self.logf = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.argv(), stdin=subprocess.DEVNULL,
                                     stdout=self.logf, stderr=self.logf, env=self.env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            rc = self.proc.poll()
            if rc is not None:
                log = self.log()
                if rc == 5 and ("cannot listen on TCP port" in log or
                                "cannot use UDP port" in log or "in use" in log):
                    raise PortBusy(log)
                raise AssertionError("daemon %s exited %s:\n%s" % (self.name, rc, log))
            # The socket appears only once the node is bound.
            if self._connectable():
                return self
            time.sleep(0.05)
        raise AssertionError("daemon %s not up in %.0f s:\n%s" % (self.name, timeout, self.log()))

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def run(self, *args, timeout=60, input=None):
        return run_feige(["--home", self.home] + [str(a) for a in args],
                         timeout=timeout, input=input, env=self.env)

    def watch(self):
        w = Watch(self)
        self.watches.append(w)
        w.sync()
        return w

    def list(self):
        r = self.run("list", "--json")
        assert r.rc == 0, r
        return r.json()

    def wait_peer(self, pred, timeout=10.0, what="peer"):
        deadline = time.monotonic() + timeout
        peers = []
        while time.monotonic() < deadline:
            peers = self.list()
            for p in peers:
                if pred(p):
                    return p
            time.sleep(0.1)
        raise AssertionError("%s never listed %s; list: %s" % (
            self.name, what, json.dumps(peers, ensure_ascii=False)))

    def stop(self, check=True):
        """SIGTERM; the daemon must exit 0 with no sanitizer report."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            rc = "hung"
        self.logf.close()
        for w in self.watches:
            w.close()
        self.watches = []
        log = self.log()
        self.proc = None
        if check:
            check_sanitizers(log, "daemon " + self.name)
            assert rc == 0, "daemon %s exited %s after SIGTERM:\n%s" % (self.name, rc, log)
        return rc

    def kill(self):
        """SIGKILL, as a crash would."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.logf:
            self.logf.close()
        self.proc = None

    def cleanup(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for w in self.watches:
            try:
                w.close()
            except Exception:
                pass
        if self.logf:
            self.logf.close()
        if self.own_home:
            shutil.rmtree(self.home, ignore_errors=True)


class FakeFeiQ:
    """A legacy peer on raw UDP that talks like FeiQ: GBK text, a FeiQ
    version field, no UTF8OPT/CAPUTF8OPT. It answers entries, acknowledges
    messages (RECVMSG with the packet number in decimal) and records what
    it receives, decoded from GBK."""

    VERSION = "1_lbt6_0#128#001122334455#0#0#0#4001#9"

    def __init__(self, addr, port, user="feiq", host="FEIQ-PC", nick="飞秋用户",
                 group="研发部"):
        self.addr, self.port = addr, port
        self.user, self.host, self.nick, self.group = user, host, nick, group
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            self.sock.bind((addr, port))
        except OSError as e:
            self.sock.close()
            raise PortBusy(str(e))
        self.sock.settimeout(0.2)
        self.received = []          # dicts: raw, pktno, user, host, cmd, extra, text, src
        self.cond = threading.Condition()
        self.stopping = False
        self.t = threading.Thread(target=self._loop, daemon=True)
        self.t.start()

    def header(self, pktno, cmd):
        return ("%s:%d:" % (self.VERSION, pktno)).encode("gbk") + \
            self.user.encode("gbk") + b":" + self.host.encode("gbk") + \
            (":%d:" % cmd).encode("ascii")

    def send(self, to, cmd, extra=b"", pktno=None):
        assert to[0].startswith("127."), to
        pktno = pktno if pktno is not None else next(_pktnos)
        self.sock.sendto(self.header(pktno, cmd) + extra + b"\0", to)
        return pktno

    def entry_payload(self):
        return self.nick.encode("gbk") + b"\0" + self.group.encode("gbk")

    def announce(self, to):
        return self.send(to, BR_ENTRY | FILEATTACHOPT, self.entry_payload())

    def exit(self, to):
        return self.send(to, BR_EXIT, self.entry_payload())

    def send_msg(self, to, text, check=True):
        cmd = SENDMSG | (SENDCHECKOPT if check else 0)
        return self.send(to, cmd, text.encode("gbk"))

    @staticmethod
    def parse(data):
        head, _, rest = data.partition(b"\0")
        parts = head.split(b":", 5)
        if len(parts) < 5:
            return None
        extra = parts[5] if len(parts) > 5 else b""
        return {"raw": data, "version": parts[0], "pktno": int(parts[1]),
                "user": parts[2], "host": parts[3], "cmd": int(parts[4]),
                "mode": int(parts[4]) & 0xff, "extra": extra,
                "sections": rest.split(b"\0"),
                "text": extra.decode("gbk", "replace")}

    def _loop(self):
        while not self.stopping:
            try:
                data, src = self.sock.recvfrom(65536)
            except socket.timeout:
                continue
            except OSError:
                return
            p = self.parse(data)
            if p is None:
                continue
            p["src"] = src
            with self.cond:
                self.received.append(p)
                self.cond.notify_all()
            try:
                if p["mode"] == BR_ENTRY:
                    self.send(src, ANSENTRY | FILEATTACHOPT, self.entry_payload())
                elif p["mode"] == SENDMSG and p["cmd"] & SENDCHECKOPT and \
                        not p["cmd"] & (BROADCASTOPT | AUTORETOPT):
                    self.send(src, RECVMSG, str(p["pktno"]).encode())
                elif p["mode"] == GETINFO:
                    self.send(src, SENDINFO, "飞秋2013".encode("gbk"))
                elif p["mode"] == GETABSENCEINFO:
                    self.send(src, SENDABSENCEINFO, "Not absence mode".encode())
            except OSError:
                pass

    def wait_for(self, pred, timeout=10.0, what="packet"):
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for p in self.received:
                    if pred(p):
                        return p
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self.cond.wait(min(left, 0.2))
        raise AssertionError("fake FeiQ got no %s; got: %r" % (
            what, [(hex(p["cmd"]), p["raw"][:120]) for p in self.received]))

    def close(self):
        self.stopping = True
        self.t.join(5)
        self.sock.close()


def start_with_port(make, addrs, tries=12):
    """Calls make(port) -> list of started things, with a fresh random port
    until nothing is taken; make must clean up what it started on PortBusy."""
    last = None
    for _ in range(tries):
        port = random_port()
        if not port_free(addrs, port):
            continue
        try:
            return port, make(port)
        except PortBusy as e:
            last = e
            continue
    raise AssertionError("no free port after %d tries: %s" % (tries, last))


class Group:
    """Daemons (and fakes) sharing one port; stopped at the end."""

    def __init__(self):
        self.daemons = []
        self.fakes = []

    def add(self, d):
        self.daemons.append(d)
        return d

    def cleanup(self):
        for f in self.fakes:
            f.close()
        for d in self.daemons:
            d.cleanup()


@pytest.fixture(scope="session")
def feige():
    path = feige_bin()
    if not os.access(path, os.X_OK):
        pytest.fail("feige binary not found at %s (build it, or set FEIGE_BIN)" % path)
    return path


@pytest.fixture(scope="session")
def commands(feige):
    """Command names that `feige --help` lists."""
    r = run_feige(["--help"])
    assert r.rc == 0, r
    names, inside = [], False
    for line in r.out.splitlines():
        if line.strip() == "commands:":
            inside = True
        elif inside and not line.strip():
            break
        elif inside and line.strip().startswith("feige "):
            names.append(line.split()[1])
    assert names, r
    return names


def need_commands(commands, *names):
    missing = [n for n in names if n not in commands]
    if missing:
        pytest.skip("feige has no %s command yet" % ", ".join(missing))


@pytest.fixture
def tmpdir_short():
    d = short_tmpdir("t")
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def _env_base_cleanup():
    yield
    global _session_base
    if _session_base is not None:
        shutil.rmtree(_session_base, ignore_errors=True)
        _session_base = None
