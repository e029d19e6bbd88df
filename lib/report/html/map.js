/*
 * The network map's page script (runs in the browser, inlined into network-report.html with
 * Cytoscape.js). Reads the report and the precomputed positions from #report-data, draws
 * namespaces as compound nodes, workloads and peers as nodes, allowed flows as edges, and wires
 * search, filters, selection and the details panel. Exposes `window.networkMap` for tests.
 */
/* global document, window, setTimeout, clearTimeout */
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var report = data.report;
  var byId = {};
  report.endpoints.forEach(function (e) { byId[e.id] = e; });

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return node;
  }
  function isDns(f) { return f.declared.indexOf('dns') >= 0; }
  function nameOf(id) {
    var e = byId[id];
    if (!e) return id;
    if (e.type === 'ip-block') return e.name;
    return (e.namespace ? e.namespace + '/' : '') + e.name;
  }

  var elements = [];
  data.groups.forEach(function (g) {
    elements.push({ group: 'nodes', data: { id: 'ns:' + g.key, label: g.label, kind: 'namespace', namespace: g.key } });
  });
  report.endpoints.forEach(function (e) {
    var pos = data.positions[e.id];
    elements.push({
      group: 'nodes',
      data: {
        id: e.id, label: e.kind && e.kind !== 'Deployment' ? e.name + ' (' + e.kind + ')' : e.name,
        kind: e.type, namespace: e.namespace || '', parent: 'ns:' + data.groupOf[e.id],
      },
      position: { x: pos[0], y: pos[1] },
    });
  });
  report.flows.forEach(function (f, i) {
    elements.push({
      group: 'edges',
      data: { id: 'flow:' + i, source: f.from, target: f.to, index: i, ports: f.ports.join(', '), dns: isDns(f), declared: f.declared.length > 0 },
      classes: isDns(f) ? 'dns' : f.declared.length === 0 ? 'undeclared' : '',
    });
  });

  var big = report.endpoints.length > 300;
  function emphasis(color, width) {
    return { 'line-color': color, 'target-arrow-color': color, 'width': width, 'label': 'data(ports)', 'font-size': 10 };
  }
  var cy = window.cytoscape({
    container: document.getElementById('graph'),
    elements: elements,
    layout: { name: 'preset', fit: true, padding: 30 },
    minZoom: 0.02,
    maxZoom: 4,
    wheelSensitivity: 0.3,
    pixelRatio: 1,
    textureOnViewport: big,
    hideEdgesOnViewport: big,
    style: [
      { selector: 'node', style: {
        'label': 'data(label)', 'font-size': 12, 'min-zoomed-font-size': 7, 'text-valign': 'center', 'text-halign': 'center',
        'shape': 'round-rectangle', 'width': 140, 'height': 36, 'background-color': '#dbeafe', 'border-width': 1, 'border-color': '#3b82f6',
        'text-wrap': 'ellipsis', 'text-max-width': 132,
      } },
      { selector: 'node[kind = "external-pods"]', style: { 'background-color': '#fef3c7', 'border-color': '#d97706', 'shape': 'ellipse' } },
      { selector: 'node[kind = "ip-block"]', style: { 'background-color': '#f3f4f6', 'border-color': '#6b7280', 'shape': 'hexagon' } },
      { selector: 'node[kind = "namespace"]', style: {
        'shape': 'round-rectangle', 'background-color': '#f8fafc', 'border-color': '#94a3b8', 'border-width': 1, 'padding': 16,
        'text-valign': 'top', 'text-halign': 'center', 'font-size': 16, 'font-weight': 'bold', 'min-zoomed-font-size': 4,
        'text-wrap': 'none', 'text-max-width': 2000,
      } },
      { selector: 'edge', style: {
        'width': 1.5, 'line-color': '#64748b', 'target-arrow-color': '#64748b', 'target-arrow-shape': 'triangle',
        'curve-style': big ? 'straight' : 'bezier', 'arrow-scale': 0.8,
      } },
      { selector: 'edge.undeclared', style: { 'line-color': '#dc2626', 'target-arrow-color': '#dc2626', 'line-style': 'dashed' } },
      { selector: 'edge.dns', style: { 'line-color': '#cbd5e1', 'target-arrow-color': '#cbd5e1', 'width': 1 } },
      { selector: '.hidden', style: { 'display': 'none' } },
      { selector: '.faded', style: { 'opacity': 0.12 } },
      { selector: 'node.match', style: { 'border-width': 4, 'border-color': '#7c3aed', 'background-color': '#ede9fe' } },
      { selector: 'node.focus', style: { 'border-width': 4, 'border-color': '#111827', 'background-color': '#fde68a' } },
      { selector: 'edge.out', style: emphasis('#2563eb', 3) },
      { selector: 'edge.in', style: emphasis('#16a34a', 3) },
      { selector: 'edge:selected', style: emphasis('#7c3aed', 4) },
    ],
  });

  var details = document.getElementById('details');
  var status = document.getElementById('status');
  var dnsToggle = document.getElementById('show-dns');
  var nsSelect = document.getElementById('namespace');
  var portInput = document.getElementById('port');
  var searchInput = document.getElementById('search');

  function show(title, rows) {
    details.innerHTML = '';
    details.appendChild(el('h2', {}, [title]));
    var dl = el('dl');
    rows.forEach(function (r) {
      dl.appendChild(el('dt', {}, [r[0]]));
      var dd = el('dd', { 'data-field': r[0] });
      var values = Array.isArray(r[1]) ? r[1] : [r[1]];
      if (values.length === 0) dd.appendChild(document.createTextNode('none'));
      values.forEach(function (v) { dd.appendChild(el('div', {}, [String(v)])); });
      dl.appendChild(dd);
    });
    details.appendChild(dl);
  }

  function clearHighlight() {
    cy.batch(function () { cy.elements().removeClass('faded focus out in match'); });
  }

  function selectEdge(edge) {
    var f = report.flows[edge.data('index')];
    clearHighlight();
    show('Flow', [
      ['From', nameOf(f.from)], ['To', nameOf(f.to)], ['Ports', f.ports.join(', ')],
      ['Allowed by', f.allowedBy.slice()], ['Declared as', f.declared.length ? f.declared.join(', ') : 'not declared'],
      ['Declared by', (f.declaredBy || []).slice()],
      ['Calls', (f.calls || []).slice()],
    ]);
  }

  function selectNode(node) {
    var e = byId[node.id()];
    if (!e) return;
    var out = node.outgoers('edge').filter(function (x) { return !x.hasClass('hidden'); });
    var inc = node.incomers('edge').filter(function (x) { return !x.hasClass('hidden'); });
    cy.batch(function () {
      cy.elements().removeClass('focus out in match').addClass('faded');
      cy.nodes('[kind = "namespace"]').removeClass('faded');
      node.removeClass('faded').addClass('focus');
      out.removeClass('faded').addClass('out').targets().removeClass('faded');
      inc.removeClass('faded').addClass('in').sources().removeClass('faded');
    });
    var rows = [['Namespace', e.namespace || '-'], ['Type', e.kind || e.type]];
    if (e.path) rows.push(['Construct', e.path]);
    if (e.isolated) rows.push(['Isolated', 'ingress ' + (e.isolated.ingress ? 'yes' : 'no') + ', egress ' + (e.isolated.egress ? 'yes' : 'no')]);
    rows.push(['Can reach', out.map(function (x) { return nameOf(x.target().id()) + ' (' + x.data('ports') + ')'; })]);
    rows.push(['Reachable from', inc.map(function (x) { return nameOf(x.source().id()) + ' (' + x.data('ports') + ')'; })]);
    show(nameOf(e.id), rows);
  }

  cy.on('tap', 'edge', function (evt) { selectEdge(evt.target); });
  cy.on('tap', 'node', function (evt) { if (evt.target.data('kind') !== 'namespace') selectNode(evt.target); });
  cy.on('tap', function (evt) {
    if (evt.target === cy) { clearHighlight(); details.innerHTML = '<p>Click a workload or a flow.</p>'; }
  });

  /** Applies the namespace, port and DNS filters: hidden elements leave the drawing, not the graph. */
  function applyFilters() {
    var ns = nsSelect.value;
    var port = portInput.value.trim().toLowerCase();
    var showDns = dnsToggle.checked;
    cy.batch(function () {
      cy.elements().removeClass('hidden');
      cy.edges().forEach(function (edge) {
        var hide = (!showDns && edge.data('dns')) || (port && edge.data('ports').toLowerCase().indexOf(port) < 0);
        if (ns && edge.source().data('namespace') !== ns && edge.target().data('namespace') !== ns) hide = true;
        if (hide) edge.addClass('hidden');
      });
      if (ns || port) {
        cy.nodes().forEach(function (n) {
          if (n.data('kind') === 'namespace') return;
          var inNs = !ns || n.data('namespace') === ns;
          var linked = n.connectedEdges().some(function (x) { return !x.hasClass('hidden'); });
          if (port ? !linked : !(inNs || linked)) n.addClass('hidden');
        });
        cy.nodes('[kind = "namespace"]').forEach(function (p) {
          if (p.children().every(function (c) { return c.hasClass('hidden'); })) p.addClass('hidden');
        });
      }
    });
    var visible = cy.elements().not('.hidden');
    if (ns || port) cy.fit(visible, 30);
    status.textContent = visible.nodes('[kind != "namespace"]').length + ' nodes, ' + visible.edges().length + ' flows shown';
  }

  /** Search by workload, namespace or port: matching nodes are outlined, the rest faded. */
  function search(query) {
    var q = query.trim().toLowerCase();
    clearHighlight();
    if (!q) { status.textContent = ''; return 0; }
    var matches = cy.nodes('[kind != "namespace"]').filter(function (n) {
      if (n.hasClass('hidden')) return false;
      if (n.data('label').toLowerCase().indexOf(q) >= 0 || n.data('namespace').toLowerCase().indexOf(q) >= 0) return true;
      return n.connectedEdges().some(function (x) { return !x.hasClass('hidden') && x.data('ports').toLowerCase().indexOf(q) >= 0; });
    });
    cy.batch(function () {
      cy.elements().addClass('faded');
      cy.nodes('[kind = "namespace"]').removeClass('faded');
      matches.removeClass('faded').addClass('match');
    });
    if (matches.length > 0) cy.fit(matches, matches.length === 1 ? 200 : 40);
    if (matches.length === 1) selectNode(matches[0]);
    status.textContent = matches.length + ' match' + (matches.length === 1 ? '' : 'es');
    return matches.length;
  }

  var timer;
  searchInput.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () { search(searchInput.value); }, 150);
  });
  nsSelect.addEventListener('change', applyFilters);
  portInput.addEventListener('input', applyFilters);
  dnsToggle.addEventListener('change', applyFilters);
  document.getElementById('fit').addEventListener('click', function () { cy.fit(cy.elements().not('.hidden'), 30); });

  data.groups.forEach(function (g) { nsSelect.appendChild(el('option', { value: g.key }, [g.label])); });
  applyFilters();

  window.networkMap = {
    cy: cy,
    search: search,
    applyFilters: applyFilters,
    counts: function () {
      return {
        endpoints: cy.nodes('[kind != "namespace"]').length,
        namespaces: cy.nodes('[kind = "namespace"]').length,
        flows: cy.edges().length,
      };
    },
    ready: true,
  };
})();
