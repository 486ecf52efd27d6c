"""Black-box tests of the chat UI: `feige --home H` with no command, run in
a tmux pane of a private tmux server and driven with send-keys, read with
capture-pane. The UI starts its own daemon (tina on 127.0.0.41, its node
settings from a config file named by FEIGE_CONFIG); the other side is a
plain daemon (pat on 127.0.0.40). The tests run in order and share them.

Addresses of this module: 127.0.0.40-.41. Skipped when tmux is missing.
"""

import hashlib
import json
import os
import random
import re
import shlex
import shutil
import socket
import subprocess
import time

import pytest

from conftest import (Daemon, Group, HOST, PortBusy, check_sanitizers,
                      feige_bin, feige_env, need_commands, short_tmpdir,
                      start_with_port)

P_ADDR, T_ADDR = "127.0.0.40", "127.0.0.41"
NIHAO, SHIJIE, GRIN = "你好", "世界", "😀"
SEALED = "[sealed \u2014 press Enter to open]"
COLOR_SGR = re.compile(r"\x1b\[[0-9;]*(?:3[0-7]|4[0-7]|38;|48;)")

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None,
                                reason="tmux is not installed (apt-get install tmux)")


class Tmux:
    """A tmux server of our own (-L), its one session "ui"."""

    def __init__(self, env):
        self.sock = "fgtui-%d-%d" % (os.getpid(), random.randrange(1 << 30))
        self.env = env

    def tmux(self, *args, check=True):
        p = subprocess.run(["tmux", "-L", self.sock, "-f", "/dev/null"] + list(args),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=self.env, timeout=30)
        if check and p.returncode != 0:
            raise AssertionError("tmux %s: %s" % (" ".join(args), p.stderr.decode()))
        return p.stdout.decode("utf-8", "replace")

    def start(self, cmd, x=100, y=30):
        self.tmux("new-session", "-d", "-s", "ui", "-x", str(x), "-y", str(y), cmd)

    def keys(self, *keys):
        self.tmux("send-keys", "-t", "ui", *keys)

    def type(self, text):
        self.tmux("send-keys", "-t", "ui", "-l", text)

    def line(self, text):
        self.type(text)
        self.keys("Enter")

    def screen(self, escapes=False):
        return self.tmux("capture-pane", "-p", "-t", "ui", *(["-e"] if escapes else []))

    def wait(self, pred, timeout=20.0, what="screen"):
        deadline = time.monotonic() + timeout
        s = ""
        while time.monotonic() < deadline:
            s = self.screen()
            if pred(s):
                return s
            time.sleep(0.1)
        raise AssertionError("no %s within %.0f s; the screen:\n%s" % (what, timeout, s))

    def wait_text(self, *texts, timeout=20.0):
        return self.wait(lambda s: all(t in s for t in texts), timeout,
                         "screen with %r" % (texts,))

    def resize(self, x, y):
        self.tmux("resize-window", "-t", "ui", "-x", str(x), "-y", str(y))

    def kill(self):
        self.tmux("kill-server", check=False)


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def connectable(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(path)
        return True
    except OSError:
        return False
    finally:
        s.close()


class UI:
    """The UI's side: its home, config, environment and tmux."""

    def __init__(self, base, port):
        self.base = base
        self.port = port
        self.home = os.path.join(base, "tina")
        self.dl = os.path.join(base, "dl")
        self.conf = os.path.join(base, "config.ini")
        os.makedirs(self.home, mode=0o700)
        with open(self.conf, "w") as f:
            f.write("[identity]\nuser = tina\nhost = %s\nnick = 蒂娜\n"
                    "[network]\nport = %d\nbind = %s\nbroadcast = %s\n"
                    "broadcast_only = true\n"
                    "[transfer]\ndownload_dir = %s\n" % (HOST, port, T_ADDR, P_ADDR, self.dl))
        self.env = feige_env(base)
        self.env["FEIGE_CONFIG"] = self.conf
        self.env.pop("NO_COLOR", None)
        self.tmux = Tmux(self.env)
        self.runs = 0

    def addr(self):
        return "%s:%d" % (T_ADDR, self.port)

    def sock(self):
        return os.path.join(self.home, "feige.sock")

    def start(self, extra_env=""):
        """Runs `feige --home H` (no command) in the pane; its exit status
        and stderr go to files."""
        self.runs += 1
        self.err = os.path.join(self.base, "tui%d.err" % self.runs)
        self.rc = os.path.join(self.base, "tui%d.rc" % self.runs)
        cmd = "%s%s --home %s 2>%s; echo $? >%s; sleep 600" % (
            extra_env, shlex.quote(feige_bin()), shlex.quote(self.home),
            shlex.quote(self.err), shlex.quote(self.rc))
        self.tmux.start(cmd)

    def wait_exit(self, timeout=20.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if os.path.exists(self.rc):
                with open(self.rc) as f:
                    rc = f.read().strip()
                if rc:
                    with open(self.err, "rb") as f:
                        err = f.read().decode("utf-8", "replace")
                    check_sanitizers(err, "the chat UI")
                    return int(rc), err
            time.sleep(0.1)
        raise AssertionError("the UI did not exit; screen:\n%s" % self.tmux.screen())

    def daemon_log(self):
        try:
            with open(os.path.join(self.home, "daemon.log"), "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def run(self, *args):
        p = subprocess.run([feige_bin(), "--home", self.home] + list(args),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=self.env, timeout=30)
        return p.returncode, p.stdout.decode(), p.stderr.decode()


@pytest.fixture(scope="module")
def tnet(feige, commands):
    need_commands(commands, "tui", "send-file", "accept")
    g = Group()
    base = short_tmpdir("tui")

    def make(port):
        for d in list(g.daemons):
            d.cleanup()
        g.daemons.clear()
        try:
            g.add(Daemon("pat", P_ADDR, port, [T_ADDR],
                         extra=["--nick", "Pat", "--group", "dev"])).start()
        except PortBusy:
            for d in g.daemons:
                d.cleanup()
            g.daemons.clear()
            raise
        return g.daemons

    ui = None
    try:
        port, (pat,) = start_with_port(make, [P_ADDR, T_ADDR])
        ui = UI(base, port)
        pat_watch = pat.watch()

        class T:
            pass
        t = T()
        t.port, t.pat, t.watch, t.ui = port, pat, pat_watch, ui
        ui.start()
        yield t
    finally:
        if ui is not None:
            ui.tmux.kill()
            # Stop a daemon the UI left running.
            if connectable(ui.sock()):
                rc, out, _ = ui.run("status", "--json")
                if rc == 0:
                    try:
                        os.kill(json.loads(out)["pid"], 15)
                    except (ValueError, KeyError, OSError):
                        pass
                deadline = time.monotonic() + 10
                while connectable(ui.sock()) and time.monotonic() < deadline:
                    time.sleep(0.1)
        g.cleanup()
        shutil.rmtree(base, ignore_errors=True)


def test_start_sees_peer(tnet):
    ui = tnet.ui
    s = ui.tmux.wait_text("Pat", "1 online", "蒂娜 (tina@%s:%d)" % (HOST, tnet.port))
    lines = s.splitlines()
    assert lines[0].startswith("1:everyone"), s
    assert any(l.startswith("Peers 1") for l in lines), s
    # The peer row: name and group in the left pane.
    assert any(re.match(r"^ +Pat +dev *│", l) for l in lines), s
    # The UI started a daemon of its own, with the config file's settings.
    assert connectable(ui.sock())
    rc, out, err = ui.run("status", "--json")
    assert rc == 0, err
    st = json.loads(out)
    assert st["user"] == "tina" and st["nick"] == "蒂娜" and st["port"] == tnet.port
    # Colours are on (NO_COLOR is not set).
    assert COLOR_SGR.search(ui.tmux.screen(escapes=True))


def test_send_message(tnet):
    ui = tnet.ui
    ui.tmux.keys("C-f")
    ui.tmux.type("Pa")
    ui.tmux.wait_text("Find: Pa (1)")
    ui.tmux.keys("Enter")
    ui.tmux.wait_text("2:Pat", "Pat [dev]  pat@%s  %s:%d" % (HOST, P_ADDR, tnet.port))
    text = "hello from the UI %s %s" % (NIHAO, GRIN)
    ui.tmux.line(text)
    ev = tnet.watch.wait_for(lambda e: e.get("event") == "message" and e.get("text") == text,
                             what="the UI's message")
    assert ev["user"] == "tina"
    # Acknowledged: "(sending)" goes away.
    ui.tmux.wait(lambda s: ("蒂娜: " + text) in s and "(sending)" not in s,
                 what="the acknowledged message")


def test_receive_message(tnet):
    ui = tnet.ui
    r = tnet.pat.run("send", ui.addr(), "reply from pat " + SHIJIE)
    assert r.rc == 0, r
    ui.tmux.wait_text("Pat: reply from pat " + SHIJIE)
    # Another peer's broadcast lands in the everyone conversation, marked unread.
    r = tnet.pat.run("broadcast", "lunch anyone?")
    assert r.rc == 0, r
    ui.tmux.wait_text("1:everyone(1)", "Act: 1")


def test_sealed_message(tnet):
    ui = tnet.ui
    r = tnet.pat.run("send", "--seal", ui.addr(), "sealed secret 秘密")
    assert r.rc == 0, r
    s = ui.tmux.wait_text("Pat: " + SEALED)
    assert "sealed secret" not in s
    # Enter on the empty input line opens it, which sends the read receipt.
    ui.tmux.keys("Enter")
    ui.tmux.wait_text("Pat: sealed secret 秘密")
    tnet.watch.wait_for(lambda e: e.get("event") == "read", what="the read receipt")


def test_complete_and_help(tnet):
    ui = tnet.ui
    ui.tmux.type("/he")
    ui.tmux.keys("Tab")
    ui.tmux.wait(lambda s: s.splitlines()[-1].rstrip() == "> /help", what="/help completed")
    ui.tmux.keys("Enter")
    ui.tmux.wait_text("/search WORDS", "Ctrl-F finds a peer")
    # Readline keys: Ctrl-A, Ctrl-K clear what was typed.
    ui.tmux.type("junk")
    ui.tmux.keys("C-a", "C-k")
    ui.tmux.wait(lambda s: s.splitlines()[-1].rstrip() == ">", what="an empty input line")


def test_nick_and_away(tnet):
    ui = tnet.ui
    ui.tmux.line("/nick Tina")
    ui.tmux.wait_text("nick changed", "Tina (tina@%s:%d)" % (HOST, tnet.port))
    tnet.watch.wait_for(lambda e: e.get("event") == "peer_change" and
                        (e.get("peer") or {}).get("nick") == "Tina", what="the new nick")
    ui.tmux.line("/away out for lunch")
    ui.tmux.wait_text("you are away", "| away")
    tnet.watch.wait_for(lambda e: e.get("event") == "peer_change" and
                        (e.get("peer") or {}).get("away") is True, what="the away state")
    r = tnet.pat.run("send", ui.addr(), "are you there?")
    assert r.rc == 0, r
    ui.tmux.line("/back")
    ui.tmux.wait(lambda s: "you are back" in s and "| away" not in s, what="back")
    ui.tmux.line("/nick 蒂娜")
    ui.tmux.wait_text("蒂娜 (tina@%s:%d)" % (HOST, tnet.port))


def test_file_offer_accept(tnet):
    ui = tnet.ui
    src = os.path.join(ui.base, "src", "big.bin")
    os.makedirs(os.path.dirname(src))
    with open(src, "wb") as f:
        f.write(os.urandom(24 << 20))
    r = tnet.pat.run("send-file", "-m", "a file for you", ui.addr(), src)
    assert r.rc == 0, r
    s = ui.tmux.wait_text("Pat: a file for you", "Pat offers 1 file (24 MB): big.bin")
    # The id shown is the UI daemon's.
    rc, out, err = ui.run("offers", "--json")
    assert rc == 0, err
    assert "/accept %d or /decline %d" % ((json.loads(out)[0]["id"],) * 2) in s, s
    ui.tmux.line("/accept")
    ui.tmux.keys("F2")
    s = ui.tmux.wait(lambda s: "recv big.bin from Pat" in s and "100%" in s and "done" in s,
                     what="the finished transfer in the transfers view")
    row = [l for l in s.splitlines() if "recv big.bin from Pat" in l][0]
    assert re.search(r"\[#+\] 100%  24 MB/24 MB  done", row), row
    assert "Transfers: 1 offer, 1 transfer" in s
    got = os.path.join(ui.dl, "big.bin")
    assert os.path.exists(got)
    assert sha256(got) == sha256(src)
    ui.tmux.keys("F2")
    ui.tmux.wait_text("received big.bin (1 file) \u2192 " + got)


def test_file_send_with_completion(tnet):
    ui = tnet.ui
    src = os.path.join(ui.base, "src", "my file 文件.txt")
    with open(src, "wb") as f:
        f.write(b"from the UI\n" * 1000)
    # Tab completes the path (its spaces escaped); the UI sends it absolute.
    ui.tmux.type("/file " + os.path.join(ui.base, "src", "my"))
    ui.tmux.keys("Tab")
    ui.tmux.wait(lambda s: s.splitlines()[-1].rstrip().endswith("my\\ file\\ 文件.txt"),
                 what="the completed path")
    ui.tmux.keys("Enter")
    ui.tmux.wait_text("files offered (offer")
    deadline = time.monotonic() + 15
    offers = []
    while time.monotonic() < deadline and not offers:
        r = tnet.pat.run("offers", "--json")
        assert r.rc == 0, r
        offers = [o for o in r.json() if o["files"][0]["name"] == "my file 文件.txt"]
        time.sleep(0.1)
    assert offers, r
    dest = os.path.join(ui.base, "patdl")
    os.makedirs(dest)
    r = tnet.pat.run("accept", "--to", dest, str(offers[0]["id"]))
    assert r.rc == 0, r
    assert sha256(os.path.join(dest, "my file 文件.txt")) == sha256(src)
    ui.tmux.wait_text("sent my file 文件.txt", "was fetched")


def test_search_history(tnet):
    ui = tnet.ui
    ui.tmux.line("/search " + SHIJIE)
    s = ui.tmux.wait_text("search: " + SHIJIE, "1 message found")
    assert re.search(r"\d\d-\d\d \d\d:\d\d Pat: reply from pat " + SHIJIE, s), s
    # The daemon keeps the history the search read.
    assert os.path.exists(os.path.join(ui.env["XDG_DATA_HOME"], "feige", "history.db"))
    ui.tmux.line("/search hello from the UI")
    ui.tmux.wait_text("蒂娜 \u2192 Pat: hello from the UI", "1 message found")


def check_layout(s, cols, rows):
    lines = s.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    assert len(lines) == rows, s
    assert lines[0].startswith("1:everyone"), s
    assert "1 online" in lines[rows - 2], s
    assert lines[rows - 1].lstrip().startswith(("search>", ">", "all>")), s
    for l in lines:
        w = sum(2 if ord(c) >= 0x1100 and (0x1100 <= ord(c) <= 0x115f or
                                           0x2e80 <= ord(c) <= 0xa4cf or
                                           0xac00 <= ord(c) <= 0xd7a3 or
                                           0xf900 <= ord(c) <= 0xfaff or
                                           0xfe30 <= ord(c) <= 0xfe4f or
                                           0xff00 <= ord(c) <= 0xff60 or
                                           0x1f300 <= ord(c) <= 0x1faff) else 1
                for c in l)
        assert w <= cols, (l, s)


def test_resize(tnet):
    ui = tnet.ui
    ui.tmux.keys("M-2")
    ui.tmux.wait_text("Pat [dev]")
    ui.tmux.resize(80, 24)
    s = ui.tmux.wait(lambda s: len(s.rstrip("\n").split("\n")) == 24 and
                     "1 online" in s.split("\n")[22], what="the 80x24 layout")
    check_layout(s, 80, 24)
    # The peer pane is 20 columns wide at 80 columns.
    assert any(l[20:21] == "│" and "Pat" in l[:20] for l in s.split("\n")), s
    assert "Pat: a file for you" in s
    ui.tmux.resize(50, 14)
    s = ui.tmux.wait(lambda s: len(s.rstrip("\n").split("\n")) == 14 and
                     "│" not in s, what="the 50x14 layout without the peer pane")
    check_layout(s, 50, 14)
    ui.tmux.resize(120, 40)
    s = ui.tmux.wait(lambda s: len(s.rstrip("\n").split("\n")) == 40 and
                     "1 online" in s.split("\n")[38], what="the 120x40 layout")
    check_layout(s, 120, 40)
    assert "Pat: a file for you" in s and "received big.bin" in s


def test_restart_loads_history(tnet):
    """/detach leaves the daemon up; a new UI (without colours) finds the
    conversation's earlier messages in the history."""
    ui = tnet.ui
    ui.tmux.line("/detach")
    rc, err = ui.wait_exit()
    assert rc == 0, err
    assert connectable(ui.sock())
    ui.tmux.kill()
    ui.tmux = Tmux(ui.env)
    ui.start(extra_env="NO_COLOR=1 ")
    ui.tmux.wait_text("Pat", "1 online")
    assert not COLOR_SGR.search(ui.tmux.screen(escapes=True))
    ui.tmux.keys("C-f")
    ui.tmux.type("pat")
    ui.tmux.keys("Enter")
    ui.tmux.wait_text("蒂娜: hello from the UI %s %s" % (NIHAO, GRIN),
                      "Pat: reply from pat " + SHIJIE)


def test_quit(tnet):
    """Ctrl-C ends a UI; it leaves a daemon it found running, and stops
    the one it started."""
    ui = tnet.ui
    ui.tmux.keys("C-c")
    rc, err = ui.wait_exit()
    assert rc == 0, err
    assert connectable(ui.sock())
    ui.tmux.kill()
    rc, out, err = ui.run("status", "--json")
    assert rc == 0, err
    os.kill(json.loads(out)["pid"], 15)
    deadline = time.monotonic() + 15
    while connectable(ui.sock()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not connectable(ui.sock())
    # A third UI starts a daemon again, and Ctrl-C stops it.
    ui.tmux = Tmux(ui.env)
    ui.start()
    ui.tmux.wait_text("Pat", "1 online")
    ui.tmux.keys("C-c")
    rc, err = ui.wait_exit()
    assert rc == 0, err
    deadline = time.monotonic() + 15
    while connectable(ui.sock()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not connectable(ui.sock())
    log = ui.daemon_log()
    check_sanitizers(log, "the UI's daemon")
    assert "started on %s:%d as tina@%s" % (T_ADDR, tnet.port, HOST) in log, log
    assert log.rstrip().endswith("stopped"), log
