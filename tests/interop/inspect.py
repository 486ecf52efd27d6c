#!/usr/bin/env python3
"""Small checks for tests/interop/run.sh: feige's JSON output and tshark dumps.

  inspect.py peer LIST.json IP FIELD...   prints the fields of the peer at IP
                                          (tab-separated); exit 1 if absent
  inspect.py watch WATCH.jsonl TEXT       exit 0 if a message event carries
                                          exactly TEXT; else prints what came
  inspect.py wire DUMP SRC TEXT ENC       the SENDMSG text bytes SRC sent must
                                          be TEXT in ENC; prints what was seen
  inspect.py sends DUMP SRC               lists the SENDMSGs SRC sent: #pktno text
  inspect.py once DUMP SRC                each acknowledged SENDMSG from SRC
                                          went out once: one copy, then a
                                          RECVMSG for it from the other side
  inspect.py sametree SRC DST             DST is a copy of SRC (a file or a
                                          folder): same names, kinds, sizes and
                                          sha256; prints a summary, then a line
                                          on the mtimes; else the differences
  inspect.py offer OFFERS.json IP         feige's offer from IP: its id, then
                                          name<TAB>size<TAB>type<TAB>mtime per file
  inspect.py events JSONL EVENT [K=V]...  counts the events EVENT whose fields
                                          K have the values V (JSON or plain)
  inspect.py tcp TCPDUMP                  each TCP connection: who asked what,
                                          and the start of the answer
  inspect.py offernames DUMP SRC          the names in SRC's offers (SENDMSG
                                          with FILEATTACHOPT), bytes and reading

DUMP is `tshark -T fields -e frame.time_relative -e ip.src -e ip.dst
-e data.data` output: time, source, destination, payload in hex; TCPDUMP
the same with tcp.stream after the time and tcp.payload as the payload.
"""
import hashlib
import json
import os
import sys

SENDMSG, RECVMSG, SENDCHECKOPT, FILEATTACHOPT = 0x20, 0x21, 0x100, 0x200000


def packets(path):
    """Yields (time, src, dst, ver, pktno, cmd, extra bytes) for each IPMsg packet."""
    with open(path, encoding="ascii", errors="replace") as f:
        for line in f:
            parts = line.split()
            if len(parts) != 4:
                continue
            t, src, dst, hexdata = parts
            try:
                raw = bytes.fromhex(hexdata.replace(":", ""))
            except ValueError:
                continue
            fields = raw.split(b":", 5)
            if len(fields) < 6:
                continue
            try:
                pktno, cmd = int(fields[1]), int(fields[4])
            except ValueError:
                continue
            extra = fields[5].split(b"\0", 1)[0]
            yield float(t), src, dst, fields[0], pktno, cmd, extra


def show(b):
    """Bytes as hex, with a UTF-8/GB18030 reading when there is one."""
    out = b.hex(" ")
    for enc in ("utf-8", "gb18030"):
        try:
            out += " (%s: %s)" % (enc, b.decode(enc))
            break
        except UnicodeDecodeError:
            pass
    return out


def cmd_peer(path, ip, *fields):
    with open(path, encoding="utf-8") as f:
        peers = json.load(f)
    for p in peers:
        if p.get("address") == ip:
            print("\t".join(str(p.get(k, "")) for k in fields))
            return 0
    print("no peer at %s in %s" % (ip, [p.get("address") for p in peers]))
    return 1


def cmd_watch(path, text):
    seen = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            try:
                ev = json.loads(line)
            except ValueError:
                continue
            if ev.get("event") == "message":
                if ev.get("text") == text:
                    return 0
                seen.append("%r (#%s)" % (ev.get("text"), ev.get("pktno")))
    print("got %s" % (", ".join(seen) if seen else "no message"))
    return 1


def cmd_wire(path, src, text, enc):
    want = text.encode(enc)
    seen = []
    for t, s, d, ver, pktno, cmd, extra in packets(path):
        if s == src and cmd & 0xFF == SENDMSG:
            if extra == want:
                print("SENDMSG #%d from %s carries the %s bytes %s" % (pktno, src, enc, want.hex(" ")))
                return 0
            seen.append(extra)
    print("expected %s bytes %s; SENDMSG texts from %s: %s" % (
        enc, want.hex(" "), src, "; ".join(show(b) for b in seen) or "none"))
    return 1


def cmd_sends(path, src):
    seen = []
    for t, s, d, ver, pktno, cmd, extra in packets(path):
        if s == src and cmd & 0xFF == SENDMSG and (pktno, extra) not in seen:
            seen.append((pktno, extra))
    for pktno, extra in seen:
        print("#%d %s" % (pktno, extra.decode("utf-8", "replace")))
    return 0 if seen else 1


def cmd_once(path, src):
    pk = list(packets(path))
    sends = {}
    for t, s, d, ver, pktno, cmd, extra in pk:
        if s == src and cmd & 0xFF == SENDMSG and cmd & SENDCHECKOPT:
            sends.setdefault(pktno, []).append(t)
    if not sends:
        print("no SENDMSG from %s captured" % src)
        return 1
    bad = 0
    for pktno, times in sorted(sends.items()):
        acks = [t for t, s, d, ver, n, cmd, extra in pk
                if d == src and cmd & 0xFF == RECVMSG and extra == str(pktno).encode()]
        after = [x for x in times if acks and x > acks[0]]
        if not acks:
            print("SENDMSG #%d: %d copies, no RECVMSG for it" % (pktno, len(times)))
            bad = 1
        elif len(times) != 1 or after:
            print("SENDMSG #%d: %d copies (%d after our RECVMSG at %.3fs)" % (
                pktno, len(times), len(after), acks[0]))
            bad = 1
        else:
            print("SENDMSG #%d sent once, our RECVMSG %.1f ms later, no retransmission" % (
                pktno, (acks[0] - times[0]) * 1000))
    return bad


def walk(root):
    """{relative path: (kind, size, sha256, mtime)} of root and what is below it."""
    out = {}

    def one(path, rel):
        st = os.lstat(path)
        if os.path.islink(path):
            out[rel] = ("link", 0, os.readlink(path), st.st_mtime)
        elif os.path.isdir(path):
            out[rel] = ("folder", 0, "", st.st_mtime)
            for n in sorted(os.listdir(path)):
                one(os.path.join(path, n), os.path.join(rel, n))
        else:
            h = hashlib.sha256()
            with open(path, "rb") as f:
                for b in iter(lambda: f.read(1 << 20), b""):
                    h.update(b)
            out[rel] = ("file", st.st_size, h.hexdigest(), st.st_mtime)

    one(root, os.path.basename(root.rstrip("/")))
    return out


def cmd_sametree(src, dst):
    if not os.path.lexists(dst):
        print("%s is missing" % dst)
        return 1
    a, b = walk(src), walk(dst)
    # the copy may have its own top name: compare below it
    top_a, top_b = os.path.basename(src.rstrip("/")), os.path.basename(dst.rstrip("/"))
    b = {top_a + k[len(top_b):]: v for k, v in b.items()}
    bad = []
    for k in sorted(set(a) | set(b)):
        if k not in b:
            bad.append("missing %s %s" % (a[k][0], k))
        elif k not in a:
            bad.append("extra %s %s (%d bytes)" % (b[k][0], k, b[k][1]))
        elif a[k][0] != b[k][0]:
            bad.append("%s: a %s, should be a %s" % (k, b[k][0], a[k][0]))
        elif a[k][:3] != b[k][:3]:
            bad.append("%s: %d bytes sha256 %s..., should be %d bytes sha256 %s..." % (
                k, b[k][1], b[k][2][:12], a[k][1], a[k][2][:12]))
    if bad:
        print("; ".join(bad[:12]) + ("; ..." if len(bad) > 12 else ""))
        return 1
    files = [v for v in a.values() if v[0] == "file"]
    folders = [v for v in a.values() if v[0] == "folder"]
    if folders:
        print("%d files (%d bytes, %d empty), %d folders (%d empty): names, tree and sha256 identical" % (
            len(files), sum(v[1] for v in files), sum(1 for v in files if v[1] == 0),
            len(folders), sum(1 for k, v in a.items() if v[0] == "folder"
                              and not any(x.startswith(k + "/") for x in a)), ))
    else:
        print("%d bytes, sha256 %s... identical" % (files[0][1], files[0][2][:16]))
    off = ["%s (%+.0f s)" % (k, b[k][3] - a[k][3]) for k in sorted(a)
           if a[k][0] == "file" and abs(b[k][3] - a[k][3]) > 2]
    print("mtimes: %s" % ("all kept" if not off else
                          "%d of %d files differ: %s" % (len(off), len(files), ", ".join(off[:4]))))
    return 0


def cmd_offer(path, ip):
    with open(path, encoding="utf-8") as f:
        offers = json.load(f)
    for o in offers:
        if o.get("address") == ip:
            print(o.get("id"))
            for x in o.get("files", []):
                print("%s\t%s\t%s\t%s" % (x.get("name"), x.get("size"), x.get("type"), x.get("mtime")))
            return 0
    print("no offer from %s (%d offers)" % (ip, len(offers)))
    return 1


def cmd_events(path, event, *conds):
    want = [c.split("=", 1) for c in conds]
    n = 0
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            try:
                ev = json.loads(line)
            except ValueError:
                continue
            if ev.get("event") != event:
                continue
            if all(k in ev and (json.dumps(ev[k], ensure_ascii=False) == v or str(ev[k]) == v)
                   for k, v in want):
                n += 1
    print(n)
    return 0 if n else 1


def cmd_offernames(path, src):
    seen = []
    with open(path, encoding="ascii", errors="replace") as f:
        for line in f:
            parts = line.split()
            if len(parts) != 4 or parts[1] != src:
                continue
            try:
                raw = bytes.fromhex(parts[3].replace(":", ""))
            except ValueError:
                continue
            head = raw.split(b"\0", 1)
            fields = head[0].split(b":", 5)
            if len(fields) < 6 or len(head) < 2:
                continue
            try:
                cmd = int(fields[4])
            except ValueError:
                continue
            if cmd & 0xFF != SENDMSG or not cmd & FILEATTACHOPT:
                continue
            for ent in head[1].split(b"\0")[0].split(b"\a"):
                ent = ent.lstrip(b":")
                parts2 = ent.split(b":")
                if len(parts2) > 2 and show(parts2[1]) not in seen:
                    seen.append(show(parts2[1]))
    print("; ".join(seen) if seen else "no offer from %s" % src)
    return 0 if seen else 1


def cmd_tcp(path):
    streams = {}
    with open(path, encoding="ascii", errors="replace") as f:
        for line in f:
            parts = line.split()
            if len(parts) != 5:
                continue
            t, stream, src, dst, hexdata = parts
            try:
                raw = bytes.fromhex(hexdata.replace(":", ""))
            except ValueError:
                continue
            st = streams.setdefault(stream, {"client": src, "server": dst, "req": b"", "ans": b"",
                                             "nreq": 0, "nans": 0})
            if src == st["client"]:
                st["nreq"] += len(raw)
                st["req"] += raw[:200 - len(st["req"])] if len(st["req"]) < 200 else b""
            else:
                st["nans"] += len(raw)
                st["ans"] += raw[:160 - len(st["ans"])] if len(st["ans"]) < 160 else b""
    for k in sorted(streams, key=int):
        st = streams[k]
        req = st["req"].split(b"\0")[0].decode("utf-8", "backslashreplace")
        ans = st["ans"][:160].decode("utf-8", "backslashreplace")
        ans = "".join(c if c.isprintable() else "." for c in ans)[:100]
        print("tcp %s: %s asked %r; %s answered %d bytes: %r" % (
            k, st["client"], req, st["server"], st["nans"], ans))
    return 0 if streams else 1


def main(argv):
    cmds = {"peer": (cmd_peer, 3, None), "watch": (cmd_watch, 2, 2),
            "wire": (cmd_wire, 4, 4), "once": (cmd_once, 2, 2),
            "sends": (cmd_sends, 2, 2), "sametree": (cmd_sametree, 2, 2),
            "offer": (cmd_offer, 2, 2), "events": (cmd_events, 2, None),
            "tcp": (cmd_tcp, 1, 1), "offernames": (cmd_offernames, 2, 2)}
    if len(argv) < 2 or argv[1] not in cmds:
        print(__doc__, file=sys.stderr)
        return 2
    fn, lo, hi = cmds[argv[1]]
    args = argv[2:]
    if len(args) < lo or (hi is not None and len(args) > hi):
        print(__doc__, file=sys.stderr)
        return 2
    return fn(*args)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
