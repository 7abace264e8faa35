"""Story page speed: requests per second and p50/p99 latency for a cached and an uncached story page, served the
way docs/operate.md says to (nginx in front, caching public pages for the seconds their Cache-Control allows and
revalidating with ETags, then `sociose serve` with one process per core), side by side in one run with nginx
serving the same story HTML as a static file. Load from wrk on loopback; bounded in time. Then the cost of rendering
one story page in-process, cold and warm, over many distinct stories.

    python -m bench.site_speed

"Uncached" servers run with SOCIOSE_PAGE_CACHE=false: no page is cached, every request renders its page; but the
story's own fragment and its story lists stay cached in the process (docs/operate.md), so with one story under load
those rows measure a page assembled from warm fragments. What a render costs when they are cold (nothing cached,
or the first request after the story changed) is measured in-process, after the load runs. wrk's closed loop
(each connection sends its next request when the last one is answered) measures queueing once the server is
saturated, so the uncached page is also measured at a fixed rate the server can sustain (half of what it reached
under saturating load), which is the latency a reader sees on a loaded but healthy site.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.common import ROOT, free_port, wait_for_url

DURATION = "10s"
CONNECTIONS = "16"
PROCESSES = os.cpu_count() or 1  # docs/operate.md: one web process per core
RENDER_STORIES = 40  # distinct stories for the in-process render timings


def wrk(url: str, connections: str = CONNECTIONS, script: Path | None = None) -> dict:
    time.sleep(3)  # let the previous run's queued requests drain, so runs do not bleed into each other
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{DURATION}", "--latency",
                          *(["-s", str(script)] if script else []), url],
                         capture_output=True, text=True, timeout=120).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def latency(label):
        value, unit = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rate": rate, "p50": latency("50"), "p99": latency("99"), "errors": int(errors.group(1)) if errors else 0}


def paced(home: str, rate: float, connections: int) -> Path:
    """A wrk script that makes each connection wait between requests, for about `rate` requests per second in all.
    (wrk has no fixed-rate mode; its latency excludes the wait, so this reads as an open loop below saturation.)"""
    script = Path(home) / "paced.lua"
    script.write_text(f"function delay()\n  return {max(1, round(connections * 1000 / rate))}\nend\n")
    return script


def serve(home: str, port: int, *, cache: bool) -> subprocess.Popen:
    env = {**os.environ, "SOCIOSE_HOME": home, "SOCIOSE_PAGE_CACHE": "true" if cache else "false",
           "SOCIOSE_LOG_LEVEL": "ERROR"}
    env.pop("DATABASE_URL", None)
    return subprocess.Popen([sys.executable, "-m", "sociose.cli", "serve", "--port", str(port),
                             "--processes", str(PROCESSES)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def render_timings() -> dict:
    """Median milliseconds to answer a story page in-process (Django test client, the locmem page cache on), over
    RENDER_STORIES distinct stories, three passes each, in the situations a production page meets:

    - cold: nothing cached at all (what every request costs with SOCIOSE_PAGE_CACHE=false);
    - story changed: the first request after the story was recomposed (its page and fragments miss; the top
      stories list, shared by every page in a rank bucket, is warm);
    - rank bucket turned: every page's key changes every RANK_BUCKET_SECONDS; the story's own fragment is still
      good, the related and top lists are rendered again (the top list once for all stories);
    - page cached: the whole page from the cache.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sociose.settings")
    from sociose import options

    options.load()
    import django

    django.setup()
    from datetime import UTC, datetime, timedelta

    from django.core.cache import cache
    from django.db.models import F
    from django.test import Client

    from sociose.desk.models import ComposedStory
    from sociose.site import pages

    ids = list(ComposedStory.objects.order_by("-word_count").values_list("story_id", flat=True)[:RENDER_STORIES])
    client = Client(HTTP_HOST="127.0.0.1")
    buckets = iter(datetime(2000, 1, 1, tzinfo=UTC) + timedelta(minutes=5 * n) for n in range(100))

    def timed(before_each=lambda story_id: None, before_pass=lambda: None) -> float:
        times = []
        for _ in range(3):
            before_pass()
            for story_id in ids:
                before_each(story_id)
                start = time.perf_counter()
                response = client.get(f"/stories/{story_id}/")
                times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, response.status_code
        return round(statistics.median(times), 2)

    def change(story_id):
        ComposedStory.objects.filter(story_id=story_id).update(updated_at=F("updated_at") + timedelta(seconds=1))

    def turn_bucket():
        bucket = next(buckets)
        pages._rank_bucket = lambda: bucket

    for story_id in ids:  # warm up: imports, compiled templates, database pages
        client.get(f"/stories/{story_id}/")
    return {"cold (nothing cached)": timed(lambda story_id: cache.clear()),
            "story changed": timed(change),
            "rank bucket turned": timed(before_pass=turn_bucket),
            "page cached": timed(),
            "stories": len(ids)}


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
        uncached = f"http://127.0.0.1:{uncached_port}{path}"
        results = {
            "nginx, static file": wrk(f"http://127.0.0.1:{nginx_port}/story.html"),
            "cached, nginx in front": wrk(f"http://127.0.0.1:{proxy_port}{path}"),
            "cached, sociose serve": wrk(f"http://127.0.0.1:{cached_port}{path}"),
            "uncached, 2 connections": wrk(uncached, "2"),
            "uncached": wrk(uncached),
        }
        sustainable = max(1.0, round(results["uncached"]["rate"] / 2))
        results[f"uncached, {sustainable:.0f} req/s"] = wrk(uncached, "8", paced(home, sustainable, 8))
    finally:
        for process in [*servers, nginx]:
            if process:
                process.terminate()
                process.wait(timeout=10)
    render = subprocess.run([sys.executable, "-m", "bench.site_speed", "--render"], env=env, cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout.strip().splitlines()[-1]
    render = json.loads(render)

    print(f"Story page ({len(html):,} bytes) over loopback, wrk -c{CONNECTIONS} -d{DURATION} unless said; "
          f"sociose serve --processes {PROCESSES} (gunicorn, 8 threads each), nginx (1 worker)")
    print(f"{'':26}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for label, r in results.items():
        print(f"{label:26}{r['rate']:10.0f}{r['p50']:9.2f}{r['p99']:9.2f}{r['errors']:8}")
    print("uncached = SOCIOSE_PAGE_CACHE=false: every request renders the page, from the story's fragments, which stay "
          "cached in the process (see the cold timings below); the last row paces 8 connections to half the "
          "saturated rate.")
    nginx_rate = results["nginx, static file"]["rate"]
    paced_p99 = results[f"uncached, {sustainable:.0f} req/s"]["p99"]
    print(f"cached (nginx in front) / nginx = {results['cached, nginx in front']['rate'] / nginx_rate:.3f}; "
          f"cached (sociose serve alone) / nginx = {results['cached, sociose serve']['rate'] / nginx_rate:.3f} "
          f"(target >= 0.100); uncached p99 = {results['uncached']['p99']:.1f} ms at {CONNECTIONS} connections, "
          f"{results['uncached, 2 connections']['p99']:.1f} ms at 2, {paced_p99:.1f} ms at {sustainable:.0f} req/s "
          f"(target < 100 ms)")
    stories = render.pop("stories")
    print(f"One story page in-process (test client, locmem cache), median ms over {stories} distinct stories x 3: "
          + "; ".join(f"{label} {ms:.2f}" for label, ms in render.items()))


if __name__ == "__main__":
    if sys.argv[1:] == ["--render"]:
        print(json.dumps(render_timings()))
    else:
        main()
