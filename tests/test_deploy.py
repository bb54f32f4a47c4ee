"""deploy/: the nginx site, the systemd units and the gunicorn config parse (syntax only: nothing is installed)."""

from __future__ import annotations

import configparser
import runpy
import shutil
import subprocess
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
REPO = DEPLOY.parent


def nginx_config(site: str, prefix: Path, ports: tuple[int, int], static: Path, listen: int) -> str:
    """A whole nginx.conf around the site, with its ports, static folder and temporary paths moved under ``prefix``."""
    site = site.replace("127.0.0.1:5001", f"127.0.0.1:{ports[0]}").replace("127.0.0.1:5002", f"127.0.0.1:{ports[1]}")
    site = site.replace("/srv/courseware/static/", f"{static}/").replace("listen 80;", f"listen 127.0.0.1:{listen};")
    site = site.replace("listen [::]:80;", "")
    temp = "\n".join(f"    {name}_temp_path {prefix}/{name};" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
events {{ worker_connections 256; }}
http {{
    access_log off;
{temp}
    default_type application/octet-stream;
{site}
}}
"""


def balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def test_the_nginx_site_balances_two_servers_and_serves_static_itself(tmp_path: Path) -> None:
    site = (DEPLOY / "nginx-courseware.conf").read_text()
    assert site.count("server 127.0.0.1:500") == 2 and "location /static/" in site and "proxy_pass http://courseware_app;" in site
    config = tmp_path / "nginx.conf"
    config.write_text(nginx_config(site, tmp_path, (5101, 5102), REPO / "static", 8089))
    assert balanced(config.read_text())
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is not None:  # the real parser, where nginx is installed
        result = subprocess.run([nginx, "-t", "-c", str(config), "-p", str(tmp_path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr


def test_the_systemd_units_name_what_they_run() -> None:
    units = (("courseware-web@.service", "deploy/gunicorn.conf.py"), ("courseware-worker.service", "courseware worker"))
    for name, command in units:
        unit = configparser.ConfigParser(strict=False, interpolation=None)
        unit.optionxform = str  # type: ignore[assignment,method-assign]
        unit.read(DEPLOY / name)
        assert {"Unit", "Service", "Install"} <= set(unit.sections()), name
        exec_start = unit["Service"]["ExecStart"]
        assert exec_start.startswith("/") and command in exec_start, exec_start
        assert unit["Install"]["WantedBy"] == "multi-user.target"
    assert (REPO / "deploy" / "gunicorn.conf.py").is_file()


def test_the_gunicorn_config_extends_the_project_s(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COURSEWARE_BIND", "127.0.0.1:5001")
    settings = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert settings["bind"] == "127.0.0.1:5001" and settings["preload_app"] is True and settings["wsgi_app"] == "wsgi:app"
    assert settings["forwarded_allow_ips"] == "127.0.0.1"
