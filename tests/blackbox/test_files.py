"""Black-box tests of file transfer: send-file / offers / accept / decline /
cancel / recv between two daemons on loopback (sam on 127.0.0.30 sends,
rita on 127.0.0.31 receives). Each test is skipped while the commands it
needs are missing from `feige --help`.

Addresses of this module: 127.0.0.30-.31.
"""

import hashlib
import json
import os
import shutil
import subprocess
import time

import pytest

from conftest import (Daemon, Group, HOST, PortBusy, feige_bin, need_commands,
                      short_tmpdir, start_with_port)

S_ADDR, R_ADDR = "127.0.0.30", "127.0.0.31"
RETRY = ["--retry-ms", "300", "--retries", "3"]
BIG = 512 << 20         # the file the sender is killed in the middle of


@pytest.fixture(scope="module")
def fnet(feige, commands):
    need_commands(commands, "send-file", "offers", "accept")
    g = Group()

    def make(port):
        for d in list(g.daemons):
            d.cleanup()
        g.daemons.clear()
        try:
            g.add(Daemon("sam", S_ADDR, port, [R_ADDR], extra=RETRY)).start()
            g.add(Daemon("rita", R_ADDR, port, [S_ADDR], extra=RETRY)).start()
        except PortBusy:
            for d in g.daemons:
                d.cleanup()
            g.daemons.clear()
            raise
        return g.daemons

    try:
        port, (s, r) = start_with_port(make, [S_ADDR, R_ADDR])
        s.wait_peer(lambda p: p["user"] == "rita", what="rita")
        r.wait_peer(lambda p: p["user"] == "sam", what="sam")

        class F:
            pass
        f = F()
        f.port, f.s, f.r, f.group = port, s, r, g
        yield f
        for d in g.daemons:
            if d.running():
                d.stop()
    finally:
        g.cleanup()


@pytest.fixture(autouse=True)
def _decline_leftovers(request):
    """Each test starts with no offers waiting at rita (recv takes waiting
    offers first)."""
    yield
    if "fnet" not in request.fixturenames:
        return
    f = request.getfixturevalue("fnet")
    if not f.r.running():
        return
    r = f.r.run("offers", "--json")
    if r.rc == 0:
        for o in r.json():
            f.r.run("decline", str(o["id"]))


@pytest.fixture
def work():
    d = short_tmpdir("files")
    yield d
    shutil.rmtree(d, ignore_errors=True)


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            b = f.read(1 << 20)
            if not b:
                break
            h.update(b)
    return h.hexdigest()


def tree(root):
    """{relative path: "dir" | sha256} of everything under root."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        if rel != ".":
            out[rel] = "dir"
        for n in filenames:
            p = os.path.join(dirpath, n)
            assert not os.path.islink(p), p
            out[os.path.normpath(os.path.join(rel, n))] = sha256(p)
    return out


def make_sample(base):
    """A folder with CJK names, nested folders, an empty file and an empty
    folder; plus two loose files (one empty). Returns the offered paths."""
    top = os.path.join(base, "src", "资料 2024")
    write(os.path.join(top, "报告.txt"), ("第一季度报告\n" * 5000).encode())
    write(os.path.join(top, "空文件.txt"), b"")
    write(os.path.join(top, "子目录", "深层 目录", "数据.bin"), os.urandom(1 << 20) + b"end")
    write(os.path.join(top, "子目录", "readme.md"), b"# hello\n")
    write(os.path.join(top, "日本語ファイル.txt"), "こんにちは".encode())
    # ':' is the attachment list's separator (escaped as "::" on the wire).
    write(os.path.join(top, "会议 10:30.txt"), b"colon")
    write(os.path.join(top, "子目录", "a::b"), b"double colon")
    os.makedirs(os.path.join(top, "空文件夹"))
    os.makedirs(os.path.join(top, "子目录", "另一个空的"))
    loose = os.path.join(base, "src", "单独的文件.dat")
    write(loose, os.urandom(300000))
    empty = os.path.join(base, "src", "零字节")
    write(empty, b"")
    return [top, loose, empty]


def wait_offer(d, pred=lambda o: True, timeout=15.0):
    deadline = time.monotonic() + timeout
    offers = []
    while time.monotonic() < deadline:
        r = d.run("offers", "--json")
        assert r.rc == 0, r
        offers = r.json()
        for o in offers:
            if pred(o):
                return o
        time.sleep(0.1)
    raise AssertionError("no such offer at %s: %s" % (d.name, json.dumps(offers, ensure_ascii=False)))


def send_file(f, *args):
    r = f.s.run("send-file", "--json", *args)
    assert r.rc == 0, r
    res = r.json_lines()[0]
    assert res["ok"] is True and isinstance(res["offer"], int), r
    return res


def accept(f, offer_id, dest, *files, expect=0):
    r = f.r.run("accept", "--json", "--to", dest, str(offer_id), *files, timeout=120)
    assert r.rc == expect, r
    evs = r.json_lines()
    assert evs and evs[-1]["event"] == "xfer_done", r
    return evs


def no_part_files(root):
    for dirpath, _, filenames in os.walk(root):
        for n in filenames:
            assert not n.endswith(".part"), os.path.join(dirpath, n)


def test_folder_tree_cjk_empty_files_and_folders(fnet, work):
    f = fnet
    paths = make_sample(work)
    ws = f.s.watch()
    res = send_file(f, "-m", "给你的文件", "rita@" + HOST, *paths)
    offer = wait_offer(f.r, lambda o: o["user"] == "sam" and o["text"] == "给你的文件")
    assert offer["count"] == 3, offer
    by_name = {x["name"]: x for x in offer["files"]}
    assert set(by_name) == {"资料 2024", "单独的文件.dat", "零字节"}, offer
    assert by_name["资料 2024"]["type"] == "folder"
    assert by_name["单独的文件.dat"]["type"] == "file"
    assert by_name["单独的文件.dat"]["size"] == 300000
    assert by_name["零字节"]["size"] == 0
    assert all(x["state"] == "new" for x in offer["files"])

    dest = os.path.join(work, "dest")
    evs = accept(f, offer["id"], dest)
    done = evs[-1]
    assert done["status"] == "ok", done
    assert done["upload"] is False and done["offer"] == offer["id"]
    assert done["files_done"] >= 3

    src = os.path.join(work, "src")
    assert tree(dest) == tree(src)
    assert os.path.isdir(os.path.join(dest, "资料 2024", "空文件夹"))
    assert os.path.isdir(os.path.join(dest, "资料 2024", "子目录", "另一个空的"))
    assert os.path.getsize(os.path.join(dest, "资料 2024", "空文件.txt")) == 0
    assert os.path.getsize(os.path.join(dest, "零字节")) == 0
    no_part_files(dest)

    # The sender sees the offer end as fetched; the offer is gone at rita.
    end = ws.wait_for(lambda e: e.get("event") == "offer_end" and e.get("id") == res["offer"],
                      what="offer_end")
    assert end["why"] == "fetched", end
    assert not [o for o in f.r.run("offers", "--json").json() if o["id"] == offer["id"]]


def test_accept_some_files_and_no_overwrite(fnet, work):
    f = fnet
    paths = make_sample(work)
    send_file(f, "-m", "部分", "rita@" + HOST, *paths)
    offer = wait_offer(f.r, lambda o: o["text"] == "部分")
    dest = os.path.join(work, "dest")
    os.makedirs(dest)
    # A name already taken is not replaced.
    write(os.path.join(dest, "单独的文件.dat"), b"mine")
    evs = accept(f, offer["id"], dest, "单独的文件.dat")
    assert evs[-1]["status"] == "ok"
    with open(os.path.join(dest, "单独的文件.dat"), "rb") as fh:
        assert fh.read() == b"mine"
    assert sha256(os.path.join(dest, "单独的文件 (1).dat")) == sha256(paths[1])
    assert sorted(os.listdir(dest)) == ["单独的文件 (1).dat", "单独的文件.dat"]
    # The rest is still offered; decline it.
    o = wait_offer(f.r, lambda o: o["id"] == offer["id"])
    states = {x["name"]: x["state"] for x in o["files"]}
    assert states["单独的文件.dat"] == "done" and states["零字节"] == "new", o
    r = f.r.run("decline", str(offer["id"]))
    assert r.rc == 0, r
    assert not [o for o in f.r.run("offers", "--json").json() if o["id"] == offer["id"]]


def test_decline_ends_send_file_wait(fnet, work, commands):
    need_commands(commands, "decline")
    f = fnet
    p = os.path.join(work, "不要的.txt")
    write(p, b"no thanks")
    proc = subprocess.Popen([feige_bin(), "--home", f.s.home, "send-file", "--wait", "--json",
                             "-m", "decline me", "rita@" + HOST, p],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=f.s.env)
    try:
        offer = wait_offer(f.r, lambda o: o["text"] == "decline me")
        r = f.r.run("decline", "--json", str(offer["id"]))
        assert r.rc == 0, r
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 6, (out, err)
    lines = [json.loads(l) for l in out.decode().splitlines() if l.strip()]
    assert lines[0]["ok"] is True
    assert lines[-1]["event"] == "offer_end" and lines[-1]["why"] == "released", lines
    assert b"declined" in err


def test_cancelled_offer_cannot_be_fetched(fnet, work, commands):
    need_commands(commands, "cancel")
    f = fnet
    p = os.path.join(work, "撤回.txt")
    write(p, b"withdrawn")
    res = send_file(f, "-m", "cancel me", "rita@" + HOST, p)
    offer = wait_offer(f.r, lambda o: o["text"] == "cancel me")
    r = f.s.run("cancel", str(res["offer"]))
    assert r.rc == 0, r
    dest = os.path.join(work, "dest")
    r = f.r.run("accept", "--json", "--to", dest, str(offer["id"]), timeout=60)
    assert r.rc == 1, r
    assert "撤回.txt" in r.err or "撤回.txt" in r.out, r
    assert not os.path.exists(os.path.join(dest, "撤回.txt"))
    # (An empty 撤回.txt.part is left behind, as after any failed download.)
    # Unknown ids.
    assert f.s.run("cancel", "987654").rc != 0
    r = f.r.run("accept", "--to", dest, "987654")
    assert r.rc != 0 and r.err.strip(), r


def test_send_file_errors(fnet, work):
    f = fnet
    p = os.path.join(work, "x.txt")
    write(p, b"x")
    r = f.s.run("send-file", "nobody@nowhere", p)
    assert r.rc == 3, r
    r = f.s.run("send-file", "rita@" + HOST, os.path.join(work, "does-not-exist"))
    assert r.rc == 1 and "does-not-exist" in r.err, r
    r = f.s.run("send-file", "127.0.0.99", p)
    assert r.rc == 4, r
    r = f.s.run("send-file", "rita@" + HOST)
    assert r.rc == 2, r


def test_recv_yes_once(fnet, work, commands):
    need_commands(commands, "send-file", "recv")
    f = fnet
    paths = make_sample(work)
    dest = os.path.join(work, "inbox")
    proc = subprocess.Popen([feige_bin(), "--home", f.r.home, "recv", "--yes", "--once",
                             "--json", "--to", dest],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=f.r.env)
    try:
        # recv takes waiting offers first, so the order does not matter; still
        # let it subscribe before the offer comes in.
        time.sleep(0.5)
        send_file(f, "-m", "recv test", "rita@" + HOST, paths[0])
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, (out, err)
    lines = [json.loads(l) for l in out.decode().splitlines() if l.strip()]
    assert any(l.get("event") == "xfer_done" and l.get("status") == "ok" for l in lines), lines
    assert tree(os.path.join(dest, "资料 2024")) == tree(paths[0])
    no_part_files(dest)


def make_big(path):
    """BIG bytes: random blocks at the start, every 64 MiB and at the end,
    holes in between (cheap to make, still position-sensitive)."""
    with open(path, "wb") as fh:
        fh.truncate(BIG)
        for off in list(range(0, BIG, 64 << 20)) + [BIG - (1 << 20)]:
            fh.seek(off)
            fh.write(os.urandom(1 << 20))


def test_resume_after_sender_killed(fnet, work):
    f = fnet
    src = os.path.join(work, "大文件.bin")
    make_big(src)
    want = sha256(src)
    dest = os.path.join(work, "dest")
    os.makedirs(dest)
    part = os.path.join(dest, "大文件.bin.part")

    send_file(f, "-m", "big one", "rita@" + HOST, src)
    offer = wait_offer(f.r, lambda o: o["text"] == "big one")
    acc = subprocess.Popen([feige_bin(), "--home", f.r.home, "accept", "--json", "--to", dest,
                            str(offer["id"])],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=f.r.env)
    try:
        # Kill the sender as soon as the download is under way.
        deadline = time.monotonic() + 60
        size = 0
        while time.monotonic() < deadline:
            if os.path.exists(part):
                size = os.path.getsize(part)
                if size >= (1 << 20):
                    break
            if acc.poll() is not None:
                break
            time.sleep(0.002)
        f.s.kill()
        assert 0 < size < BIG, "the transfer was not caught in progress (size %d)" % size
        out, err = acc.communicate(timeout=60)
    finally:
        if acc.poll() is None:
            acc.kill()
            acc.wait()
    assert acc.returncode == 1, (out, err)
    lines = [json.loads(l) for l in out.decode().splitlines() if l.strip()]
    assert lines and lines[-1]["event"] == "xfer_done" and lines[-1]["status"] == "error", lines
    assert os.path.exists(part), os.listdir(dest)
    kept = os.path.getsize(part)
    assert 0 < kept < BIG
    print("resume: killed at %d, .part kept %d of %d bytes" % (size, kept, BIG))
    assert not os.path.exists(os.path.join(dest, "大文件.bin"))

    # The sender comes back (its socket file is stale), rita sees it again.
    f.s.start()
    f.r.wait_peer(lambda p: p["user"] == "sam", what="sam again")
    send_file(f, "-m", "big again", "rita@" + HOST, src)
    offer2 = wait_offer(f.r, lambda o: o["text"] == "big again")
    evs = accept(f, offer2["id"], dest)
    done = evs[-1]
    assert done["status"] == "ok", done
    # The second transfer started where the .part ended, not at 0.
    offsets = [e.get("offset") for e in evs if "offset" in e]
    assert offsets, evs
    assert offsets[0] > 0 and offsets[0] <= kept, (offsets[0], kept)
    # Between feige nodes the request is signed and the data encrypted.
    assert done.get("encrypted") is True, done
    assert sha256(os.path.join(dest, "大文件.bin")) == want
    assert not os.path.exists(part)
    assert os.listdir(dest) == ["大文件.bin"]
