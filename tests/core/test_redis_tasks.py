"""The scale-out task backend: with SOCIOSE_REDIS_URL set, work queues in Redis (RQ) and `import` drains it."""

import gzip
import json
import os
import subprocess
import sys

import pytest

from tests.factories import giveme_articles

REDIS_URL = os.environ.get("SOCIOSE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_db():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis at {REDIS_URL} (CI has one)")
    client.flushdb()
    yield client
    client.flushdb()


def sociose(*args, env):
    return subprocess.run([sys.executable, "-m", "sociose.cli", *args], env=env, capture_output=True, text=True,
                          timeout=180)


def test_import_queues_in_redis_and_runs_the_queue_dry(tmp_path, redis_db):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(SOCIOSE_HOME=str(tmp_path), SOCIOSE_REDIS_URL=REDIS_URL)
    (tmp_path / "batch.jsonl.gz").write_bytes(
        gzip.compress("\n".join(json.dumps(r) for r in giveme_articles(3)).encode()))
    assert sociose("migrate", "-v", "0", env=env).returncode == 0

    queued = sociose("import", "--enqueue", str(tmp_path / "batch.jsonl.gz"), env=env)
    assert queued.returncode == 0, queued.stderr
    assert redis_db.llen("rq:queue:default") == 3  # one story hand-over per stored article, waiting in Redis

    drained = sociose("worker", "--batch", env=env)
    assert drained.returncode == 0, drained.stderr
    assert redis_db.llen("rq:queue:default") == 0
    assert redis_db.zcard("rq:failed:default") == 0
    # three story hand-overs: the first clustered all three articles in one transaction (the other two found theirs
    # done) and queued one composition task for the stories they are in, which composed every one of them
    assert redis_db.zcard("rq:finished:default") == 4
    counts = sociose("shell", "-c", "from sociose.desk.models import ComposedStory; from sociose.stories.models import "
                     "Story; print(ComposedStory.objects.count(), Story.objects.filter(article_count__gt=0).count())",
                     env=env)
    assert counts.returncode == 0, counts.stderr
    composed, stories = map(int, counts.stdout.splitlines()[-1].split())
    assert composed == stories >= 1
