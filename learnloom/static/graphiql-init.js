// Mounts GraphiQL against this server's /graphql. Kept out of the HTML so a strict
// Content-Security-Policy (script-src 'self') still allows it.
(function () {
  var fetcher = GraphiQL.createFetcher({ url: window.location.pathname });
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultEditorToolsVisibility: true,
      defaultQuery: "# LearnLoom GraphQL API\n{\n  health {\n    status\n    message\n  }\n}\n",
    })
  );
})();
