"""Real servers on 127.0.0.1 for tests and the benchmark: uvicorn running Fascia, and nginx."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 15.0) -> float:
    """Seconds until ``url`` answers 200; fails if the process exits or time runs out."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return time.perf_counter() - started
        except OSError:
            time.sleep(0.02)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


def listening(pid: int, port: int) -> bool:
    """Whether process ``pid`` itself holds a socket listening on ``port`` (with SO_REUSEPORT a
    port may answer before a second process has bound it)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    try:
        links = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return any(link == f"socket:[{inode}]" for link in links for inode in inodes)


@contextmanager
def fascia(
    port: int, env: dict[str, str] | None = None, log: Path | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """``python -m api serve`` on 127.0.0.1:``port``, stopped (SIGTERM) on exit.

    Quiet unless ``log`` is given: then everything it logs (JSON lines) goes to that file.
    """
    environment = {**os.environ, "FASCIA_HOST": "127.0.0.1", "FASCIA_PORT": str(port)}
    quiet = {"FASCIA_LOG_LEVEL": "warning", "FASCIA_ACCESS_LOG": "false"}
    environment |= (quiet if log is None else {}) | (env or {})
    stderr = log.open("wb") if log is not None else None
    command = [sys.executable, "-m", "api", "serve"]
    process = subprocess.Popen(command, cwd=ROOT, env=environment, stderr=stderr)
    try:
        process.startup_seconds = wait_until_up(  # type: ignore[attr-defined]
            f"http://127.0.0.1:{port}/readyz", process
        )
        if environment.get("FASCIA_REUSE_PORT") == "true":
            deadline = time.perf_counter() + 15
            while not listening(process.pid, port):
                if time.perf_counter() > deadline or process.poll() is not None:
                    raise RuntimeError(f"server {process.pid} is not listening on {port}")
                time.sleep(0.02)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=10)
        if stderr is not None:
            stderr.close()


NGINX_MAIN = """\
{user}worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {site};
}}
"""


def nginx_binary() -> str:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if found is None:
        raise RuntimeError("nginx is not installed: `make test` installs it (apt-get nginx-light)")
    return found


@contextmanager
def nginx(site_config: Path, port: int, prefix: Path) -> Iterator[subprocess.Popen[bytes]]:
    """nginx serving ``site_config`` (a static export's fascia.conf) on 127.0.0.1:``port``."""
    prefix.mkdir(parents=True, exist_ok=True)
    user = "user root;\n" if os.geteuid() == 0 else ""
    main = prefix / "nginx.conf"
    main.write_text(NGINX_MAIN.format(user=user, prefix=prefix, site=site_config))
    process = subprocess.Popen([nginx_binary(), "-p", str(prefix), "-c", str(main)])
    try:
        wait_until_up(f"http://127.0.0.1:{port}/v1", process)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=10)


VARNISH_VCL = """vcl 4.1;
backend fascia {{ .host = "127.0.0.1"; .port = "{port}"; }}
"""


@contextmanager
def varnish(backend: int, port: int, gzip_support: bool) -> Iterator[subprocess.Popen[bytes]]:
    """Varnish with its built-in VCL, caching ``backend`` on 127.0.0.1:``port``;
    ``gzip_support`` is its own gzip handling (on by default in Varnish). Its files are in a
    folder of their own that its unprivileged child process can read."""
    work = Path(tempfile.mkdtemp(prefix="fascia-varnish-"))
    work.chmod(0o755)
    vcl = work / "fascia.vcl"
    vcl.write_text(VARNISH_VCL.format(port=backend))
    binary = shutil.which("varnishd") or "/usr/sbin/varnishd"
    command = [
        binary, "-F", "-n", str(work / "instance"), "-a", f"127.0.0.1:{port}", "-f", str(vcl),
        "-s", "malloc,64m", "-p", f"http_gzip_support={'on' if gzip_support else 'off'}",
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz", process)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


@contextmanager
def redis(port: int) -> Iterator[subprocess.Popen[bytes]]:
    """A throwaway Redis on 127.0.0.1:``port``: no persistence, stopped on exit."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    command = [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly"]
    process = subprocess.Popen([*command, "no"], stdout=subprocess.DEVNULL)
    try:
        deadline = time.perf_counter() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                if time.perf_counter() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.05)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=10)
