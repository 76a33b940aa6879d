"""The browser pages, GraphiQL and the API docs, built only from this server's own
static files (learnloom/static) so they work with no internet; and the landing page."""

from html import escape

_VENDOR = "/static/vendor"

GRAPHIQL_PAGE = f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>LearnLoom GraphiQL</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="{_VENDOR}/graphiql/graphiql.min.css">
  <link rel="stylesheet" href="/static/learnloom.css">
</head>
<body>
  <div id="graphiql" class="full-page">Loading GraphiQL…</div>
  <script src="{_VENDOR}/react/react.production.min.js"></script>
  <script src="{_VENDOR}/react-dom/react-dom.production.min.js"></script>
  <script src="{_VENDOR}/graphiql/graphiql.min.js"></script>
  <script src="/static/graphiql-init.js"></script>
</body>
</html>
"""

DOCS_PAGE = f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>LearnLoom REST API</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="{_VENDOR}/swagger-ui-dist/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="{_VENDOR}/swagger-ui-dist/swagger-ui-bundle.js"></script>
  <script src="/static/docs-init.js"></script>
</body>
</html>
"""


def landing_page(
    *, version: str, database_up: bool, demo_accounts: dict[str, str], demo_password: str | None
) -> str:
    """What this server is, whether it is well, and where to go next. The demo accounts are
    listed only on a development server (`demo_password` given)."""
    health = "the database answers" if database_up else "the database does not answer"
    accounts = ""
    if demo_password is not None:
        rows = "\n".join(
            f"      <tr><td>{escape(role.replace('_', ' ').title())}</td>"
            f"<td><code>{escape(email)}</code></td></tr>"
            for role, email in demo_accounts.items()
        )
        accounts = f"""
  <section aria-labelledby="demo">
    <h2 id="demo">Demo accounts</h2>
    <p>After <code>learnloom seed --demo</code>, each signs in with the password
      <code>{escape(demo_password)}</code> (logins are limited to a few a minute).</p>
    <table>
      <thead><tr><th scope="col">Role</th><th scope="col">E-mail</th></tr></thead>
      <tbody>
{rows}
      </tbody>
    </table>
  </section>"""
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>LearnLoom</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/static/learnloom.css">
</head>
<body class="landing">
<main>
  <h1>LearnLoom</h1>
  <p>The backend of an AI education platform for schools: lessons and classroom sessions,
    an AI tutor for learners, and learning analytics for teachers and administrators.</p>
  <p class="status">Version <strong>{escape(version)}</strong>: the server is up and
    {health}.</p>
  <nav aria-label="Pages">
    <ul>
      <li><a href="/dashboard">Dashboard</a>: the analytics of your classes, school or
        country, with charts (teachers and administrators)</li>
      <li><a href="/reports/model">Model report</a>: how well the early warnings predict
        (administrators)</li>
      <li><a href="/graphql">GraphiQL</a>: the GraphQL API, to explore and try</li>
      <li><a href="/docs">REST API docs</a> (Swagger UI), and the
        <a href="/openapi.json">OpenAPI document</a></li>
      <li><a href="/api/system-status">System status</a> and
        <a href="/api/health">health probe</a></li>
    </ul>
  </nav>{accounts}
</main>
</body>
</html>
"""


def _board_page(title: str, script: str, intro: str) -> str:
    """A page of the dashboard family: a header with the other pages, a status line read out
    by screen readers, and a main element that `script` fills from /graphql."""
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{escape(title)} · LearnLoom</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="{_VENDOR}/uplot/uPlot.min.css">
  <link rel="stylesheet" href="/static/learnloom.css">
</head>
<body class="board">
<header>
  <h1>{escape(title)}</h1>
  <nav aria-label="Pages">
    <ul>
      <li><a href="/">Home</a></li>
      <li><a href="/dashboard">Dashboard</a></li>
      <li><a href="/reports/model">Model report</a></li>
      <li><a href="/graphql">GraphiQL</a></li>
      <li><a href="/docs">API docs</a></li>
    </ul>
  </nav>
</header>
<main>
  <p class="hint">{intro}</p>
  <p id="status" role="status" aria-live="polite"></p>
  <div id="dashboard"><noscript>This page needs JavaScript.</noscript></div>
</main>
<script src="{_VENDOR}/uplot/uPlot.iife.min.js"></script>
<script src="/static/{script}"></script>
</body>
</html>
"""


DASHBOARD_PAGE = _board_page(
    "LearnLoom dashboard",
    "dashboard.js",
    "What your role may see: a teacher's classes, a school's figures, or the national view. "
    "Each card links to the GraphQL query behind it.",
)

MODEL_REPORT_PAGE = _board_page(
    "Early-warning model report",
    "model-report.js",
    "How well the completion models predict, measured on students they never saw, at each "
    "point of a course (for administrators).",
)
