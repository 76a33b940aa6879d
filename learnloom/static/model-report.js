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
  status.textContent = "Loading the report…";
  fetch("/reports/model/content", { headers: { Authorization: "Bearer " + tokens.accessToken } })
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
