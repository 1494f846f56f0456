"""`riskbook serve` through Flask's test client: what the page shows, what it refuses, what it keeps."""

from __future__ import annotations

import io
import os
import re
import threading
import time
from pathlib import Path

import openpyxl
import pytest

flask = pytest.importorskip("flask", reason="the serve extra (flask, waitress) is part of the test extra")

from riskbook.serve.app import create_app  # noqa: E402
from riskbook.serve.jobs import JobStore, Limits  # noqa: E402

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PUBLISHED = EXAMPLES / "force-risk-register-jan-2024-as-published.xlsx"
JANUARY = EXAMPLES / "force-risk-register-jan-2024.xlsx"


@pytest.fixture
def store(tmp_path):
    store = JobStore(Limits(workers=1, queue=4), root=tmp_path / "jobs")
    yield store
    store.remove_all()


@pytest.fixture
def client(store):
    return create_app(store).test_client()


def token(client) -> str:
    page = client.get("/").get_data(as_text=True)
    return re.search(r'name="token" value="([^"]+)"', page).group(1)


def upload(client, path: Path, name: str | None = None, **fields):
    data = {"token": token(client), "register": (io.BytesIO(path.read_bytes()), name or path.name), **fields}
    return client.post("/check", data=data, content_type="multipart/form-data")


def checked_page(client, path: Path, **fields) -> tuple[str, str, int]:
    posted = upload(client, path, **fields)
    assert posted.status_code == 303, posted.get_data(as_text=True)
    location = posted.headers["Location"]
    shown = client.get(location)
    return location, shown.get_data(as_text=True), shown.status_code


def test_every_response_forbids_script_and_framing(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy  # so no script runs at all
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "<script" not in response.get_data(as_text=True)


@pytest.mark.slow  # over half a second: kept out of the quick subset
def test_a_checked_register_shows_counts_findings_and_the_marked_cell(client):
    _, page, status = checked_page(client, PUBLISHED, as_of="2024-01-16")
    assert status == 200
    assert "30 risks on sheet “Register” · 3 errors · 3 warnings" in page
    assert "score 12 is not impact × likelihood (Very High 4 × Medium 2 = 8)" in page
    assert '<a href="#cell-I19">Register!I19</a>' in page
    cell = re.search(r'<td id="cell-I19" class="marked error" tabindex="0">(.*?)</td>', page, re.S)
    assert cell, "the score cell of STR0292 is marked as an error"
    assert cell.group(1).startswith('12<span class="tip">')
    assert "Error: score 12 is not impact × likelihood" in cell.group(1)  # the message is in the cell's own text
    assert re.search(r"<th scope=\"row\">Very High</th>\s*<td class=\"cell-band-\d\">2 · Low</td>", page)


@pytest.mark.slow  # over half a second: kept out of the quick subset
def test_a_hostile_file_gets_the_commands_one_line(client, tmp_path):
    fake = tmp_path / "register.xlsx"
    fake.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    _, page, status = checked_page(client, fake)
    assert status == 422
    line = re.search(r'<p class="refusal">(.*?)</p>', page, re.S).group(1)
    assert "\n" not in line and "Traceback" not in page
    assert "register.xlsx" in line  # riskbook's own words, naming the file as it was sent
    assert str(tmp_path) not in page and "riskbook-serve" not in page and "/jobs/" not in page  # no private folder


def test_a_file_of_another_kind_is_refused_before_any_work(client, store, tmp_path):
    other = tmp_path / "register.exe"
    other.write_bytes(b"MZ")
    response = upload(client, other)
    assert response.status_code == 400
    assert "riskbook reads .xlsx, .xlsm, .xls, .ods, .csv files here, not .exe" in response.get_data(as_text=True)
    assert not any(store.root.iterdir())


def test_a_form_without_its_token_is_refused(client):
    data = {"register": (io.BytesIO(JANUARY.read_bytes()), "r.xlsx")}
    response = client.post("/check", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)


@pytest.mark.slow  # over half a second: kept out of the quick subset
def test_the_client_file_name_never_touches_the_disk(client, store):
    checked_page(client, JANUARY, name="../../etc/passwd.xlsx")
    (folder,) = store.root.iterdir()
    assert sorted(p.name for p in folder.iterdir()) == ["job.json", "page.json", "register.xlsx", "result.json"]


@pytest.mark.slow  # over half a second: kept out of the quick subset
def test_downloads_are_the_commands_outputs_and_are_removed_once_sent(client, store):
    location, page, _ = checked_page(client, JANUARY, as_of="2024-01-16")
    form_token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    response = client.post(f"{location}/download/panel", data={"token": form_token})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="force-risk-register-jan-2024-panel.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True)
    assert "Appendix A" in workbook.sheetnames
    (folder,) = store.root.iterdir()
    assert not (folder / "panel.xlsx").exists()
    annotated = client.post(f"{location}/download/annotated", data={"token": form_token})
    assert annotated.status_code == 200 and annotated.data[:2] == b"PK"
    scheme = client.post(f"{location}/download/scheme", data={"token": form_token})
    assert scheme.status_code == 200 and b"[" in scheme.data
    assert scheme.headers["Content-Type"] == "text/plain; charset=utf-8"


@pytest.mark.slow  # over half a second: kept out of the quick subset
def test_an_output_riskbook_will_not_make_says_why(client, store):
    location, page, _ = checked_page(client, PUBLISHED, name="Our register.xlsx", as_of="2024-01-16")
    assert "the panel workbook is made only once the errors are fixed" in page
    offered = re.findall(r"Download (\S+)</button>", page)
    assert "panel.xlsx" not in offered and "panel.pdf" not in offered and "annotated.xlsx" in offered
    form_token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    response = client.post(f"{location}/download/panel", data={"token": form_token})  # asked for anyway
    assert response.status_code == 422
    said = response.get_data(as_text=True)
    assert "riskbook did not make panel.xlsx" in said
    refused = client.post(f"{location}/download/template", data={"token": form_token})
    if refused.status_code == 422:  # riskbook's own line, the file named as it was sent
        words = refused.get_data(as_text=True)
        assert str(store.root) not in words and "Our register.xlsx" in words


@pytest.mark.slow  # over half a second: kept out of the quick subset
def test_jobs_are_private_and_swept(client, store):
    assert client.get("/job/not-a-job").status_code == 404
    assert client.get("/job/" + "A" * 32).status_code == 404
    location, _, _ = checked_page(client, JANUARY)
    (folder,) = store.root.iterdir()
    old = time.time() - store.limits.keep_seconds - 5
    os.utime(folder, (old, old))
    assert store.sweep() == 1
    assert client.get(location).status_code == 404


@pytest.mark.slow  # over half a second: kept out of the quick subset
def test_a_full_queue_is_said_on_the_page(tmp_path):
    store = JobStore(Limits(workers=1, queue=0), root=tmp_path / "jobs")
    app = create_app(store)
    client = app.test_client()
    slow_started, release = threading.Event(), threading.Event()
    import riskbook.serve.app as app_module

    real_check = app_module.check

    def slow_check(job, limits):
        slow_started.set()
        release.wait(30)
        return real_check(job, limits)

    app_module.check = slow_check
    try:
        first = threading.Thread(
            target=lambda: app.test_client().post(
                "/check",
                data={"token": token(client), "register": (io.BytesIO(JANUARY.read_bytes()), "r.xlsx")},
                content_type="multipart/form-data",
            )
        )
        first.start()
        assert slow_started.wait(30)
        response = upload(client, JANUARY)
        assert response.status_code == 503
        assert "The checker is busy" in response.get_data(as_text=True)
    finally:
        release.set()
        first.join(60)
        app_module.check = real_check
        store.remove_all()


def test_a_request_over_the_size_limit_is_refused(tmp_path):
    store = JobStore(Limits(upload_bytes=10_000), root=tmp_path / "jobs")
    client = create_app(store).test_client()
    response = upload(client, JANUARY)
    assert response.status_code == 413
    assert "larger than this server accepts" in response.get_data(as_text=True)


def test_help_says_the_scheme_and_every_finding(client):
    from riskbook.check.findings import CATALOGUE

    page = client.get("/help").get_data(as_text=True)
    assert "<caption>Bands</caption>" in page
    for code in CATALOGUE:
        assert f'id="code-{code}"' in page
