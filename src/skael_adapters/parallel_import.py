"""Decoding, mapping and preparing the postings of an export in worker processes.

An import spends about as long decoding a posting, mapping it and preparing it for
matching (:func:`~skael_core.matching.prepare_job`) as storing it, and one Python thread
cannot do both at once. :class:`ImportPool` moves the first half into worker processes,
so that the importing process only reads the file and stores: with a second core, wall
time becomes about the larger of the two halves instead of their sum.

How it goes, for a JSON Lines export (other shapes are small in practice: they are
decoded and prepared in the importing process, as before):

- The importing process reads the file itself, line by line, as :func:`iter_postings`
  does: its line numbers, gzip handling and read errors are the same. It sends the
  non-blank lines with their numbers, in blocks of about ``BLOCK_BYTES``, to the
  workers in turn; each worker decodes and maps them with the same ``to_job``
  (:func:`~skael_adapters.importer.line_item`), prepares the jobs and sends back the
  :class:`ImportItem` of every line (the prepared job, or the error) as msgpack.
- The answers are taken back in the order the blocks went out, so the items come in
  file order: a later record of a provider id still wins.
- At most ``IN_FLIGHT`` blocks per worker are out at once, which bounds memory and
  how far the reading runs ahead of the storing.

Workers are new interpreters (``python -c``) started from the executable, like
multiprocessing's "spawn" start method: nothing of the importing process is forked
(its event loop, its database thread). Unlike multiprocessing, they do not re-run the
command's ``__main__`` (the ``skael`` script and with it the web stack): they import
this module, the importer and the core's matching, nothing else. Each reads blocks
from one pipe and answers on another; a thread of the importing process per pipe
keeps them moving while it stores. A worker ignores SIGINT (the importing process
handles Ctrl-C and stops its workers) and ends when its input pipe closes: when the
import is over, or when the importing process is gone, even killed with SIGKILL (it
finishes the block in hand, then finds the pipes closed). A worker that dies makes the
import fail with :class:`ImportWorkerError`, and the import's unit of work stores
nothing.
"""

from __future__ import annotations

import contextlib
import gc
import io
import os
import queue
import struct
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Generator, Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from types import TracebackType

import msgspec

from skael_adapters.importer import ImportFileError, ImportItem, line_item, open_export
from skael_core.matching import prepared
from skael_core.model import FeedRecord, PreparedJob
from skael_core.ports import PostingFeed

PARALLEL_MIN_BYTES = 4_000_000
"""Exports smaller than this in all (on disk) are imported in one process: a worker
costs about 0.15 s of CPU to start, about what it would take over from 1,500 postings."""

BLOCK_BYTES = 1 << 20
"""About how many bytes of lines go to a worker at once (some 380 postings), unless the
pool is given its own (the container's ``SKAEL_IMPORT_BLOCK_BYTES``)."""

IN_FLIGHT = 8
"""Blocks out at each worker at once: enough to keep it busy while a batch is stored."""

WORKER_GC_THRESHOLD = 50_000
"""A worker's allocations between young garbage collections (as the import command's)."""

_PIPE_BYTES = 1 << 20
_F_SETPIPE_SZ = 1031  # fcntl.F_SETPIPE_SZ on Linux
_HEADER = struct.Struct("<Q")  # the length of the message that follows
_STOP_WAIT = 10.0  # seconds a worker has to exit once its input is closed

_encode = msgspec.msgpack.Encoder().encode
_decode_lines = msgspec.msgpack.Decoder(list[tuple[int, bytes]]).decode


class PreparedItem(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """What a worker answers for a record: :class:`ImportItem` with its job prepared."""

    position: int
    where: str
    job: PreparedJob | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.job is not None


_decode_items = msgspec.msgpack.Decoder(list[PreparedItem]).decode

_BOOT = (
    "import signal; signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
    "import sys; sys.path[:] = sys.argv[4:]\n"
    "from skael_adapters.parallel_import import serve_worker\n"
    "serve_worker(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3])\n"
)


class ImportWorkerError(Exception):
    """A worker process stopped before it answered."""


def available_cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def default_workers() -> int:
    """One worker for each available CPU.

    The importing process needs about two thirds of a CPU to store what one worker
    prepares (``bench/bench_import.py``, see docs/benchmarks.md): with a worker per CPU
    the workers take up the rest, instead of one worker being the bottleneck."""
    return available_cpus()


def pays_off(paths: Iterable[str | Path], workers: int) -> bool:
    """Whether ``workers`` worker processes are worth starting to import ``paths``.

    They are when there is at least one, more than one CPU is available and the files
    hold ``PARALLEL_MIN_BYTES`` or more (on disk; a file that cannot be read counts
    nothing, its error comes when it is imported).
    """
    if workers < 1 or available_cpus() < 2:
        return False
    size = 0
    for path in paths:
        with contextlib.suppress(OSError):
            size += Path(path).stat().st_size
    return size >= PARALLEL_MIN_BYTES


class ImportPool:
    """``workers`` worker processes that decode, map and prepare postings; a context
    manager that stops them on leaving (at once, killing them, when leaving on an
    exception)."""

    def __init__(
        self, workers: int, *, source: str = "theirstack", block_bytes: int | None = None
    ) -> None:
        if workers < 1:
            raise ValueError("an import pool needs at least one worker")
        self._source = source
        self._block_bytes = block_bytes
        self._workers: list[_Worker] = []
        try:
            for _ in range(workers):
                self._workers.append(_Worker(source))
        except BaseException:
            self.close(abort=True)
            raise

    @property
    def pids(self) -> list[int]:
        """The workers' process ids."""
        return [worker.process.pid for worker in self._workers]

    def items(self, path: str | Path) -> Generator[PreparedItem, None, None]:
        """Every record of the export at ``path`` as :func:`iter_postings` gives it, in
        file order, with each job already prepared (``prepare_job``).

        The file is opened and recognised at once (:class:`ImportFileError`). Leaving
        the iteration before its end (``close()``, an exception) stops the workers: the
        pool is done.
        """
        export = open_export(path, source=self._source)
        if export.lines is None:
            return (_prepared(item) for item in export.items)
        return self._ordered(export.lines)

    def _ordered(self, lines: Iterator[tuple[int, bytes]]) -> Generator[PreparedItem, None, None]:
        feed = _Feed(self._workers, _blocks(lines, self._block_bytes or BLOCK_BYTES))
        finished = False
        try:
            feed.fill()
            while feed.waiting:
                answer = feed.answer()
                feed.fill()  # the workers go on while these items are stored
                yield from _decode_items(answer)
            finished = True
        finally:
            if not finished:
                self.close(abort=True)
        if feed.unreadable is not None:
            raise feed.unreadable

    def close(self, *, abort: bool = False) -> None:
        """Stop the workers: let them finish and exit, or kill them (``abort``)."""
        for worker in self._workers:
            worker.stop(abort=abort)
        for worker in self._workers:
            worker.join()

    def __enter__(self) -> ImportPool:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close(abort=error is not None)


# --------------------------------------------------------------------------- importing side


class ParallelExportFeed(PostingFeed):
    """The records of export files, decoded, mapped and prepared by an
    :class:`ImportPool`'s workers, in file order and in chunks of ``chunk_size``."""

    def __init__(
        self, pool: ImportPool, paths: Sequence[str | Path], *, chunk_size: int = 1000
    ) -> None:
        self.name = ", ".join(str(path) for path in paths)
        self._pool = pool
        self._paths = list(paths)
        self._chunk_size = max(1, chunk_size)

    async def chunks(self) -> AsyncIterator[Sequence[FeedRecord]]:
        for path in self._paths:
            items = self._pool.items(path)
            while chunk := list(islice(items, self._chunk_size)):
                yield [
                    FeedRecord(
                        position=item.position,
                        where=f"{path}:{item.position}",
                        job=item.job,
                        error=item.error,
                    )
                    for item in chunk
                ]


def _prepared(item: ImportItem) -> PreparedItem:
    job = None if item.job is None else prepared(item.job)
    return PreparedItem(position=item.position, where=item.where, job=job, error=item.error)


def _blocks(lines: Iterator[tuple[int, bytes]], size: int) -> Iterator[bytes]:
    """The lines in encoded blocks of about ``size`` bytes; when the file turns
    unreadable, the lines read before it, then its :class:`ImportFileError`."""
    block: list[tuple[int, bytes]] = []
    held = 0
    unreadable: ImportFileError | None = None
    try:
        for numbered in lines:
            block.append(numbered)
            held += len(numbered[1])
            if held >= size:
                yield _encode(block)
                block, held = [], 0
    except ImportFileError as error:
        unreadable = error
    if block:
        yield _encode(block)
    if unreadable is not None:
        raise unreadable


class _Feed:
    """Blocks handed to the workers in turn, answers taken back in the same order."""

    def __init__(self, workers: list[_Worker], blocks: Iterator[bytes]) -> None:
        self._workers = workers
        self._blocks: Iterator[bytes] | None = blocks
        self._sent = self._answered = 0
        self.unreadable: ImportFileError | None = None

    @property
    def waiting(self) -> bool:
        return self._answered < self._sent

    def fill(self) -> None:
        """Send blocks until ``IN_FLIGHT`` are out at each worker, or the file ends."""
        count = len(self._workers)
        while self._blocks is not None and self._sent - self._answered < IN_FLIGHT * count:
            try:
                block = next(self._blocks)
            except StopIteration:
                self._blocks = None
            except ImportFileError as error:
                self._blocks, self.unreadable = None, error
            else:
                self._workers[self._sent % count].send(block)
                self._sent += 1

    def answer(self) -> bytes | bytearray:
        """The answer to the oldest block out (round robin: its worker's next answer)."""
        answer = self._workers[self._answered % len(self._workers)].receive()
        self._answered += 1
        return answer


class _Worker:
    """One worker process and the two threads that write its blocks and read its answers."""

    def __init__(self, source: str) -> None:
        to_worker, self._requests_fd = os.pipe()
        self._answers_fd, from_worker = os.pipe()
        for fd in (self._requests_fd, self._answers_fd):
            _enlarge(fd)
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-c", _BOOT, str(to_worker), str(from_worker), source, *sys.path],
                stdin=subprocess.DEVNULL,
                pass_fds=(to_worker, from_worker),
            )
        except BaseException:
            os.close(self._requests_fd)
            os.close(self._answers_fd)
            raise
        finally:
            os.close(to_worker)
            os.close(from_worker)
        self._requests: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._answers: queue.SimpleQueue[bytearray | None] = queue.SimpleQueue()
        self._threads = [
            threading.Thread(target=_write_requests, args=(self._requests_fd, self._requests)),
            threading.Thread(target=_read_answers, args=(self._answers_fd, self._answers)),
        ]
        for thread in self._threads:
            thread.daemon = True
            thread.start()
        self._stopped = False

    def send(self, block: bytes) -> None:
        self._requests.put(block)

    def receive(self) -> bytearray:
        answer = self._answers.get()
        if answer is None:
            self._answers.put(None)  # the next ask finds it gone too
            code = _exit_code(self.process)
            raise ImportWorkerError(
                f"an import worker (process {self.process.pid}) stopped"
                + (f" with exit code {code}" if code is not None else "")
            )
        return answer

    def stop(self, *, abort: bool) -> None:
        if self._stopped:
            return
        self._stopped = True
        if abort:
            self.process.kill()
        self._requests.put(None)  # the writer closes the pipe: the worker reads its end

    def join(self) -> None:
        try:
            self.process.wait(timeout=_STOP_WAIT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        finally:
            for thread in self._threads:
                thread.join(timeout=_STOP_WAIT)


def _exit_code(process: subprocess.Popen[bytes]) -> int | None:
    try:
        return process.wait(timeout=_STOP_WAIT)
    except subprocess.TimeoutExpired:
        return None


def _enlarge(fd: int) -> None:
    """A pipe buffer of ``_PIPE_BYTES`` where the system allows, for fewer hand-offs."""
    try:
        import fcntl

        fcntl.fcntl(fd, _F_SETPIPE_SZ, _PIPE_BYTES)
    except (ImportError, OSError):
        pass


def _write_requests(fd: int, requests: queue.SimpleQueue[bytes | None]) -> None:
    """Write each block as it comes until None, then close the pipe; after a failed
    write (the worker is gone) the blocks are dropped, the answer side reports it."""
    broken = False
    with open(fd, "wb", buffering=0) as pipe:
        while (block := requests.get()) is not None:
            if broken:
                continue
            try:
                _send(pipe, block)
            except OSError:
                broken = True


def _read_answers(fd: int, answers: queue.SimpleQueue[bytearray | None]) -> None:
    """Queue each answer as it arrives; None when the worker's output ends."""
    try:
        with open(fd, "rb", buffering=0) as pipe:
            while (answer := _receive(pipe)) is not None:
                answers.put(answer)
    except OSError:
        pass
    finally:
        answers.put(None)


def _send(pipe: io.RawIOBase, message: bytes) -> None:
    """One message: its length (``_HEADER``), then its bytes."""
    _write_all(pipe, _HEADER.pack(len(message)))
    _write_all(pipe, message)


def _receive(pipe: io.RawIOBase) -> bytearray | None:
    """The next message :func:`_send` wrote, or None when the pipe ends first."""
    header = _read_exactly(pipe, _HEADER.size)
    return None if header is None else _read_exactly(pipe, _HEADER.unpack(header)[0])


def _write_all(pipe: io.RawIOBase, data: bytes) -> None:
    with memoryview(data) as view:
        done = 0
        while done < len(view):
            done += pipe.write(view[done:]) or 0


def _read_exactly(pipe: io.RawIOBase, size: int) -> bytearray | None:
    """``size`` bytes, or None when the pipe ends before."""
    buffer = bytearray(size)
    with memoryview(buffer) as view:
        got = 0
        while got < size:
            count = pipe.readinto(view[got:])
            if not count:
                return None
            got += count
    return buffer


# --------------------------------------------------------------------------- worker side


def serve_worker(requests_fd: int, answers_fd: int, source: str) -> None:
    """A worker's life: answer every block of lines until the input pipe closes."""
    gc.freeze()  # the modules imported so far are left out of every collection
    gc.set_threshold(WORKER_GC_THRESHOLD, *gc.get_threshold()[1:])
    with (
        open(requests_fd, "rb", buffering=0) as requests,
        open(answers_fd, "wb", buffering=0) as answers,
    ):
        while (block := _receive(requests)) is not None:
            try:
                _send(answers, _encode(prepare_lines(_decode_lines(block), source)))
            except BrokenPipeError:  # the importing process is gone
                return


def prepare_lines(lines: Iterable[tuple[int, bytes]], source: str) -> list[PreparedItem]:
    """The item of each numbered line, its job prepared: what a worker answers."""
    return [_prepared(line_item(line, number, source)) for number, line in lines]
