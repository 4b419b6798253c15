/* stancegraph network page. Document text only ever reaches the page through
   textContent and vis-network's plain-text tooltips; links only for http(s). */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("sg-data").textContent);
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var container = document.getElementById("network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  var sg = { network: network, nodes: nodes, edges: edges, ready: false, meta: data.meta, info: data.info };
  window.stancegraph = sg;
  var details = document.getElementById("details");

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function safeUrl(url) {
    if (typeof url !== "string" || /[\u0000-\u0020\u007f\\]/.test(url)) { return null; }
    try {
      var u = new URL(url);
      return (u.protocol === "http:" || u.protocol === "https:") && u.host ? u.href : null;
    } catch (err) {
      return null;
    }
  }

  function link(url, text) {
    var href = safeUrl(url);
    if (!href) { return el("span", "plain", text || url); }
    var a = el("a", null, text || href);
    a.href = href;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    a.referrerPolicy = "no-referrer";
    return a;
  }

  function clear() {
    while (details.firstChild) { details.removeChild(details.firstChild); }
  }

  function badge(polarity) {
    var known = ["positive", "negative", "mixed", "neutral"];
    return el("span", "badge " + (known.indexOf(polarity) >= 0 ? polarity : "neutral"), polarity);
  }

  function sourceList(sources) {
    var ul = el("ul", "sources");
    (sources || []).forEach(function (s) {
      var li = el("li");
      li.appendChild(el("span", "meta", "Source: "));
      li.appendChild(link(s.url, s.title || s.path || s.iri));
      if (s.path && s.title && s.path !== s.title) { li.appendChild(el("span", "meta", " (" + s.path + ")")); }
      ul.appendChild(li);
    });
    return ul;
  }

  function item(d) {
    var box = el("div", "item");
    var head = el("div");
    head.appendChild(badge(d.polarity));
    head.appendChild(el("span", null, " " + d.kind + (d.strength ? " (" + d.strength + ")" : "")));
    box.appendChild(head);
    var when = d.date ? d.date + (d.precision && d.precision !== "day" ? " (" + d.precision + ")" : "") : "undated";
    box.appendChild(el("div", "meta", d.from + " \u2192 " + d.to + " \u00b7 " + when));
    if (d.quote) { box.appendChild(el("blockquote", "quote", "\u201c" + d.quote + "\u201d")); }
    if (d.text) { box.appendChild(el("p", "plain", d.text)); }
    if (d.url) {
      var p = el("p", "meta");
      p.appendChild(link(d.url, "article"));
      box.appendChild(p);
    }
    box.appendChild(sourceList(d.sources));
    if (d.evidence && d.evidence.length) {
      var ev = el("details");
      ev.appendChild(el("summary", "meta", d.evidence.length + " evidence node(s)"));
      d.evidence.forEach(function (e) {
        ev.appendChild(el("div", "meta plain", [e.date, e.quote, e.text, e.iri].filter(Boolean).join(" \u00b7 ")));
      });
      box.appendChild(ev);
    }
    return box;
  }

  function showEdge(id) {
    var info = data.info.edges[id];
    if (!info) { return; }
    clear();
    details.appendChild(el("h2", null, info.from + " \u2192 " + info.to));
    if (info.items) {
      var head = el("p");
      head.appendChild(badge(info.polarity));
      head.appendChild(el("span", null, " " + info.count + " pieces of evidence: " + info.kind));
      details.appendChild(head);
      info.items.forEach(function (d) { details.appendChild(item(d)); });
      if (info.more) { details.appendChild(el("p", "meta", "\u2026 and " + info.more + " more")); }
    } else {
      details.appendChild(item(info));
    }
  }

  function showNode(id) {
    var info = data.info.nodes[String(id)];
    if (!info) { return; }
    clear();
    details.appendChild(el("h2", null, info.label));
    details.appendChild(el("p", null, info.type + " \u00b7 " + info.degree + " link(s)"));
    if (info.wikidata) {
      var p = el("p");
      p.appendChild(el("span", "meta", "Wikidata: "));
      p.appendChild(link(info.wikidataUrl, info.wikidata));
      details.appendChild(p);
    }
    details.appendChild(el("p", "meta plain", info.iri));
  }

  network.on("click", function (params) {
    if (params.nodes.length) { showNode(params.nodes[0]); }
    else if (params.edges.length) { showEdge(params.edges[0]); }
  });

  function markReady() {
    if (sg.ready) { return; }
    sg.ready = true;
    document.body.setAttribute("data-ready", "true");
    network.fit();
    if (data.meta.focus !== null && data.meta.focus !== undefined) {
      network.selectNodes([data.meta.focus]);
      network.focus(data.meta.focus, { scale: 1.2 });
      showNode(data.meta.focus);
    }
  }
  sg.showEdge = showEdge;
  sg.showNode = showNode;
  if (data.meta.physics) {
    network.once("stabilizationIterationsDone", markReady);
    network.once("stabilized", markReady);
    if (!data.nodes.length) { markReady(); }
  } else {
    network.once("afterDrawing", markReady);
  }
})();
