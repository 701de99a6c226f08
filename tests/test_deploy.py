"""The scale-out deployment (docker-compose.yml, .env.example) as `docker compose config` resolves it.

No Docker engine runs on the build machine, so the images are not built here; what is checked is the file
that `docker compose up` would run: it validates, and it has the services, health checks, volumes and
credentials the scale-out issue asks for."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]


def _compose() -> list[str] | None:
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    return None


@pytest.fixture(scope="module")
def config() -> dict:
    compose = _compose()
    if compose is None:
        pytest.fail("neither docker-compose nor the docker compose plugin is installed: `make system` installs "
                    "Debian's docker-compose (apt-get install docker-compose)", pytrace=False)
    out = subprocess.run([*compose, "--env-file", ".env.example", "-f", "docker-compose.yml", "config"],
                         cwd=REPO, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr  # the file validates
    return yaml.safe_load(out.stdout)


def test_every_service_with_a_health_check(config):
    services = config["services"]
    assert {"api", "worker", "redis", "postgres", "elasticsearch"} <= set(services)
    for name in ("api", "worker", "redis", "postgres", "elasticsearch"):
        assert services[name].get("healthcheck", {}).get("test"), f"{name} has no health check"


def test_state_lives_in_named_volumes_shared_by_api_and_workers(config):
    services, volumes = config["services"], set(config.get("volumes", {}))

    def named(service: str) -> set[str]:
        found = set()
        for v in services[service].get("volumes", []):
            source = v["source"] if isinstance(v, dict) else v.split(":")[0]
            if source in volumes:
                found.add(source)
        return found

    assert named("api") & named("worker"), "the originals' data volume must be shared by api and worker"
    for name in ("redis", "postgres", "elasticsearch"):
        assert named(name), f"{name} keeps its data in no named volume"


def test_worker_scales_and_reads_the_same_records_and_index(config):
    worker, api = config["services"]["worker"], config["services"]["api"]
    assert "container_name" not in worker  # `--scale worker=N` needs unnamed containers
    for key in ("DONTHU_DATABASE_URL", "DONTHU_BROKER_URL", "DONTHU_ES_URL", "DONTHU_SEARCH_BACKEND"):
        assert worker["environment"][key] == api["environment"][key]
    assert worker["environment"]["DONTHU_DATABASE_URL"].startswith("postgresql://")
    assert worker["environment"]["DONTHU_SEARCH_BACKEND"] == "elasticsearch"


def test_elasticsearch_single_node_with_security_and_credentials_from_env(config):
    es = config["services"]["elasticsearch"]["environment"]
    assert es["discovery.type"] == "single-node"
    assert str(es["xpack.security.enabled"]).lower() == "true"
    # the password comes from .env: the compose file itself holds none
    assert es["ELASTIC_PASSWORD"] == "change-me-elastic"
    text = (REPO / "docker-compose.yml").read_text()
    assert "change-me" not in text
