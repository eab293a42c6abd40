"""deploy/: the Kubernetes manifests and the compose file are valid, nginx accepts the
configuration they ship, and both ship the same nginx configuration (deploy/nginx/).

The compose file is checked against the Compose Specification's JSON schema, vendored as
tests/compose-spec.json from https://github.com/compose-spec/compose-spec (schema/compose-spec.json
at commit 170098ba07d9f53c383a41bfd4c5166b0a4529a6, 2026-06-23); the manifests with
kubernetes-validate, strict (no field Kubernetes does not know), for KUBERNETES_VERSION."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from api.settings import Settings
from tests.topology import (
    DEPLOY,
    NGINX_CONF,
    nginx_main,
    nginx_test,
    render_nginx,
    self_signed,
)

KUBERNETES_VERSION = "1.34.0"
MANIFESTS = sorted((DEPLOY / "k8s").glob("*.yaml"))
COMPOSE = DEPLOY / "compose.yaml"


def documents(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def kinds() -> dict[tuple[str, str], dict[str, Any]]:
    """Every resource of deploy/k8s by (kind, name)."""
    found = {}
    for path in MANIFESTS:
        for doc in documents(path):
            found[(doc["kind"], doc["metadata"]["name"])] = doc
    return found


@pytest.mark.unit
@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_every_manifest_is_valid_kubernetes(path: Path) -> None:
    for doc in documents(path):
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


@pytest.mark.unit
def test_the_manifests_hold_the_whole_topology() -> None:
    found = kinds()
    for kind, name in [
        ("Deployment", "fascia"),
        ("Service", "fascia"),
        ("Deployment", "fascia-nginx"),
        ("Service", "fascia-nginx"),
        ("ConfigMap", "fascia-nginx"),
        ("Deployment", "redis"),
        ("Service", "redis"),
    ]:
        assert (kind, name) in found, (kind, name)
    app = found[("Deployment", "fascia")]["spec"]
    assert app["replicas"] >= 2
    (container,) = app["template"]["spec"]["containers"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["resources"]["requests"]["memory"] == "160Mi"
    env = {item["name"]: item["value"] for item in container["env"]}
    Settings(**{name.removeprefix("FASCIA_").lower(): value for name, value in env.items()})
    assert env["FASCIA_RATE_LIMIT_STORAGE"] == "redis://redis:6379"


@pytest.mark.unit
def test_the_configmap_holds_deploy_nginx_as_it_is() -> None:
    """One source of truth: the ConfigMap's files are deploy/nginx's, byte for byte."""
    data = kinds()[("ConfigMap", "fascia-nginx")]["data"]
    assert data["fascia.conf"] == NGINX_CONF.read_text(), (
        "k8s/nginx.yaml's ConfigMap differs from deploy/nginx/fascia.conf: copy the file in"
    )
    assert data["upstream.conf"] == (DEPLOY / "nginx" / "upstream.k8s.conf").read_text()


@pytest.mark.unit
def test_the_compose_file_is_valid_and_mounts_deploy_nginx() -> None:
    schema = json.loads((Path(__file__).parent / "compose-spec.json").read_text())
    compose = yaml.safe_load(COMPOSE.read_text())
    jsonschema.Draft7Validator(schema).validate(compose)
    services = compose["services"]
    assert {"nginx", "fascia-1", "fascia-2", "redis"} <= set(services)
    for name in ("fascia-1", "fascia-2"):
        assert services[name]["build"]["dockerfile"] == "Dockerfile"
        env = services[name]["environment"]
        Settings(**{key.removeprefix("FASCIA_").lower(): value for key, value in env.items()})
        assert env["FASCIA_RATE_LIMIT_STORAGE"] == "redis://redis:6379"
    mounts = {volume.split(":")[1]: volume.split(":")[0] for volume in services["nginx"]["volumes"]}
    assert mounts["/etc/nginx/conf.d/default.conf"] == "./nginx/fascia.conf"
    assert mounts["/etc/nginx/fascia/upstream.conf"] == "./nginx/upstream.compose.conf"
    upstream = (DEPLOY / "nginx" / "upstream.compose.conf").read_text()
    assert "server fascia-1:8000" in upstream
    assert "server fascia-2:8000" in upstream


@pytest.mark.live
@pytest.mark.parametrize("api_keys", [False, True], ids=["keys-off", "keys-on"])
def test_nginx_accepts_the_configuration(tmp_path: Path, api_keys: bool) -> None:
    """`nginx -t` on deploy/nginx/fascia.conf, with this machine's paths, a throwaway
    certificate and either upstream file in place of the ones it ships with."""
    for upstream in ("upstream.compose.conf", "upstream.k8s.conf"):
        work = tmp_path / upstream
        (work / "export").mkdir(parents=True)
        # The names compose and the cluster resolve, here as 127.0.0.1.
        text = (DEPLOY / "nginx" / upstream).read_text()
        for name in ("fascia-1", "fascia-2", "fascia"):
            text = text.replace(f"server {name}:", "server 127.0.0.1:")
        (work / "upstream.conf").write_text(text)
        site = work / "fascia.conf"
        site.write_text(
            render_nginx(
                NGINX_CONF.read_text(),
                tls_port=8443,
                http_port=8080,
                host="localhost:8443",
                tls=self_signed(work / "tls"),
                upstream=work / "upstream.conf",
                export_root=work / "export",
                cache=work / "cache",
                api_keys=api_keys,
            )
        )
        prefix = work / "nginx"
        result = nginx_test(nginx_main(site, prefix), prefix)
        assert result.returncode == 0, result.stderr
        assert "test is successful" in result.stderr


@pytest.mark.unit
def test_the_shipped_configuration_has_what_it_promises() -> None:
    """The directives the topology depends on, so that an edit that drops one is noticed."""
    text = NGINX_CONF.read_text()
    for directive in [
        'proxy_cache_key "$scheme|$http_host|$request_uri|$http_accept|$http_accept_language'
        '|$http_accept_encoding";',
        "proxy_cache_lock on;",
        "proxy_cache_use_stale updating error timeout http_500 http_502 http_503 http_504;",
        "proxy_cache_background_update on;",
        "proxy_cache_revalidate on;",
        "proxy_next_upstream error timeout http_502 http_503 http_504;",
        "proxy_cache_bypass $fascia_no_cache;",
        "proxy_no_cache $fascia_no_cache;",
        "ssl_certificate /etc/nginx/tls/tls.crt;",
        "ssl_certificate_key /etc/nginx/tls/tls.key;",
    ]:
        assert directive in text, directive
