"""The `sociose` command on a data directory that is new, or from an earlier version."""

import json
import os
import subprocess
import sys

from tests.factories import giveme_articles


def run_cli(home, *args):
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}  # the data directory's SQLite
    return subprocess.run([sys.executable, "-m", "sociose.cli", *args], capture_output=True, text=True,
                          env={**env, "SOCIOSE_HOME": str(home)}, timeout=300)


def test_import_then_export_work_on_a_new_data_directory(tmp_path):
    records = giveme_articles()[:3]
    source = tmp_path / "articles.jsonl"
    source.write_text("".join(json.dumps(record) + "\n" for record in records))
    home = tmp_path / "home"
    imported = run_cli(home, "import", str(source))
    assert imported.returncode == 0, imported.stderr
    assert "setting up a new database" in imported.stderr
    exported = run_cli(home, "stories", "export")
    assert exported.returncode == 0, exported.stderr
    assert set(json.loads(exported.stdout)) == {record["url"] for record in records}
    assert "setting up" not in exported.stderr  # only once


def test_a_database_from_an_earlier_version_is_not_used_before_it_is_migrated(tmp_path):
    assert run_cli(tmp_path, "migrate", "-v0").returncode == 0
    assert run_cli(tmp_path, "migrate", "stories", "0004", "-v0").returncode == 0  # as an older release left it
    result = run_cli(tmp_path, "stories", "export")
    assert result.returncode == 2
    assert "sociose migrate" in result.stderr and "Traceback" not in result.stderr
    assert run_cli(tmp_path, "migrate", "-v0").returncode == 0
    assert run_cli(tmp_path, "stories", "export").returncode == 0


def test_processes_started_together_on_a_new_data_directory_set_it_up_once(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    started = [subprocess.Popen([sys.executable, "-m", "sociose.cli", "stories", "export"], env={
        **env, "SOCIOSE_HOME": str(tmp_path)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(3)]
    results = [(process.wait(timeout=300), *process.communicate()) for process in started]
    assert [code for code, _, _ in results] == [0, 0, 0], [err for _, _, err in results]
    assert [json.loads(out) for _, out, _ in results] == [{}, {}, {}]
    assert sum("setting up a new database" in err for _, _, err in results) == 1
