"""The app's own CSS: page layout, cards and the live grid. Colours, words and the
shared pieces (banner, notes, stage matrix, tables) come from ``ui`` and ``views``."""

from __future__ import annotations

from negotiation_sim.ui.css import CSS as KIT_CSS

APP_CSS = """
.ns-app { font-size: 15px; }
.ns-shell { display: flex; gap: 18px; align-items: flex-start; padding: 6px 14px; }
.ns-side { width: 320px; min-width: 290px; flex: 0 0 320px; max-height: calc(100vh - 16px);
    overflow-y: auto; position: sticky; top: 6px; padding-right: 6px; }
.ns-main { flex: 1 1 auto; min-width: 0; }
.ns-title { font-size: 20px; font-weight: 600; margin: 0; }
.ns-lead { font-size: 14px; line-height: 1.4; margin: 0 0 2px 0; max-width: 1100px; }
.ns-card-title { font-weight: 600; font-size: 15.5px; }
.ns-chart { width: 100%; height: auto; display: block; }
.ns-moves tr.ns-eventful td { background: #fff6d6; }
.ns-moves tr.ns-quiet td { color: #555; }
.ns-scroll { max-height: 420px; overflow-y: auto; border: 1px solid #ddd; }
.ns-kv td { padding: 1px 8px 1px 0; font-size: 13.5px; vertical-align: top; }
.ns-prob td, .ns-prob th { text-align: right; }
.ns-prob td:first-child, .ns-prob th:first-child { text-align: left; }
.ns-cards { display: flex; flex-direction: column; gap: 8px; min-width: 0; }
.ns-card { border: 1px solid #d5d5d5; border-radius: 6px; padding: 6px 10px;
    background: #fff; box-shadow: 0 1px 2px rgba(0,0,0,0.08); overflow-x: auto; }
.ns-live-grid { display: grid; grid-template-columns: minmax(0, 1.15fr) minmax(0, 1fr);
    gap: 10px 16px; align-items: start; }
.ns-live-bottom { grid-template-columns: minmax(0, 1fr) minmax(0, 1.2fr); }
.ns-moves td:first-child { white-space: nowrap; }
.ns-h3 { margin: 0 0 2px 0; font-size: 15.5px; font-weight: 600; }
.ns-run-error { color: #b00020; border: 1px solid #b00020; padding: 6px; }
.ns-round-line { font-size: 14.5px; }
.ns-same-run-flag { font-size: 12.5px; background: #fff8e1; border: 1px solid #b58900;
    border-radius: 8px; padding: 0 6px; white-space: nowrap; }
@media (max-width: 1000px) {
  .ns-shell { flex-direction: column; }
  .ns-side { width: 100%; flex: 1 1 auto; max-height: none; position: static; }
  .ns-live-grid { grid-template-columns: minmax(0, 1fr); }
}
"""

#: the kit's CSS and the app's, in that order
CSS = KIT_CSS + APP_CSS
