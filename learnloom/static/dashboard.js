// The dashboard (/dashboard): signs in against /graphql, then shows what the signed-in user's
// role may see. Every card runs one named GraphQL query, and its "Show query" link opens
// GraphiQL with that query and its variables, so each figure can be traced to its source.
// Plain script, no build step; charts are drawn by the vendored uPlot (static/vendor/uplot).
(function () {
  "use strict";

  var TOKENS = "learnloom.tokens"; // sessionStorage: gone when the tab closes
  // Okabe-Ito: told apart with the common colour-vision deficiencies.
  var PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9"];
  var TREND_DAYS = 90;
  var main = document.getElementById("dashboard");
  var status = document.getElementById("status");

  // ---- talking to /graphql ------------------------------------------------------------

  function ApiError(message, code) {
    this.message = message;
    this.code = code;
  }

  function stored() {
    try {
      return JSON.parse(sessionStorage.getItem(TOKENS));
    } catch (e) {
      return null;
    }
  }

  function keep(payload) {
    sessionStorage.setItem(
      TOKENS,
      JSON.stringify({
        accessToken: payload.accessToken,
        refreshToken: payload.refreshToken,
        expiresAt: Date.now() + payload.expiresIn * 1000,
      })
    );
  }

  async function post(query, variables, token) {
    var headers = { "Content-Type": "application/json" };
    if (token) headers.Authorization = "Bearer " + token;
    var response = await fetch("/graphql", {
      method: "POST",
      headers: headers,
      body: JSON.stringify({ query: query, variables: variables || {} }),
    });
    var body = await response.json().catch(function () {
      return {};
    });
    if (body.errors && body.errors.length) {
      var first = body.errors[0];
      throw new ApiError(first.message, (first.extensions || {}).code);
    }
    if (!response.ok || !body.data) {
      // Refusals before GraphQL (rate limit, body limit) use the REST error body.
      var error = body.error || {};
      throw new ApiError(error.message || "The server answered " + response.status, error.code);
    }
    return body.data;
  }

  var REFRESH = "mutation Refresh($refreshToken: String!) {\n" +
    "  refreshToken(refreshToken: $refreshToken) { accessToken refreshToken expiresIn }\n}";
  var renewing = null;

  function renew() {
    // One refresh at a time: refresh tokens rotate, so a second use of the old one would fail.
    if (!renewing) {
      var tokens = stored();
      renewing = post(REFRESH, { refreshToken: tokens ? tokens.refreshToken : "" })
        .then(function (data) {
          keep(data.refreshToken);
        })
        .finally(function () {
          renewing = null;
        });
    }
    return renewing;
  }

  async function gql(query, variables) {
    var tokens = stored();
    if (!tokens) throw new ApiError("Please sign in", "INVALID_TOKEN");
    if (tokens.expiresAt - Date.now() < 30000) {
      await renew().catch(signedOut);
      tokens = stored();
    }
    try {
      return await post(query, variables, tokens.accessToken);
    } catch (error) {
      if (error.code !== "INVALID_TOKEN") throw error;
      await renew().catch(signedOut);
      return post(query, variables, stored().accessToken);
    }
  }

  function signedOut(error) {
    sessionStorage.removeItem(TOKENS);
    showSignIn("Your session has ended; please sign in again.");
    throw error;
  }

  // ---- building the page ----------------------------------------------------------------

  function el(tag, attributes) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      var value = attributes[name];
      if (name === "text") node.textContent = value;
      else if (name.slice(0, 2) === "on") node.addEventListener(name.slice(2), value);
      else if (value !== null && value !== undefined) node.setAttribute(name, value);
    });
    for (var i = 2; i < arguments.length; i++) {
      if (arguments[i]) node.append(arguments[i]);
    }
    return node;
  }

  function say(message) {
    status.textContent = message;
  }

  function percent(rate) {
    return rate === null || rate === undefined ? "–" : Math.round(rate * 100) + "%";
  }

  // A likelihood: with a decimal below 10 %, where the least likely differ ("0.4%", "2.1%").
  function likelihood(rate) {
    var shown = rate * 100;
    return (shown < 10 ? shown.toFixed(1) : Math.round(shown)) + "%";
  }

  function number(value, digits) {
    return value === null || value === undefined ? "–" : value.toFixed(digits || 0);
  }

  function isoDaysAgo(days) {
    var day = new Date(Date.now() - days * 86400000);
    return day.toISOString().slice(0, 10);
  }

  function queryLink(query, variables) {
    // In the fragment: a GET /graphql?query= would run the query rather than open GraphiQL.
    var url = "/graphql#query=" + encodeURIComponent(query);
    if (variables && Object.keys(variables).length) {
      url += "&variables=" + encodeURIComponent(JSON.stringify(variables, null, 2));
    }
    // A new tab with an opener starts with a copy of this tab's session storage, so GraphiQL
    // finds the token (same origin); target=_blank alone now implies noopener.
    return el("a", { href: url, class: "show-query", target: "_blank", rel: "opener",
      text: "Show query" });
  }

  var cardCount = 0;

  // A card: a heading, its content once the query answers, and the link to the query.
  // Cards that show the same query share its answer (`answer`, a pending gql call).
  function card(parent, title, query, variables, render, answer) {
    var id = "card-" + ++cardCount;
    var body = el("div", { class: "card-body", "aria-busy": "true", text: "Loading…" });
    var section = el("section", { class: "card", "aria-labelledby": id },
      el("h3", { id: id, text: title }), body, queryLink(query, variables));
    parent.append(section);
    return (answer || gql(query, variables)).then(
      function (data) {
        body.textContent = "";
        body.removeAttribute("aria-busy");
        render(body, data);
      },
      function (error) {
        body.removeAttribute("aria-busy");
        body.textContent = error.message;
        body.className = "card-body error";
      }
    );
  }

  function table(columns, rows, caption) {
    var head = el("tr");
    columns.forEach(function (column) {
      head.append(el("th", { scope: "col", text: column }));
    });
    var tbody = el("tbody");
    rows.forEach(function (row) {
      var tr = el("tr");
      row.forEach(function (cell, index) {
        tr.append(el(index === 0 ? "th" : "td", index === 0 ? { scope: "row", text: cell }
          : { text: cell }));
      });
      tbody.append(tr);
    });
    return el("div", { class: "table-wrap" },
      el("table", {}, caption ? el("caption", { text: caption }) : null, el("thead", {}, head),
        tbody));
  }

  function tiles(parent, figures) {
    var list = el("dl", { class: "tiles" });
    figures.forEach(function (figure) {
      list.append(el("div", { class: "tile" }, el("dt", { text: figure[0] }),
        el("dd", { text: figure[1] })));
    });
    parent.append(list);
  }

  // ---- charts ---------------------------------------------------------------------------

  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
    "Dec"];

  // A short axis label: "2026-09-14" as "14 Sep", "2026-W37" as "W37", long names cut.
  function tick(label) {
    var day = /^\d{4}-(\d{2})-(\d{2})$/.exec(label);
    if (day) return Number(day[2]) + " " + MONTHS[Number(day[1]) - 1];
    var week = /^\d{4}-(W\d{2})$/.exec(label);
    if (week) return week[1];
    return label.length > 14 ? label.slice(0, 13) + "…" : label;
  }

  // A chart of `series` ([{label, values}]) over the categories `labels` (named `xLabel`),
  // drawn by uPlot, with a keyboard cursor (arrow keys), a spoken summary and the figures as
  // a table, with the `more` series of the same categories as further columns. A bar chart
  // draws one series: bars side by side would be too narrow on a phone.
  function chart(parent, kind, xLabel, labels, series, more) {
    var unit = "";
    if (!labels.length) {
      parent.append(el("p", { class: "empty", text: "No figures for this period yet." }));
      return;
    }
    var summary = series.map(function (s) {
      var values = s.values.filter(function (v) { return v !== null; });
      return s.label + " from " + values[0] + unit + " (" + labels[0] + ") to " +
        values[values.length - 1] + unit + " (" + labels[labels.length - 1] + "), lowest " +
        Math.min.apply(null, values) + unit + ", highest " + Math.max.apply(null, values) + unit;
    }).join("; ");
    var live = el("p", { class: "chart-readout", "aria-live": "polite" });
    var box = el("div", { class: "chart", role: "img", tabindex: "0",
      "aria-label": summary + ". Use the arrow keys to read each point." });
    parent.append(box, live);

    var xs = labels.map(function (_, i) { return i; });
    var bars = kind === "bar" ? uPlot.paths.bars({ size: [0.6, 48] }) : null;
    if (kind === "bar") series = series.slice(0, 1);
    var options = {
      width: Math.max(box.clientWidth, 240),
      height: 220,
      scales: {
        x: { time: false, range: function (u, min, max) { return [min - 0.5, max + 0.5]; } },
        y: { range: function (u, min, max) { return [Math.min(0, min), max > 0 ? max * 1.1 : 1]; } },
      },
      axes: [
        {
          // Every bar named while they are few; the table view names them all.
          incrs: kind === "bar" && labels.length <= 12 ? [1] : [1, 2, 3, 5, 7, 10, 14, 21, 30, 60],
          space: 64,
          rotate: kind === "bar" ? -30 : 0,
          size: kind === "bar" ? 70 : 40,
          values: function (u, splits) {
            return splits.map(function (i) {
              var label = labels[i];
              if (label === undefined) return "";
              return tick(label);
            });
          },
        },
        { size: 46 },
      ],
      series: [{ label: xLabel, value: function (u, i) { return i === null ? "" : labels[i]; } }]
        .concat(series.map(function (s, index) {
          var colour = PALETTE[index % PALETTE.length];
          return {
            label: s.label,
            stroke: colour,
            width: 2,
            fill: kind === "bar" ? colour : undefined,
            paths: bars || undefined,
            points: { show: kind !== "bar" && labels.length < 40 },
            value: function (u, v) { return v === null ? "–" : v + unit; },
          };
        })),
    };
    var plot = new uPlot(options, [xs].concat(series.map(function (s) { return s.values; })), box);

    var index = -1;
    box.addEventListener("keydown", function (event) {
      var step = { ArrowRight: 1, ArrowLeft: -1, Home: -Infinity, End: Infinity }[event.key];
      if (step === undefined) return;
      event.preventDefault();
      index = Math.max(0, Math.min(labels.length - 1, index < 0 && step < 0 ? labels.length - 1
        : index + step));
      var first = series[0].values[index];
      plot.setCursor({ left: plot.valToPos(index, "x"),
        top: plot.valToPos(first === null ? 0 : first, "y") });
      live.textContent = labels[index] + ": " + series.map(function (s) {
        return s.label + " " + (s.values[index] === null ? "–" : s.values[index] + unit);
      }).join(", ");
    });
    new ResizeObserver(function () {
      plot.setSize({ width: Math.max(box.clientWidth, 240), height: 220 });
    }).observe(box);

    var columns = series.concat(more || []);
    var rows = labels.map(function (label, i) {
      return [label].concat(columns.map(function (s) {
        return s.values[i] === null ? "–" : String(s.values[i]);
      }));
    });
    parent.append(el("details", { class: "table-view" }, el("summary", { text: "Table view" }),
      table([xLabel].concat(columns.map(function (s) { return s.label; })), rows)));
  }

  // ---- the cards each role sees ---------------------------------------------------------

  var Q = {
    analytics: "query ScopeFigures($schoolId: Int) {\n  analytics(schoolId: $schoolId) {\n" +
      "    totalStudents activeStudents averageScore completionRate dropoutRate\n  }\n}",
    scoreTrend: "query ScoreTrend($startDate: Date, $schoolId: Int) {\n" +
      "  scoreTrend(startDate: $startDate, schoolId: $schoolId) { dates scores }\n}",
    activityTrend: "query ActivityTrend($startDate: Date, $schoolId: Int) {\n" +
      "  activityTrend(startDate: $startDate, schoolId: $schoolId) { dates activity }\n}",
    weeklyProgress: "query WeeklyProgress($startDate: Date, $schoolId: Int) {\n" +
      "  weeklyProgress(startDate: $startDate, schoolId: $schoolId) { weeks averageScores }\n}",
    courses: "query CourseComparison($schoolId: Int) {\n  courseAnalytics(schoolId: $schoolId) {\n" +
      "    courses { courseId courseName averageScore completionRate dropoutRate numStudents }\n" +
      "  }\n}",
    atRisk: "query AtRisk($classId: Int) {\n  atRiskStudents(classId: $classId, limit: 10) {\n" +
      "    studentId name courseName completionLikelihood daysSinceLastActivity reasons\n  }\n}",
    classes: "query MyClasses {\n  myClasses(limit: 100) { items { id name grade studentCount } }\n}",
    classScreen: "query ClassScreen($classId: Int!) {\n  classPerformance(classId: $classId) {\n" +
      "    className studentCount averageScore averageProgress\n" +
      "    needsSupport { studentId name averageScore progress }\n  }\n}",
    school: "query SchoolFigures($schoolId: Int!) {\n  schoolAnalytics(schoolId: $schoolId) {\n" +
      "    schoolName totalStudents totalTeachers averageEngagement\n" +
      "    lessonsCompletedToday lessonsCompletedWeek\n" +
      "    topSubjects { subject studentsActive averageScore }\n  }\n}",
    schoolClasses: "query SchoolClasses($schoolId: Int!) {\n" +
      "  schoolClassPerformance(schoolId: $schoolId, limit: 100) {\n" +
      "    items { classId className studentCount averageScore averageProgress }\n" +
      "  }\n}",
    national: "query National {\n  nationalAnalytics {\n" +
      "    countries { country totalStudents activeStudents averageScore completionRate }\n" +
      "    schools { schoolId schoolName totalStudents activeStudents averageScore completionRate }\n" +
      "  }\n}",
    systemStatus: "query RefreshStatus {\n  systemStatus { lastDataRefresh modelVersion }\n}",
    refreshData: "mutation RefreshNow {\n  refreshData { status rowsAdded lastUpdated }\n}",
  };

  function scopeCards(grid, schoolId) {
    var scope = schoolId ? { schoolId: schoolId } : {};
    var since = Object.assign({ startDate: isoDaysAgo(TREND_DAYS) }, scope);
    return [
      card(grid, "Students in scope", Q.analytics, scope, function (body, data) {
        var a = data.analytics;
        tiles(body, [["Students", String(a.totalStudents)],
          ["Active this week", String(a.activeStudents)],
          ["Average of all scores", number(a.averageScore, 1)],
          ["Courses completed", percent(a.completionRate)],
          ["Courses dropped", percent(a.dropoutRate)]]);
        body.append(el("p", { class: "hint", text: "Every quiz score counts once, so " +
          "students who answer more weigh more; courses completed and dropped are shares of " +
          "the enrollments in every course." }));
      }),
      card(grid, "Average score per day (last " + TREND_DAYS + " days)", Q.scoreTrend, since,
        function (body, data) {
          chart(body, "line", "Day", data.scoreTrend.dates, [{ label: "Average score",
            values: data.scoreTrend.scores }]);
        }),
      card(grid, "Learning activities per day (last " + TREND_DAYS + " days)", Q.activityTrend,
        since, function (body, data) {
          chart(body, "line", "Day", data.activityTrend.dates, [{ label: "Activities",
            values: data.activityTrend.activity }]);
        }),
      card(grid, "Weekly progress: average score per week", Q.weeklyProgress, since,
        function (body, data) {
          chart(body, "line", "Week", data.weeklyProgress.weeks, [{ label: "Average score",
            values: data.weeklyProgress.averageScores }]);
        }),
      card(grid, "Course comparison: average score", Q.courses, scope, function (body, data) {
        var courses = data.courseAnalytics.courses;
        chart(body, "bar", "Course", courses.map(function (c) { return c.courseName; }), [
          { label: "Average score", values: courses.map(function (c) { return c.averageScore; }) },
        ], [
          { label: "Completion %", values: courses.map(function (c) {
            return Math.round(c.completionRate * 100); }) },
          { label: "Dropped out %", values: courses.map(function (c) {
            return Math.round(c.dropoutRate * 100); }) },
          { label: "Students", values: courses.map(function (c) { return c.numStudents; }) },
        ]);
      }),
    ];
  }

  function atRiskCard(grid, classId) {
    var variables = classId ? { classId: classId } : {};
    return card(grid, "Students at risk of not completing", Q.atRisk, variables,
      function (body, data) {
        var rows = data.atRiskStudents;
        if (!rows.length) {
          body.append(el("p", { class: "empty", text: "Nobody is flagged at risk." }));
          return;
        }
        var list = el("ol", { class: "at-risk" });
        rows.forEach(function (s) {
          list.append(el("li", {},
            el("strong", { class: "student-name", text: s.name }),
            el("span", { text: " · " + s.courseName + " · likelihood of completing " +
              likelihood(s.completionLikelihood) }),
            s.reasons.length ? el("ul", {}, ...s.reasons.slice(0, 3).map(function (r) {
              return el("li", { text: r });
            })) : null));
        });
        body.append(el("p", { class: "hint", text: "Least likely to complete first, with " +
          "the three figures that weigh most (all of them in the query's answer)." }), list);
      });
  }

  function teacherView(grid) {
    return card(grid, "My classes", Q.classes, {}, function (body, data) {
      var classes = data.myClasses.items;
      if (!classes.length) {
        body.append(el("p", { text: "You teach no classes yet." }));
        return;
      }
      var select = el("select", { id: "class-select" });
      classes.forEach(function (c) {
        select.append(el("option", { value: c.id, text: c.name + " (" + c.studentCount +
          " students)" }));
      });
      var screen = el("div", { class: "grid" });
      function show() {
        screen.textContent = "";
        var classId = Number(select.value);
        card(screen, "Class figures", Q.classScreen, { classId: classId }, function (inner, d) {
          var p = d.classPerformance;
          tiles(inner, [["Students", String(p.studentCount)],
            ["Average of students' scores", number(p.averageScore, 1)],
            ["Lessons completed", p.averageProgress + "%"]]);
          inner.append(el("p", { class: "hint", text: "Each student weighs the same; lessons " +
            "completed is the average share of the class's lessons a student has finished." }));
          inner.append(el("h4", { text: "Students needing support" }));
          if (!p.needsSupport.length) inner.append(el("p", { text: "None at the moment." }));
          else inner.append(table(["Student", "Average score", "Progress"],
            p.needsSupport.map(function (s) {
              return [s.name, s.averageScore === null ? "–" : String(s.averageScore),
                s.progress + "%"];
            })));
        });
        atRiskCard(screen, classId);
      }
      select.addEventListener("change", show);
      body.append(el("label", { for: "class-select", text: "Class " }), select);
      grid.after(screen);
      show();
    }).then(function () {
      var all = el("div", { class: "grid" });
      main.append(el("h2", { text: "All my classes together" }), all);
      return Promise.all(scopeCards(all));
    });
  }

  function schoolAdminView(grid, me) {
    return Promise.all([
      card(grid, "School figures", Q.school, { schoolId: me.schoolId }, function (body, data) {
        var s = data.schoolAnalytics;
        body.append(el("p", { class: "school-name", text: s.schoolName }));
        tiles(body, [["Students", String(s.totalStudents)], ["Teachers", String(s.totalTeachers)],
          ["Engagement", s.averageEngagement + "%"],
          ["Lessons completed today", String(s.lessonsCompletedToday)],
          ["This week", String(s.lessonsCompletedWeek)]]);
        if (s.topSubjects.length) {
          body.append(table(["Subject", "Active students", "Average score"],
            s.topSubjects.map(function (t) {
              return [t.subject, String(t.studentsActive), number(t.averageScore, 1)];
            }), "Most active subjects"));
        }
      }),
      card(grid, "Classes", Q.schoolClasses, { schoolId: me.schoolId }, function (body, data) {
        body.append(table(["Class", "Students", "Average score", "Lessons completed"],
          data.schoolClassPerformance.items.map(function (c) {
            return [c.className, String(c.studentCount), number(c.averageScore, 1),
              c.averageProgress + "%"];
          })));
      }),
      atRiskCard(grid),
    ].concat(scopeCards(grid, me.schoolId)));
  }

  function superAdminView(grid) {
    var national = gql(Q.national);
    return Promise.all([
      card(grid, "Analytics refresh", Q.systemStatus, {}, function (body, data) {
        var last = data.systemStatus.lastDataRefresh;
        var line = el("p", { text: last ? "Last refreshed " + new Date(last).toLocaleString(
          "en-GB", { dateStyle: "medium", timeStyle: "short" }) : "Never refreshed" });
        var button = el("button", { type: "button", text: "Refresh now" });
        button.addEventListener("click", function () {
          button.disabled = true;
          say("Refreshing the analytics…");
          gql(Q.refreshData).then(function (d) {
            say("Refresh " + d.refreshData.status + ": " + d.refreshData.rowsAdded +
              " rows added. Reloading the figures.");
            render();
          }, function (error) {
            say("Refresh failed: " + error.message);
            button.disabled = false;
          });
        });
        body.append(line, button, el("p", {}, el("a", { href: "/reports/model",
          text: "Early-warning model report" })));
      }),
      card(grid, "By country: students", Q.national, {}, function (body, data) {
        var countries = data.nationalAnalytics.countries;
        chart(body, "bar", "Country", countries.map(function (c) { return c.country; }), [
          { label: "Students", values: countries.map(function (c) { return c.totalStudents; }) },
        ], [
          { label: "Active this week", values: countries.map(function (c) {
            return c.activeStudents; }) },
          { label: "Average score", values: countries.map(function (c) { return c.averageScore; }) },
          { label: "Completion %", values: countries.map(function (c) {
            return Math.round(c.completionRate * 100); }) },
        ]);
      }, national),
      card(grid, "By school: average score", Q.national, {}, function (body, data) {
        var schools = data.nationalAnalytics.schools;
        chart(body, "bar", "School", schools.map(function (s) { return s.schoolName; }), [
          { label: "Average score", values: schools.map(function (s) { return s.averageScore; }) },
        ], [
          { label: "Students", values: schools.map(function (s) { return s.totalStudents; }) },
          { label: "Active this week", values: schools.map(function (s) {
            return s.activeStudents; }) },
          { label: "Completion %", values: schools.map(function (s) {
            return Math.round(s.completionRate * 100); }) },
        ]);
      }, national),
    ].concat(scopeCards(grid)));
  }

  // ---- signing in and out -----------------------------------------------------------------

  var LOGIN = "mutation SignIn($email: String!, $password: String!) {\n" +
    "  login(email: $email, password: $password) { accessToken refreshToken expiresIn }\n}";
  var ME = "query Me {\n  me { firstName lastName role schoolId }\n}";

  function showSignIn(message) {
    main.textContent = "";
    var email = el("input", { id: "email", name: "email", type: "email", required: "",
      autocomplete: "username" });
    var password = el("input", { id: "password", name: "password", type: "password",
      required: "", autocomplete: "current-password" });
    var problem = el("p", { class: "error", role: "alert" });
    if (message) problem.textContent = message;
    var form = el("form", { class: "sign-in", "aria-labelledby": "sign-in-title" },
      el("h2", { id: "sign-in-title", text: "Sign in" }),
      el("label", { for: "email", text: "E-mail" }), email,
      el("label", { for: "password", text: "Password" }), password,
      el("button", { type: "submit", text: "Sign in" }), problem);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      problem.textContent = "";
      post(LOGIN, { email: email.value, password: password.value }).then(function (data) {
        keep(data.login);
        render();
      }, function (error) {
        problem.textContent = error.message;
      });
    });
    main.append(form);
    email.focus();
  }

  var LOGOUT = "mutation SignOut($refreshToken: String!) {\n" +
    "  logout(refreshToken: $refreshToken) { loggedOut }\n}";

  function signOut() {
    var tokens = stored();
    sessionStorage.removeItem(TOKENS);
    var done = function () { showSignIn("You are signed out."); };
    if (tokens) post(LOGOUT, { refreshToken: tokens.refreshToken }, tokens.accessToken)
      .then(done, done);
    else done();
  }

  function render() {
    if (!stored()) {
      showSignIn();
      return;
    }
    say("Loading…");
    gql(ME).then(function (data) {
      var me = data.me;
      main.textContent = "";
      var role = me.role.replace("_", " ").toLowerCase();
      main.append(el("div", { class: "who" },
        el("p", { text: "Signed in as " + me.firstName + " " + me.lastName + " (" + role + ")" }),
        el("button", { type: "button", class: "link", onclick: signOut, text: "Sign out" })));
      var grid = el("div", { class: "grid" });
      main.append(grid);
      var views = { TEACHER: teacherView, SCHOOL_ADMIN: schoolAdminView,
        SUPER_ADMIN: superAdminView };
      var view = views[me.role];
      if (!view) {
        grid.append(el("p", { text: "The dashboard is for teachers and administrators; " +
          "learners use the tutor and their own progress screens." }));
        say("");
        return;
      }
      return Promise.resolve(view(grid, me)).then(function () { say("Up to date."); });
    }).catch(function (error) {
      if (error.code === "INVALID_TOKEN") return;
      say(error.message);
    });
  }

  render();
})();
