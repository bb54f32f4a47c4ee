"""Two app servers behind nginx on PostgreSQL and Redis: correctness first, then a throughput figure.

Starts a fresh PostgreSQL database (demo data), two gunicorn app servers (``deploy/gunicorn.conf.py``, 2 sync
workers each) sharing it and Redis, and nginx with ``deploy/nginx-courseware.conf`` in front (static files served by
nginx).  Then proves, talking to each server directly:

- signed in on server A, the next request on server B is signed in as the same person;
- a write on A (a module marked complete) shows at once in B's cached My path and in B's cached mentor home;

and prints requests/s through nginx for My path, a lesson page and a static file (informative: on two shared cores
the servers, nginx, PostgreSQL and wrk compete for the same CPUs).

    .venv/bin/python bench/scale.py [--postgres postgresql://postgres@127.0.0.1:5432/postgres]
                                    [--redis redis://127.0.0.1:6379/3] [--duration 5]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pages import AGENT, BIN, PASSWORD, REPO, NoRedirect, free_port, sign_in, wait_for, wrk  # noqa: E402

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def nginx_config(site: str, prefix: Path, ports: tuple[int, int], static: Path, listen: int) -> str:
    """A whole nginx.conf around the site: its ports, static folder and temporary paths moved under ``prefix``."""
    site = site.replace("127.0.0.1:5001", f"127.0.0.1:{ports[0]}").replace("127.0.0.1:5002", f"127.0.0.1:{ports[1]}")
    site = site.replace("/srv/courseware/static/", f"{static}/").replace("listen 80;", f"listen 127.0.0.1:{listen};")
    site = site.replace("listen [::]:80;", "")
    temp = "\n".join(f"    {name}_temp_path {prefix}/{name};" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
events {{ worker_connections 512; }}
http {{
    access_log off;
    include /etc/nginx/mime.types;
{temp}
    default_type application/octet-stream;
{site}
}}
"""


def get(url: str, cookie: str) -> str:
    request = urllib.request.Request(url, headers={"Cookie": cookie, "User-Agent": AGENT})
    return urllib.request.build_opener(NoRedirect).open(request).read().decode()


def post(url: str, cookie: str, data: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=urllib.parse.urlencode(data).encode(),
                                     headers={"Cookie": cookie, "User-Agent": AGENT})
    try:
        return int(urllib.request.build_opener(NoRedirect).open(request).status)
    except urllib.error.HTTPError as exc:
        return exc.code


def check(condition: bool, what: str) -> None:
    print(f"  {'ok ' if condition else 'FAILED'} {what}")
    if not condition:
        raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("COURSEWARE_BENCH_POSTGRES",
                                                             "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--redis", default=os.environ.get("COURSEWARE_BENCH_REDIS", "redis://127.0.0.1:6379/3"))
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists() or shutil.which("wrk") is None:
        raise SystemExit("needs nginx and wrk (apt-get install nginx wrk)")

    import psycopg

    name = f"cw_scale_{uuid.uuid4().hex[:8]}"
    admin_url = args.postgres
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    workdir = Path(tempfile.mkdtemp(prefix="cw-scale-"))
    env = {**os.environ, "COURSEWARE_DATABASE_URL": url, "COURSEWARE_SECRET_KEY": "scale-" + "x" * 32,
           "COURSEWARE_REDIS_URL": args.redis, "COURSEWARE_TRUSTED_PROXIES": "1", "WEB_CONCURRENCY": "2",
           "COURSEWARE_DEVELOPMENT": "1"}
    processes: list[subprocess.Popen[bytes]] = []
    try:
        subprocess.run([str(BIN / "courseware"), "init-db"], env=env, check=True, cwd=REPO, stdout=subprocess.DEVNULL)
        subprocess.run([str(BIN / "courseware"), "seed-demo", "--password", PASSWORD], env=env, check=True, cwd=REPO,
                       stdout=subprocess.DEVNULL)
        ports = (free_port(), free_port())
        for port in ports:
            log = (workdir / f"app-{port}.log").open("ab")
            processes.append(subprocess.Popen(
                [str(BIN / "gunicorn"), "-c", str(REPO / "deploy" / "gunicorn.conf.py")],
                env={**env, "COURSEWARE_BIND": f"127.0.0.1:{port}"}, cwd=REPO, stdout=log, stderr=log))
        listen = free_port()
        config = workdir / "nginx.conf"
        config.write_text(nginx_config((REPO / "deploy" / "nginx-courseware.conf").read_text(), workdir, ports,
                                       REPO / "static", listen))
        processes.append(subprocess.Popen([nginx, "-c", str(config), "-p", str(workdir), "-g", "daemon off;"],
                                          stdout=subprocess.DEVNULL, stderr=(workdir / "nginx.out").open("ab")))
        a, b, front = (f"http://127.0.0.1:{p}" for p in (*ports, listen))
        for base in (a, b, front):
            wait_for(f"{base}/login")

        print(f"two app servers ({a}, {b}) behind nginx ({front}) on PostgreSQL ({name}) and Redis ({args.redis})")
        learner = sign_in(a, "learner@example.com")
        on_b = get(f"{b}/", learner)
        check("Sign out" in on_b, "signed in on server A, the next request on server B is signed in")
        name_a = re.search(r'class="who"[^>]*>([^<]+)<', get(f"{a}/", learner))
        name_b = re.search(r'class="who"[^>]*>([^<]+)<', on_b)
        check(bool(name_a and name_b and name_a.group(1) == name_b.group(1)), "as the same person on both")
        mentor = sign_in(b, "mentor@example.com")
        path_before = get(f"{b}/", learner)
        home_before = get(f"{b}/mentor/", mentor)
        module, page = "", ""
        for candidate in dict.fromkeys(re.findall(r'href="/modules/([^"#]+)"', path_before)):
            page = get(f"{a}/modules/{candidate}", learner)
            if "Mark as complete" in page or "Mark as read" in page:  # open and not yet marked
                module = candidate
                break
        check(bool(module), f"a module the learner may mark complete ({module})")
        status = post(f"{a}/modules/{module}/complete", learner, {"csrf_token": TOKEN.search(page).group(1)})  # type: ignore[union-attr]
        check(status == 302, f"a write on server A ({module} marked read)")
        path_after = get(f"{b}/", learner)
        check(TOKEN.sub("", path_after) != TOKEN.sub("", path_before), "server B's My path changed at once")
        check("you have marked it read" in get(f"{b}/modules/{module}", learner) or "You completed this module"
              in get(f"{b}/modules/{module}", learner), "server B's lesson page shows it")
        # The learner renames themselves on A: B's cached mentor home lists the mentee under the new name.
        account = get(f"{a}/account", learner)
        renamed = "Lee Renamed " + uuid.uuid4().hex[:6]
        check(renamed not in home_before, "server B has the mentor home (before)")
        status = post(f"{a}/account/profile", learner, {"csrf_token": TOKEN.search(account).group(1),  # type: ignore[union-attr]
                                                         "display_name": renamed, "time_zone": ""})
        check(status in (200, 302), "a second write on server A (the learner's name)")
        check(renamed in get(f"{b}/mentor/", mentor), "server B's mentor home shows the new name at once")
        static = f"{front}/static/css/app.css"
        check(urllib.request.urlopen(static).headers.get("Server", "").startswith("nginx"), "nginx serves static/ itself")

        print(f"\nthroughput through nginx (wrk -c{args.connections}, {args.duration} s each; informative):")
        for label, target, cookie in (("My path", f"{front}/", learner), ("lesson page", f"{front}/modules/{module}", learner),
                                      ("mentor home", f"{front}/mentor/", mentor), ("static CSS", static, "")):
            print(f"  {label}: {wrk(target, args.duration, args.connections, cookie):,.0f} requests/s")
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
        time.sleep(0.5)
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
