/* Letter page: fill in the template, preview it live, check it, then copy, e-mail, print or
   download it. Everything happens in this page: the text is never sent anywhere. Answers are
   kept in localStorage only after the reader ticks "remember", and "forget" deletes them.

   The filled letter follows the body syntax (guidesite/letters.py, `filled_text`): a line whose
   fields outside {if} are all optional and all empty is left out, {if name}..{else}..{end}
   picks its branch, and an empty required field reads [Label] (sending is refused then). */
(function () {
  "use strict";
  var STORE = "letter-answers";
  var dataNode = document.getElementById("letter-data");
  var form = document.getElementById("letter-form");
  if (!dataNode || !form) return;
  var data = JSON.parse(dataNode.textContent);
  var messages = data.messages;
  var sheet = document.getElementById("letter");
  var bodyNode = document.getElementById("letter-body");
  var subjectNode = document.getElementById("letter-subject-text");
  var subjectLine = document.getElementById("letter-subject");
  var subjectLabel = sheet.querySelector(".subject-label");
  var status = document.getElementById("letter-status");
  var remember = document.getElementById("remember");
  var emailLink = document.getElementById("email-letter");
  var recipient = document.getElementById("recipient-email");
  var summary = document.getElementById("error-summary");
  var errorList = document.getElementById("error-list");
  var inputs = Array.prototype.slice.call(form.querySelectorAll(".field input, .field textarea"));
  var files = window.LetterFiles;

  document.documentElement.classList.add("js");
  form.hidden = false;
  document.getElementById("letter-actions").hidden = false;
  document.getElementById("back-to-form").hidden = false;

  function values() {
    var out = {};
    inputs.forEach(function (input) { out[input.name] = input.value.trim(); });
    return out;
  }

  function chosen() {
    var radio = form.querySelector("input[name=letter-language]:checked");
    return data.versions[radio ? radio.value : data.lang];
  }

  function required(version, name) { return version.required.indexOf(name) >= 0; }

  function fmt(template, name, value) { return template.split("{" + name + "}").join(value); }

  /* One line of the filled letter as runs of {text, field, blank}, or null when left out. */
  function fillLine(parts, version, given) {
    var outer = parts.filter(function (p) { return p.field; }).map(function (p) { return p.field; });
    if (outer.length && outer.every(function (n) { return !required(version, n) && !given[n]; })) {
      return null;
    }
    var runs = [];
    function add(part) {
      if (typeof part === "string") { runs.push({ text: part }); return; }
      var value = given[part.field];
      if (value) runs.push({ text: value, field: part.field });
      else if (required(version, part.field)) {
        runs.push({ text: "[" + version.labels[part.field] + "]", field: part.field, blank: true });
      }
    }
    parts.forEach(function (part) {
      if (part.if !== undefined) (given[part.if] ? part.then : part.else).forEach(add);
      else add(part);
    });
    var text = runs.map(function (r) { return r.text; }).join("");
    return text.trim() ? runs : null;
  }

  function runsText(runs) { return runs.map(function (r) { return r.text; }).join(""); }

  /* The filled letter as paragraphs: {lines: [runs], role, align, subject}. */
  function filled(version, given) {
    var out = [];
    version.paragraphs.forEach(function (paragraph) {
      var subject = isSubject(paragraph.lines);
      var lines = (subject ? [version.subject] : paragraph.lines)
        .map(function (line) { return fillLine(line, version, given); })
        .filter(function (runs) { return runs !== null; });
      if (lines.length) {
        out.push({ lines: lines, role: paragraph.role, align: paragraph.align, subject: subject });
      }
    });
    return out;
  }

  function isSubject(lines) {
    return lines.length === 1 && lines[0].length === 1 && lines[0][0].field === "subject";
  }

  function subjectText(version, given) {
    return runsText(fillLine(version.subject, version, given) || []);
  }

  /* The letter's text as sent: the body (and a paper letter's own subject line). */
  function letterText(version, given) {
    return filled(version, given).map(function (p) {
      return p.lines.map(runsText).join("\n");
    }).join("\n\n");
  }

  /* The same letter as LetterFiles blocks: posted-letter layout as align, bold and gap. */
  function blocks(version, given) {
    var out = [];
    if (!version.subject_in_body) {
      out.push({ lines: [version.subject_label + " " + subjectText(version, given)],
                 align: "start", bold: true, gap: 0 });
    }
    filled(version, given).forEach(function (p) {
      var lines = p.lines.map(runsText);
      var gap = out.length ? 1 : 0;
      if (p.role === "closing" && lines.length > 1) {
        out.push({ lines: lines.slice(0, -1), align: "start", bold: false, gap: gap });
        out.push({ lines: lines.slice(-1), align: "start", bold: false, gap: version.signature_gap });
      } else {
        out.push({ lines: lines, align: p.align, bold: p.subject, gap: gap });
      }
    });
    return out;
  }

  function appendRuns(node, runs) {
    runs.forEach(function (run) {
      var target = node;
      if (run.field) {
        target = document.createElement("span");
        target.className = run.blank ? "slot" : "slot filled";
        target.setAttribute("data-field", run.field);
        node.appendChild(target);
      }
      run.text.split("\n").forEach(function (piece, index) {
        if (index) target.appendChild(document.createElement("br"));
        target.appendChild(document.createTextNode(piece));
      });
    });
  }

  function paragraphNode(lines, className) {
    var p = document.createElement("p");
    if (className) p.className = className;
    lines.forEach(function (runs, index) {
      if (index) p.appendChild(document.createElement("br"));
      appendRuns(p, runs);
    });
    return p;
  }

  function update() {
    var version = chosen();
    var given = values();
    sheet.setAttribute("lang", version.lang);
    subjectLabel.textContent = version.subject_label;
    subjectNode.textContent = "";
    appendRuns(subjectNode, fillLine(version.subject, version, given) || []);
    subjectLine.hidden = version.subject_in_body;
    bodyNode.textContent = "";
    filled(version, given).forEach(function (p) {
      if (p.subject) {
        var node = document.createElement("p");
        var strong = document.createElement("strong");
        node.className = "letter-subject";
        appendRuns(strong, p.lines[0]);
        node.appendChild(strong);
        bodyNode.appendChild(node);
      } else if (p.role === "closing" && p.lines.length > 1) {
        bodyNode.appendChild(paragraphNode(p.lines.slice(0, -1), ""));
        bodyNode.appendChild(paragraphNode(p.lines.slice(-1), "signed"));
      } else {
        bodyNode.appendChild(paragraphNode(p.lines, p.align === "end" ? "align-end" : ""));
      }
    });
    if (emailLink) emailLink.href = mailto(version, given);
    if (remember.checked) save(given);
  }

  /* RFC 6068: everything percent-encoded (a space is %20, never '+'), CRLF line ends. */
  function mailto(version, given) {
    var to = recipient && recipient.value.trim() ?
      encodeURIComponent(recipient.value.trim()).replace(/%40/g, "@") : "";
    return "mailto:" + to + "?subject=" + encodeURIComponent(subjectText(version, given)) +
      "&body=" + encodeURIComponent(letterText(version, given).replace(/\n/g, "\r\n"));
  }

  function say(message) {
    status.textContent = "";
    window.setTimeout(function () { status.textContent = message; }, 50);
  }

  /* ---- Check before it goes out (GOV.UK error summary) ---- */

  function setError(input, wrap, errorNode, message) {
    var described = (input.getAttribute("aria-describedby") || "").split(" ")
      .filter(function (id) { return id && id !== errorNode.id; });
    if (message) {
      errorNode.textContent = message;
      errorNode.hidden = false;
      input.setAttribute("aria-invalid", "true");
      described.unshift(errorNode.id);
      wrap.classList.add("has-error");
    } else {
      errorNode.textContent = "";
      errorNode.hidden = true;
      input.removeAttribute("aria-invalid");
      wrap.classList.remove("has-error");
    }
    if (described.length) input.setAttribute("aria-describedby", described.join(" "));
    else input.removeAttribute("aria-describedby");
  }

  /* The problems as [input, message]; every field's error state is set on the way. */
  function problems() {
    var labels = data.versions[data.lang].labels;
    var found = [];
    inputs.forEach(function (input) {
      var missing = input.required && !input.value.trim();
      var message = missing ? fmt(messages.msg_missing, "label", labels[input.name].toLowerCase()) : "";
      setError(input, input.closest(".field"), document.getElementById("error-" + input.name), message);
      if (message) found.push([input, message]);
    });
    if (recipient) {
      var address = recipient.value.trim();
      var bad = address && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(address) ? messages.msg_bad_email : "";
      setError(recipient, recipient.closest(".field"), document.getElementById("error-recipient-email"), bad);
      if (bad) found.push([recipient, bad]);
    }
    return found;
  }

  /* True when the letter may go out; otherwise the summary is shown and focused. */
  function checked() {
    var found = problems();
    errorList.textContent = "";
    if (!found.length) {
      summary.hidden = true;
      return true;
    }
    found.forEach(function (problem) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = "#" + problem[0].id;
      a.textContent = problem[1];
      a.addEventListener("click", function (event) {
        event.preventDefault();
        problem[0].focus();
        problem[0].scrollIntoView({ block: "center" });
      });
      li.appendChild(a);
      errorList.appendChild(li);
    });
    summary.hidden = false;
    summary.focus();
    return false;
  }

  /* Once the summary is showing, fixing a field updates it (without moving focus). */
  function recheck() {
    if (summary.hidden) return;
    var found = problems();
    Array.prototype.slice.call(errorList.querySelectorAll("a")).forEach(function (a) {
      var still = found.some(function (p) { return "#" + p[0].id === a.getAttribute("href"); });
      if (!still) a.parentNode.remove();
    });
    if (!found.length) summary.hidden = true;
  }

  /* ---- Remember on this device (opt-in) ---- */

  /* Everything but the date, which is today's on the next visit. */
  function save(given) {
    var kept = {};
    Object.keys(given).forEach(function (name) { if (name !== "date") kept[name] = given[name]; });
    try { window.localStorage.setItem(STORE, JSON.stringify(kept)); } catch (e) { /* private mode */ }
  }

  function load() {
    try { return JSON.parse(window.localStorage.getItem(STORE) || "null"); } catch (e) { return null; }
  }

  function forget() {
    try { window.localStorage.removeItem(STORE); } catch (e) { /* nothing stored */ }
  }

  function setValues(saved) {
    inputs.forEach(function (input) {
      if (typeof saved[input.name] === "string") input.value = saved[input.name];
    });
  }

  /* ---- The date defaults to today, written in the letter's language ---- */

  var dateInput = document.getElementById("field-date");
  function today(lang) {
    var tag = lang === "en" ? "en-GB" : lang;
    try {
      return new Intl.DateTimeFormat(tag, { day: "numeric", month: "long", year: "numeric" })
        .format(new Date());
    } catch (e) { return ""; }
  }
  var dateLang = chosen().lang;
  function defaultDate() {
    if (!dateInput) return;
    var lang = chosen().lang;
    if (!dateInput.value || dateInput.value === today(dateLang)) dateInput.value = today(lang);
    dateLang = lang;
  }

  var saved = load();
  if (saved) {
    remember.checked = true;
    setValues(saved);
  }
  defaultDate();

  form.addEventListener("input", function () { update(); recheck(); });
  form.addEventListener("change", function (event) {
    if (event.target.name === "letter-language") defaultDate();
    update();
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  if (recipient) recipient.addEventListener("input", function () { update(); recheck(); });
  remember.addEventListener("change", function () {
    if (remember.checked) save(values()); else forget();
  });
  document.getElementById("forget").addEventListener("click", function () {
    forget();
    remember.checked = false;
    inputs.forEach(function (input) { input.value = ""; });
    defaultDate();
    update();
    say(messages.forgotten);
  });

  /* ---- Send: print, copy, e-mail ---- */

  function copy(text, done) {
    if (!navigator.clipboard) { say(messages.copy_failed); return; }
    navigator.clipboard.writeText(text).then(
      function () { say(done); },
      function () { say(messages.copy_failed); });
  }

  document.getElementById("print-letter").addEventListener("click", function () {
    if (checked()) window.print();
  });
  document.getElementById("copy-letter").addEventListener("click", function () {
    if (checked()) copy(letterText(chosen(), values()), messages.copied);
  });
  var copySubject = document.getElementById("copy-subject");
  if (copySubject) {
    copySubject.addEventListener("click", function () {
      if (checked()) copy(subjectText(chosen(), values()), messages.msg_subject_copied);
    });
  }
  if (emailLink) {
    emailLink.addEventListener("click", function (event) {
      if (!checked()) { event.preventDefault(); return; }
      emailLink.href = mailto(chosen(), values());
    });
  }

  /* Show my letter / back to the form (narrow screens): move focus with the view. */
  document.getElementById("show-letter").addEventListener("click", function () {
    window.setTimeout(function () { document.getElementById("letter-preview").focus(); }, 0);
  });

  /* ---- Files made in the browser (letter-files.js), when it is there ---- */

  function download(blob, name) {
    files.save(blob, name);
    say(messages.msg_saved_file);
  }

  if (files) {
    document.getElementById("filled-downloads").hidden = false;
    Array.prototype.slice.call(document.querySelectorAll("#filled-downloads [data-format]"))
      .forEach(function (button) {
        button.addEventListener("click", function () {
          if (!checked()) return;
          var version = chosen();
          var given = values();
          var doc = { lang: version.lang, dir: version.dir || "ltr", title: version.title,
                      author: given.your_name || "", filename: version.slug,
                      blocks: blocks(version, given) };
          var format = button.getAttribute("data-format");
          download(files[format](doc), doc.filename + "." + format);
        });
      });

    document.getElementById("letter-draft").hidden = false;
    document.getElementById("draft-save").addEventListener("click", function () {
      var blob = files.draft({ key: data.key, lang: chosen().lang, title: data.versions[data.lang].title,
                               values: values() });
      download(blob, data.slug + ".json");
    });
    var picker = document.getElementById("draft-file");
    document.getElementById("draft-open").addEventListener("click", function () {
      picker.value = "";
      picker.click();
    });
    picker.addEventListener("change", function () {
      var file = picker.files && picker.files[0];
      if (!file) return;
      picker.value = "";  // choosing the same file again is a change too
      var reader = new FileReader();
      reader.onload = function () { restore(String(reader.result)); };
      reader.readAsText(file);
    });

    var remind = document.getElementById("remind-me");
    if (remind) {
      document.getElementById("letter-remind").hidden = false;
      remind.addEventListener("click", function () {
        var canonical = document.querySelector("link[rel=canonical]");
        var title = data.versions[data.lang].title;
        download(files.ics({ title: fmt(messages.msg_remind_title, "title", title),
                             url: canonical ? canonical.href : data.site_url,
                             description: messages.msg_remind_description,
                             lang: data.lang, days: data.remind_after_days }),
                 data.slug + ".ics");
      });
    }
  }

  function restore(text) {
    var draft;
    try {
      draft = files.readDraft(text, { key: data.key, fields: inputs.map(function (i) { return i.name; }) });
    } catch (error) {
      var message = messages["msg_draft_" + String(error.code).replace(/-/g, "_")] ||
        messages.msg_draft_not_a_draft;
      say(fmt(message, "title", error.title || ""));
      return;
    }
    var current = values();
    var differs = inputs.some(function (input) {
      var value = current[input.name];
      if (input === dateInput && value === today(chosen().lang)) return false;  // the default
      return value && value !== (draft.values[input.name] || "");
    });
    if (differs && !window.confirm(messages.msg_draft_confirm)) {
      say(messages.msg_draft_kept);
      return;
    }
    inputs.forEach(function (input) { input.value = draft.values[input.name] || ""; });
    var radio = form.querySelector("input[name=letter-language][value='" + draft.lang + "']");
    if (radio) radio.checked = true;
    dateLang = chosen().lang;
    update();
    recheck();
    say(messages.msg_draft_opened);
  }

  update();
})();
