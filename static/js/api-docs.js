// Renders the OpenAPI document of /api/v1 as a readable reference: one section per tag, one card per operation.
// Served from static/ (the Content-Security-Policy allows no inline script); builds the page with DOM calls only,
// so nothing in the document is ever parsed as HTML.
(function () {
  "use strict";
  var root = document.getElementById("api-reference");
  if (!root) { return; }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  // Text with `code` spans, as DOM nodes (the document's descriptions use backticks, Markdown-style).
  function prose(text) {
    return String(text || "").split("`").map(function (part, i) {
      return i % 2 ? el("code", {}, [part]) : document.createTextNode(part);
    });
  }

  function refName(schema) {
    return schema && schema.$ref ? schema.$ref.split("/").pop() : null;
  }

  function typeOf(schema) {
    if (!schema) { return ""; }
    if (schema.$ref) { return refName(schema); }
    if (schema.anyOf) { return schema.anyOf.map(typeOf).join(" | "); }
    if (schema.type === "array") { return typeOf(schema.items) + "[]"; }
    if (schema.enum) { return schema.enum.map(function (v) { return JSON.stringify(v); }).join(" | "); }
    if (schema.const !== undefined) { return JSON.stringify(schema.const); }
    return (schema.type || "object") + (schema.format ? " (" + schema.format + ")" : "");
  }

  function schemaTable(name, schema) {
    var rows = Object.keys(schema.properties || {}).map(function (prop) {
      var required = (schema.required || []).indexOf(prop) >= 0;
      var p = schema.properties[prop];
      return el("tr", {}, [el("td", {}, [el("code", {}, [prop])]), el("td", {}, [typeOf(p)]),
                           el("td", {}, [required ? "required" : "optional"]), el("td", {}, prose(p.description))]);
    });
    return el("section", {"class": "card", id: "schema-" + name}, [
      el("h3", {}, [name]), el("p", {"class": "muted"}, prose(schema.description)),
      // A scroll region of its own, focusable and named, so a narrow screen scrolls the table, not the page.
      el("div", {"class": "table-wrap", tabindex: "0", role: "region", "aria-label": name + " fields"}, [
        el("table", {"class": "data"}, [el("thead", {}, [el("tr", {}, [el("th", {}, ["Field"]), el("th", {}, ["Type"]),
          el("th", {}, ["Presence"]), el("th", {}, ["Notes"])])]), el("tbody", {}, rows)])])]);
  }

  function operationCard(spec, path, method, op) {
    var params = (op.parameters || []).map(function (p) {
      return el("li", {}, [el("code", {}, [p.name]), " (" + p["in"] + ", " + typeOf(p.schema) +
        (p.required ? ", required" : "") + ")" + (p.description ? ": " : "")].concat(prose(p.description)));
    });
    var body = op.requestBody ? refName(op.requestBody.content["application/json"].schema) : null;
    var codes = Object.keys(op.responses).map(function (code) {
      var r = op.responses[code];
      if (r.$ref) { r = spec.components.responses[refName(r)] || r; }
      var content = r.content && r.content["application/json"];
      var parts = [el("code", {}, [code]), " "].concat(prose(r.description));
      if (content) { parts.push(" → ", el("a", {href: "#schema-" + refName(content.schema)}, [refName(content.schema)])); }
      return el("li", {}, parts);
    });
    var parts = [el("h3", {}, [el("code", {}, [method.toUpperCase() + " /api/v1" + path])]),
                 el("p", {}, [op.summary || ""])];
    (op.description || "").split("\n\n").forEach(function (para) { if (para) { parts.push(el("p", {"class": "muted"}, prose(para))); } });
    if (params.length) { parts.push(el("h4", {}, ["Parameters"]), el("ul", {}, params)); }
    if (body) { parts.push(el("h4", {}, ["Body"]), el("p", {}, [el("a", {href: "#schema-" + body}, [body])])); }
    parts.push(el("h4", {}, ["Responses"]), el("ul", {}, codes));
    return el("section", {"class": "card", id: op.operationId}, parts);
  }

  function render(spec) {
    var byTag = {};
    Object.keys(spec.paths).forEach(function (path) {
      Object.keys(spec.paths[path]).forEach(function (method) {
        var op = spec.paths[path][method];
        var tag = (op.tags && op.tags[0]) || "Other";
        (byTag[tag] = byTag[tag] || []).push(operationCard(spec, path, method, op));
      });
    });
    root.textContent = "";
    root.appendChild(el("p", {}, prose(spec.info.description)));
    var order = (spec.tags || []).map(function (t) { return t.name; });
    Object.keys(byTag).sort(function (a, b) {
      return (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99);
    }).forEach(function (tag) {
      root.appendChild(el("h2", {}, [tag]));
      byTag[tag].forEach(function (card) { root.appendChild(card); });
    });
    root.appendChild(el("h2", {}, ["Schemas"]));
    var schemas = spec.components.schemas;
    Object.keys(schemas).sort().forEach(function (name) { root.appendChild(schemaTable(name, schemas[name])); });
  }

  fetch(root.getAttribute("data-spec"), {credentials: "omit"})
    .then(function (response) { return response.json(); })
    .then(render)
    .catch(function () { root.textContent = "The reference could not be loaded; open the OpenAPI document instead."; });
}());
