/* Letter page: fill in the template, preview it live, print, copy or e-mail it.
   Everything happens in this page: the text is never sent anywhere. Answers are kept in
   localStorage only after the reader ticks "remember", and "forget" deletes them. */
(function () {
  "use strict";
  var STORE = "letter-answers";
  var dataNode = document.getElementById("letter-data");
  var form = document.getElementById("letter-form");
  if (!dataNode || !form) return;
  var data = JSON.parse(dataNode.textContent);
  var sheet = document.getElementById("letter");
  var bodyNode = document.getElementById("letter-body");
  var subjectNode = document.getElementById("letter-subject-text");
  var subjectLine = document.getElementById("letter-subject");
  var subjectLabel = sheet.querySelector(".subject-label");
  var status = document.getElementById("letter-status");
  var remember = document.getElementById("remember");
  var emailLink = document.getElementById("email-letter");
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input[type=text], textarea"));

  document.documentElement.classList.add("js");
  form.hidden = false;
  document.getElementById("letter-actions").hidden = false;

  function values() {
    var out = {};
    inputs.forEach(function (input) { out[input.name] = input.value.trim(); });
    return out;
  }

  function chosen() {
    var radio = form.querySelector("input[name=letter-language]:checked");
    return data.versions[radio ? radio.value : data.lang];
  }

  function fill(parts, version, given, node) {
    parts.forEach(function (part) {
      if (typeof part === "string") {
        node.appendChild(document.createTextNode(part));
        return;
      }
      var value = given[part.field];
      var shown = value || "[" + version.labels[part.field] + "]";
      var span = document.createElement("span");
      span.className = value ? "slot filled" : "slot";
      span.setAttribute("data-field", part.field);
      shown.split("\n").forEach(function (piece, index) {
        if (index) span.appendChild(document.createElement("br"));
        span.appendChild(document.createTextNode(piece));
      });
      node.appendChild(span);
    });
  }

  function asText(parts, version, given) {
    return parts.map(function (part) {
      if (typeof part === "string") return part;
      return given[part.field] || "[" + version.labels[part.field] + "]";
    }).join("");
  }

  function isSubject(lines) {
    return lines.length === 1 && lines[0].length === 1 && lines[0][0].field === "subject";
  }

  function letterText(version, given) {
    return version.paragraphs.map(function (lines) {
      if (isSubject(lines)) return asText(version.subject, version, given);
      return lines.map(function (line) { return asText(line, version, given); }).join("\n");
    }).join("\n\n");
  }

  function update() {
    var version = chosen();
    var given = values();
    sheet.setAttribute("lang", version.lang);
    subjectLabel.textContent = version.subject_label;
    subjectNode.textContent = "";
    fill(version.subject, version, given, subjectNode);
    subjectLine.hidden = version.subject_in_body;
    bodyNode.textContent = "";
    version.paragraphs.forEach(function (lines) {
      var p = document.createElement("p");
      if (isSubject(lines)) {
        var strong = document.createElement("strong");
        fill(version.subject, version, given, strong);
        p.className = "letter-subject";
        p.appendChild(strong);
      } else {
        lines.forEach(function (line, index) {
          if (index) p.appendChild(document.createElement("br"));
          fill(line, version, given, p);
        });
      }
      bodyNode.appendChild(p);
    });
    if (emailLink) {
      var subject = asText(version.subject, version, given);
      var body = letterText(version, given).replace(/\n/g, "\r\n");
      emailLink.href = "mailto:?subject=" + encodeURIComponent(subject) +
        "&body=" + encodeURIComponent(body);
    }
    if (remember.checked) save(given);
  }

  function say(message) {
    status.textContent = "";
    window.setTimeout(function () { status.textContent = message; }, 50);
  }

  function save(given) {
    try { window.localStorage.setItem(STORE, JSON.stringify(given)); } catch (e) { /* private mode */ }
  }

  function load() {
    try { return JSON.parse(window.localStorage.getItem(STORE) || "null"); } catch (e) { return null; }
  }

  function forget() {
    try { window.localStorage.removeItem(STORE); } catch (e) { /* nothing stored */ }
  }

  var saved = load();
  if (saved) {
    remember.checked = true;
    inputs.forEach(function (input) {
      if (typeof saved[input.name] === "string") input.value = saved[input.name];
    });
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  remember.addEventListener("change", function () {
    if (remember.checked) save(values()); else forget();
  });
  document.getElementById("forget").addEventListener("click", function () {
    forget();
    remember.checked = false;
    inputs.forEach(function (input) { input.value = ""; });
    update();
    say(data.messages.forgotten);
  });
  document.getElementById("print-letter").addEventListener("click", function () { window.print(); });
  document.getElementById("copy-letter").addEventListener("click", function () {
    var version = chosen();
    var given = values();
    var text = (version.subject_in_body ? "" : asText(version.subject, version, given) + "\n\n") +
      letterText(version, given);
    if (!navigator.clipboard) { say(data.messages.copy_failed); return; }
    navigator.clipboard.writeText(text).then(
      function () { say(data.messages.copied); },
      function () { say(data.messages.copy_failed); });
  });
  update();
})();
