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

DUMP is `tshark -T fields -e frame.time_relative -e ip.src -e ip.dst
-e data.data` output: time, source, destination, payload in hex.
"""
import json
import sys

SENDMSG, RECVMSG, SENDCHECKOPT = 0x20, 0x21, 0x100


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


def main(argv):
    cmds = {"peer": (cmd_peer, 3, None), "watch": (cmd_watch, 2, 2),
            "wire": (cmd_wire, 4, 4), "once": (cmd_once, 2, 2),
            "sends": (cmd_sends, 2, 2)}
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
