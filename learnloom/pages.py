"""The two browser pages, GraphiQL and the API docs, built only from this server's own
static files (learnloom/static) so they work with no internet."""

_VENDOR = "/static/vendor"

GRAPHIQL_PAGE = f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>LearnLoom GraphiQL</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
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
  <link rel="stylesheet" href="{_VENDOR}/swagger-ui-dist/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="{_VENDOR}/swagger-ui-dist/swagger-ui-bundle.js"></script>
  <script src="/static/docs-init.js"></script>
</body>
</html>
"""
