/* Files of the reader's own letter, made in this page: .docx, .odt and .txt of the letter, an
   .ics reminder and a draft of the answers. Nothing is sent anywhere; no third-party code.

   window.LetterFiles (each maker returns a File, a Blob named `filename` + extension, or a
   plain Blob when no filename is given):
   - docx(doc), odt(doc), txt(doc); doc = {lang, dir ("ltr"|"rtl"), title, author (the
     reader's name or ""), filename (no extension), blocks: [{lines, align ("start"|"end"),
     bold, gap}]}. One block is one paragraph, its lines joined by line breaks; gap = empty
     lines before it (default 0 for the first block, 1 after).
   - ics({title, url, description, lang, days, filename?}): a 15-minute event at 09:00 floating
     time (the calendar's own time zone) `days` days from today, with a display alarm at its
     start; the description gets the page URL appended; nothing else goes in.
   - draft({key, lang, title, values, filename?}): JSON {format: "letter-draft", version: 1,
     letter, lang, title, saved, values}; readDraft(text, {key, fields}) -> {lang, values}
     with only the named fields that are strings, or throws an Error whose .code is
     "not-json", "not-a-draft", "other-letter" (.title: that letter's title) or "newer-version".
   - save(blob, filename?): downloads it (default name: the File's own).

   The office files look like the blank templates the server makes (guidesite/downloads.py):
   A4, 25 mm margins, Liberation Sans 11 pt, the document language set for spell checking. A
   gap becomes 12 pt of space before the paragraph per empty line (one line of 11 pt text),
   never empty paragraphs. The .txt file is UTF-8 with LF line ends like the template's, a gap
   being that many blank lines; alignment and bold have no plain-text form. */
(function () {
  "use strict";
  var FONT = "Liberation Sans";
  var REGIONS = { sv: "SE", en: "GB" };
  var GAP_PT = 12;
  var DRAFT_FORMAT = "letter-draft";
  var DRAFT_VERSION = 1;
  var REVOKE_AFTER_MS = 10000;
  var TYPES = {
    docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    odt: "application/vnd.oasis.opendocument.text",
    txt: "text/plain;charset=utf-8",
    ics: "text/calendar;charset=utf-8",
    json: "application/json"
  };
  var W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
  var ODF = 'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" ' +
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" ' +
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" ' +
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" ' +
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" ' +
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" ' +
    'xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.2"';
  var XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

  /* Text as XML character data or attribute value; characters XML 1.0 forbids are dropped. */
  function xml(text) {
    return String(text)
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "")
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&apos;");
  }

  function file(parts, name, extension) {
    var type = TYPES[extension];
    return name ? new File(parts, name + "." + extension, { type: type })
      : new Blob(parts, { type: type });
  }

  /* The doc's blocks with defaults: lines split at any line break, gap 0 first and 1 after. */
  function paragraphs(doc) {
    return (doc.blocks || []).map(function (block, index) {
      var lines = [];
      (block.lines || []).forEach(function (line) {
        lines.push.apply(lines, String(line).split(/\r\n|\r|\n/));
      });
      var gap = typeof block.gap === "number" && isFinite(block.gap) && block.gap >= 0
        ? Math.floor(block.gap) : (index ? 1 : 0);
      return { lines: lines, align: block.align === "end" ? "end" : "start",
               bold: !!block.bold, gap: gap };
    });
  }

  /* "sv" -> {language: "sv", region: "SE"}: word processors pick dictionaries by region. */
  function locale(lang) {
    var parts = String(lang || "und").split("-");
    var language = parts[0].toLowerCase();
    var region = (parts[1] || REGIONS[language] || "").toUpperCase();
    return { language: language, region: region,
             tag: region ? language + "-" + region : language };
  }

  function isoSeconds(date) { return date.toISOString().replace(/\.\d+Z$/, "Z"); }

  /* ---- Zip: stored entries (no compression), in the given order, names in UTF-8. ---- */

  var CRC_TABLE = (function () {
    var table = [], c, n, k;
    for (n = 0; n < 256; n++) {
      c = n;
      for (k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
    return table;
  }());

  function crc32(bytes) {
    var c = 0xFFFFFFFF;
    for (var i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xFF] ^ (c >>> 8);
    return (c ^ 0xFFFFFFFF) >>> 0;
  }

  /* Little-endian fields [[value, size in bytes], ...] followed by `tail` bytes. */
  function record(fields, tail) {
    var size = tail.length;
    fields.forEach(function (field) { size += field[1]; });
    var out = new Uint8Array(size), view = new DataView(out.buffer), at = 0;
    fields.forEach(function (field) {
      if (field[1] === 4) view.setUint32(at, field[0], true);
      else view.setUint16(at, field[0], true);
      at += field[1];
    });
    out.set(tail, at);
    return out;
  }

  /* [[name, text], ...] -> the parts of a zip file, to make a Blob of. */
  function zip(entries) {
    var encoder = new TextEncoder(), now = new Date();
    var time = now.getHours() << 11 | now.getMinutes() << 5 | now.getSeconds() >> 1;
    var date = (now.getFullYear() - 1980) << 9 | (now.getMonth() + 1) << 5 | now.getDate();
    var parts = [], directory = [], offset = 0, directorySize = 0;
    entries.forEach(function (entry) {
      var name = encoder.encode(entry[0]), data = encoder.encode(entry[1]);
      var common = [[20, 2], [0x0800, 2], [0, 2], [time, 2], [date, 2], [crc32(data), 4],
                    [data.length, 4], [data.length, 4], [name.length, 2], [0, 2]];
      var local = record([[0x04034B50, 4]].concat(common), name);
      var central = record([[0x02014B50, 4], [20, 2]].concat(common,
        [[0, 2], [0, 2], [0, 2], [0, 4], [offset, 4]]), name);
      parts.push(local, data);
      directory.push(central);
      offset += local.length + data.length;
      directorySize += central.length;
    });
    var end = record([[0x06054B50, 4], [0, 2], [0, 2], [entries.length, 2],
                      [entries.length, 2], [directorySize, 4], [offset, 4], [0, 2]], []);
    return parts.concat(directory, [end]);
  }

  /* ---- Word (.docx): the smallest package Word, LibreOffice and python-docx accept. ---- */

  function docxParagraph(block, rtl) {
    // In a right-to-left (w:bidi) paragraph Word reads jc "left"/"right" as start/end.
    var properties = (rtl ? "<w:bidi/>" : "") +
      '<w:spacing w:before="' + block.gap * GAP_PT * 20 + '" w:after="0"/>' +
      (block.align === "end" ? '<w:jc w:val="right"/>' : "");
    var run = (block.bold ? "<w:b/><w:bCs/>" : "") + (rtl ? "<w:rtl/>" : "");
    var text = block.lines.map(function (line) {
      return '<w:t xml:space="preserve">' + xml(line) + "</w:t>";
    }).join("<w:br/>");
    return "<w:p><w:pPr>" + properties + "</w:pPr><w:r>" +
      (run ? "<w:rPr>" + run + "</w:rPr>" : "") + text + "</w:r></w:p>";
  }

  function docx(doc) {
    var rtl = doc.dir === "rtl", place = locale(doc.lang), now = isoSeconds(new Date());
    var lang = '<w:lang w:val="' + xml(place.tag) + '"' +
      (rtl ? ' w:bidi="' + xml(place.tag) + '"' : "") + "/>";
    var rels = '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">';
    var officeDocument = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";
    var body = paragraphs(doc).map(function (block) { return docxParagraph(block, rtl); });
    var author = doc.author ? "<dc:creator>" + xml(doc.author) + "</dc:creator><cp:lastModifiedBy>" +
      xml(doc.author) + "</cp:lastModifiedBy>" : "";
    return file(zip([
      ["[Content_Types].xml", XML_HEAD +
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' +
        '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>' +
        '<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>' +
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>' +
        "</Types>"],
      ["_rels/.rels", XML_HEAD + rels +
        '<Relationship Id="rId1" Type="' + officeDocument + 'officeDocument" Target="word/document.xml"/>' +
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>' +
        "</Relationships>"],
      ["docProps/core.xml", XML_HEAD +
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ' +
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ' +
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
        "<dc:title>" + xml(doc.title || "") + "</dc:title>" + author +
        "<dc:language>" + xml(doc.lang || "") + "</dc:language>" +
        '<dcterms:created xsi:type="dcterms:W3CDTF">' + now + "</dcterms:created>" +
        '<dcterms:modified xsi:type="dcterms:W3CDTF">' + now + "</dcterms:modified>" +
        "</cp:coreProperties>"],
      ["word/_rels/document.xml.rels", XML_HEAD + rels +
        '<Relationship Id="rId1" Type="' + officeDocument + 'styles" Target="styles.xml"/>' +
        '<Relationship Id="rId2" Type="' + officeDocument + 'settings" Target="settings.xml"/>' +
        "</Relationships>"],
      ["word/styles.xml", XML_HEAD + '<w:styles xmlns:w="' + W + '">' +
        "<w:docDefaults><w:rPrDefault><w:rPr>" +
        '<w:rFonts w:ascii="' + FONT + '" w:hAnsi="' + FONT + '" w:eastAsia="' + FONT +
        '" w:cs="' + FONT + '"/><w:sz w:val="22"/><w:szCs w:val="22"/>' + lang +
        "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>" +
        '<w:spacing w:after="0" w:line="276" w:lineRule="auto"/>' +
        "</w:pPr></w:pPrDefault></w:docDefaults>" +
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>' +
        "<w:qFormat/></w:style></w:styles>"],
      ["word/settings.xml", XML_HEAD + '<w:settings xmlns:w="' + W + '"><w:compat>' +
        '<w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/>' +
        "</w:compat></w:settings>"],
      ["word/document.xml", XML_HEAD + '<w:document xmlns:w="' + W + '"><w:body>' +
        body.join("") + '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>' +
        '<w:pgMar w:top="1417" w:right="1417" w:bottom="1417" w:left="1417" w:header="709" ' +
        'w:footer="709" w:gutter="0"/>' + (rtl ? "<w:bidi/>" : "") +
        "</w:sectPr></w:body></w:document>"]
    ]), doc.filename, "docx");
  }

  /* ---- OpenDocument text (.odt): `mimetype` first and stored, as ODF requires. ---- */

  /* A line as ODF text: runs of spaces and a leading space would collapse without text:s. */
  function odtLine(line) {
    return xml(line).replace(/\t/g, "<text:tab/>").replace(/ {2,}/g, function (spaces) {
      return ' <text:s text:c="' + (spaces.length - 1) + '"/>';
    }).replace(/^ /, "<text:s/>");
  }

  /* Alignment as a side of the page: LibreOffice reads fo:text-align "start" and "end" as left
     and right even in a right-to-left paragraph. */
  function side(align, rtl) {
    return (align === "end") !== rtl ? "right" : "left";
  }

  function odt(doc) {
    var rtl = doc.dir === "rtl", place = locale(doc.lang), now = isoSeconds(new Date());
    var mode = ' style:writing-mode="' + (rtl ? "rl-tb" : "lr-tb") + '"';
    var country = xml(place.region || "none"), language = xml(place.language);
    var styles = {}, automatic = [], body = [];
    paragraphs(doc).forEach(function (block) {
      var key = [block.gap, block.align, block.bold].join(" ");
      if (!styles[key]) {
        styles[key] = "P" + (automatic.length + 1);
        automatic.push('<style:style style:name="' + styles[key] + '" style:family="paragraph" ' +
          'style:parent-style-name="Standard"><style:paragraph-properties fo:margin-top="' +
          block.gap * GAP_PT + 'pt" fo:text-align="' + side(block.align, rtl) + '"/>' +
          (block.bold ? '<style:text-properties fo:font-weight="bold" ' +
            'style:font-weight-complex="bold"/>' : "") + "</style:style>");
      }
      body.push('<text:p text:style-name="' + styles[key] + '">' +
        block.lines.map(odtLine).join("<text:line-break/>") + "</text:p>");
    });
    var author = doc.author ? "<meta:initial-creator>" + xml(doc.author) +
      "</meta:initial-creator><dc:creator>" + xml(doc.author) + "</dc:creator>" : "";
    return file(zip([
      ["mimetype", TYPES.odt],
      ["META-INF/manifest.xml", XML_HEAD +
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" ' +
        'manifest:version="1.2">' +
        '<manifest:file-entry manifest:full-path="/" manifest:version="1.2" ' +
        'manifest:media-type="' + TYPES.odt + '"/>' +
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>' +
        '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>' +
        '<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>' +
        "</manifest:manifest>"],
      ["meta.xml", XML_HEAD + "<office:document-meta " + ODF + "><office:meta>" +
        "<dc:title>" + xml(doc.title || "") + "</dc:title>" +
        "<dc:language>" + xml(doc.lang || "") + "</dc:language>" + author +
        "<meta:creation-date>" + now + "</meta:creation-date><dc:date>" + now + "</dc:date>" +
        "</office:meta></office:document-meta>"],
      ["styles.xml", XML_HEAD + "<office:document-styles " + ODF + ">" +
        '<office:font-face-decls><style:font-face style:name="' + FONT + '" svg:font-family="\'' +
        FONT + '\'" style:font-family-generic="swiss" style:font-pitch="variable"/>' +
        "</office:font-face-decls><office:styles>" +
        '<style:default-style style:family="paragraph"><style:paragraph-properties' + mode + "/>" +
        '<style:text-properties style:font-name="' + FONT + '" fo:font-size="11pt" ' +
        'style:font-size-complex="11pt" fo:language="' + language + '" fo:country="' + country +
        '"' + (rtl ? ' style:language-complex="' + language + '" style:country-complex="' +
          country + '"' : "") + "/></style:default-style>" +
        '<style:style style:name="Standard" style:family="paragraph" style:class="text">' +
        '<style:paragraph-properties fo:margin-top="0pt" fo:margin-bottom="0pt"' + mode + "/>" +
        "</style:style></office:styles><office:automatic-styles>" +
        '<style:page-layout style:name="A4"><style:page-layout-properties fo:page-width="210mm" ' +
        'fo:page-height="297mm" style:print-orientation="portrait" fo:margin-top="25mm" ' +
        'fo:margin-bottom="25mm" fo:margin-left="25mm" fo:margin-right="25mm"' + mode + "/>" +
        "</style:page-layout></office:automatic-styles><office:master-styles>" +
        '<style:master-page style:name="Standard" style:page-layout-name="A4"/>' +
        "</office:master-styles></office:document-styles>"],
      ["content.xml", XML_HEAD + "<office:document-content " + ODF + ">" +
        "<office:automatic-styles>" + automatic.join("") + "</office:automatic-styles>" +
        "<office:body><office:text>" + body.join("") + "</office:text></office:body>" +
        "</office:document-content>"]
    ]), doc.filename, "odt");
  }

  /* ---- Plain text: UTF-8, LF line ends, `gap` blank lines before each paragraph. ---- */

  function txt(doc) {
    var text = paragraphs(doc).map(function (block) {
      return new Array(block.gap + 1).join("\n") + block.lines.join("\n");
    }).join("\n");
    return file([text + "\n"], doc.filename, "txt");
  }

  /* ---- iCalendar (RFC 5545) reminder ---- */

  function icsText(text) {
    return String(text).replace(/\r\n|\r/g, "\n")
      .replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, "")
      .replace(/[\\;,]/g, "\\$&").replace(/\n/g, "\\n");
  }

  /* A content line folded after at most 75 octets of UTF-8, never inside a character. */
  function fold(line) {
    var out = "", size = 0, i = 0, piece, code, bytes;
    while (i < line.length) {
      code = line.charCodeAt(i);
      piece = (code & 0xFC00) === 0xD800 && (line.charCodeAt(i + 1) & 0xFC00) === 0xDC00
        ? line.substr(i, 2) : line.charAt(i);
      bytes = piece.length === 2 ? 4 : code < 0x80 ? 1 : code < 0x800 ? 2 : 3;
      if (size + bytes > 75) {
        out += "\r\n ";
        size = 1;
      }
      out += piece;
      size += bytes;
      i += piece.length;
    }
    return out;
  }

  function compactDate(date) {
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return date.getFullYear() + two(date.getMonth() + 1) + two(date.getDate());
  }

  function ics(reminder) {
    var days = Number(reminder.days);
    if (!(days >= 0 && days % 1 === 0)) throw new RangeError("days must be a whole number >= 0");
    var day = new Date();
    day.setDate(day.getDate() + days);
    var url = String(reminder.url || "").replace(/[\u0000-\u0020\u007F]/g, "");
    var host = "reminder.invalid";
    try { host = new URL(url).hostname || host; } catch (e) { /* no page address: keep it */ }
    var random = new Uint8Array(16), uid = "";
    crypto.getRandomValues(random);
    for (var i = 0; i < random.length; i++) uid += (random[i] + 256).toString(16).slice(1);
    var lang = /^[A-Za-z0-9-]+$/.test(reminder.lang || "") ? ";LANGUAGE=" + reminder.lang : "";
    var title = icsText(reminder.title || "");
    var description = String(reminder.description || "");
    if (url && description.indexOf(url) < 0) description += (description ? "\n\n" : "") + url;
    var start = compactDate(day);
    var lines = [
      "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Letter page//Reminder 1.0//EN",
      "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "BEGIN:VEVENT",
      "UID:" + uid + "@" + host,
      "DTSTAMP:" + isoSeconds(new Date()).replace(/[-:]/g, ""),
      "DTSTART:" + start + "T090000", "DTEND:" + start + "T091500",
      "SUMMARY" + lang + ":" + title,
      "DESCRIPTION" + lang + ":" + icsText(description)
    ].concat(url ? ["URL:" + url] : [], [
      "TRANSP:TRANSPARENT",
      "BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:PT0S", "DESCRIPTION" + lang + ":" + title,
      "END:VALARM", "END:VEVENT", "END:VCALENDAR"
    ]);
    return file([lines.map(fold).join("\r\n") + "\r\n"], reminder.filename, "ics");
  }

  /* ---- Draft of the answers, a file the reader keeps ---- */

  function strings(values, names) {
    var out = {};
    names.forEach(function (name) {
      if (Object.prototype.hasOwnProperty.call(values, name) &&
          typeof values[name] === "string") out[name] = values[name];
    });
    return out;
  }

  function draft(answers) {
    var values = answers.values || {};
    var data = {
      format: DRAFT_FORMAT, version: DRAFT_VERSION, letter: answers.key, lang: answers.lang,
      title: answers.title, saved: isoSeconds(new Date()),
      values: strings(values, Object.keys(values))
    };
    return file([JSON.stringify(data, null, 2) + "\n"], answers.filename, "json");
  }

  function failure(code, message, title) {
    var error = new Error(message);
    error.code = code;
    if (title !== undefined) error.title = title;
    return error;
  }

  function readDraft(text, expected) {
    var data;
    try {
      data = JSON.parse(String(text).replace(/^\uFEFF/, ""));
    } catch (e) {
      throw failure("not-json", "The file is not a saved draft (not JSON).");
    }
    if (!data || typeof data !== "object" || data.format !== DRAFT_FORMAT ||
        typeof data.version !== "number" || !(data.version >= 1)) {
      throw failure("not-a-draft", "The file is not a saved draft of a letter.");
    }
    if (data.version > DRAFT_VERSION) {
      throw failure("newer-version", "The draft was saved by a newer version of this page.");
    }
    if (data.letter !== expected.key) {
      throw failure("other-letter", "The draft belongs to another letter.",
                    typeof data.title === "string" ? data.title : "");
    }
    if (!data.values || typeof data.values !== "object") {
      throw failure("not-a-draft", "The draft holds no answers.");
    }
    return { lang: typeof data.lang === "string" ? data.lang : "",
             values: strings(data.values, expected.fields || []) };
  }

  /* Download `blob` as `filename` (default: the File's own name). */
  function save(blob, filename) {
    var url = URL.createObjectURL(blob);
    var link = document.createElement("a");
    link.href = url;
    link.download = filename || blob.name || "download";
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    document.body.removeChild(link);
    // Revoked later, not at once: some browsers read the URL after click() has returned.
    setTimeout(function () { URL.revokeObjectURL(url); }, REVOKE_AFTER_MS);
  }

  window.LetterFiles = { docx: docx, odt: odt, txt: txt, ics: ics, draft: draft,
                         readDraft: readDraft, save: save };
}());
