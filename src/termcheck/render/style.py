"""The stylesheet of the HTML report, inlined so the page is one self-contained file.

System fonts only (no web font is fetched). The marks (■ ▲ □ △) carry the meaning of a
month's colour, so a page printed in black and white or read by a screen reader loses
nothing. Narrow screens put a month's events under the month; print keeps the colours
and avoids breaking a customer's timeline across pages.
"""

CSS = """\
:root {
  --fg: #1a202c; --muted: #4a5568; --line: #cbd5e0; --soft: #f4f6f9; --bg: #fff;
  --ok: #276749; --ok-soft: #f0fff4; --bad: #c53030; --bad-soft: #fff5f5;
  --warn: #975a16; --warn-soft: #fffaf0; --refuted: #2c5282;
  --fee: #2b6cb0; --free: #bee3f8; --penalty: #c53030; --waived: #fbd38d;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body {
  margin: 0; color: var(--fg); background: var(--bg); line-height: 1.65;
  font-family: system-ui, -apple-system, "Segoe UI", "Hiragino Sans",
    "Hiragino Kaku Gothic ProN", "Noto Sans CJK JP", "Noto Sans JP", "Yu Gothic",
    Meiryo, "IPAGothic", sans-serif;
}
.report-header, main, .report-footer { max-width: 64rem; margin: 0 auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin: 1.2rem 0 .2rem; }
h2 { font-size: 1.3rem; margin: 1.6rem 0 .6rem; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.1rem; margin: 0 0 .1rem; }
h4 { font-size: .95rem; margin: .9rem 0 .3rem; color: var(--muted); }
h5 { font-size: 1rem; margin: 0 0 .3rem; }
p { margin: .3rem 0; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono",
  monospace; }
code { font-size: .9em; overflow-wrap: anywhere; }
pre { margin: 0; padding: .4rem .6rem; background: var(--soft); border-radius: .3rem;
  white-space: pre-wrap; overflow-wrap: anywhere; font-size: .85rem; }
a { color: var(--refuted); }
.terms-title { font-size: 1.1rem; font-weight: 600; }
.meta, .where, .title-other, .report-footer { color: var(--muted); font-size: .9rem; }

.verdict { font-weight: 700; padding: .5rem .8rem; border-left: .4rem solid var(--ok);
  background: var(--ok-soft); border-radius: .3rem; }
.exit-1 .verdict { border-color: var(--bad); background: var(--bad-soft); }
.exit-3 .verdict { border-color: var(--warn); background: var(--warn-soft); }
.counts { display: grid; grid-template-columns: repeat(auto-fit, minmax(7.5rem, 1fr));
  gap: .5rem; margin: .8rem 0 0; }
.count { border: 1px solid var(--line); border-radius: .4rem; padding: .4rem .7rem;
  background: var(--soft); }
.count dt { font-size: .85rem; color: var(--muted); }
.count dd { margin: 0; font-size: 1.7rem; font-weight: 700; line-height: 1.2;
  font-variant-numeric: tabular-nums; }
.count.alarm { border-color: var(--bad); background: var(--bad-soft); }
.count.alarm dd { color: var(--bad); }

.glance h2 { font-size: 1.05rem; border: 0; margin: 1rem 0 .2rem; }
.glance h2 a { color: inherit; }
.glance .glance-unmet a, .glance .glance-defect a { color: var(--bad); }
.glance ul { margin: 0; padding-left: 1.2rem; }
.glance li { margin: .1rem 0; }
.glance-others { margin-top: .6rem; color: var(--muted); font-size: .9rem; }
details.contents { margin: 1rem 0; }
details.contents > summary { cursor: pointer; font-weight: 600; color: var(--muted); }

.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .88rem; }
th, td { text-align: left; vertical-align: top; padding: .3rem .45rem;
  border-bottom: 1px solid var(--line); }
th { background: var(--soft); }
td:nth-child(n+2) { white-space: nowrap; }
td code.id { color: var(--muted); font-size: .8rem; }
tr.unmet td { background: var(--bad-soft); }
.badge { display: inline-block; padding: 0 .45rem; border-radius: .3rem; color: #fff;
  white-space: nowrap;
  font-size: .82rem; line-height: 1.6; background: var(--muted); }
.badge.status-proved { background: var(--ok); }
.badge.status-violated { background: var(--refuted); }
.badge.status-inconclusive, .badge.status-vacuous { background: var(--warn); }
.badge.status-divergent { background: var(--bad); }

article.property { border-top: 1px solid var(--line); padding: 1rem 0 .8rem; }
article.property.unmet { border-left: .35rem solid var(--bad); padding-left: .8rem; }
.outcome { display: flex; flex-wrap: wrap; gap: .2rem 1.2rem; margin: .4rem 0; }
.outcome div { display: flex; gap: .4rem; align-items: baseline; }
.outcome dt { color: var(--muted); font-size: .85rem; }
.outcome dt::after { content: ":"; }
.outcome dd { margin: 0; }
.verdict-unmet { color: var(--bad); font-weight: 700; }
.detail { color: var(--muted); }
.unmet .detail { color: var(--bad); }
.reason p { background: var(--warn-soft); padding: .4rem .6rem; border-radius: .3rem;
  font-size: .95rem; }
figure.article { margin: .3rem 0 .6rem; }
figure.article figcaption { font-weight: 600; font-size: .92rem; }
blockquote { margin: .2rem 0 0; padding: .3rem .8rem; border-left: .25rem solid var(--line);
  background: var(--soft); font-size: .92rem; }
blockquote p { margin: .15rem 0; }
.expressions { margin: .6rem 0; }
.expressions dt { color: var(--muted); font-size: .85rem; }
.expressions dd { margin: 0 0 .4rem; }

.customers { display: grid; grid-template-columns: repeat(auto-fit, minmax(26rem, 1fr));
  gap: .8rem; }
.customer { border: 1px solid var(--line); border-radius: .4rem; padding: .6rem .8rem; }
.facts, .figures, .story { margin: .2rem 0 .5rem; padding-left: 1.2rem; font-size: .92rem; }
ol.timeline { list-style: none; margin: .4rem 0; padding: 0; border-top: 1px solid var(--line); }
.timeline .month { display: grid; grid-template-columns: 8.6rem 3.2rem 1fr; gap: .2rem .6rem;
  align-items: start; padding: .2rem 0; border-bottom: 1px solid var(--line); font-size: .9rem; }
.timeline .when { white-space: nowrap; font-variant-numeric: tabular-nums; }
.timeline .folded .when { color: var(--muted); font-size: .82rem; white-space: normal; }
.timeline .mark { text-align: center; border-radius: .25rem; font-weight: 700; min-height: 1.5em; }
.timeline .events { list-style: none; margin: 0; padding: 0; }
.timeline.events-only .month { grid-template-columns: 8.6rem 0 1fr; }
.kind-fee .mark { background: var(--fee); color: #fff; }
.kind-free .mark { background: var(--free); }
.kind-penalty .mark { background: var(--penalty); color: #fff; }
.kind-waived .mark { background: var(--waived); }
.legend { display: flex; flex-wrap: wrap; gap: .3rem 1rem; list-style: none; padding: 0;
  margin: .5rem 0 0; font-size: .85rem; color: var(--muted); }
.legend .mark { display: inline-block; min-width: 1.6em; text-align: center;
  border-radius: .2rem; }

@media (max-width: 34rem) {
  .report-header, main, .report-footer { padding: 0 .6rem; }
  /* Four small counts a row, so the defects show on the first screen. */
  .counts { grid-template-columns: repeat(4, 1fr); gap: .3rem; }
  .count { padding: .2rem .35rem; }
  .count dt { font-size: .7rem; }
  .count dd { font-size: 1.1rem; }
  h1 { font-size: 1.3rem; margin-top: .6rem; }
  .customers { grid-template-columns: 1fr; }
  .customer { padding: .5rem .6rem; }
  .timeline .month { grid-template-columns: 1fr 3.2rem; }
  .timeline .events { grid-column: 1 / -1; padding-left: .6rem; }
  .timeline .events:empty { display: none; }
  .timeline.events-only .month { grid-template-columns: 1fr; }
  .timeline.events-only .mark { display: none; }
}

@media print {
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  @page { margin: 14mm 12mm; }
  body { font-size: 10pt; line-height: 1.5; }
  .report-header, main, .report-footer { max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  h2, h3, h4, h5 { break-after: avoid; }
  .customer, figure.article, .summary, .outcome, .timeline .month { break-inside: avoid; }
  /* Two customers side by side, each month's events under the month. */
  .customers { grid-template-columns: repeat(2, 1fr); }
  .timeline .month { grid-template-columns: 1fr 3.2rem; }
  .timeline .events { grid-column: 1 / -1; padding-left: .6rem; }
  .timeline .events:empty { display: none; }
}
"""
