// /reports/model: fetches the serving model's evaluation report with the token the
// dashboard keeps in this tab (sessionStorage) and shows it in the page; without one, it
// sends the reader to sign in on the dashboard first.
(function () {
  "use strict";
  var main = document.getElementById("dashboard");
  var status = document.getElementById("status");
  var tokens = null;
  try {
    tokens = JSON.parse(sessionStorage.getItem("learnloom.tokens"));
  } catch (e) {
    tokens = null;
  }

  function explain(message, link) {
    main.textContent = "";
    var line = document.createElement("p");
    line.textContent = message + " ";
    if (link) {
      var a = document.createElement("a");
      a.href = "/dashboard";
      a.textContent = "Sign in on the dashboard";
      line.append(a);
    }
    main.append(line);
  }

  if (!tokens) {
    explain("The report is for administrators.", true);
    return;
  }
  function load(accessToken) {
    return fetch("/reports/model/content", { headers: { Authorization: "Bearer " + accessToken } });
  }

  // An access token that expired since the dashboard renewed it: renew it here once, as the
  // dashboard would (refresh tokens rotate, so the new pair is kept for the dashboard too).
  function renewed(response) {
    if (response.status !== 401) return response;
    return fetch("/graphql", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        query: "mutation Refresh($refreshToken: String!) {\n" +
          "  refreshToken(refreshToken: $refreshToken) { accessToken refreshToken expiresIn }\n}",
        variables: { refreshToken: tokens.refreshToken },
      }),
    })
      .then(function (answer) { return answer.json(); })
      .then(function (body) {
        var fresh = body.data && body.data.refreshToken;
        if (!fresh) return response;
        sessionStorage.setItem("learnloom.tokens", JSON.stringify({
          accessToken: fresh.accessToken,
          refreshToken: fresh.refreshToken,
          expiresAt: Date.now() + fresh.expiresIn * 1000,
        }));
        return load(fresh.accessToken);
      }, function () { return response; });
  }

  status.textContent = "Loading the report…";
  load(tokens.accessToken)
    .then(renewed)
    .then(function (response) {
      if (response.ok) return response.text();
      return response.json().then(function (body) {
        var error = body.error || {};
        throw { message: error.message || "The server answered " + response.status,
          signIn: response.status === 401 };
      });
    })
    .then(function (html) {
      // The report is a whole document; its body goes into this page, its styles stay out.
      var report = new DOMParser().parseFromString(html, "text/html");
      var body = document.createElement("article");
      body.className = "report-body card";
      body.append.apply(body, Array.from(report.body.childNodes));
      main.textContent = "";
      main.append(body);
      status.textContent = "";
    })
    .catch(function (error) {
      status.textContent = "";
      explain(error.message || String(error), error.signIn);
    });
})();
