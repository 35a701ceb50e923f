"""The CSS of the shared kit (classes ``ns-*``): banner, notes, chips, swatches, meters,
tables (``td.num`` right-aligned), the stage matrix, error boxes, help captions and
muted inline text. Front ends add their own layout on top."""

CSS = """
.ns-banner { padding: 9px 16px; border-radius: 6px; font-size: 16.5px; line-height: 1.35; }
.ns-banner b { font-size: 18px; }
.ns-banner-detail { font-size: 14px; margin-top: 3px; }
.ns-note { border: 1px solid #b58900; background: #fff8e1; color: #3d2f00; padding: 6px 10px;
    border-radius: 5px; font-size: 13.5px; line-height: 1.35; margin: 4px 0; }
.ns-help { font-size: 12.5px; color: #444; line-height: 1.3; margin: 2px 0 10px 0; }
.ns-muted { color: #555; font-size: 0.92em; }
.ns-caption { font-size: 12.5px; color: #333; margin: 2px 0 8px 0; line-height: 1.35; }
.ns-chip { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 0.9em;
    border: 1px solid #999; white-space: nowrap; }
.ns-swatch { display: inline-block; width: 11px; height: 11px; margin-right: 5px;
    border: 1px solid #555; vertical-align: middle; }
.ns-meter { display: inline-block; position: relative; width: 120px; height: 10px;
    background: #eee; border: 1px solid #999; vertical-align: middle; margin: 0 6px; }
.ns-meter > span { display: block; height: 100%; }
.ns-meter > span.ns-meter-mark { position: absolute; top: -3px; width: 2px; height: 14px;
    background: #000; }
.ns-table { border-collapse: collapse; font-size: 13px; width: 100%; }
.ns-table th, .ns-table td { border-bottom: 1px solid #ddd; padding: 3px 6px;
    text-align: left; vertical-align: top; }
.ns-table th { background: #f3f3f3; position: sticky; top: 0; }
.ns-table td.num { text-align: right; font-variant-numeric: tabular-nums; }
.ns-matrix { border-collapse: collapse; font-size: 13.5px; }
.ns-matrix th, .ns-matrix td { border: 1px solid #bbb; padding: 5px 8px; text-align: center; }
.ns-matrix th { background: #f3f3f3; }
.ns-matrix td.ns-played { outline: 3px solid #000; outline-offset: -3px; }
.ns-matrix td.ns-nash { background: #e6f4ee; }
.ns-matrix td.ns-best { font-weight: 700; }
.ns-matrix-note { font-size: 12.5px; }
.ns-errors { white-space: pre-wrap; font-family: monospace; font-size: 12.5px; margin: 0; }
"""
