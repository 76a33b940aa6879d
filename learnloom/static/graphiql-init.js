// Mounts GraphiQL against this server's /graphql, with one example tab per role
// (graphiql-examples.json). Kept out of the HTML so a strict Content-Security-Policy
// (script-src 'self') still allows it.
(function () {
  var fetcher = GraphiQL.createFetcher({ url: window.location.pathname });
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  function render(examples) {
    root.render(
      React.createElement(GraphiQL, {
        fetcher: fetcher,
        defaultEditorToolsVisibility: true,
        defaultHeaders: '{\n  "Authorization": "Bearer <accessToken from the Sign in tab>"\n}',
        defaultTabs: examples.map(function (example) {
          return { query: example.query, variables: example.variables };
        }),
      })
    );
  }
  fetch("/static/graphiql-examples.json")
    .then(function (response) { return response.json(); })
    .then(render, function () { render([]); });
})();
