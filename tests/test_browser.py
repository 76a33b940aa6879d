"""The pages as a person meets them, in a real headless Chromium driven by Playwright: the
landing page, the dashboard signed in as the demo teacher, school admin and super admin, and
the model report. The server is a real `learnloom serve` over a demo world made with the
CLI, as `make demo` makes it. Screenshots go to var/screenshots/ for people to look at.

Skipped only where no Chromium is installed (Debian's `chromium`; .ci/run installs it)."""

import math
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from learnloom.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from tests.servers import free_port, wait_until_healthy

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed")

SCREENSHOTS = Path(__file__).parent.parent / "var" / "screenshots"
# Without these Chromium tries Google's hosts at start-up, which a closed network refuses.
QUIET_CHROMIUM = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _cli(env: dict[str, str], *arguments: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "learnloom", *arguments], env=env, check=True, capture_output=True
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A demo server over a small demo world with a published model, as `make demo` runs."""
    data = tmp_path_factory.mktemp("browser")
    env = {
        **os.environ,
        "LEARNLOOM_ENV": "dev",
        "LEARNLOOM_DATA_DIR": str(data),
        "LEARNLOOM_BACKGROUND_JOBS": "false",
        # Three roles sign in; the default limit is a few a minute per address.
        "LEARNLOOM_RATE_LIMIT_LOGIN": "1000/minute",
    }
    _cli(env, "migrate")
    _cli(env, "seed", "--demo", "--students", "300")
    _cli(env, "etl", "refresh")
    _cli(env, "train")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "learnloom", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_healthy(base)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


class Watched:
    """A page whose console errors, failed requests and requests to other hosts are kept,
    with the GraphQL documents it posts."""

    def __init__(self, page: "playwright.Page", base: str) -> None:
        self.page = page
        self.problems: list[str] = []
        self.posted: list[str] = []
        page.on(
            "request",
            lambda r: r.url.endswith("/graphql") and self.posted.append(r.post_data or ""),
        )
        host = urlsplit(base).netloc
        page.on(
            "console",
            lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"),
        )
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        # ERR_ABORTED: a load the test's own next navigation cut short (the favicon).
        page.on(
            "requestfailed",
            lambda r: (
                r.failure != "net::ERR_ABORTED"
                and self.problems.append(f"failed: {r.method} {r.url} {r.failure}")
            ),
        )
        page.on(
            "response",
            lambda r: r.status >= 400 and self.problems.append(f"{r.status}: {r.url}"),
        )
        page.on(
            "request",
            lambda r: (
                urlsplit(r.url).netloc not in (host, "")
                and self.problems.append(f"other host: {r.url}")
            ),
        )


@pytest.fixture(scope="module")
def browser() -> Iterator["playwright.Browser"]:
    with playwright.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=QUIET_CHROMIUM)
        yield launched
        launched.close()


def _watched(browser: "playwright.Browser", base: str, width: int = 1280) -> Watched:
    context = browser.new_context(viewport={"width": width, "height": 900}, base_url=base)
    return Watched(context.new_page(), base)


def _sign_in(watched: Watched, role: str) -> None:
    page = watched.page
    page.goto("/dashboard")
    page.get_by_label("E-mail").fill(DEMO_ACCOUNTS[role])
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in as").wait_for()
    page.wait_for_function("() => !document.querySelector('[aria-busy=true]')")


def _drawn_charts(page: "playwright.Page") -> int:
    """Charts whose canvas has something drawn on it (not only a blank frame)."""
    return int(
        page.evaluate(
            """() => [...document.querySelectorAll('.chart canvas')].filter(c => {
                const pixels = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                let inked = 0;
                for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) inked++;
                return inked > 500;
            }).length"""
        )
    )


def _change_tokens(page: "playwright.Page", **changes: object) -> dict[str, object]:
    """The tokens the dashboard keeps in the tab, as they were before `changes` to them."""
    return dict(
        page.evaluate(
            """changes => {
                const tokens = JSON.parse(sessionStorage.getItem('learnloom.tokens'));
                sessionStorage.setItem('learnloom.tokens', JSON.stringify({...tokens, ...changes}));
                return tokens;
            }""",
            changes,
        )
    )


def _shoot(page: "playwright.Page", name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_landing_page_links_to_the_other_pages(server: str, browser: "playwright.Browser") -> None:
    watched = _watched(browser, server)
    watched.page.goto("/")
    links = watched.page.eval_on_selector_all("a", "links => links.map(a => a.pathname)")
    assert {"/graphql", "/docs", "/dashboard"} <= set(links)
    assert watched.page.get_by_text(DEMO_ACCOUNTS["TEACHER"]).is_visible()
    _shoot(watched.page, "landing")
    assert watched.problems == []


def test_teacher_sees_charts_and_the_at_risk_students_by_name(
    server: str, browser: "playwright.Browser"
) -> None:
    watched = _watched(browser, server)
    _sign_in(watched, "TEACHER")
    page = watched.page
    assert _drawn_charts(page) >= 3
    names = page.locator(".at-risk .student-name").all_inner_texts()
    assert names, "the teacher's class shows no at-risk student"
    # Real names, in the order of likelihood: least likely to complete first.
    assert all(" " in name and not name.replace(".", "").isdigit() for name in names)
    likelihoods = [
        float(text.rsplit(" ", 1)[1].rstrip("%"))
        for text in page.locator(".at-risk > li > span").all_inner_texts()
    ]
    # Shown finely enough to tell the least likely apart (not all "0%").
    assert likelihoods == sorted(likelihoods) and len(set(likelihoods)) > 1, likelihoods
    assert page.get_by_role("heading", name="Students needing support").is_visible()
    # The tiles show the API's figures under the right names (not, say, dropout as completion),
    # rounded as the page rounds (Math.round: halves up).
    figures = page.evaluate(
        """async () => {
            const token = JSON.parse(sessionStorage.getItem('learnloom.tokens')).accessToken;
            const answer = await fetch('/graphql', {method: 'POST', headers: {
                'Content-Type': 'application/json', Authorization: 'Bearer ' + token},
                body: JSON.stringify({query: '{ analytics { totalStudents activeStudents ' +
                    'averageScore completionRate dropoutRate } }'})});
            return (await answer.json()).data.analytics;
        }"""
    )
    scope = page.locator("section:has(h3:text-is('Students in scope'))")
    shown = dict(
        zip(
            scope.locator("dt").all_inner_texts(),
            scope.locator("dd").all_inner_texts(),
            strict=True,
        )
    )
    assert shown == {
        "Students": str(figures["totalStudents"]),
        "Active this week": str(figures["activeStudents"]),
        "Average of all scores": f"{figures['averageScore']:.1f}",
        "Courses completed": f"{math.floor(figures['completionRate'] * 100 + 0.5)}%",
        "Courses dropped": f"{math.floor(figures['dropoutRate'] * 100 + 0.5)}%",
    }
    _shoot(page, "dashboard-teacher")
    # An access token about to expire is renewed with the refresh token, unnoticed.
    before = _change_tokens(page, expiresAt=0)
    second = page.locator("#class-select option").nth(1).get_attribute("value")
    page.locator("#class-select").select_option(second)
    page.wait_for_function("() => !document.querySelector('[aria-busy=true]')")
    after = _change_tokens(page)
    assert after["refreshToken"] != before["refreshToken"]
    assert after["expiresAt"] > 0
    assert page.locator(".at-risk .student-name").count() >= 1
    assert watched.problems == []


def test_super_admin_sees_the_national_view_and_can_refresh(
    server: str, browser: "playwright.Browser"
) -> None:
    watched = _watched(browser, server)
    _sign_in(watched, "SUPER_ADMIN")
    page = watched.page
    assert _drawn_charts(page) >= 3
    assert page.get_by_role("heading", name="By country: students").is_visible()
    # Its two national charts share one answer: the query is asked once.
    assert sum("query National" in body for body in watched.posted) == 1
    page.get_by_role("button", name="Refresh now").click()
    page.get_by_text("Refresh ").first.wait_for()
    page.wait_for_function("() => document.getElementById('status').textContent === 'Up to date.'")
    _shoot(page, "dashboard-super-admin")
    assert watched.problems == []


def test_school_admin_sees_the_school_and_its_classes_on_a_phone(
    server: str, browser: "playwright.Browser"
) -> None:
    watched = _watched(browser, server, width=360)
    _sign_in(watched, "SCHOOL_ADMIN")
    page = watched.page
    assert page.get_by_role("heading", name="School figures").is_visible()
    assert page.locator("section:has(h3:text-is('Classes')) tbody tr").count() >= 1
    assert _drawn_charts(page) >= 3
    # Nothing wider than the phone's screen: no sideways scrolling of the page.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    _shoot(page, "dashboard-school-admin-360px")
    assert watched.problems == []


def test_every_chart_has_a_table_view_and_a_query_that_opens_in_graphiql(
    server: str, browser: "playwright.Browser"
) -> None:
    watched = _watched(browser, server)
    _sign_in(watched, "TEACHER")
    page = watched.page
    charts = page.locator(".card:has(.chart)")
    assert charts.count() >= 3
    for index in range(charts.count()):
        card = charts.nth(index)
        assert card.locator(".chart").get_attribute("aria-label")
        card.locator("summary", has_text="Table view").click()
        assert card.locator("details tbody tr").count() >= 1
        assert card.locator("a.show-query").get_attribute("href").startswith("/graphql#query=")
    # The keyboard reads a chart point by point.
    chart = charts.first.locator(".chart")
    chart.focus()
    page.keyboard.press("End")
    assert charts.first.locator(".chart-readout").inner_text().strip()
    # The first chart's link opens GraphiQL with its query, signed in: it answers.
    with page.expect_popup() as popup:
        charts.first.locator("a.show-query").click()
    graphiql = popup.value
    opened = Watched(graphiql, server)
    graphiql.wait_for_load_state()
    graphiql.locator(".graphiql-execute-button").click()
    graphiql.locator(".result-window").get_by_text('"data"').wait_for()
    assert "errors" not in graphiql.locator(".result-window").inner_text()
    _shoot(graphiql, "graphiql-from-dashboard")
    assert watched.problems == [] and opened.problems == []


def test_model_report_is_shown_to_an_administrator_only(
    server: str, browser: "playwright.Browser"
) -> None:
    watched = _watched(browser, server)
    watched.page.goto("/reports/model")
    assert watched.page.get_by_role("link", name="Sign in on the dashboard").is_visible()
    _sign_in(watched, "SUPER_ADMIN")
    page = watched.page
    page.goto("/reports/model")
    page.get_by_role("heading", name="Completion model evaluation").wait_for()
    assert page.locator(".report-body svg").count() >= 2  # ROC and calibration per horizon
    assert page.get_by_text("week 2", exact=False).first.is_visible()
    _shoot(page, "model-report")
    assert watched.problems == []
    # With an access token that no longer works, the page renews it with the refresh token.
    before = _change_tokens(page, accessToken="expired")
    page.reload()
    page.get_by_role("heading", name="Completion model evaluation").wait_for()
    after = _change_tokens(page)
    assert after["refreshToken"] != before["refreshToken"]
    # The one refusal of the stale token (its response and the console's note of it) only.
    refused = [p for p in watched.problems if "401" in p]
    assert len(refused) == 2 and watched.problems == refused, watched.problems
