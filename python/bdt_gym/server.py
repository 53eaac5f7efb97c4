"""A ``bdt-gym serve`` process: one JSON request per line to its stdin, one response per line back."""

from __future__ import annotations

import atexit
import collections
import ctypes
import itertools
import json
import os
import select
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import weakref
from pathlib import Path
from typing import IO, Any, Callable, NoReturn

from gymnasium import error as gym_error
from gymnasium import logger as gym_logger

#: The checkout this package sits in: its CLI serves the envs unless BDT_GYM_COMMAND says otherwise.
_REPOSITORY = Path(__file__).resolve().parents[2]

#: The most a request write sends at once: a pipe takes that many bytes whole once poll() finds it writable.
_PIECE = getattr(select, "PIPE_BUF", 4096)

#: The server's last stderr lines an error names when it exits unasked (a Node.js trace fits).
_STDERR_LINES = 20

#: How long ``close`` lets a request in flight (an interrupted slow ``agent_action``) finish before it kills the server.
_CLOSE_SECONDS = 5.0


class BdtGymError(RuntimeError):
    """A request the server refused; ``kind`` is its error class (KwargsError, ScenarioError, ...)."""

    def __init__(self, kind: str | BaseException, message: str | None = None) -> None:
        if message is None:
            # one argument, the whole text (or the error itself): how pickle rebuilds an exception from
            # its args, and how Gymnasium re-raises one, AsyncVectorEnv a worker's (exctype(value))
            # and gymnasium.make an env's TypeError (type(error)(text))
            super().__init__(str(kind))
            self.kind = getattr(kind, "kind", self._default_kind())
            return
        # the server's class named once: a traceback prints the Python class before the message
        super().__init__(message if kind == type(self).__name__ else f"{kind}: {message}")
        self.kind = str(kind)

    def _default_kind(self) -> str:
        """The server's class a one-argument error stands for: its own name."""
        return type(self).__name__


class InvalidActionError(BdtGymError, ValueError, gym_error.InvalidAction):
    """An action outside the action space (the message names the key, the index and the value):
    a ``gymnasium.error.InvalidAction``, the error Gymnasium defines for one (CarRacing raises it), and a
    ``ValueError``."""


class InvalidArgumentError(BdtGymError, ValueError):
    """An argument the env cannot take: a keyword argument (KwargsError; an unknown one is an
    UnexpectedKeywordError, a TypeError too), the scenario
    (ScenarioError), an agent's name or options (UnknownAgentError, KwargsError), a checkpoint
    that is missing or does not fit (CheckpointError), reset options or vector options
    (InvalidArgumentError), an agent made for a scenario the env was not made with, a scripted
    agent on an env that is not a B-DT one, an agent that refuses the env (the oracle a scenario too
    large for it), a ``max_episode_steps`` the time limit cannot take or more envs than a server
    steps (ArgumentError); ``kind`` says which."""


class UnexpectedKeywordError(InvalidArgumentError, TypeError):
    """A keyword argument the env (or an agent's options) does not know: a ``TypeError``, as
    Gymnasium's own envs raise for an unexpected one, and an ``InvalidArgumentError`` (``kind``
    KwargsError)."""

    def _default_kind(self) -> str:
        # gymnasium.make re-raises an env's TypeError as type(error)(text), the text the error's own
        return "KwargsError"


class InvalidSeedError(InvalidArgumentError, gym_error.Error):
    """A seed the env cannot take (not an int, a bool, negative, or past 2**53 - 1, which JSON would
    round): a ``gymnasium.error.Error``, as Gymnasium's own seeding raises for a bad seed, and an
    ``InvalidArgumentError``. Raised before anything is seeded."""


class UnregisteredEnvError(BdtGymError, gym_error.UnregisteredEnv):
    """An env id the server does not register (a ``gymnasium.error.UnregisteredEnv``, as
    ``gymnasium.make`` raises for one)."""


class AttributeRefusedError(BdtGymError, AttributeError):
    """A name the native vector env does not give (``get_attr``, ``call``) or set (``set_attr``)."""


class ResetNeededError(BdtGymError, gym_error.ResetNeeded):
    """``step`` (or ``agent_action``) before ``reset``, or on an ended env of a vector env in
    ``disabled`` autoreset mode (a ``gymnasium.error.ResetNeeded``, as ``gymnasium.make``'s
    ``OrderEnforcing`` raises)."""


_ERRORS = {
    # an action outside the space, or not readable as one (docs/SERVE.md: both mean the action)
    "InvalidActionError": InvalidActionError,
    "SpaceError": InvalidActionError,
    "ResetNeededError": ResetNeededError,
    "AttributeRefusedError": AttributeRefusedError,
    "UnregisteredEnvError": UnregisteredEnvError,
    # refusals of what the caller passed, so ValueErrors as Python's own bad arguments are
    **dict.fromkeys(("KwargsError", "ScenarioError", "UnknownAgentError", "InvalidArgumentError", "ArgumentError", "CheckpointError"), InvalidArgumentError),
}


def server_command() -> list[str]:
    """How to start the server: ``$BDT_GYM_COMMAND serve`` (e.g. ``bdt-gym`` after ``npm link``), else node (the checkout's own, when installed) and this checkout's bin/bdt-gym.js."""
    custom = os.environ.get("BDT_GYM_COMMAND")
    if custom:
        return [*split_command(custom), "serve"]
    node = _node()
    if node is None:
        raise RuntimeError("bdt_gym: Node.js (node) is not on PATH; install Node.js >= 20, or set BDT_GYM_COMMAND")
    cli = _REPOSITORY / "bin" / "bdt-gym.js"
    if not cli.exists():
        # a copy of this package outside its checkout (a non-editable install) cannot find the CLI;
        # bdt-gym is unpublished, so the hint names the checkout's script, never an npx download
        raise RuntimeError(
            f"bdt_gym: {cli} not found: this copy of bdt_gym is not inside a bdt-gym checkout; install it editable "
            '(pip install -e python, in the checkout) or set BDT_GYM_COMMAND="node /path/to/bdt-gym/bin/bdt-gym.js"'
        )
    return [node, str(cli), "serve"]


def split_command(command: str, windows: bool = os.name == "nt") -> list[str]:
    """The words of a command line: a POSIX shell's, or on Windows split at spaces outside double
    quotes, backslashes kept (a POSIX split read ``node C:\\bdt-gym\\bin\\bdt-gym.js`` as
    ``C:bdt-gymbinbdt-gym.js``) and a word's enclosing quotes dropped."""
    if not windows:
        return shlex.split(command)
    return [word[1:-1] if len(word) >= 2 and word[0] == word[-1] == '"' else word for word in shlex.split(command, posix=False)]


def _node() -> str | None:
    """The checkout's own Node.js when ``npm install`` fetched it (package.json's optional ``node``
    dependency, the LTS the npm scripts run on, which steps the env fastest) and it runs here,
    else the PATH's."""
    pinned = _REPOSITORY / "node_modules" / "node" / "bin" / ("node.exe" if os.name == "nt" else "node")
    if pinned.is_file() and _runs(pinned):
        return str(pinned)
    return shutil.which("node")


def _runs(program: Path) -> bool:
    """Whether ``program --version`` succeeds: a node_modules copied from another platform holds a
    binary this machine cannot execute."""
    try:
        return subprocess.run([str(program), "--version"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


class _StderrTail:
    """The server's stderr, forwarded to this process's (so its notes show, as if inherited) by a
    thread that keeps its last lines: why a server that exits at once failed (a checkout without
    ``npm install``: tsx not found) goes into the error Python raises."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._lines: collections.deque[bytes] = collections.deque(maxlen=_STDERR_LINES)
        self._thread = threading.Thread(target=self._forward, args=(stream,), name="bdt-gym serve stderr", daemon=True)
        self._thread.start()

    def _forward(self, stream: IO[bytes]) -> None:
        with stream:
            for line in stream:
                self._lines.append(line)
                _write_stderr(line)

    def join(self) -> None:
        """Waits (a little) for the end of the server's stderr: all of it forwarded, the pipe closed."""
        self._thread.join(timeout=5)

    def explain(self) -> str:
        """The last lines the server wrote to stderr, for an error message (empty if none)."""
        self.join()
        text = b"".join(self._lines).decode(errors="replace").rstrip()
        if not text:
            return ""
        hint = "\n(a package is missing: run `npm install` in the bdt-gym checkout)" if "ERR_MODULE_NOT_FOUND" in text else ""
        return f"; its stderr ended with:\n{text}{hint}"


def _write_stderr(data: bytes) -> None:
    """Writes ``data`` to file descriptor 2, where an inherited stderr would write it."""
    view = memoryview(data)
    try:
        while view:
            view = view[os.write(2, view) :]
    except OSError:
        pass  # no usable stderr (a GUI's pythonw): the tail still keeps the lines


def _exit_status(code: int) -> str:
    """A return code as a person reads it: ``status 1``, or ``killed by SIGKILL`` for a negative one."""
    if code >= 0:
        return f"status {code}"
    try:
        return f"killed by {signal.Signals(-code).name}"
    except ValueError:
        return f"killed by signal {-code}"


def _how_it_ended(process: subprocess.Popen[bytes], what: str) -> str:
    """How the server ended once one of its pipes closed (``what`` it did): ``exited (status 1)``,
    as it exits then; one still running after ``_CLOSE_SECONDS`` (a pipe closed by an imported
    module, say) is killed rather than waited for forever."""
    try:
        return f"exited ({_exit_status(process.wait(timeout=_CLOSE_SECONDS))})"
    except subprocess.TimeoutExpired:
        _kill_session(process)
        process.wait()
        return f"{what} but did not exit (killed after {_CLOSE_SECONDS:g} s)"


#: prctl's option that has the kernel signal a process when its parent thread ends (linux/prctl.h)
_PR_SET_PDEATHSIG = 1


def _death_signal() -> Callable[[], None] | None:
    """On Linux, what the server runs before its command so that it is killed when this Python
    dies (SIGKILL, SIGTERM, a crash): it notices the end of its input only between requests, so
    one busy with a slow request would run on. The kernel sends the signal when the *thread* that
    started the server ends, so only a server started from the main thread (which ends with the
    process) asks for it; one started from another thread (an env made in a worker thread) ends
    at the end of its input as elsewhere. With a BDT_GYM_COMMAND that runs node under another
    program (npx), only that program is killed. None where it is not available."""
    if not sys.platform.startswith("linux") or threading.current_thread() is not threading.main_thread():
        return None
    try:
        # looked up here: the forked child should only call it
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def die_with_parent() -> None:
        prctl(_PR_SET_PDEATHSIG, ctypes.c_ulong(signal.SIGKILL))
        if os.getppid() != parent:  # Python died before the prctl: no signal will come
            os.kill(os.getpid(), signal.SIGKILL)

    return die_with_parent


def _kill_session(process: subprocess.Popen[bytes]) -> None:
    """Kills the server and any process it started (its session's process group, on POSIX: a
    BDT_GYM_COMMAND such as ``npx bdt-gym`` runs node under npm, which would keep the pipes open)."""
    if hasattr(os, "killpg"):
        try:
            os.killpg(process.pid, signal.SIGKILL)
            return
        except OSError:
            pass  # the group is gone
    process.kill()


def _drain(stdout: IO[bytes]) -> None:
    """Reads the server's stdout to its end, then closes it."""
    with stdout:
        stdout.read()


def _response(line: bytes) -> dict[str, Any] | None:
    """The response on ``line``: a JSON object with a result or an error; None for anything else."""
    try:
        response = json.loads(line)
    except ValueError:
        return None
    return response if isinstance(response, dict) and ("result" in response or "error" in response) else None


class Server:
    """The server process of one env (its stderr is forwarded to this process's, so its notes show).

    It runs in a session of its own: a terminal's or Jupyter's Ctrl-C signals the whole
    foreground process group, and is meant for Python (a KeyboardInterrupt), not for the server.
    On Windows, where a console's Ctrl-C reaches every process attached to it, it runs in a
    process group of its own, whose processes ignore Ctrl-C.

    Responses pair with requests by their order alone. So that a request interrupted on its way
    (Ctrl-C, or any exception a signal handler raises) cannot leave its response for the next
    request to return, the next request first finishes sending that line and reads its response,
    dropping it: the interrupted request completes in the server, and the env is as after it.
    No interruption point loses count: a line goes out in pieces the pipe takes whole (PIPE_BUF
    bytes, once poll() finds it writable), so a write never blocks and is counted before it
    starts; a response line is read into ``_received`` by one C-level call, which stores it or
    leaves it in the pipe.
    """

    def __init__(self) -> None:
        # setsid() on POSIX; CREATE_NEW_PROCESS_GROUP exists on Windows only, where the other two do nothing
        process = subprocess.Popen(server_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, preexec_fn=_death_signal(), creationflags=getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0))
        assert process.stdin is not None and process.stderr is not None
        self._process: subprocess.Popen[bytes] | None = process
        self._stderr = _StderrTail(process.stderr)
        #: waits until the server's stdin takes a piece whole (none on Windows, where select has no
        #: poll and a pipe write is not cut by Ctrl-C)
        self._writable = select.poll() if hasattr(select, "poll") else None
        if self._writable is not None:
            self._writable.register(process.stdin, select.POLLOUT)
        #: what is left to send of the last request's line (an interruption can cut it)
        self._unsent = memoryview(b"")
        #: the requests sent since the server last caught up, and the responses read since
        self._sent = 0
        self._received: list[bytes] = []
        #: why the server ended, once it has: every later request says the same
        self._ended: str | None = None
        #: what a request says once this env no longer drives its server (closed, or in a forked child)
        self._closed = "bdt_gym: the env is closed"
        #: held by the thread whose request is under way (see ``request``)
        self._lock = threading.Lock()
        _LIVE.add(self)

    def request(self, method: str, **fields: Any) -> Any:
        """The result of one request; a refusal raises BdtGymError (or a subclass). The warnings the
        env raised in the server while it handled the request are raised here first, each with
        ``gymnasium.logger.warn`` (a UserWarning, as Gymnasium's own envs warn), so that
        ``warnings.catch_warnings``, ``pytest -W error`` and ``check_env`` see them; those of an
        interrupted request are dropped with its response.

        Requests from several threads take turns (``_lock``): responses pair with requests by
        their order alone, so two at once would each read the other's response, or wait forever
        for one the other read."""
        with self._lock:
            return self._request(method, fields)

    def _request(self, method: str, fields: dict[str, Any]) -> Any:
        """``request`` once this thread has the server to itself."""
        process = self._process
        if process is None:
            raise RuntimeError(self._closed)
        if self._ended is not None:
            raise RuntimeError(self._ended)
        line = (json.dumps({"method": method, **fields}) + "\n").encode()
        self._catch_up(process)
        self._unsent, self._sent = memoryview(line), 1
        self._send(process)
        self._receive(process, method)
        response = _response(self._received[-1])
        if response is None:
            # only responses go to the server's stdout: the pairing of the rest cannot be trusted
            self._end(process, f"bdt_gym: the server answered {method} with a line that is not a response: {self._received[-1][:200]!r}")
        # what the env warned of while the server handled the request, as Gymnasium's envs warn
        for message in response.get("warnings", ()):
            gym_logger.warn("%s", message)
        if "error" in response:
            error = response["error"]
            refused = UnexpectedKeywordError if error.get("unexpectedKeys") else _ERRORS.get(error["type"], BdtGymError)
            raise refused(error["type"], error["message"])
        return response["result"]

    def _catch_up(self, process: subprocess.Popen[bytes]) -> None:
        """Finishes sending an interrupted request and drops the responses of interrupted requests."""
        self._send(process)
        while len(self._received) < self._sent:
            self._receive(process, "an interrupted request")
        self._sent, self._received = 0, []

    def _send(self, process: subprocess.Popen[bytes]) -> None:
        """Writes what is left of the request line."""
        assert process.stdin is not None
        fd = process.stdin.fileno()
        while self._unsent:
            piece = self._unsent[:_PIECE]
            if self._writable is not None:
                self._writable.poll()
            self._unsent = self._unsent[len(piece) :]
            try:
                os.write(fd, piece)
            except BrokenPipeError:
                self._end(process, f"bdt_gym: the server {_how_it_ended(process, 'stopped reading requests')}{self._stderr.explain()}")

    def _receive(self, process: subprocess.Popen[bytes], what: str) -> None:
        """Reads one response line into ``_received``."""
        assert process.stdout is not None
        count = len(self._received)
        self._received.extend(itertools.islice(process.stdout, 1))
        if len(self._received) == count:
            self._end(process, f"bdt_gym: the server {_how_it_ended(process, 'closed its output')} without answering {what}{self._stderr.explain()}")

    def _end(self, process: subprocess.Popen[bytes], why: str) -> NoReturn:
        """Raises ``why``, which every later request raises again: the server is gone (or ended here)."""
        self._ended = why
        if process.poll() is None:
            process.kill()
            try:  # reaped here, or it stays a zombie until close()
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        raise RuntimeError(why) from None

    def __del__(self) -> None:
        # an env dropped without close() still ends its server rather than leave it running
        try:
            self.close()
        except Exception:
            pass

    def close(self) -> None:
        """Ends the server (idempotent): the end of its input ends it, after a request in flight;
        one still running after ``_CLOSE_SECONDS`` (an interrupted slow agent) is not waited for:
        the server is killed, as it is at once when the wait is interrupted (a second Ctrl-C)."""
        process, self._process = self._process, None
        if process is None:
            return
        assert process.stdin is not None and process.stdout is not None
        if sys.is_finalizing():
            self._close_without_threads(process)
            return
        # the answers to interrupted requests, if any, read by a thread: a read has no deadline; the
        # thread closes stdout too, as a close here would wait for the read's lock
        drain = threading.Thread(target=_drain, args=(process.stdout,), name="bdt-gym serve close", daemon=True)
        try:
            drain.start()
        except RuntimeError:
            # Python 3.12 starts no thread in an atexit hook either, where is_finalizing() is still False
            self._close_without_threads(process)
            return
        try:
            process.stdin.close()
            drain.join(timeout=_CLOSE_SECONDS)
            if drain.is_alive():
                _kill_session(process)  # which ends the read
                drain.join()
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        except BaseException:
            # interrupted while waiting (a second Ctrl-C): the server is not left running, which
            # also ends the drain's read
            _kill_session(process)
            process.wait()
            raise
        finally:
            self._stderr.join()

    def _close_without_threads(self, process: subprocess.Popen[bytes]) -> None:
        """``close`` at interpreter shutdown, where no thread starts (Python < 3.12's
        ``Thread.start`` waits forever for it) and the stderr thread may never end: nothing is
        drained or joined; a server still running after ``_CLOSE_SECONDS`` is killed."""
        assert process.stdin is not None and process.stdout is not None
        try:
            process.stdin.close()
            process.wait(timeout=_CLOSE_SECONDS)
        except subprocess.TimeoutExpired:
            _kill_session(process)
            process.wait()
        finally:
            process.stdout.close()

    def _disown(self) -> None:
        """In a forked child: closes the child's copies of the server's pipes (the server sees the
        end of its input when the parent closes its own) and leaves the server to the parent,
        which drains and ends it."""
        process, self._process = self._process, None
        # a parent's thread may have held the lock when the fork copied it, which no thread here would release
        self._lock = threading.Lock()
        if process is None:
            return
        self._closed = f"bdt_gym: this env's server belongs to process {os.getppid()}, which forked this one; make the env in this process"
        for pipe in (process.stdin, process.stdout, process.stderr):
            if pipe is not None:
                # the raw file, whose close takes no lock: the parent's stderr thread, which does
                # not exist here, held its buffer's lock when the fork copied it
                pipe.raw.close()
        # poll() finds the server is no child of this process (ECHILD), so that Popen does not warn
        # here that it still runs
        process.poll()


#: The servers not yet closed, which exit closes and a fork's child lets go of.
_LIVE: weakref.WeakSet[Server] = weakref.WeakSet()


@atexit.register
def _close_live_servers() -> None:
    """Closes every server still running at exit while threads can still start (``__del__``
    at interpreter shutdown cannot drain one)."""
    for server in list(_LIVE):
        server.close()


def _disown_live_servers() -> None:
    """In a forked child (an AsyncVectorEnv's worker): the parent's servers stay the parent's; the
    child's copies of their pipes would keep each server's input open after the parent closes it."""
    for server in list(_LIVE):
        server._disown()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_disown_live_servers)
