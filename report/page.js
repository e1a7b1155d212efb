// The script of a landscape report page: it draws every chart from the
// embedded page data with ECharts (and ECharts-GL), offers the data behind
// each chart for download, and reports its progress in attributes of <html>:
// data-landscape-charts (how many charts), data-landscape-status (JSON:
// rendered, canvases per chart, errors) and data-landscape-done once every
// chart has finished drawing. It draws the charts near the window only (see
// draw and release below); #landscape-walk in the address makes it scroll
// through them all, and #landscape-walk,landscape-selftest also builds every
// chart's downloads.
(function () {
  'use strict';
  var L = window.LANDSCAPE || { errors: [], record: function () {} };
  var root = document.documentElement;
  var page = JSON.parse(document.getElementById('landscape-data').textContent);
  var specs = page.charts;
  var finished = [];
  var instances = [];
  root.setAttribute('data-landscape-charts', String(specs.length));

  // ---- numbers -----------------------------------------------------------

  // exact formats a number as the shortest decimal that reads back to the
  // same value (for float32 data, the same float32).
  function exact(v, f32) {
    if (v === null || v === undefined) return 'NaN';
    if (typeof v !== 'number') return String(v);
    if (isNaN(v)) return 'NaN';
    if (f32 && isFinite(v)) {
      for (var p = 1; p <= 9; p++) {
        var s = +v.toPrecision(p);
        if (Math.fround(s) === v) return String(s);
      }
    }
    return String(v);
  }

  // tick formats an axis label with at most 4 significant digits.
  function tick(v) {
    if (typeof v !== 'number') return String(v);
    if (v === 0) return '0';
    var a = Math.abs(v);
    if (a >= 1e5 || a < 1e-3) return v.toExponential(2).replace(/\.?0+e/, 'e');
    return String(+v.toPrecision(4));
  }

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  // ---- tables ------------------------------------------------------------

  function decode(g) {
    var bin = atob(g.values);
    var view = new DataView(new ArrayBuffer(bin.length));
    for (var i = 0; i < bin.length; i++) view.setUint8(i, bin.charCodeAt(i));
    var n = g.rows * g.cols, out = new Float64Array(n);
    for (var k = 0; k < n; k++) {
      out[k] = g.enc === 'f32' ? view.getFloat32(4 * k, true) : view.getFloat64(8 * k, true);
    }
    return out;
  }

  // rows returns a table as an array of rows, whatever its form.
  function rows(t) {
    if (t._rows) return t._rows;
    var out = [];
    if (t.grid) {
      var g = t.grid, v = values(t), b = g.block || 1;
      for (var r = 0; r < g.rows; r++) {
        for (var c = 0; c < g.cols; c++) {
          var z = v[r * g.cols + c];
          out.push(g.x ? [g.x[c], g.y[r], isNaN(z) ? null : z] : [c * b, r * b, isNaN(z) ? null : z]);
        }
      }
    } else {
      var n = t.data.length ? t.data[0].length : 0;
      for (var i = 0; i < n; i++) {
        var row = [];
        for (var k = 0; k < t.data.length; k++) row.push(t.data[k][i]);
        out.push(row);
      }
    }
    t._rows = out;
    return out;
  }

  function values(t) {
    if (!t._values) t._values = decode(t.grid);
    return t._values;
  }

  function isNum(v) { return typeof v === 'number' && isFinite(v); }

  // ---- series data from tables --------------------------------------------

  var binders = {
    rows: function (t) { return rows(t); },
    arrows: function (t) {
      var rs = rows(t), out = [];
      for (var i = 0; i + 1 < rs.length; i++) {
        var a = rs[i], b = rs[i + 1];
        if (isNum(a[0]) && isNum(a[1]) && isNum(b[0]) && isNum(b[1])) out.push([a[0], a[1], b[0], b[1]]);
      }
      return out;
    },
    heat: function (t) {
      var g = t.grid, v = values(t), out = [];
      for (var r = 0; r < g.rows; r++) {
        for (var c = 0; c < g.cols; c++) {
          var z = v[r * g.cols + c];
          if (!isNaN(z)) out.push([c, r, z]);
        }
      }
      return out;
    },
    // cells draws a filled contour's grid as rectangles, one per run of
    // neighbouring cells in a row that fall in the same band: the picture
    // is the same as one per cell (a band has one colour), with a tenth of
    // the objects for the browser to hold. Each item is [x from, x to, y
    // from, y to, value of the first cell, x of the first cell, y, x of the
    // last cell, smallest value, largest value].
    cells: function (t, spec) {
      var g = t.grid, v = values(t), out = [];
      var xe = edges(g.x), ye = edges(g.y);
      var vm = spec.option.visualMap && spec.option.visualMap[0], pieces = (vm && vm.pieces) || [];
      function band(z) {
        if (isNaN(z)) return -1;
        for (var k = 0; k < pieces.length; k++) {
          var p = pieces[k];
          if ((p.gte === undefined || z >= p.gte) && (p.lt === undefined || z < p.lt) && (p.lte === undefined || z <= p.lte)) return k;
        }
        return -2;
      }
      for (var r = 0; r < g.rows; r++) {
        var c0 = 0, b0 = band(v[r * g.cols]), lo = Infinity, hi = -Infinity;
        for (var c = 0; c <= g.cols; c++) {
          var z = c < g.cols ? v[r * g.cols + c] : NaN, b = c < g.cols ? band(z) : -3;
          if (b !== b0) {
            if (b0 !== -1) out.push([xe[c0], xe[c], ye[r], ye[r + 1], v[r * g.cols + c0], g.x[c0], g.y[r], g.x[c - 1], lo, hi]);
            c0 = c; b0 = b; lo = Infinity; hi = -Infinity;
          }
          if (!isNaN(z)) { lo = Math.min(lo, z); hi = Math.max(hi, z); }
        }
      }
      return out;
    },
    surface: function (t) {
      var g = t.grid, v = values(t), out = [];
      for (var r = 0; r < g.rows; r++) {
        for (var c = 0; c < g.cols; c++) {
          var z = v[r * g.cols + c];
          out.push([g.x[c], g.y[r], isFinite(z) ? z : null]);
        }
      }
      return out;
    },
    discs: function (t) {
      return rows(t).map(function (d) { return [d[0], d[1], d[2], d[0] - d[2], d[0] + d[2], d[1] - d[2], d[1] + d[2]]; });
    },
    bars: function (t) { return rows(t); }
  };

  // edges returns the cell boundaries around grid coordinates: midpoints
  // between neighbours, and half a step beyond the ends.
  function edges(xs) {
    var n = xs.length, e = new Array(n + 1);
    if (n === 1) return [xs[0] - 0.5, xs[0] + 0.5];
    for (var i = 1; i < n; i++) e[i] = (xs[i - 1] + xs[i]) / 2;
    e[0] = xs[0] - (xs[1] - xs[0]) / 2;
    e[n] = xs[n - 1] + (xs[n - 1] - xs[n - 2]) / 2;
    return e;
  }

  // ---- tooltips ------------------------------------------------------------

  function marker(color) {
    return '<span style="display:inline-block;width:9px;height:9px;border-radius:50%;margin-right:5px;background:' + esc(color) + '"></span>';
  }

  function axisTooltip(spec) {
    var xname = (spec.option.xAxis && spec.option.xAxis[0] && spec.option.xAxis[0].name) || 'x';
    return function (ps) {
      if (!ps || !ps.length) return '';
      var x0 = ps[0].value[0];
      var out = [esc(xname) + ' ' + esc(exact(x0))];
      ps.forEach(function (p) {
        var v = p.value, line = marker(p.color) + esc(p.seriesName) + ': <b>' + esc(exact(v[1])) + '</b>';
        if (v[0] !== x0) line += ' at ' + esc(exact(v[0]));
        out.push(line);
      });
      return out.join('<br>');
    };
  }

  function itemTooltip(spec) {
    return function (p) {
      var b = spec._bindOf[p.seriesIndex];
      if (!b) return esc(p.seriesName);
      var t = spec.tables[b.table], v = p.value, cols = t.columns, head = marker(p.color) + esc(p.seriesName) + '<br>';
      switch (b.as) {
        case 'heat': {
          var g = t.grid, f = g.block || 1, f32 = g.enc === 'f32';
          if (f > 1) {
            var r0 = v[1] * f, c0 = v[0] * f, r1 = Math.min(r0 + f, g.full[0]) - 1, c1 = Math.min(c0 + f, g.full[1]) - 1;
            return head + 'rows ' + r0 + '–' + r1 + ', columns ' + c0 + '–' + c1 + ' (mean of the block)<br>' +
              esc(cols[2]) + ': <b>' + esc(exact(v[2], f32)) + '</b>';
          }
          return head + 'row ' + v[1] + ', column ' + v[0] + '<br>' + esc(cols[2]) + ': <b>' + esc(exact(v[2], f32)) + '</b>';
        }
        case 'cells':
          if (v[7] !== v[5]) {
            return head + esc(cols[0]) + ': ' + esc(exact(v[5])) + ' to ' + esc(exact(v[7])) + '<br>' + esc(cols[1]) + ': ' + esc(exact(v[6])) +
              '<br>' + esc(cols[2]) + ': <b>' + esc(exact(v[8])) + '</b> to <b>' + esc(exact(v[9])) + '</b> (cells of one band; every value in the downloads)';
          }
          return head + esc(cols[0]) + ': ' + esc(exact(v[5])) + '<br>' + esc(cols[1]) + ': ' + esc(exact(v[6])) +
            '<br>' + esc(cols[2]) + ': <b>' + esc(exact(v[4])) + '</b>';
        case 'discs':
          return head + 'centre ' + esc(exact(v[0])) + (v[1] < 0 ? ' − ' : ' + ') + esc(exact(Math.abs(v[1]))) + 'i<br>radius: <b>' + esc(exact(v[2])) + '</b>';
        case 'bars':
          return head + '[' + esc(exact(v[0])) + ', ' + esc(exact(v[1])) + '): <b>' + esc(exact(v[2])) + '</b>';
        default: {
          var lines = [];
          for (var i = 0; i < cols.length && i < v.length; i++) lines.push(esc(cols[i]) + ': <b>' + esc(exact(v[i])) + '</b>');
          return head + lines.join('<br>');
        }
      }
    };
  }

  // ---- custom series -------------------------------------------------------

  function clip(params) {
    var c = params.coordSys;
    return { x: c.x, y: c.y, width: c.width, height: c.height };
  }

  var renderers = {
    arrow: function (params, api) {
      var a = api.coord([api.value(0), api.value(1)]), b = api.coord([api.value(2), api.value(3)]);
      var dx = b[0] - a[0], dy = b[1] - a[1], len = Math.sqrt(dx * dx + dy * dy);
      if (!(len > 0.5)) return null;
      var color = api.visual('color'), h = Math.min(10, len * 0.45), w = h * 0.45, ux = dx / len, uy = dy / len;
      var base = [b[0] - ux * h, b[1] - uy * h];
      return {
        type: 'group', children: [
          { type: 'line', shape: { x1: a[0], y1: a[1], x2: base[0], y2: base[1] }, style: { stroke: color, lineWidth: 1.6 } },
          { type: 'polygon', shape: { points: [b, [base[0] - uy * w, base[1] + ux * w], [base[0] + uy * w, base[1] - ux * w]] }, style: { fill: color } }
        ]
      };
    },
    cells: function (params, api) {
      var p0 = api.coord([api.value(0), api.value(3)]), p1 = api.coord([api.value(1), api.value(2)]);
      var r = echarts.graphic.clipRectByRect({
        x: Math.min(p0[0], p1[0]), y: Math.min(p0[1], p1[1]),
        width: Math.abs(p1[0] - p0[0]) + 0.6, height: Math.abs(p1[1] - p0[1]) + 0.6
      }, clip(params));
      return r && { type: 'rect', shape: r, style: { fill: api.visual('color') } };
    },
    segment: function (params, api) {
      var a = api.coord([api.value(0), api.value(1)]), b = api.coord([api.value(2), api.value(3)]);
      return { type: 'line', shape: { x1: a[0], y1: a[1], x2: b[0], y2: b[1] }, style: { stroke: api.visual('color'), lineWidth: 0.9, opacity: 0.75 } };
    },
    disc: function (params, api) {
      var c = api.coord([api.value(0), api.value(1)]), s = api.size([api.value(2), api.value(2)]);
      var pts = [];
      for (var i = 0; i < 96; i++) {
        var a = 2 * Math.PI * i / 96;
        pts.push([c[0] + s[0] * Math.cos(a), c[1] + s[1] * Math.sin(a)]);
      }
      var color = api.visual('color');
      return { type: 'polygon', shape: { points: pts }, style: { fill: color, opacity: 0.28, stroke: color, lineWidth: 1.4 } };
    },
    bar: function (params, api) {
      var a = api.coord([api.value(0), api.value(2)]), b = api.coord([api.value(1), 0]);
      var bottom = params.coordSys.y + params.coordSys.height;
      if (!isFinite(b[1]) || b[1] > bottom) b[1] = bottom;
      var r = echarts.graphic.clipRectByRect({ x: a[0], y: a[1], width: Math.max(b[0] - a[0] - 1, 1), height: b[1] - a[1] }, clip(params));
      return r && { type: 'rect', shape: r, style: { fill: api.visual('color'), opacity: 0.6 } };
    }
  };

  // resolve replaces the strings "landscape:NAME" in an option by functions.
  function resolve(node, spec) {
    if (Array.isArray(node)) {
      for (var i = 0; i < node.length; i++) node[i] = resolve(node[i], spec);
      return node;
    }
    if (node && typeof node === 'object') {
      for (var k in node) if (Object.prototype.hasOwnProperty.call(node, k)) node[k] = resolve(node[k], spec);
      return node;
    }
    if (typeof node === 'string' && node.indexOf('landscape:') === 0) {
      var name = node.slice(10);
      if (name === 'axis') return axisTooltip(spec);
      if (name === 'item') return itemTooltip(spec);
      if (name === 'tick') return tick;
      if (name === 'range') return function (a, b) { return b === undefined ? tick(a) : tick(a) + ' – ' + tick(b); };
      if (renderers[name]) return renderers[name];
      throw new Error('report: unknown function ' + node);
    }
    return node;
  }

  // equalScale widens one axis so that both have the same units per pixel.
  function equalScale(option, e, width, height) {
    var g = option.grid && (option.grid[0] || option.grid) || {};
    var w = width - (+g.left || 0) - (+g.right || 0), h = height - (+g.top || 0) - (+g.bottom || 0);
    if (!(w > 0 && h > 0)) return;
    var sx = (e[1] - e[0]) / w, sy = (e[3] - e[2]) / h, s = Math.max(sx, sy) * 1.06 || 1;
    var cx = (e[0] + e[1]) / 2, cy = (e[2] + e[3]) / 2;
    option.xAxis[0].min = cx - s * w / 2; option.xAxis[0].max = cx + s * w / 2;
    option.yAxis[0].min = cy - s * h / 2; option.yAxis[0].max = cy + s * h / 2;
    // The ends of the axes fall between ticks: leave them unlabelled.
    [option.xAxis[0], option.yAxis[0]].forEach(function (a) {
      a.axisLabel = a.axisLabel || {};
      a.axisLabel.showMinLabel = false;
      a.axisLabel.showMaxLabel = false;
    });
  }

  // ---- downloads -------------------------------------------------------------

  function csvCell(v) {
    if (v === null || v === undefined) return '';
    var s = typeof v === 'number' ? exact(v) : String(v);
    return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  // downloaded returns the tables a chart's downloads hold: the full data
  // where the page kept it beside the decimated data it draws.
  function downloaded(spec) { return spec.full || spec.tables; }

  function csv(spec) {
    var cols = [];
    downloaded(spec).forEach(function (t) {
      t.columns.forEach(function (c) { if (cols.indexOf(c) < 0) cols.push(c); });
    });
    var lines = [['series'].concat(cols).map(csvCell).join(',')];
    downloaded(spec).forEach(function (t) {
      var f32 = t.grid && t.grid.enc === 'f32';
      var at = cols.map(function (c) { return t.columns.indexOf(c); });
      rows(t).forEach(function (r) {
        var cells = [csvCell(t.name)];
        at.forEach(function (k, j) {
          var v = k < 0 ? null : r[k];
          cells.push(f32 && j === at.length - 1 && typeof v === 'number' ? exact(v, true) : csvCell(v));
        });
        lines.push(cells.join(','));
      });
    });
    return lines.join('\n') + '\n';
  }

  function json(spec) {
    var out = { title: spec.title, page: page.title, tables: [] };
    if (spec.download_note) out.note = spec.download_note;
    downloaded(spec).forEach(function (t) {
      var o = { name: t.name, columns: t.columns };
      if (t.grid) {
        var g = t.grid, v = values(t), m = [], f32 = g.enc === 'f32';
        for (var r = 0; r < g.rows; r++) {
          var row = [];
          for (var c = 0; c < g.cols; c++) {
            var z = v[r * g.cols + c];
            row.push(isFinite(z) ? (f32 ? +exact(z, true) : z) : null);
          }
          m.push(row);
        }
        o.rows = g.rows; o.cols = g.cols;
        if (g.x) { o.x = g.x; o.y = g.y; }
        if (g.block > 1) { o.block = g.block; o.full_rows = g.full[0]; o.full_cols = g.full[1]; }
        o.values = m;
      } else {
        o.rows = rows(t);
      }
      out.tables.push(o);
    });
    return JSON.stringify(out, null, 1) + '\n';
  }

  function download(name, type, text) {
    var url = URL.createObjectURL(new Blob([text], { type: type }));
    var a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(url); a.remove(); }, 1000);
  }

  document.addEventListener('click', function (e) {
    var a = e.target.closest && e.target.closest('a[data-download]');
    if (!a) return;
    e.preventDefault();
    var spec = specs[+a.getAttribute('data-chart')];
    if (a.getAttribute('data-download') === 'csv') download(spec.slug + '.csv', 'text/csv', csv(spec));
    else download(spec.slug + '.json', 'application/json', json(spec));
  });

  // ---- drawing -----------------------------------------------------------------

  // Charts are drawn when they come near the window and disposed of when
  // they are far from it, so that a page of many large charts holds only
  // the few on screen: a browser draws any page in bounded memory.
  // drawnCanvases[i] is the number of canvases chart i had when it last
  // finished drawing.
  var drawnCanvases = [];
  var hash = location.hash.slice(1).split(',');

  function status() {
    var canvases = [];
    var rendered = 0;
    document.querySelectorAll('.chart-canvas').forEach(function (el, i) {
      var n = 0;
      el.querySelectorAll('canvas').forEach(function (c) { if (c.width > 0 && c.height > 0) n++; });
      n = Math.max(n, drawnCanvases[i] || 0);
      canvases.push(n);
      if (finished[i] && n > 0) rendered++;
    });
    root.setAttribute('data-landscape-status', JSON.stringify({ charts: specs.length, rendered: rendered, canvases: canvases, errors: L.errors }));
    if (rendered === specs.length && !root.hasAttribute('data-landscape-done')) {
      if (hash.indexOf('landscape-selftest') >= 0) selfTest();
      root.setAttribute('data-landscape-done', 'true');
    }
  }

  // selfTest builds every chart's downloads (as a click on its links would)
  // and records their sizes in data-landscape-selftest, for the tests.
  function selfTest() {
    var out = [];
    specs.forEach(function (spec) {
      try {
        var c = csv(spec), j = JSON.parse(json(spec));
        out.push({ csv_rows: c.split('\n').length - 2, csv_header: c.slice(0, c.indexOf('\n')), json_tables: j.tables.length });
      } catch (err) {
        L.record('downloads of ' + spec.title + ': ' + (err && err.stack || err));
      }
    });
    root.setAttribute('data-landscape-selftest', JSON.stringify(out));
  }

  function countCanvases(el) {
    var n = 0;
    el.querySelectorAll('canvas').forEach(function (c) { if (c.width > 0 && c.height > 0) n++; });
    return n;
  }

  // draw draws chart i, unless it is drawn; it binds the tables to the
  // series each time, as release drops them.
  function draw(i) {
    if (instances[i]) return;
    var spec = specs[i];
    var el = document.querySelector('.chart-canvas[data-chart="' + i + '"]');
    var option = spec.option;
    spec._bindOf = {};
    spec.binds.forEach(function (b) {
      spec._bindOf[b.series] = b;
      var bind = binders[b.as];
      if (!bind) throw new Error('report: unknown binding ' + b.as);
      option.series[b.series].data = bind(spec.tables[b.table], spec);
    });
    if (!spec._resolved) {
      resolve(option, spec);
      spec._resolved = true;
    }
    var chart = echarts.init(el, null, { renderer: 'canvas' });
    instances[i] = chart;
    if (spec.equal && !spec._equal) {
      equalScale(option, spec.equal, chart.getWidth(), chart.getHeight());
      spec._equal = true;
    }
    chart.on('finished', function () {
      if (instances[i] !== chart) return;
      drawnCanvases[i] = Math.max(drawnCanvases[i] || 0, countCanvases(el));
      if (!finished[i]) {
        finished[i] = true;
        status();
      }
      if (walking === i) walkOn();
    });
    chart.setOption(option);
  }

  // release disposes of chart i and lets go of the series data and the
  // decoded tables behind it.
  // 3-D charts stay once drawn: ECharts-GL, disposed of, still draws a
  // frame into the chart it no longer has, and fails.
  function release(i) {
    var chart = instances[i];
    if (!chart || specs[i].gl) return;
    instances[i] = null;
    // Cleared at once, disposed of once the frames it has asked for are
    // drawn: ECharts, disposed of with a frame pending, paints that frame
    // into the painter it has let go of, and fails.
    chart.clear();
    var frame = window.requestAnimationFrame || function (f) { setTimeout(f, 16); };
    frame(function () { frame(function () { setTimeout(function () { chart.dispose(); }, 100); }); });
    var spec = specs[i];
    spec.binds.forEach(function (b) { spec.option.series[b.series].data = null; });
    spec.tables.forEach(function (t) { delete t._rows; delete t._values; });
  }

  function safely(what, i, f) {
    try {
      f();
    } catch (err) {
      L.record('chart ' + (i + 1) + ' (' + specs[i].title + '): ' + what + ': ' + (err && err.stack || err));
      if (walking === i) walkOn();
    }
  }

  // near reports whether chart i is within a window's height of the window.
  function near(i) {
    var r = document.querySelector('.chart-canvas[data-chart="' + i + '"]').getBoundingClientRect();
    var h = window.innerHeight || document.documentElement.clientHeight;
    return r.bottom > -h && r.top < 2 * h;
  }

  function update() {
    specs.forEach(function (spec, i) {
      if (near(i) || walking === i) safely('draw', i, function () { draw(i); });
      else safely('release', i, function () { release(i); });
    });
  }

  // With #landscape-walk (as the tests open pages) the page scrolls to each
  // chart in turn, as a reader would, and waits for it to finish drawing
  // before it goes on: every chart is drawn once, and no more of them are
  // held at a time than a reader scrolling through the page makes it hold.
  var walking = -1;
  function walkOn() {
    walking++;
    if (walking >= specs.length) {
      walking = -1;
      setTimeout(function () {
        window.scrollTo(0, 0);
        update();
        status();
      }, 0);
      return;
    }
    var el = document.querySelector('.chart-canvas[data-chart="' + walking + '"]');
    var at = walking;
    el.scrollIntoView({ block: 'center' });
    setTimeout(function () { if (walking === at) update(); }, 0);
  }

  var pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    (window.requestAnimationFrame || setTimeout)(function () { pending = false; update(); });
  }
  window.addEventListener('scroll', schedule, { passive: true });
  window.addEventListener('resize', function () {
    instances.forEach(function (c) { if (c) c.resize(); });
    schedule();
  });
  if (hash.indexOf('landscape-walk') >= 0 && specs.length > 0) walkOn();
  else update();
  status();
})();
