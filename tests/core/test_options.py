import os
import subprocess
import sys
from pathlib import Path

import pytest

from sociose import options
from tests.siteserver import free_port


def test_defaults_load_and_every_option_is_documented():
    values = options.load({})
    assert values["port"].value == 8000 and values["port"].source == "default"
    for option in options.OPTIONS:
        assert option.help and option.env.isupper() and option.type_name


@pytest.mark.parametrize("env, value", [
    ("SOCIOSE_PORT", "eighty"), ("SOCIOSE_PORT", "70000"), ("SOCIOSE_DEBUG", "maybe"),
    ("DATABASE_URL", "mysql://x/y"), ("SOCIOSE_TIME_ZONE", "Mars/Olympus"), ("SOCIOSE_FETCH_TIMEOUT", "-1"),
    ("SOCIOSE_SITE_URL", "not a url"), ("SOCIOSE_REDIS_URL", "http://x"),
])
def test_bad_value_names_the_option(env, value):
    with pytest.raises(options.OptionError, match=env):
        options.load({env: value})


def run_cli(*args, **env):
    return subprocess.run([sys.executable, "-m", "sociose.cli", *args], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=60)


def test_cli_stops_on_a_bad_value_with_a_message(tmp_path):
    result = run_cli("config", "show", SOCIOSE_HOME=str(tmp_path), SOCIOSE_WEB_THREADS="0")
    assert result.returncode == 2
    assert "SOCIOSE_WEB_THREADS" in result.stderr and "Traceback" not in result.stderr


def test_cli_port_flag_is_validated_like_its_variable(tmp_path):
    result = run_cli("serve", "--port", "99999", SOCIOSE_HOME=str(tmp_path))
    assert result.returncode == 2 and "SOCIOSE_PORT" in result.stderr


def test_config_show_lists_every_option_with_its_source(tmp_path):
    result = run_cli("config", "show", SOCIOSE_HOME=str(tmp_path), SOCIOSE_SITE_NAME="Daily Test",
                     DATABASE_URL="postgres://u:hunter2@127.0.0.1:5432/x")
    assert result.returncode == 0, result.stderr
    for option in options.OPTIONS:
        assert f"{option.name} = " in result.stdout and option.env in result.stdout
    assert "site_name = Daily Test    [SOCIOSE_SITE_NAME]" in result.stdout
    assert "hunter2" not in result.stdout


def test_docs_configure_lists_every_option():
    text = (Path(__file__).resolve().parents[2] / "docs" / "configure.md").read_text()
    for option in options.OPTIONS:
        assert f"| {option.name} | `{option.env}` |" in text, f"{option.name} missing: regenerate docs/configure.md"


@pytest.mark.parametrize("value", ["", " , ", "https://news.example.org", "news.example.org/", "news.example.org:8000"])
def test_allowed_hosts_that_would_refuse_every_request_stop_start_up(value):
    """An empty list, a URL or a host with a port never matches a request's Host: every request would be a bare 400."""
    with pytest.raises(options.OptionError, match="SOCIOSE_ALLOWED_HOSTS"):
        options.load({"SOCIOSE_ALLOWED_HOSTS": value})


def test_allowed_hosts_take_ipv6_addresses_with_or_without_brackets():
    hosts = options.load({"SOCIOSE_ALLOWED_HOSTS": "::1, [fe80::1], .Example.org, *"})["allowed_hosts"].value
    assert hosts == ("[::1]", "[fe80::1]", ".example.org", "*")


def test_serve_names_the_option_when_no_host_is_allowed(tmp_path):
    result = run_cli("serve", "--port", str(free_port()), SOCIOSE_HOME=str(tmp_path), SOCIOSE_ALLOWED_HOSTS="")
    assert result.returncode == 2
    assert "SOCIOSE_ALLOWED_HOSTS" in result.stderr and "Traceback" not in result.stderr


def test_a_site_url_left_empty_is_derived_from_the_address_served_on():
    values = options.load({"SOCIOSE_HOST": "::1", "SOCIOSE_PORT": "8766"})
    assert values["site_url"].value == "http://[::1]:8766"
    assert values["site_url"].source == "derived from SOCIOSE_HOST and SOCIOSE_PORT"
    assert options.load({"SOCIOSE_SITE_URL": "https://news.example.org"})["site_url"].source == "SOCIOSE_SITE_URL"


def test_config_show_says_where_the_site_url_came_from(tmp_path):
    result = run_cli("config", "show", "--port", "8766", SOCIOSE_HOME=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "site_url = http://127.0.0.1:8766    [derived from SOCIOSE_HOST and SOCIOSE_PORT]" in result.stdout


def test_an_https_site_url_switches_hsts_on_and_an_explicit_value_wins():
    https = options.load({"SOCIOSE_SITE_URL": "https://news.example.org"})
    assert https["hsts_seconds"].value == 31536000 and https["hsts_seconds"].source == "derived from SOCIOSE_SITE_URL"
    assert options.load({})["hsts_seconds"].value == 0
    off = options.load({"SOCIOSE_SITE_URL": "https://news.example.org", "SOCIOSE_HSTS_SECONDS": "0"})
    assert off["hsts_seconds"].value == 0 and off["hsts_seconds"].source == "SOCIOSE_HSTS_SECONDS"
    assert options.load({"SOCIOSE_PROXY_SSL_HEADER": "X-Forwarded-Proto"})["proxy_ssl_header"].value == \
        "X-Forwarded-Proto"


@pytest.mark.parametrize("env, value", [("SOCIOSE_PROXY_SSL_HEADER", "X-Forwarded-Proto: https"),
                                        ("SOCIOSE_HSTS_SECONDS", "-1"), ("SOCIOSE_HSTS_SECONDS", "a year")])
def test_bad_proxy_and_hsts_values_name_the_option(env, value):
    with pytest.raises(options.OptionError, match=env):
        options.load({env: value})
