/* Find a school: filters the school index embedded in the home page by name, address or
   grade ("Lincoln", "Main St", "grade 6", "grado 6", "K"). Plain script, no network and no library, so
   the page works from a static host or straight from the disk. The status messages come
   from the page (data-found-one, data-found-many), in its language. The query is also read from
   ?q=, so the form works (and can be bookmarked) even before this script has run. */
(function () {
  "use strict";
  var index = document.getElementById("school-index");
  var input = document.getElementById("school-search");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!index || !input || !list || !status) {
    return;
  }
  var schools = JSON.parse(index.textContent);
  var GRADE_WORDS = { tk: -1, k: 0, kn: 0, kindergarten: 0, kinder: 0 };
  var IGNORED = { grade: true, grades: true, grado: true, grados: true };

  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function gradeOf(token) {
    if (Object.prototype.hasOwnProperty.call(GRADE_WORDS, token)) {
      return GRADE_WORDS[token];
    }
    var match = /^(\d{1,2})(st|nd|rd|th)?$/.exec(token);
    return match ? parseInt(match[1], 10) : null;
  }

  schools.forEach(function (school) {
    school.text = fold([school.name, school.address, school.level_name].join(" "));
  });

  function matches(school, tokens) {
    return tokens.every(function (token) {
      var grade = gradeOf(token);
      if (grade !== null && school.low !== null && grade >= school.low && grade <= school.high) {
        return true;
      }
      return school.text.indexOf(token) !== -1;
    });
  }

  function show() {
    var tokens = fold(input.value).split(/[\s,]+/).filter(function (token) {
      return token && !IGNORED[token];
    });
    list.textContent = "";
    if (!tokens.length) {
      status.textContent = "";
      return;
    }
    var found = schools.filter(function (school) {
      return matches(school, tokens);
    });
    found.forEach(function (school) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = school.url;
      link.textContent = school.name;
      item.appendChild(link);
      item.appendChild(document.createTextNode(" — " + school.summary));
      list.appendChild(item);
    });
    status.textContent =
      found.length === 1
        ? status.getAttribute("data-found-one")
        : status.getAttribute("data-found-many").replace("{count}", String(found.length));
  }

  var query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    input.value = query;
  }
  input.addEventListener("input", show);
  show();
})();
