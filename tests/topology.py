"""The production topology of deploy/ on 127.0.0.1, for tests and the benchmark: nginx with
deploy/nginx/fascia.conf (TLS with a throwaway certificate, the static export, the cache), two
Fascia processes and a Redis, each on a port of its own."""

from __future__ import annotations

import http.client
import os
import signal
import ssl
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.servers import NGINX_MAIN, ROOT, free_port, nginx_binary, redis, wait_until_up

DEPLOY = ROOT / "deploy"
NGINX_CONF = DEPLOY / "nginx" / "fascia.conf"
PUBLIC_HOST = "fascia.example.org"
DEFAULT_MAX_AGE = 300


def render_nginx(
    text: str,
    *,
    tls_port: int,
    http_port: int,
    host: str,
    tls: Path,
    upstream: Path,
    export_root: Path,
    cache: Path,
    max_age: int = DEFAULT_MAX_AGE,
    api_keys: bool = False,
) -> str:
    """deploy/nginx/fascia.conf with this machine's paths, ports and host name in place of the
    ones it ships with; fails if one of them is no longer in the file."""
    replacements = [
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{tls_port} ssl http2;"),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        (f"server_name {PUBLIC_HOST};", f"server_name {host.split(':', maxsplit=1)[0]};"),
        (PUBLIC_HOST.replace(".", "\\."), host.replace(".", "\\.")),
        ("/etc/nginx/tls/", f"{tls}/"),
        ("/etc/nginx/fascia/upstream.conf", str(upstream)),
        ("/srv/fascia/export", str(export_root)),
        ("/var/cache/nginx/fascia", str(cache)),
        (f"max-age={DEFAULT_MAX_AGE},", f"max-age={max_age},"),
    ]
    if api_keys:
        replacements.append(('default "off";', 'default "on";'))
    for old, new in replacements:
        if old not in text:
            raise ValueError(f"{old!r} is not in the nginx configuration")
        text = text.replace(old, new)
    return text


def self_signed(directory: Path, names: tuple[str, ...] = ("localhost",)) -> Path:
    """A throwaway certificate for ``names`` and 127.0.0.1 (tls.crt, tls.key in ``directory``),
    valid for a day."""
    directory.mkdir(parents=True, exist_ok=True)
    alt = ",".join([*(f"DNS:{name}" for name in names), "IP:127.0.0.1"])
    command = [
        "/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
        "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", f"/CN={names[0]}",
        "-addext", f"subjectAltName={alt}", "-keyout", str(directory / "tls.key"),
        "-out", str(directory / "tls.crt"),
    ]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True, timeout=30)
    return directory


def nginx_main(site: Path, prefix: Path) -> Path:
    """nginx's main configuration for a site file, with every path under ``prefix``."""
    prefix.mkdir(parents=True, exist_ok=True)
    user = "user root;\n" if os.geteuid() == 0 else ""
    main = prefix / "nginx.conf"
    main.write_text(NGINX_MAIN.format(user=user, prefix=prefix, site=site))
    return main


def nginx_test(main: Path, prefix: Path) -> subprocess.CompletedProcess[str]:
    """``nginx -t`` on a main configuration: what nginx says, and its exit status."""
    command = [nginx_binary(), "-t", "-p", str(prefix), "-c", str(main)]
    return subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)


def start_fascia(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """``python -m api serve`` on 127.0.0.1:``port``, once ready."""
    environment = {**os.environ, "FASCIA_HOST": "127.0.0.1", "FASCIA_PORT": str(port)}
    environment |= {"FASCIA_LOG_LEVEL": "warning", "FASCIA_ACCESS_LOG": "false"} | env
    process = subprocess.Popen([sys.executable, "-m", "api", "serve"], cwd=ROOT, env=environment)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/readyz", process)
    except BaseException:
        stop(process)
        raise
    return process


def stop(process: subprocess.Popen[bytes]) -> int:
    """SIGTERM, then the exit status (killed after 15 s)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait(timeout=5)


def export(directory: Path, env: dict[str, str]) -> Path:
    """``python -m api export`` into ``directory``, as an operator runs it."""
    environment = {**os.environ, "FASCIA_LOG_LEVEL": "warning"} | env
    command = [sys.executable, "-m", "api", "export", str(directory)]
    subprocess.run(command, cwd=ROOT, env=environment, check=True, timeout=300, capture_output=True)
    return directory


@dataclass
class Topology:
    """The running topology: addresses, the Fascia processes by port, and how to reach them."""

    work: Path
    tls_port: int
    http_port: int
    host: str  # the public host, `localhost:<tls_port>`
    env: dict[str, str]  # every Fascia process's settings
    processes: dict[int, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def tls(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.work / "tls" / "tls.crt"))

    def connection(self) -> http.client.HTTPSConnection:
        return http.client.HTTPSConnection("127.0.0.1", self.tls_port, context=self.tls, timeout=10)

    def restart(self, port: int, env: dict[str, str] | None = None) -> None:
        """Stop the process on ``port`` (SIGTERM) and start it again, with ``env`` on top."""
        status = stop(self.processes[port])
        if status != 0:
            raise RuntimeError(f"fascia on {port} exited with {status}")
        self.processes[port] = start_fascia(port, self.env | (env or {}))


@contextmanager
def topology(
    work: Path, *, max_age: int = DEFAULT_MAX_AGE, api_keys: str | None = None, rate_limit: str = ""
) -> Iterator[Topology]:
    """Redis, two Fascia processes, the static export and nginx (TLS) in front, all on
    127.0.0.1; ``api_keys`` a digest turns keys on (in the app and in nginx)."""
    tls_port, http_port = free_port(), free_port()
    host = f"localhost:{tls_port}"
    with ExitStack() as stack:
        redis_port = free_port()
        stack.enter_context(redis(redis_port))
        env = {
            "FASCIA_ALLOWED_HOSTS": f"{host},127.0.0.1:{tls_port}",
            "FASCIA_TRUSTED_PROXIES": "127.0.0.1",
            "FASCIA_CACHE_MAX_AGE": str(max_age),
            "FASCIA_RATE_LIMIT_STORAGE": f"redis://127.0.0.1:{redis_port}",
            "FASCIA_RATE_LIMIT": rate_limit,
            "FASCIA_API_KEY_DIGESTS": api_keys or "",
            "FASCIA_RENDER_PROCESSES": "1",
        }
        running = Topology(work, tls_port, http_port, host, env)
        stack.callback(lambda: [stop(p) for p in list(running.processes.values())])
        for _ in range(2):
            port = free_port()
            running.processes[port] = start_fascia(port, env)
        upstream = work / "upstream.conf"
        upstream.write_text(
            "".join(f"server 127.0.0.1:{port} max_fails=0;\n" for port in running.processes)
        )
        (work / "export").mkdir(exist_ok=True)
        current = work / "export" / "current"
        if not current.exists():
            public = {"FASCIA_PUBLIC_URL": f"https://{host}", "FASCIA_API_KEY_DIGESTS": ""}
            export(work / "export" / "1", env | public)
            current.symlink_to(work / "export" / "1")
        self_signed(work / "tls")
        site = work / "fascia.conf"
        site.write_text(
            render_nginx(
                NGINX_CONF.read_text(),
                tls_port=tls_port,
                http_port=http_port,
                host=host,
                tls=work / "tls",
                upstream=upstream,
                export_root=current,
                cache=work / "cache",
                max_age=max_age,
                api_keys=api_keys is not None,
            )
        )
        prefix = work / "nginx"
        main = nginx_main(site, prefix)
        process = subprocess.Popen([nginx_binary(), "-p", str(prefix), "-c", str(main)])
        stack.callback(process.wait, timeout=10)
        stack.callback(process.terminate)
        wait_until_up(f"http://127.0.0.1:{http_port}/nginx-health", process)
        yield running
