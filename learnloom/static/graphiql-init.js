// Mounts GraphiQL against this server's /graphql, with one example tab per role
// (graphiql-examples.json). A dashboard card's "Show query" link opens it with that query
// and its variables (#query=...&variables=..., a fragment: /graphql?query= runs a query), and with the dashboard's token of this tab
// in the headers, so the query runs as it did on the dashboard. Kept out of the HTML so a
// strict Content-Security-Policy (script-src 'self') still allows it.
(function () {
  var fetcher = GraphiQL.createFetcher({ url: window.location.pathname });
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  var asked = new URLSearchParams(window.location.hash.slice(1));
  var tokens = null;
  try {
    tokens = JSON.parse(sessionStorage.getItem("learnloom.tokens"));
  } catch (e) {
    tokens = null;
  }
  var authorization = tokens
    ? "Bearer " + tokens.accessToken
    : "Bearer <accessToken from the Sign in tab>";
  var headers = '{\n  "Authorization": "' + authorization + '"\n}';
  function render(examples) {
    var props = {
      fetcher: fetcher,
      defaultEditorToolsVisibility: true,
      defaultHeaders: headers,
      defaultTabs: examples.map(function (example) {
        return { query: example.query, variables: example.variables, headers: headers };
      }),
    };
    if (asked.has("query")) {
      props.query = asked.get("query");
      props.variables = asked.get("variables") || "";
      props.headers = headers;
    }
    root.render(React.createElement(GraphiQL, props));
  }
  fetch("/static/graphiql-examples.json")
    .then(function (response) { return response.json(); })
    .then(render, function () { render([]); });
})();
