"""A ``bdt-gym serve`` process: one JSON request per line to its stdin, one response per line back."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

#: The checkout this package sits in: its CLI serves the envs unless BDT_GYM_COMMAND says otherwise.
_REPOSITORY = Path(__file__).resolve().parents[2]


class BdtGymError(RuntimeError):
    """A request the server refused; ``kind`` is its error class (KwargsError, ScenarioError, ...)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(f"{kind}: {message}")
        self.kind = kind


class InvalidActionError(BdtGymError, ValueError):
    """An action outside the action space (the message names the key, the index and the value)."""


class ResetNeededError(BdtGymError):
    """``step`` before ``reset``."""


_ERRORS = {"InvalidActionError": InvalidActionError, "ResetNeededError": ResetNeededError}


def server_command() -> list[str]:
    """How to start the server: ``$BDT_GYM_COMMAND serve`` (e.g. ``bdt-gym`` after ``npm link``), else node and this checkout's bin/bdt-gym.js."""
    custom = os.environ.get("BDT_GYM_COMMAND")
    if custom:
        return [*shlex.split(custom), "serve"]
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("bdt_gym: Node.js (node) is not on PATH; install Node.js >= 20, or set BDT_GYM_COMMAND")
    cli = _REPOSITORY / "bin" / "bdt-gym.js"
    if not cli.exists():
        raise RuntimeError(f"bdt_gym: {cli} not found; set BDT_GYM_COMMAND to a bdt-gym command (e.g. 'npx bdt-gym')")
    return [node, str(cli), "serve"]


class Server:
    """The server process of one env (its stderr is this process's, so its notes show)."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = subprocess.Popen(
            server_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8", bufsize=1
        )

    def request(self, method: str, **fields: Any) -> Any:
        """The result of one request; a refusal raises BdtGymError (or a subclass)."""
        process = self._process
        if process is None:
            raise RuntimeError("bdt_gym: the env is closed")
        assert process.stdin is not None and process.stdout is not None
        try:
            process.stdin.write(json.dumps({"method": method, **fields}) + "\n")
            process.stdin.flush()
        except BrokenPipeError:
            raise RuntimeError(f"bdt_gym: the server exited (status {process.wait()})") from None
        line = process.stdout.readline()
        if line == "":
            raise RuntimeError(f"bdt_gym: the server exited (status {process.wait()}) without answering {method}")
        response = json.loads(line)
        if "error" in response:
            error = response["error"]
            raise _ERRORS.get(error["type"], BdtGymError)(error["type"], error["message"])
        return response["result"]

    def __del__(self) -> None:
        # an env dropped without close() still ends its server rather than leave it running
        try:
            self.close()
        except Exception:
            pass

    def close(self) -> None:
        """Ends the server (idempotent)."""
        process, self._process = self._process, None
        if process is None:
            return
        try:
            if process.poll() is None:
                assert process.stdin is not None and process.stdout is not None
                process.stdin.write(json.dumps({"method": "close"}) + "\n")
                process.stdin.close()
                process.stdout.read()
            process.wait(timeout=10)
        except (BrokenPipeError, subprocess.TimeoutExpired):
            process.kill()
            process.wait()
        finally:
            for stream in (process.stdin, process.stdout):
                if stream is not None and not stream.closed:
                    try:
                        stream.close()
                    except BrokenPipeError:
                        pass
