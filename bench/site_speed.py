"""Story page speed: requests per second and p50/p99 latency for a cached and an uncached story page, served the
way docs/operate.md says to (nginx in front, caching public pages for the seconds their Cache-Control allows and
revalidating with ETags, then `sociose serve`: waitress), side by side in one run with nginx serving the same story
HTML as a static file. Load from wrk on loopback; bounded in time.

    python -m bench.site_speed
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.common import ROOT, free_port, wait_for_url

DURATION = "10s"
CONNECTIONS = "16"


def wrk(url: str, connections: str = CONNECTIONS) -> dict:
    time.sleep(3)  # let the previous run's queued requests drain, so runs do not bleed into each other
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{DURATION}", "--latency", url],
                         capture_output=True, text=True, timeout=120).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def latency(label):
        value, unit = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rate": rate, "p50": latency("50"), "p99": latency("99"), "errors": int(errors.group(1)) if errors else 0}


def serve(home: str, port: int, *, cache: bool) -> subprocess.Popen:
    env = {**os.environ, "SOCIOSE_HOME": home, "SOCIOSE_PAGE_CACHE": "true" if cache else "false",
           "SOCIOSE_LOG_LEVEL": "ERROR"}
    env.pop("DATABASE_URL", None)
    return subprocess.Popen([sys.executable, "-m", "sociose.cli", "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main() -> None:
    missing = [tool for tool in ("wrk", "nginx") if not shutil.which(tool)]
    if missing:
        print(f"skipped: {', '.join(missing)} not installed (apt-get install {' '.join(missing)})")
        return
    home = tempfile.mkdtemp(prefix="sociose-site-bench-")
    env = {**os.environ, "SOCIOSE_HOME": home, "SOCIOSE_LOG_LEVEL": "ERROR"}
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "sociose.cli", "migrate", "-v", "0"], env=env, check=True)
    subprocess.run([sys.executable, "-m", "sociose.cli", "import", str(ROOT / "src/sociose/demo/wikinews.jsonl.gz")],
                   env=env, check=True, capture_output=True)
    story = subprocess.run([sys.executable, "-m", "sociose.cli", "shell", "-c",
                            "from sociose.desk.models import ComposedStory as C; "
                            "print(C.objects.order_by('-word_count').values_list('story_id', flat=True)[0])"],
                           env=env, check=True, capture_output=True, text=True).stdout.split()[-1]
    cached_port, uncached_port, nginx_port = free_port(), free_port(), free_port()
    servers = [serve(home, cached_port, cache=True), serve(home, uncached_port, cache=False)]
    root = Path(home) / "static-site"
    root.mkdir()
    os.chmod(home, 0o755)  # nginx's workers run as an unprivileged user and must reach the file
    conf = Path(home) / "nginx.conf"
    nginx = None
    try:
        path = f"/stories/{story}/"
        for port in (cached_port, uncached_port):
            wait_for_url(f"http://127.0.0.1:{port}{path}")
        html = urllib.request.urlopen(f"http://127.0.0.1:{cached_port}{path}").read()  # noqa: S310
        (root / "story.html").write_bytes(html)
        cache_dir = Path(home) / "proxy-cache"
        cache_dir.mkdir()
        os.chmod(cache_dir, 0o777)
        proxy_port = free_port()
        conf.write_text(f"""worker_processes 1; daemon off; pid {home}/nginx.pid; error_log {home}/nginx.err;
events {{ worker_connections 256; }}
http {{
  access_log off;
  server {{ listen 127.0.0.1:{nginx_port}; root {root}; location / {{ }} }}
  # The documented front end (docs/operate.md): cache public pages as long as their Cache-Control allows.
  proxy_cache_path {cache_dir} levels=1:2 keys_zone=pages:10m max_size=256m inactive=10m;
  server {{
    listen 127.0.0.1:{proxy_port};
    location / {{
      proxy_pass http://127.0.0.1:{cached_port};
      proxy_set_header Host $host;
      proxy_cache pages;
      proxy_cache_revalidate on;
      proxy_cache_use_stale updating error timeout;
      proxy_cache_lock on;
    }}
  }}
}}
""")
        nginx = subprocess.Popen(["nginx", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_url(f"http://127.0.0.1:{nginx_port}/story.html")
        wait_for_url(f"http://127.0.0.1:{proxy_port}{path}")
        results = {
            "nginx, static file": wrk(f"http://127.0.0.1:{nginx_port}/story.html"),
            "cached, nginx in front": wrk(f"http://127.0.0.1:{proxy_port}{path}"),
            "cached, sociose serve": wrk(f"http://127.0.0.1:{cached_port}{path}"),
            "uncached, 2 connections": wrk(f"http://127.0.0.1:{uncached_port}{path}", "2"),
            "uncached": wrk(f"http://127.0.0.1:{uncached_port}{path}"),
        }
    finally:
        for process in [*servers, nginx]:
            if process:
                process.terminate()
                process.wait(timeout=10)
    print(f"Story page ({len(html):,} bytes) over loopback, wrk -c{CONNECTIONS} -d{DURATION} unless said; "
          "sociose serve (waitress, 8 threads), nginx (1 worker)")
    print(f"{'':26}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for label, r in results.items():
        print(f"{label:26}{r['rate']:10.0f}{r['p50']:9.2f}{r['p99']:9.2f}{r['errors']:8}")
    nginx_rate = results["nginx, static file"]["rate"]
    print(f"cached (nginx in front) / nginx = {results['cached, nginx in front']['rate'] / nginx_rate:.3f}; "
          f"cached (sociose serve alone) / nginx = {results['cached, sociose serve']['rate'] / nginx_rate:.3f} "
          f"(target >= 0.100); uncached p99 = {results['uncached']['p99']:.1f} ms at {CONNECTIONS} connections, "
          f"{results['uncached, 2 connections']['p99']:.1f} ms at 2 (target < 100 ms)")


if __name__ == "__main__":
    main()
