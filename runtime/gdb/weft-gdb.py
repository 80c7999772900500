# weft-gdb.py: GDB support for weft programs: printers for actions, nodes, frames and fibers, and the
# `weft fibers`, `weft loop` and `weft detect-recursion` commands.  Covered by test/gdb/ (docs/debugging.md).
#
# Installed next to libweft as <auto-load dir>/<libdir>/libweft.so.<version>-gdb.py, and named by the
# .debug_gdb_scripts section of libweft (runtime/src/trace.c), so GDB loads it for programs that link
# weft statically too.  It reads the runtime's structures by field name through gdb.Value only, so a
# field added to them changes nothing here, and a field that is missing prints as "?" instead of
# failing the command.  It must stay loadable more than once (both auto-load routes may fire).

import re
import struct
import time
from collections import Counter

import gdb
import gdb.printing

# ---- reading the inferior defensively ----------------------------------------------------------


def _field(value, name):
    """value.name, or None when the structure has no such field (or the memory is unreadable)."""
    try:
        v = value[name]
        v.fetch_lazy()
        return v
    except (gdb.error, gdb.MemoryError, RuntimeError, TypeError):
        return None


def _int(value, default=None):
    if value is None:
        return default
    try:
        return int(value)
    except (gdb.error, gdb.MemoryError, ValueError, TypeError):
        return default


def _deref(ptr):
    """*ptr, or None for a NULL or unreadable pointer."""
    if ptr is None or _int(ptr, 0) == 0:
        return None
    try:
        v = ptr.dereference()
        v.fetch_lazy()
        return v
    except (gdb.error, gdb.MemoryError):
        return None


def _q(value):
    """A field's value for display: "?" when it is missing."""
    return "?" if value is None else str(value)


_enum_cache = {}


def _enum_name(enum_tag, number, prefix):
    """The name of number in enum enum_tag, without prefix and in lower case ("wait_io"); the
    enum is read from the program's debug info, so states and kinds added later print by name."""
    if number is None:
        return "?"
    names = _enum_cache.get(enum_tag)
    if names is None:
        names = {}
        try:
            for f in gdb.lookup_type("enum " + enum_tag).fields():
                names[int(f.enumval)] = f.name
        except gdb.error:
            pass
        _enum_cache[enum_tag] = names
    name = names.get(number)
    if name is None:
        return "%s#%d" % (enum_tag, number)
    if name.startswith(prefix):
        name = name[len(prefix):]
    return name.lower()


def _function_name(ptr):
    """The name of the function a code pointer points into, or its address."""
    addr = _int(ptr)
    if addr is None:
        return "?"
    if addr == 0:
        return "NULL"
    name = _symbol_at(addr)
    return name if name else "%#x" % addr


def _symbol_at(addr):
    found = _function_at(addr)
    return found[0] if found else None


def _function_at(addr):
    """(name, start address) of the function containing addr, from the debug info or, without
    it, from the symbol table; None outside any known function."""
    try:
        block = gdb.block_for_pc(addr)
    except (RuntimeError, gdb.error):
        block = None
    while block is not None and block.function is None:
        block = block.superblock
    if block is not None and block.function is not None:
        return block.function.print_name, block.start
    try:
        text = gdb.execute("info symbol %#x" % addr, to_string=True)
    except gdb.error:
        return None
    m = re.match(r"(\S+)(?: \+ (\d+))? in section", text)
    return (m.group(1), addr - int(m.group(2) or 0)) if m else None


def _string(ptr):
    try:
        return ptr.string()
    except (gdb.error, gdb.MemoryError, UnicodeDecodeError, AttributeError):
        return "?"


def _site(ptr):
    """A combinator's call site (struct weft_site *) as "func (file:line)"; None when the node
    has no site (a primitive, or a program built without sites)."""
    site = _deref(ptr)
    if site is None:
        return None
    file = _field(site, "file")
    func = _field(site, "func")
    line = _int(_field(site, "line"))
    return "%s (%s:%s)" % (_string(func) if func is not None else "?",
                          _string(file) if file is not None else "?", "?" if line is None else line)


def _errno_name(err):
    import errno
    if err is None:
        return "?"
    return "%d (%s)" % (err, errno.errorcode.get(-err, "?"))


_EPOLLIN, _EPOLLOUT = 0x001, 0x004


def _direction(events):
    if events is None:
        return "?"
    parts = []
    if events & _EPOLLIN:
        parts.append("read")
    if events & _EPOLLOUT:
        parts.append("write")
    rest = events & ~(_EPOLLIN | _EPOLLOUT)
    if rest:
        parts.append("%#x" % rest)
    return "|".join(parts) if parts else "none"


def _now_ns():
    """CLOCK_MONOTONIC of the debugged process, when it is running on this machine: the clock is
    system-wide.  None for a core file, whose moment of death is not recorded."""
    try:
        conn = gdb.selected_inferior().connection
        if conn is not None and conn.type != "native":
            return None
    except AttributeError:
        pass
    if gdb.selected_inferior().pid == 0:
        return None
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC)


def _due(deadline):
    if deadline is None:
        return "?"
    now = _now_ns()
    if now is None:
        return "at %d ns (monotonic; no clock in a core file)" % deadline
    ms = (deadline - now) / 1e6
    return "due in %d ms" % ms if ms >= 0 else "overdue by %d ms" % -ms


def _io_dir_name(d):
    """WEFT__IO_READ / WEFT__IO_WRITE as "read" / "write".  Their enum has no tag, so the
    constants are looked up by name (0 and 1 when the debug info lacks them)."""
    if d is None:
        return "?"
    names = _enum_cache.get("<io_dir>")
    if names is None:
        names = {}
        for word in ("READ", "WRITE"):
            try:
                names[int(gdb.parse_and_eval("WEFT__IO_" + word))] = word.lower()
            except gdb.error:
                pass
        names = names or {0: "read", 1: "write"}
        _enum_cache["<io_dir>"] = names
    return names.get(d, "direction %d" % d)


def _signal_name(signo):
    """A signal number as "2 (SIGINT)": the names are this machine's, which is the debugged
    program's for a live process and for a core of the same system."""
    import signal
    if signo is None:
        return "?"
    try:
        name = signal.Signals(signo).name
    except ValueError:
        rtmin = getattr(signal, "SIGRTMIN", None)
        name = "SIGRTMIN+%d" % (signo - int(rtmin)) if rtmin is not None and signo > int(rtmin) else None
    return "%d (%s)" % (signo, name) if name else str(signo)


def _fd_entry(fd):
    """weft__loop.fds[fd] (struct weft__fdw), or None when fd is outside the table."""
    if fd is None or fd < 0:
        return None
    try:
        L = gdb.parse_and_eval("weft__loop")
    except gdb.error:
        return None
    fds, nfds = _field(L, "fds"), _int(_field(L, "nfds"), 0)
    if fds is None or not _int(fds, 0) or fd >= nfds:
        return None
    try:
        w = fds[fd]
        w.fetch_lazy()
        return w
    except (gdb.error, gdb.MemoryError):
        return None


def _queue(w, d):
    """The fibers queued on fd entry w in direction d, head first, as [(address, fiber)]."""
    qs = _field(w, "q") if w is not None else None
    if qs is None:
        return []
    try:
        q = qs[d]
    except (gdb.error, gdb.MemoryError, TypeError):
        return []
    return list(_walk(_field(q, "head"), "io_next"))


def _io_place(fiber, fd, d):
    """Where a fiber stands in its fd's queue, in words: "head of the queue" or "behind N
    fiber(s) (0x.., ...)"; plus the generation when it is not the number's first file, and a
    warning when the fd's generation has moved on (the file was closed under the operation)."""
    w = _fd_entry(fd)
    if w is None:
        return "not in the fd table"
    addr = _int(fiber.address, 0) if fiber.address is not None else 0
    queue = _queue(w, d)
    pos = next((i for i, (a, _) in enumerate(queue) if a == addr), None)
    if pos is None:
        place = "not in the fd's %s queue" % _io_dir_name(d)
    elif pos == 0:
        place = "head of the queue"
    else:
        place = "queued behind %d fiber(s) (%s)" % (pos, ", ".join("%#x" % a for a, _ in queue[:pos][:4])
                                                   + (", ..." if pos > 4 else ""))
    gen, now = _int(_field(fiber, "io_gen")), _int(_field(w, "gen"))
    if gen is not None and now is not None and gen != now:
        place += ", generation %d but the fd is at %d now (closed under it)" % (gen, now)
    elif gen:
        place += ", generation %d" % gen
    return place


def io_wait_text(fiber, op_name):
    """A fiber's place in an fd queue: "fd 7 read, head of the queue, waiting for readiness"."""
    fd, d = _int(_field(fiber, "io_fd")), _int(_field(fiber, "io_dir"))
    if fd is None or d is None:  # a runtime without per-direction queues: its epoll events, if any
        events = _int(_field(fiber, "io_events"))
        return "%s: fd %s%s" % (op_name, _q(_field(fiber, "io_fd")), "" if events is None else " " + _direction(events))
    if fd < 0:
        return "%s: not queued on an fd" % op_name
    text = "%s: fd %d %s, %s" % (op_name, fd, _io_dir_name(d), _io_place(fiber, fd, d))
    if _int(_field(fiber, "io_armed")):
        text += ", waiting for readiness"
    return text


# ---- actions (struct weft__node) -------------------------------------------------------------

_SEQ_KINDS = ("bind", "then", "map", "catch", "finally")


def _immediate(ptr):
    """The value of a weft_return carried in the action pointer itself (low bit set, weft.h), or None."""
    p = _int(ptr, 0)
    if p is None or not p & 1:
        return None
    bits = 8 * ptr.type.sizeof
    v = p >> 1
    if p >> (bits - 1):  # the word's top bit: the value is negative as a signed word
        v -= 1 << (bits - 1)
    return v


def node_summary(ptr):
    """One line describing the action at ptr (a struct weft__node *)."""
    imm = _immediate(ptr)
    if imm is not None:
        return "weft_return value=%d (immediate)" % imm
    node = _deref(ptr)
    if node is None:
        return "NULL" if _int(ptr, 0) == 0 else "<unreadable %#x>" % _int(ptr, 0)
    kind = _enum_name("weft__kind", _int(_field(node, "kind")), "WEFT__K_")
    if kind.startswith("weft__kind#"):
        return "<not an action: kind %s>" % kind[len("weft__kind#"):]
    parts = ["weft_" + kind if kind not in ("dead", "?") else kind]
    u = _field(node, "u")
    if kind in _SEQ_KINDS:
        seq = _field(u, "seq") if u is not None else None
        if seq is not None:
            parts.append("k=%s env=%s" % (_function_name(_field(seq, "fn")), _q(_field(seq, "env"))))
            inner = _deref(_field(seq, "m")) if _immediate(_field(seq, "m")) is None else None
            if _immediate(_field(seq, "m")) is not None:
                parts.append("of weft_return (immediate)")
            elif inner is not None:
                parts.append("of weft_" + _enum_name("weft__kind", _int(_field(inner, "kind")), "WEFT__K_"))
    elif kind in ("join", "pick"):
        pair = _field(u, "pair") if u is not None else None
        if pair is not None:
            parts.append("a=%s b=%s" % (_q(_field(pair, "a")), _q(_field(pair, "b"))))
    elif kind in ("read", "accept", "close"):
        rd = _field(u, "read") if u is not None else None
        parts.append("fd=%s" % _q(_field(rd, "fd") if rd is not None else None))
        if kind == "read":
            parts.append("n=%s" % _q(_field(rd, "n") if rd is not None else None))
    elif kind == "write":
        wr = _field(u, "write") if u is not None else None
        parts.append("fd=%s len=%s" % (_q(_field(wr, "fd") if wr is not None else None),
                                       _q(_field(wr, "len") if wr is not None else None)))
    elif kind == "connect":
        c = _field(u, "connect") if u is not None else None
        parts.append("fd=%s" % _q(_field(c, "fd") if c is not None else None))
    elif kind == "sleep":
        s = _field(u, "sleep") if u is not None else None
        ms = _int(_field(s, "ms")) if s is not None else None
        fail = _int(_field(s, "fail")) if s is not None else None
        parts.append("%s ms" % _q(ms))
        if fail:
            parts.append("then fails %s" % _errno_name(fail))
    elif kind == "signal":  # the signal number lives in u.read.fd
        rd = _field(u, "read") if u is not None else None
        parts.append("signal %s" % _signal_name(_int(_field(rd, "fd")) if rd is not None else None))
    elif kind == "ready":  # weft_wait_readable / weft_wait_writable: u.read.n is the direction
        rd = _field(u, "read") if u is not None else None
        writable = _int(_field(rd, "n")) if rd is not None else None
        parts = ["weft_wait_%s" % ("writable" if writable else "readable"),
                 "fd=%s" % _q(_field(rd, "fd") if rd is not None else None)]
    elif kind == "event":  # a wait on a promise, condition, channel...: its ops name the function
        parts = [_event_text(node, _field(u, "ev") if u is not None else None)]
    elif kind == "return":
        parts.append("value=%s" % _q(_field(u, "value") if u is not None else None))
    elif kind == "fail":
        fail = _field(u, "fail") if u is not None else None
        err = _field(fail, "err") if fail is not None else (_field(u, "err") if u is not None else None)
        parts.append("err=%s" % _errno_name(_int(err)))
    site = _site(node_site(node, kind))
    if site:
        parts.append("at " + site)
    return " ".join(parts)


# The union member of a node that holds its combinator's site, by kind (the runtime keeps the
# site inside the members that have one; older runtimes had a field "site" in every node).
_SITE_MEMBER = {"fail": "fail", "join": "pair", "pick": "pair", "sleep": "sleep"}


def node_site(node, kind):
    """The struct weft_site * of the combinator that built node, or None."""
    site = _field(node, "site")
    if site is not None:
        return site
    member = "seq" if kind in _SEQ_KINDS else _SITE_MEMBER.get(kind)
    u = _field(node, "u")
    m = _field(u, member) if member is not None and u is not None else None
    return _field(m, "site") if m is not None else None


def _event_text(node, ev):
    """A wait on a synchronisation object: the public function that built it (its ops' name),
    the object, and how far the wait got, from whichever of these fields the runtime has."""
    if ev is None:
        return "weft_event"
    ops = _deref(_field(ev, "ops"))
    name = _field(ops, "name") if ops is not None else None
    text = "%s on %s" % (_string(name) if name is not None else "weft_event", _q(_field(ev, "obj")))
    phase = _int(_field(node, "ev_phase"))
    if phase is not None:
        text += " (%s)" % _enum_name("weft__ev_phase", phase, "WEFT__EV_")
    return text


def frame_summary(frame):
    """One line for a pending continuation (struct weft__frame)."""
    kind = _enum_name("weft__frame_kind", _int(_field(frame, "kind")), "WEFT__F_")
    text = "weft_%s -> %s(env=%s)" % (kind, _function_name(_field(frame, "fn")), _q(_field(frame, "env")))
    if kind == "restore":
        text = "(deliver the outcome saved before a finaliser)"
    site = _site(_field(frame, "site"))
    if site:
        text += " at " + site
    return text


def _current_fiber():
    """The address of the fiber running now (its state still says ready), or 0."""
    try:
        return _int(_field(gdb.parse_and_eval("weft__loop"), "current"), 0)
    except gdb.error:
        return 0


def fiber_state(fiber):
    state = _enum_name("weft__fiber_state", _int(_field(fiber, "state")), "WEFT__FS_")
    if state == "ready" and fiber.address is not None and _int(fiber.address, 0) == _current_fiber():
        return "running"
    return state


def _op_name(op):
    return ("weft_" + _enum_name("weft__kind", _int(_field(op, "kind")), "WEFT__K_")) if op is not None else None


def fiber_wait(fiber):
    """What the fiber waits on, in words."""
    state = fiber_state(fiber)
    op = _deref(_field(fiber, "op"))
    what = _op_name(op)
    if state == "wait_io":
        return io_wait_text(fiber, what or "io")
    if state == "wait_timer":
        if what == "weft_accept":  # accept.c: EMFILE/ENFILE parks the accept in the timer heap
            rd = _field(_field(op, "u"), "read") if _field(op, "u") is not None else None
            return "weft_accept: fd %s paused at the descriptor limit (EMFILE/ENFILE), retried %s or when " \
                   "weft_close frees a descriptor" % (_q(_field(rd, "fd") if rd is not None else None),
                                                       _due(_int(_field(fiber, "deadline"))))
        return "timer " + _due(_int(_field(fiber, "deadline")))
    if state == "wait_signal":
        u = _field(op, "u") if op is not None else None
        rd = _field(u, "read") if u is not None else None
        return "weft_signal: signal %s" % _signal_name(_int(_field(rd, "fd")) if rd is not None else None)
    if state == "wait_children":
        links = _links(fiber)
        comb = _enum_name("weft__kind", _int(_field(links, "combinator")), "WEFT__K_")
        kids = []
        child = _field(links, "child")
        for i in range(2):
            c = _int(child[i]) if child is not None else None
            if c:
                kids.append("%#x" % c)
        site = _site(_field(links, "combinator_site"))
        return "weft_%s of fibers %s%s" % (comb, ", ".join(kids) if kids else "(none left)",
                                          " at " + site if site else "")
    if state == "running":
        return "running now (the current fiber)"
    if state == "ready":
        text = "ready to run" + (" (queued)" if _int(_field(fiber, "queued")) else "")
        fd = _int(_field(fiber, "io_fd"))
        if what is not None and fd is not None and fd >= 0:  # woken, or its turn came: it retries
            text += ", to retry " + io_wait_text(fiber, what)
        return text
    if state == "done":
        return "finished, err %s" % _errno_name(_int(_field(fiber, "err"))) if _int(_field(fiber, "err")) else "finished"
    # A wait state this script does not know (a promise, a channel...): the primitive the fiber
    # runs says what it waits on; for a wait on an object, which function made it and the object.
    return node_summary(_field(fiber, "op")) if op is not None else "waiting (a state this script does not know)"


def _links(fiber):
    """The fiber's join/pick and wait links (struct weft__fiber_links), or None: the block is
    allocated the first time a fiber starts branches, is a branch, or waits on an object."""
    return _deref(_field(fiber, "links"))


def fiber_frames(fiber):
    """The fiber's pending continuations, innermost (next to run) first."""
    frames = _field(fiber, "frames")
    depth = _int(_field(fiber, "depth"), 0)
    out = []
    for i in range(depth - 1, -1, -1):
        try:
            out.append(frames[i])
        except (gdb.error, gdb.MemoryError, TypeError):
            break
    return out


def fiber_summary(fiber, addr=None):
    flags = []
    if _int(_field(fiber, "root")):
        flags.append("root")
    if _int(_field(fiber, "cancelled")):
        flags.append("cancelled")
    parent = _int(_field(_links(fiber), "parent"), 0)
    if parent:
        flags.append("branch of %#x" % parent)
    head = "fiber" + (" %#x" % addr if addr is not None else "")
    return "%s %s%s: %s, %s pending continuation(s)" % (
        head, fiber_state(fiber), " [" + ", ".join(flags) + "]" if flags else "", fiber_wait(fiber),
        _q(_field(fiber, "depth")))


# ---- pretty printers --------------------------------------------------------------------------


class AsyncPrinter:
    """async(T): the action behind the single-pointer union."""

    def __init__(self, val, name):
        self.val, self.name = val, name

    def to_string(self):
        return "async(%s) %s" % (self.name, node_summary(_field(self.val, "node_")))


class NodePrinter:
    def __init__(self, val):
        self.val = val

    def to_string(self):
        return node_summary(self.val.address) if self.val.address is not None else "weft action"

    # Which member of the node's union each kind uses.
    MEMBER = {"bind": "seq", "then": "seq", "map": "seq", "catch": "seq", "finally": "seq",
              "join": "pair", "pick": "pair", "read": "read", "accept": "read", "close": "read",
              "write": "write", "sleep": "sleep", "connect": "connect", "return": "value", "fail": "fail",
              "signal": "read", "event": "ev", "ready": "read"}

    def children(self):
        kind = _enum_name("weft__kind", _int(_field(self.val, "kind")), "WEFT__K_")
        yield "kind", kind
        site = _site(node_site(self.val, kind))
        yield "site", site if site else "none"
        owned = _field(self.val, "owned")
        if owned is not None:
            yield "owned", owned
        member = self.MEMBER.get(kind)
        u = _field(self.val, "u")
        value = _field(u, member) if u is not None and member else None
        if value is not None:
            yield "u." + member, value


class NodePtrPrinter:
    def __init__(self, val):
        self.val = val

    def to_string(self):
        return "(struct weft__node *) %#x %s" % (_int(self.val, 0), node_summary(self.val))


class FramePrinter:
    def __init__(self, val):
        self.val = val

    def to_string(self):
        return frame_summary(self.val)


class FiberPrinter:
    def __init__(self, val):
        self.val = val

    def to_string(self):
        return fiber_summary(self.val, _int(self.val.address))

    def children(self):
        yield "state", fiber_state(self.val)
        yield "wait", fiber_wait(self.val)
        for name in ("op", "cur"):
            v = _field(self.val, name)
            yield name, node_summary(v) if v is not None else "?"
        for i, fr in enumerate(fiber_frames(self.val)[:16]):
            yield "pending[%d]" % i, frame_summary(fr)


class FiberPtrPrinter:
    def __init__(self, val):
        self.val = val

    def to_string(self):
        fiber = _deref(self.val)
        if fiber is None:
            return "(struct weft__fiber *) %#x" % _int(self.val, 0)
        return "(struct weft__fiber *) " + fiber_summary(fiber, _int(self.val))


def _timer_entries(L):
    """Every pending timer of loop L as (deadline, seq, fiber address, fiber), in the order they expire: the
    heap's entries and the lane's (timer.c), whose holes of cancelled timers have no fiber and are skipped."""
    timers = []
    ranges = [("heap", 0, _int(_field(L, "heap_len"), 0)),
              ("lane", _int(_field(L, "lane_head"), 0), _int(_field(L, "lane_len"), 0))]
    for name, lo, hi in ranges:
        arr = _field(L, name)
        if arr is None or not _int(arr, 0):
            continue
        for i in range(lo, hi):
            try:
                entry = arr[i]  # struct weft__timer: (deadline, seq, fiber)
            except (gdb.error, gdb.MemoryError):
                break
            f = _deref(_field(entry, "fiber"))
            if f is None:
                continue
            timers.append((_int(_field(entry, "deadline"), 0), _int(_field(entry, "seq"), 0),
                           _int(_field(entry, "fiber")), f))
    timers.sort(key=lambda t: (t[0], t[1]))
    return timers


class LoopPrinter:
    """struct weft__loop: a one-line summary, then its fields as they are."""

    def __init__(self, val):
        self.val = val

    def to_string(self):
        fibers = sum(1 for _ in _walk(_field(self.val, "all"), "next_all"))
        ready = sum(1 for _ in _walk(_field(self.val, "ready_head"), "next_ready"))
        return "weft loop (%s, %s): %d fiber(s), %d ready, %s timer(s), backend fd %s" % (
            "open" if _int(_field(self.val, "open")) else "closed",
            "running" if _int(_field(self.val, "running")) else "not running",
            fibers, ready, len(_timer_entries(self.val)), _q(_field(self.val, "backend_fd")))

    def children(self):
        for f in self.val.type.strip_typedefs().fields():
            if f.name:
                v = _field(self.val, f.name)
                if v is not None:
                    yield f.name, v


class WeftPrinters(gdb.printing.PrettyPrinter):
    """weft's printers, by type: `info pretty-printer` lists them as "weft", and
    `disable pretty-printer global weft` turns them off."""

    def __init__(self):
        super().__init__("weft", [])

    def __call__(self, val):
        return _lookup_printer(val) if self.enabled else None


def _lookup_printer(val):
    t = val.type.strip_typedefs()
    if t.code == gdb.TYPE_CODE_PTR:
        target = t.target().strip_typedefs()
        if target.code == gdb.TYPE_CODE_STRUCT and target.tag == "weft__node":
            return NodePtrPrinter(val)
        if target.code == gdb.TYPE_CODE_STRUCT and target.tag == "weft__fiber":
            return FiberPtrPrinter(val)
        return None
    tag = t.tag or ""
    if t.code == gdb.TYPE_CODE_UNION and tag.startswith("weft_async_"):
        return AsyncPrinter(val, tag[len("weft_async_"):])
    if t.code == gdb.TYPE_CODE_STRUCT:
        if tag == "weft__node":
            return NodePrinter(val)
        if tag == "weft__frame":
            return FramePrinter(val)
        if tag == "weft__fiber":
            return FiberPrinter(val)
        if tag == "weft__loop":
            return LoopPrinter(val)
    return None


# ---- the loop ---------------------------------------------------------------------------------


def _loop():
    """The calling thread's weft__loop (a thread-local: GDB finds it through libthread_db)."""
    try:
        return gdb.parse_and_eval("weft__loop")
    except gdb.error as e:
        raise gdb.GdbError("weft: cannot read the thread-local weft__loop (%s); "
                           "is this a weft program with debug info, and is a thread selected?" % e)


def _walk(head, next_name, limit=1 << 20):
    seen = 0
    p = head
    while p is not None and _int(p, 0) and seen < limit:
        obj = _deref(p)
        if obj is None:
            break
        yield _int(p), obj
        p = _field(obj, next_name)
        seen += 1


class WeftPrefix(gdb.Command):
    """Commands for weft programs: weft fibers, weft loop, weft detect-recursion."""

    def __init__(self):
        super().__init__("weft", gdb.COMMAND_DATA, gdb.COMPLETE_COMMAND, True)


class WeftFibers(gdb.Command):
    """List every fiber of this thread's loop with its state, what it waits on, and its async
    backtrace: the chain of pending continuations, by function name and call site.
Usage: weft fibers [--frames N]   (N: how many continuations to show per fiber, default 20)"""

    def __init__(self):
        super().__init__("weft fibers", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        argv = gdb.string_to_argv(arg)
        limit = 20
        if argv[:1] == ["--frames"] and len(argv) == 2 and argv[1].isdigit():
            limit = int(argv[1])
        elif argv:
            raise gdb.GdbError("usage: weft fibers [--frames N]")
        L = _loop()
        current = _int(_field(L, "current"), 0)
        fibers = list(_walk(_field(L, "all"), "next_all"))
        gdb.write("%d fiber(s)%s\n" % (len(fibers), "" if _int(_field(L, "running")) else " (no loop running)"))
        for n, (addr, f) in enumerate(fibers):
            mark = "*" if addr == current else " "
            gdb.write("%s[%d] %s\n" % (mark, n, fiber_summary(f, addr)))
            op = _field(f, "op")
            if op is not None and _int(op, 0):
                gdb.write("      running  %s\n" % node_summary(op))
            cur = _field(f, "cur")
            if cur is not None and _int(cur, 0):
                gdb.write("      next     %s\n" % node_summary(cur))
            frames = fiber_frames(f)
            for i, fr in enumerate(frames[:limit]):
                gdb.write("      #%-3d %s\n" % (i, frame_summary(fr)))
            if len(frames) > limit:
                gdb.write("      ... %d more (weft fibers --frames N)\n" % (len(frames) - limit))


class WeftLoop(gdb.Command):
    """Show this thread's loop: each fd weft knows with how it does IO there (socket, pipe nowait,
private description, gated, direct), its epoll interest and its queues of readers and writers;
the timers (heap and lane) in deadline order (with accepts paused at the descriptor limit); the fibers
waiting for a signal; and the ready queue.
Usage: weft loop"""

    def __init__(self):
        super().__init__("weft loop", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        if arg.strip():
            raise gdb.GdbError("usage: weft loop")
        L = _loop()
        gdb.write("loop: open=%s running=%s backend fd %s, %s fiber(s) waiting on IO\n" % (
            _q(_field(L, "open")), _q(_field(L, "running")), _q(_field(L, "backend_fd")),
            _q(_field(L, "waiting_io"))))
        self._fds(L)
        self._timers(L)
        self._signals(L)
        ready = list(_walk(_field(L, "ready_head"), "next_ready"))
        gdb.write("ready queue: %d fiber(s)%s\n" % (
            len(ready), (": " + " ".join("%#x" % a for a, _ in ready)) if ready else ""))

    @staticmethod
    def _fds(L):
        fds, nfds = _field(L, "fds"), _int(_field(L, "nfds"), 0)
        rows = []
        if fds is not None and _int(fds, 0):
            for i in range(nfds):
                try:
                    w = fds[i]
                    w.fetch_lazy()
                except (gdb.error, gdb.MemoryError):
                    rows.append("  fd %d: ?" % i)
                    break
                row = WeftLoop._fd_row(i, w)
                if row:
                    rows.append(row)
        gdb.write("fds: %d known to weft\n" % len(rows))
        for r in rows:
            gdb.write(r + "\n")

    @staticmethod
    def _fd_row(i, w):
        """One fd entry: how weft does IO on it, its epoll interest, and its two queues (the head
        first, "(armed)" when it waits for epoll); None for an entry weft has not used."""
        kind = _enum_name("weft__fd_kind", _int(_field(w, "kind")), "WEFT__FD_")
        interest = None
        for name in ("registered", "interest", "events"):  # whichever this runtime has
            interest = _int(_field(w, name))
            if interest is not None:
                break
        queues = [_queue(w, d) for d in (0, 1)]
        for d, name in ((0, "reader"), (1, "writer")):  # a runtime with one waiter per direction
            one = _field(w, name)
            if not queues[d] and one is not None and _int(one, 0):
                queues[d] = [(_int(one), _deref(one))]
        if kind in ("unknown", "?") and not interest and not any(queues):
            return None
        if kind == "nowait":
            how = "pipe nowait (RWF_NOWAIT)"
        elif kind == "private":
            how = "private description of a %s, IO on pfd %s" % (
                "FIFO" if _int(_field(w, "fifo")) else "tty", _q(_field(w, "pfd")))
        elif kind == "gated":
            ready = _field(w, "ready")
            flags = [n for d, n in ((0, "read"), (1, "write")) if ready is not None and _int(ready[d])]
            how = "gated (one call per readiness; ready: %s)" % ("|".join(flags) if flags else "none")
        else:
            how = kind
        gen = _int(_field(w, "gen"))
        if gen:
            how += ", generation %d" % gen
        parts = ["  fd %d: %s; interest %s" % (i, how, _direction(interest))]
        for d, name in ((0, "readers"), (1, "writers")):
            if queues[d]:
                parts.append("%s %s" % (name, " ".join(
                    "%#x%s" % (a, " (armed)" if _int(_field(f, "io_armed")) else "") for a, f in queues[d])))
        return "; ".join(parts)

    @staticmethod
    def _signals(L):
        waiters = [(a, f) for a, f in _walk(_field(L, "all"), "next_all") if fiber_state(f) == "wait_signal"]
        gdb.write("signal waiters: %d\n" % len(waiters))
        for addr, f in waiters:
            gdb.write("  fiber %#x %s\n" % (addr, node_summary(_field(f, "op"))))

    @staticmethod
    def _timers(L):
        timers = _timer_entries(L)
        gdb.write("timers: %d\n" % len(timers))
        for deadline, _, addr, f in timers:
            op = _field(f, "op")
            paused = _op_name(_deref(op)) == "weft_accept"
            gdb.write("  fiber %#x %s (%s)%s\n" % (addr, _due(deadline), node_summary(op) if op is not None else "?",
                                                  " paused at the descriptor limit" if paused else ""))


# ---- detect-recursion -------------------------------------------------------------------------


class _Text:
    """The program's code: address ranges of the executable sections of every loaded object,
    from `info files` (which works for live processes, core files and programs without debug
    info alike).  PLT stubs are code too, but a call into one says nothing of its callee."""

    SECTIONS = {".text", ".plt", ".plt.got", ".plt.sec", ".init", ".fini"}

    def __init__(self):
        self.ranges, self.plt = [], []
        text = gdb.execute("info files", to_string=True)
        for m in re.finditer(r"(0x[0-9a-f]+) - (0x[0-9a-f]+) is (\S+)", text):
            if m.group(3) in self.SECTIONS:
                span = (int(m.group(1), 16), int(m.group(2), 16))
                self.ranges.append(span)
                if m.group(3).startswith(".plt"):
                    self.plt.append(span)

    def __contains__(self, addr):
        return any(lo <= addr < hi for lo, hi in self.ranges)

    def in_plt(self, addr):
        return any(lo <= addr < hi for lo, hi in self.plt)


_UNKNOWN = -1  # a call whose target the instruction does not say (indirect, or through the PLT)


def _call_before(inferior, addr, text, mask):
    """If the instruction before addr is an x86-64 call, its target (or _UNKNOWN); else None.
    Calls are E8 rel32, or FF /2 with any ModRM/SIB/displacement (2 to 7 bytes)."""
    try:
        before = bytes(inferior.read_memory(addr - 7, 7))
    except (gdb.error, gdb.MemoryError):
        return None
    if before[2] == 0xE8:
        target = (addr + int.from_bytes(before[3:7], "little", signed=True)) & mask
        return _UNKNOWN if text.in_plt(target) or target not in text else target
    for length in range(2, 8):
        i = 7 - length
        if before[i] == 0xFF and (before[i + 1] >> 3) & 7 == 2:
            return _UNKNOWN
    return None


def _chain(hits):
    """The hits that form a chain of calls: each return address's call instruction calls the
    function of the next return address inward (when the call says its target).  A stale
    return address left in a frame's locals by an earlier call fails this, and a copy of a
    real one stored as data duplicates its neighbour and is kept instead of it."""
    out = []
    for h in hits:
        _, _, start, target = h
        if out and target not in (_UNKNOWN, None) and target != out[-1][2]:
            continue
        out.append(h)
    return out


def _tile(names, pattern, gap):
    """Greedy occurrences of pattern in names, allowing up to gap noise entries between two of
    its elements; returns [(first index, last index)] of each occurrence."""
    out = []
    i, n, p = 0, len(names), len(pattern)
    while i < n:
        if names[i] != pattern[0]:
            i += 1
            continue
        j, k = i + 1, 1
        while k < p and j < n and j - i <= p + gap * (p - 1):
            if names[j] == pattern[k]:
                k += 1
            j += 1
        if k == p:
            out.append((i, j - 1))
            i = j
        else:
            i += 1
    return out


def _dense_run(occ, p, gap):
    """The longest run of occurrences that follow each other with at most gap noise entries
    between two, and noise between fewer than half of them (occurrences start less than p + 1/2
    entries apart on average): the occurrences of a part of a longer cycle (b, or a b, in a b c;
    38 of a 40-function cycle) are not a recursion of their own."""
    runs, cur = [], []
    for o in occ:
        if cur and o[0] - cur[-1][1] - 1 > gap:
            runs.append(cur)
            cur = []
        cur.append(o)
    if cur:
        runs.append(cur)
    dense = [r for r in runs if 2 * (r[-1][0] - r[0][0]) < (2 * p + 1) * (len(r) - 1)]
    return max(dense, key=len) if dense else []


def find_cycle(names, max_period=32, gap=2):
    """The shortest repeating pattern in a sequence of function names, as (pattern, occurrences);
    None when nothing repeats three times or more.  Candidates of each length are the most frequent runs of that
    length; a candidate is scored by how many entries its occurrences cover, which a partial
    first period or a few noise entries barely change.  The shortest candidate that covers at
    least 90% of what the best one covers wins (a pattern repeated twice covers the same)."""
    best = []
    for p in range(1, min(max_period, len(names) // 2) + 1):
        grams = Counter(tuple(names[i:i + p]) for i in range(len(names) - p + 1))
        gram, count = grams.most_common(1)[0]
        if count < 3:
            continue
        occ = _dense_run(_tile(names, gram, gap), p, gap)
        if len(occ) >= 3:  # twice is what any two calls of the same helper look like
            best.append((len(occ) * p, p, gram, occ))
    if not best:
        return None
    top = max(b[0] for b in best)
    cover, p, gram, occ = min((b for b in best if b[0] >= 0.9 * top), key=lambda b: b[1])
    return gram, occ


class WeftDetectRecursion(gdb.Command):
    """Find a recurring call pattern in raw stack memory, for when `bt` cannot walk the stack
(a stack overflow in a core file, say).  Reads N words upward from ADDRESS (default $sp), keeps
those that are return addresses into known code (just after a call instruction), and prints the
shortest repeating pattern of functions, in call order, with the number of repetitions and the
stack depth it covers.  Works on any program, weft or not.
Usage: weft detect-recursion [ADDRESS] [--words N] [--max-period P]"""

    def __init__(self):
        super().__init__("weft detect-recursion", gdb.COMMAND_STACK)

    def invoke(self, arg, from_tty):
        argv = gdb.string_to_argv(arg)
        words, max_period, where = 1 << 16, 32, None
        i = 0
        while i < len(argv):
            if argv[i] in ("--words", "--max-period") and i + 1 < len(argv) and argv[i + 1].isdigit():
                if argv[i] == "--words":
                    words = int(argv[i + 1])
                else:
                    max_period = int(argv[i + 1])
                i += 2
            elif where is None and not argv[i].startswith("--"):
                where = argv[i]
                i += 1
            else:
                raise gdb.GdbError("usage: weft detect-recursion [ADDRESS] [--words N] [--max-period P]")
        if words <= 0 or max_period <= 0:
            raise gdb.GdbError("weft detect-recursion: --words and --max-period must be positive")
        try:
            # An address is unsigned and pointer-wide: -1 means the top of memory, as in x/-1.
            ptr_bits = 8 * gdb.lookup_type("void").pointer().sizeof
            start = int(gdb.parse_and_eval(where or "$sp")) & ((1 << ptr_bits) - 1) & ~0x7
        except gdb.error as e:
            raise gdb.GdbError("weft detect-recursion: no address to start from (%s); is the program "
                               "running, or a core file loaded?" % e)
        inferior = gdb.selected_inferior()
        size = gdb.lookup_type("void").pointer().sizeof
        little = "little" in gdb.execute("show endian", to_string=True)
        fmt = ("<" if little else ">") + ("Q" if size == 8 else "I")
        x86 = "x86-64" in gdb.selected_inferior().architecture().name() if hasattr(
            inferior, "architecture") else size == 8

        data = bytearray()
        chunk = 4096
        # A stack overflow leaves $sp just below the stack's last page: begin at the first
        # readable page above it.
        skipped, given = 0, start
        while skipped < 256 and start < 1 << (8 * size):
            try:
                inferior.read_memory(start, size)
                break
            except (gdb.error, gdb.MemoryError, OverflowError, ValueError):
                start = (start // chunk + 1) * chunk
                skipped += 1
        if skipped:
            gdb.write("%d unreadable page(s) above the start skipped (a stack overflow's $sp)\n" % skipped)
        addr = start
        while len(data) < words * size:
            want = min(chunk - (addr % chunk), words * size - len(data))
            try:
                data += bytes(inferior.read_memory(addr, want))
            except (gdb.error, gdb.MemoryError, OverflowError, ValueError):
                break
            addr += want
        n = len(data) // size
        if n == 0:
            raise gdb.GdbError("weft detect-recursion: cannot read memory at %#x" % given)

        text = _Text()
        mask = (1 << (8 * size)) - 1
        cache = {}
        hits = []  # (stack address, function name, function start, call target)
        for k in range(n):
            w = struct.unpack_from(fmt, data, k * size)[0]
            found = cache.get(w, False)
            if found is False:
                found = None
                if w in text:
                    target = _call_before(inferior, w, text, mask) if x86 else _UNKNOWN
                    func = _function_at(w - 1) if target is not None else None
                    if func is not None:
                        found = (func[0], func[1], target)
                cache[w] = found
            if found:
                hits.append((start + k * size,) + found)

        gdb.write("scanned %d words (%d bytes) upward from %#x: %d return addresses into %d functions\n" % (
            n, n * size, start, len(hits), len({h[1] for h in hits})))
        # Prefer the frames that chain by their call instructions; fall back to every return
        # address when the chain breaks too often (tail calls make a caller skip a frame).
        chained = _chain(hits)
        found = find_cycle([h[1] for h in chained], max_period)
        if found is not None and len(found[1]) * len(found[0]) >= len(hits) // 2:
            hits = chained
        else:
            found = find_cycle([h[1] for h in hits], max_period)
        names = [h[1] for h in hits]
        if found is None:
            gdb.write("no recurring call pattern found\n")
            return
        pattern, occ = found
        lo, hi = hits[occ[0][0]][0], hits[occ[-1][1]][0] + size
        # Upward on the stack means outward in the calls: print the pattern in call order,
        # starting from the outermost frame the scan saw.
        calls = list(reversed(pattern))
        gdb.write("recurring call pattern of %d function(s), repeated %d times, covering %d bytes of stack "
                  "(%#x-%#x, about %d bytes per repetition):\n" % (
                      len(pattern), len(occ), hi - lo, lo, hi, (hi - lo) // max(len(occ), 1)))
        for j, name in enumerate(calls):
            gdb.write("  %s%s\n" % ("   " if j == 0 else "-> ", name))
        gdb.write("  -> %s ...\n" % calls[0])
        inner = names[:occ[0][0]]
        if inner:
            gdb.write("innermost frames before the pattern (nearest the stack pointer first): %s\n" % ", ".join(inner[:8]))
        if hi - start >= n * size - 64 * size:
            gdb.write("the pattern reaches the end of the scan: raise --words to measure its full depth\n")


def register(objfile=None):
    if not getattr(gdb, "_weft_registered", False):
        WeftPrefix()
        WeftFibers()
        WeftLoop()
        WeftDetectRecursion()
        gdb.printing.register_pretty_printer(None, WeftPrinters())
        # Enum names are read from the program's debug info: another program, another cache.
        gdb.events.new_objfile.connect(lambda event: _enum_cache.clear())
        gdb._weft_registered = True


register()
