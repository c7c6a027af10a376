/* Draw the dashboard's charts with the locally served Apache ECharts: city map, trends, evidence graph, Table 1.
   Every tooltip is drawn as canvas text (renderMode "richText"), never as HTML: names and ids come from
   institutions' data, and text cannot run as script whatever it holds. */
(function () {
  "use strict";
  var TEXT_TOOLTIP = { renderMode: "richText" };
  function tooltip(extra) { return Object.assign({}, TEXT_TOOLTIP, extra || {}); }
  function text(value) { return value === null || value === undefined ? "" : String(value); }
  function json(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  function chart(id) {
    var node = document.getElementById(id);
    if (!node || !window.echarts) return null;
    var c = echarts.init(node);
    window.addEventListener("resize", function () { c.resize(); });
    node.dataset.ready = "1";
    return c;
  }
  var SEVERITY_COLOURS = { critical: "#9f1239", high: "#d93025", medium: "#e8a317", low: "#4a8fd4" };

  function overview() {
    var data = json("overview-data"), labels = json("labels");
    if (!data || !data.cities) return;
    var en = labels.lang === "en";
    var nameMap = {};
    data.cities.forEach(function (c) { nameMap[c.name_zh] = en ? c.name_en : c.name_zh; });
    var mapNode = document.getElementById("city-map");
    fetch(mapNode.dataset.geo, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (geo) {
      echarts.registerMap("zhejiang", geo);
      var map = chart("city-map");
      function draw(metric) {
        var values = data.cities.map(function (c) { return { name: c.name_zh, value: c[metric] }; });
        var max = Math.max.apply(null, values.map(function (v) { return v.value; }).concat([1]));
        map.setOption({
          tooltip: tooltip({ trigger: "item", formatter: function (p) {
            var c = data.cities.filter(function (x) { return x.name_zh === p.name; })[0];
            return c ? [en ? c.name_en : c.name_zh, labels.payments + ": " + c.payments, labels.alerts + ": " + c.alerts].join("\n") : text(p.name);
          } }),
          visualMap: { min: 0, max: max, left: 10, bottom: 10, calculable: true, text: [labels[metric], ""],
                       inRange: { color: metric === "alerts" ? ["#fff5f0", "#fb6a4a", "#a50f15"] : ["#eff6ff", "#6baed6", "#08306b"] } },
          series: [{ name: labels[metric], type: "map", map: "zhejiang", nameMap: nameMap, roam: false,
                     label: { show: true, fontSize: 12 }, data: values.map(function (v) { return { name: nameMap[v.name], value: v.value }; }) }]
        }, true);
        mapNode.dataset.metric = metric;
      }
      draw("payments");
      document.querySelectorAll(".metric-switch button").forEach(function (b) {
        b.addEventListener("click", function () {
          document.querySelectorAll(".metric-switch button").forEach(function (x) { x.classList.toggle("on", x === b); });
          draw(b.dataset.metric);
        });
      });
    });
    var trend = chart("trend");
    if (trend) trend.setOption({
      tooltip: tooltip({ trigger: "axis" }), legend: { data: [labels.payments, labels.alerts] },
      grid: { left: 50, right: 50, top: 36, bottom: 30 },
      xAxis: { type: "category", data: data.trend.map(function (d) { return d.day.slice(5); }) },
      yAxis: [{ type: "value", name: labels.payments }, { type: "value", name: labels.alerts }],
      series: [
        { name: labels.payments, type: "line", smooth: true, data: data.trend.map(function (d) { return d.payments; }) },
        { name: labels.alerts, type: "bar", yAxisIndex: 1, itemStyle: { color: "#d93025" }, data: data.trend.map(function (d) { return d.alerts; }) }
      ]
    });
    var severity = chart("severity");
    if (severity) severity.setOption({
      tooltip: tooltip({ trigger: "item" }),
      series: [{ type: "pie", radius: ["40%", "70%"], label: { formatter: "{b}\n{c}" }, data: Object.keys(data.severity).map(function (k) {
        return { name: labels.severity[k] || k, value: data.severity[k], itemStyle: { color: SEVERITY_COLOURS[k] } };
      }) }]
    });
    var typology = chart("typology");
    if (typology) {
      var kinds = Object.keys(data.typology).sort(function (a, b) { return data.typology[a] - data.typology[b]; });
      var most = Math.max.apply(null, kinds.map(function (k) { return data.typology[k]; }).concat([1]));
      typology.setOption({
        tooltip: tooltip(), grid: { left: 8, right: 8, top: 6, bottom: 20 },
        xAxis: { type: "value", show: false, max: Math.ceil(most * 2.2) },
        yAxis: { type: "category", data: kinds.map(function (k) { return (labels.typology || {})[k] || k; }), axisLabel: { show: false }, axisTick: { show: false } },
        series: [{ type: "bar", barMaxWidth: 14, data: kinds.map(function (k) { return data.typology[k]; }), itemStyle: { color: "#0b5cad" },
                   label: { show: true, position: "right", fontSize: 11, formatter: "{b}  {c}" } }]
      });
    }
    var grades = chart("grades");
    if (grades) grades.setOption({
      tooltip: tooltip(), grid: { left: 30, right: 10, top: 10, bottom: 20 },
      xAxis: { type: "category", data: Object.keys(data.grades) }, yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", data: Object.keys(data.grades).map(function (g) { return data.grades[g]; }), itemStyle: { color: "#12355b" } }]
    });
  }

  function evidence() {
    var data = json("evidence-data"), names = json("evidence-labels") || {};
    if (!data) return;
    var graph = chart("evidence");
    if (!graph) return;
    var colours = { individual: "#4a8fd4", enterprise: "#d9622b", unknown: "#8896a8" };
    var max = Math.max.apply(null, data.nodes.map(function (n) { return n.payments; }).concat([1]));
    graph.setOption({
      tooltip: tooltip({ formatter: function (p) {
        var d = p.data;
        if (p.dataType === "edge") return [text(d.payment), text(d.amount) + " " + text(d.currency), text(d.at)].join("\n");
        return text(d.name) + "\n" + text(names[d.kind] || d.kind) + (d.country ? " · " + text(d.country) : "") + " · " + text(d.payments);
      } }),
      legend: { data: Object.keys(colours).map(function (k) { return names[k] || k; }) },
      series: [{
        type: "graph", layout: "force", roam: true, draggable: true,
        force: { repulsion: 160, edgeLength: [60, 140] },
        categories: Object.keys(colours).map(function (k) { return { name: names[k] || k, itemStyle: { color: colours[k] } }; }),
        edgeSymbol: ["none", "arrow"], edgeSymbolSize: 7,
        lineStyle: { color: "#8896a8", curveness: 0.15, opacity: 0.8 },
        label: { show: data.nodes.length <= 40, position: "right", fontSize: 10, formatter: function (p) { return p.data.name.slice(-8); } },
        data: data.nodes.map(function (n) {
          return { id: n.id, name: n.id, kind: n.kind, country: n.country, payments: n.payments,
                   category: Object.keys(colours).indexOf(n.kind) < 0 ? 2 : Object.keys(colours).indexOf(n.kind),
                   symbolSize: 8 + 22 * Math.sqrt(n.payments / max) };
        }),
        links: data.edges.map(function (e) {
          return { source: e.source, target: e.target, payment: e.institution_id + "/" + e.payment_id, amount: e.amount, currency: e.currency, at: e.initiated_at };
        })
      }]
    });
  }

  function statistics() {
    var d = json("trade-data"), labels = json("statistics-labels");
    var trade = d && chart("trade-chart");
    if (!trade) return;
    trade.setOption({
      tooltip: tooltip({ trigger: "axis" }), legend: {},
      xAxis: { type: "category", data: d.years }, yAxis: [{ type: "value", name: labels.unit }, { type: "value", name: "%" }],
      series: [{ name: labels.total, type: "bar", data: d.totals },
               { name: labels.reported, type: "line", yAxisIndex: 1, data: d.reported },
               { name: labels.computed, type: "line", yAxisIndex: 1, data: d.computed }]
    });
  }

  document.addEventListener("DOMContentLoaded", function () { overview(); evidence(); statistics(); });
})();
