"""docker-compose.yml and the files it mounts, read as data (no Docker engine runs here)."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_TEXT = (ROOT / "docker-compose.yml").read_text()
COMPOSE = yaml.safe_load(COMPOSE_TEXT)
SERVICES = COMPOSE["services"]
JOINTCHECK_SERVICES = ("migrate", "temporal-setup", "api", "worker")


def env(service: str) -> dict[str, str]:
    return {k: str(v) for k, v in (SERVICES[service].get("environment") or {}).items()}


def command(service: str) -> list[str]:
    return list(SERVICES[service].get("entrypoint") or []) + list(SERVICES[service].get("command") or [])


def mounted(service: str, container_path: str) -> Path:
    """The host file behind `container_path` in one of the service's bind mounts."""
    for volume in SERVICES[service].get("volumes", []):
        source, target = volume.split(":")[:2]
        if source.startswith("./") and (container_path == target or container_path.startswith(target + "/")):
            return ROOT / source / container_path[len(target):].lstrip("/")
    raise AssertionError(f"{service} mounts nothing at {container_path}")


def script_of(service: str) -> str:
    """The text of the shell script a job runs (its entrypoint's last argument, a mounted file)."""
    return mounted(service, command(service)[-1]).read_text()


def published(service: str) -> list[str]:
    return [str(p) for p in SERVICES[service].get("ports", [])]


def secret_paths(text: str) -> set[str]:
    return set(re.findall(r"/run/secrets/([a-z_]+)", text))
