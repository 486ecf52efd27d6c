"""Discovery by real broadcast, with the default targets (every interface's
broadcast address and 255.255.255.255), in network namespaces of the test's
own: three nodes, each on a veth joined to a bridge in a fourth namespace,
addresses in 198.18.0.0/15. Nothing leaves those namespaces: they have no
interface but lo and their veth. Root only; skipped otherwise.
"""

import os
import random
import shutil
import subprocess
import time

import pytest

from conftest import Daemon, HOST, run_feige, short_tmpdir

SUBNET = "198.18.%d.%d"
PORT = 2425                     # the default: these namespaces are ours alone


def ip(*args, check=True):
    p = subprocess.run(["ip"] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=30)
    if check and p.returncode != 0:
        raise RuntimeError("ip %s: %s" % (" ".join(args), p.stderr.decode().strip()))
    return p


class Namespaces:
    def __init__(self):
        tag = "%04x%02x" % (os.getpid() & 0xffff, random.randrange(256))
        self.bridge = "fgbb%s-br" % tag
        self.nodes = ["fgbb%s-n%d" % (tag, i) for i in (1, 2, 3)]
        self.made = []
        self.subnet = random.randrange(256)   # 198.18.X.0/24

    def addr(self, i):
        return SUBNET % (self.subnet, i + 1)

    def setup(self):
        for ns in [self.bridge] + self.nodes:
            ip("netns", "add", ns)
            self.made.append(ns)
            ip("-n", ns, "link", "set", "lo", "up")
        ip("-n", self.bridge, "link", "add", "br0", "type", "bridge")
        ip("-n", self.bridge, "link", "set", "br0", "up")
        for i, ns in enumerate(self.nodes):
            port = "p%d" % (i + 1)
            # Both ends are made inside our namespaces: nothing in the host's.
            ip("-n", self.bridge, "link", "add", port, "type", "veth",
               "peer", "name", "eth0", "netns", ns)
            ip("-n", self.bridge, "link", "set", port, "master", "br0")
            ip("-n", self.bridge, "link", "set", port, "up")
            ip("-n", ns, "addr", "add", self.addr(i) + "/24", "brd", "+", "dev", "eth0")
            ip("-n", ns, "link", "set", "eth0", "up")
            # 255.255.255.255 needs a route; the only way out is our veth.
            ip("-n", ns, "route", "add", "default", "dev", "eth0")

    def cleanup(self):
        for ns in reversed(self.made):
            ip("netns", "del", ns, check=False)
        self.made = []


@pytest.fixture
def netns(feige):
    if os.geteuid() != 0:
        pytest.skip("network namespaces need root")
    if shutil.which("ip") is None:
        pytest.skip("no `ip` command (iproute2)")
    n = Namespaces()
    try:
        n.setup()
    except (RuntimeError, OSError, subprocess.SubprocessError) as e:
        n.cleanup()
        pytest.skip("cannot make network namespaces: %s" % e)
    daemons = []
    n.daemons = daemons
    try:
        yield n
    finally:
        for d in daemons:
            d.cleanup()
        n.cleanup()


def test_discovery_by_broadcast(netns):
    names = ["nsa", "nsb", "nsc"]
    ds = []
    for i, ns in enumerate(netns.nodes):
        d = Daemon(names[i], netns.addr(i), PORT, [], netns=ns)
        netns.daemons.append(d)
        ds.append(d)
    for d in ds:
        d.start()
        assert "--broadcast" not in d.argv()
    # Each lists the other two within a few seconds.
    for i, d in enumerate(ds):
        for j, other in enumerate(ds):
            if i == j:
                continue
            p = d.wait_peer(lambda p, u=names[j]: p["user"] == u, timeout=8,
                            what=names[j])
            assert p["address"] == netns.addr(j) and p["port"] == PORT, p
            assert p["host"] == HOST
        assert len(d.list()) == 2

    # A message between two of them, acknowledged.
    wb = ds[1].watch()
    r = ds[0].run("send", "--json", "nsb@" + HOST, "广播发现之后的消息")
    assert r.rc == 0, r
    assert r.json()["acked"] == ["%s:%d" % (netns.addr(1), PORT)]
    ev = wb.wait_for(lambda e: e.get("event") == "message" and
                     e.get("text") == "广播发现之后的消息", what="the message")
    assert ev["address"] == netns.addr(0) and ev["user"] == "nsa"

    # A broadcast message reaches both others.
    wc = ds[2].watch()
    r = ds[0].run("broadcast", "--json", "hello LAN")
    assert r.rc == 0 and r.json()["sent"] == 2, r
    for w in (wb, wc):
        w.wait_for(lambda e: e.get("event") == "message" and e.get("text") == "hello LAN")

    # nsc leaves: the others see it go.
    ds[2].stop()
    for d in ds[:2]:
        deadline = time.monotonic() + 8
        while any(p["user"] == "nsc" for p in d.list()):
            assert time.monotonic() < deadline, "nsc still listed by %s" % d.name
            time.sleep(0.1)

    # A short-lived node in nsc's namespace finds the other two by broadcast.
    home = short_tmpdir("nsl")
    try:
        r = run_feige(["--home", home, "list", "--json", "--wait", "2000",
                       "--user", "nsl", "--host", HOST],
                      prefix=["ip", "netns", "exec", netns.nodes[2]], timeout=60)
        assert r.rc == 0, r
        assert sorted(p["user"] for p in r.json()) == ["nsa", "nsb"], r
    finally:
        shutil.rmtree(home, ignore_errors=True)
    for d in ds[:2]:
        d.stop()
