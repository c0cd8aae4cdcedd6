"""Files read ahead by a child process while the scan loads the files before them.

A walked tree of many small files spends a tenth of its scan in the four system calls that read each
file (open, fstat, read, close), one file after the other.  When the scan holds enough files, a
forked child reads them in apply order, exactly as the files are read in the scan's own process
(``read_file_limited`` with the scan's size limit), and sends each file's bytes down a pipe; loading
takes them from the pipe in turn while the child reads on, on another core.

The result is that of a direct read: a file the child could not read plainly (an error, a file over
the limit) is sent as a mark, and the scan reads that file itself and meets the error as it would
have; a file asked for out of turn, with another limit, or after the child stopped (killed, out of
memory), is read directly too.  The child holds at most one file, its write buffer and the pipe's at a
time, so the scan's memory does not grow with the tree.  The child reads only regular files, opened
without waiting (a FIFO's writer is never waited for): anything else a path may name (a pipe, standard
input, a device) is read once, by the scan.  No child is made without ``os.fork`` (Windows), in a
process with other threads, or for a handful of files.
"""
from __future__ import annotations

import os
import struct
import threading

from kongcheck.sources import files

FEWEST = 64  # files in a scan before a child reads them: fewer are read faster than a process forks
_HEAD = struct.Struct("<q")  # before each file: its length, or -1 when the scan reads it itself
_BUFFER = 1 << 16


class ReadAhead:
    """The child reading the file sources of one scan, and the bytes it sent, taken in turn."""

    def __init__(self, pid: int, stream, limit: int | None) -> None:
        self.pid = pid
        self.stream = stream  # None once the child is gone or the scan is done
        self.limit = limit
        self.next = 0  # the index of the next file the child sends

    def take(self, index: int, limit: int | None) -> bytes | None:
        """The bytes of file ``index``, or None: the caller reads it itself."""
        stream = self.stream
        if stream is None or limit != self.limit or index < self.next:
            return None
        while True:
            head = stream.read(_HEAD.size)
            if len(head) != _HEAD.size:  # the child stopped early
                self.close()
                return None
            (length,) = _HEAD.unpack(head)
            data = stream.read(length) if length > 0 else b""
            if len(data) != max(length, 0):
                self.close()
                return None
            self.next += 1
            if self.next > index:  # a file never asked for is passed over
                return data if length >= 0 else None

    def close(self) -> None:
        """Stop the child and reap it: with the pipe closed, its next write fails and it leaves (after the
        regular file it may be reading).  It is never signalled: once a SIGCHLD handler of the caller
        reaped it, its process id may be another process's."""
        if self.stream is None:
            return
        self.stream.close()
        self.stream = None
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:  # reaped already, by a SIGCHLD handler of the caller
            pass


def start(sources: list, limit: int | None) -> ReadAhead | None:
    """Fork a child that reads the file sources of ``sources`` in order, and hand each one the way to
    take its bytes; None when no child is made."""
    chosen = [source for source in sources if source.__class__ is files.FileSource]
    if len(chosen) < FEWEST or not hasattr(os, "fork") or threading.active_count() > 1:
        return None
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return None
    pid = -1
    try:
        pid = os.fork()
        if pid == 0:  # the child: read, send, and leave without running anything of the parent's
            os.close(read_end)
            _send([source.name for source in chosen], limit, write_end)
    except OSError:  # no process to spare: the scan reads its files itself
        if pid != 0:
            os.close(read_end)
            os.close(write_end)
            return None
    finally:
        if pid == 0:  # whatever happened in the child (Ctrl-C as soon as it began): it leaves here
            os._exit(0)
    os.close(write_end)
    ahead = ReadAhead(pid, os.fdopen(read_end, "rb", buffering=_BUFFER), limit)
    for index, source in enumerate(chosen):
        source.ahead = (ahead, index)
    return ahead


def _send(names: list[str], limit: int | None, fd: int) -> None:
    with os.fdopen(fd, "wb", buffering=_BUFFER) as out:
        for name in names:
            try:
                # only a regular file: a pipe or device named on the command line (``<(kustomize build)``,
                # /dev/stdin) is read once, by the scan
                data = files.read_regular(name, limit)
            except Exception:
                data = None
            if data is None:  # the scan reads this file itself and meets what happened here
                out.write(_HEAD.pack(-1))
                continue
            out.write(_HEAD.pack(len(data)))
            out.write(data)
