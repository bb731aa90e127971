#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Instructions that ftrace_init() takes at boot, exactly.

    boot_init.py KERNEL_DIR

Boots KERNEL_DIR/Image under qemu -icount shift=0 (one instruction per
guest nanosecond; not sleep=off, with which the guest never gets past a
gdbstub stop) stopped at reset, and drives QEMU's gdbstub: a breakpoint
on ftrace_init(), then one on its return address.  At each stop it reads
the minstret CSR, which QEMU derives from the instruction count under
-icount.  Inside it, the first record's ftrace_init_nop() (the
architecture's text write of each call site) is counted the same way.  ftrace_init() runs before the kernel has a clock, so no printk
timestamp or in-guest counter can see it.  Prints the usual
"# bench:" lines: records (the __mcount_loc entries ftrace_init()
processes), instructions, and one ftrace_init_nop()'s instructions.
"""

import ctypes
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

PR_SET_PDEATHSIG = 1
MINSTRET = 0xB02             # CSR number


def symbols(system_map, names):
    found = {}
    with open(system_map) as f:
        for line in f:
            addr, _, name = line.split()
            if name in names:
                found[name] = int(addr, 16)
    missing = set(names) - set(found)
    if missing:
        sys.exit(f"error: {system_map} lacks {', '.join(sorted(missing))}")
    return found


class Gdb:
    """The few gdb remote protocol packets this needs (no-ack mode)."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        for _ in range(100):
            try:
                self.sock.connect(path)
                break
            except OSError:
                time.sleep(0.1)
        else:
            sys.exit("error: QEMU's gdbstub did not come up")
        self.buf = b""
        self.sock.sendall(b"+")
        self.ack = True
        self.request("QStartNoAckMode")
        self.ack = False

    def request(self, payload, timeout=120):
        data = payload.encode()
        packet = b"$%s#%02x" % (data, sum(data) & 0xFF)
        self.sock.sendall(packet)
        self.sock.settimeout(timeout)
        while True:
            start = self.buf.find(b"$")
            end = self.buf.find(b"#", start)
            if start >= 0 and end >= 0 and len(self.buf) >= end + 3:
                reply = self.buf[start + 1:end].decode()
                self.buf = self.buf[end + 3:]
                if self.ack:
                    self.sock.sendall(b"+")
                return reply
            chunk = self.sock.recv(4096)
            if not chunk:
                sys.exit(f"error: gdbstub closed the connection after {payload!r}")
            self.buf += chunk

    def check(self, payload):
        reply = self.request(payload)
        if reply != "OK":
            sys.exit(f"error: gdbstub answered {reply!r} to {payload!r}")

    def run_to(self, addr):
        self.check(f"Z0,{addr:x},4")
        reply = self.request("c")
        if not reply.startswith("T05"):
            sys.exit(f"error: stopped with {reply!r}, not at a breakpoint")
        self.check(f"z0,{addr:x},4")

    def ra(self):
        return int.from_bytes(bytes.fromhex(self.request("p1")), "little")

    def minstret(self):
        """Read minstret: QEMU numbers CSRs after the cpu, fpu and virtual registers."""
        if not hasattr(self, "csr_base"):
            xml = self.xfer("riscv-csr.xml")
            m = re.search(r'<reg name="minstret"[^>]*regnum="(\d+)"', xml)
            if not m:
                sys.exit("error: QEMU's gdbstub does not offer minstret")
            self.csr_base = int(m.group(1)) - MINSTRET
        reply = self.request(f"p{self.csr_base + MINSTRET:x}")
        return int.from_bytes(bytes.fromhex(reply), "little")

    def xfer(self, annex):
        text, offset = "", 0
        while True:
            reply = self.request(f"qXfer:features:read:{annex}:{offset:x},800")
            if reply[:1] not in ("l", "m"):
                sys.exit(f"error: cannot read {annex} from the gdbstub: {reply!r}")
            text += reply[1:]
            offset += len(reply) - 1
            if reply[0] == "l":
                return text


def main(kout):
    syms = symbols(os.path.join(kout, "System.map"),
                   {"ftrace_init", "ftrace_init_nop", "__start_mcount_loc",
                    "__stop_mcount_loc"})
    records = (syms["__stop_mcount_loc"] - syms["__start_mcount_loc"]) // 8
    with tempfile.TemporaryDirectory() as tmp:
        sock = os.path.join(tmp, "gdb.sock")
        qemu = subprocess.Popen(
            ["qemu-system-riscv64", "-M", "virt", "-cpu", "rv64", "-smp", "1",
             "-m", "1G", "-nographic", "-icount", "shift=0",
             "-kernel", os.path.join(kout, "Image"), "-append", "console=ttyS0 quiet",
             "-gdb", f"unix:{sock},server=on,wait=off", "-S"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            # Killed with this script, however it ends.
            preexec_fn=lambda: ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, 9))
        try:
            gdb = Gdb(sock)
            gdb.run_to(syms["ftrace_init"])
            start = gdb.minstret()
            init_ra = gdb.ra()
            print(f"boot_init: at ftrace_init, minstret {start}", file=sys.stderr)
            # The first record's ftrace_init_nop(), the architecture's part
            # of each record (its text write).
            gdb.run_to(syms["ftrace_init_nop"])
            nop_start = gdb.minstret()
            gdb.run_to(gdb.ra())
            nop_insns = gdb.minstret() - nop_start
            gdb.run_to(init_ra)
            end = gdb.minstret()
            print(f"boot_init: returned, minstret {end}", file=sys.stderr)
        finally:
            qemu.kill()
            qemu.wait()
    print(f"# bench: boot.ftrace_records {records}")
    print(f"# bench: boot.ftrace_init_insns {end - start}")
    print(f"# bench: boot.ftrace_init_nop_insns {nop_insns}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
