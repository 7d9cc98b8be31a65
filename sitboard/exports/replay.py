"""The briefing as one HTML file anyone can open offline: the board at every step, stepped with keys or a slider.

For those who missed the briefing: no server, no network, no install. The
file holds, for each step, the board as the terminal showed it (an SVG drawn
headless, as `export --format svg` draws it), the Event panel's words as real
HTML text (selectable, searchable, read by a screen reader), and the step's
narration sentence (`sitboard narrate`), which a live region announces when
the step changes. A list of every step's sentence, each a link to its step,
keeps the whole story searchable and navigable without the script.

Nothing is fetched: the script and styles are inline, and the pictures'
`@font-face` rules (which point at a font CDN) are removed, so the board is
drawn in the reader's own monospace font. The step is in the URL's fragment
(`brief.html#step-3`), so a link opens at that step and the back button
walks back through the steps seen.
"""

from __future__ import annotations

import re
from html import escape

from sitboard.app.app import SitboardApp
from sitboard.exports import ExportOptions
from sitboard.exports.picture import board_frames, svg_of
from sitboard.panels.event import event as event_panel
from sitboard.panels.narration import narration
from sitboard.panels.styled import Span
from sitboard.panels.words import words_for
from sitboard.scenario.cleantext import clean
from sitboard.state import BoardState
from sitboard.timeline import Timeline

_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_SVG_NS = ' xmlns="http://www.w3.org/2000/svg"'  # inline SVG in HTML needs no namespace
_SVG_ID = re.compile(r"terminal-(\d+)")


def export_html(timeline: Timeline, state: BoardState, options: ExportOptions) -> bytes:
    """Every step of the scenario (the view of `state`), opening at `state.step` unless the link names another."""
    steps = range(timeline.steps + 1)
    pictures = board_frames(timeline, state, options, steps, _picture, "html")
    words = words_for(timeline.scenario)
    title = _text(timeline.scenario.title) or "Untitled scenario"
    sections = []
    sentences = []
    for step, svg in zip(steps, pictures):
        situation = timeline.state_at(step)
        sentence = narration(situation)
        sentences.append(sentence)
        label = "the start" if step == 0 else f"step {step} of {timeline.steps}"
        sections.append(
            f'<section class="step" id="step-{step}" data-step="{step}" aria-label="{escape(label)}">\n'
            f'<p class="narration">{escape(sentence)}</p>\n'
            f'<figure role="img" aria-label="{escape(f"The board at {label}: {sentence}")}">\n'
            f"{_scoped(svg, step)}\n</figure>\n"
            f'<div class="event">\n{_event_html(event_panel(situation, words))}</div>\n'
            "</section>"
        )
    index = "\n".join(
        f'<li><a href="#step-{step}">{escape(sentence)}</a></li>' for step, sentence in zip(steps, sentences)
    )
    page = _PAGE.format(
        title=escape(title),
        last=timeline.steps,
        start=timeline.clamp(state.step),
        sections="\n".join(sections),
        index=index,
        style=_STYLE,
        script=_SCRIPT.replace("LAST", str(timeline.steps)).replace("START", str(timeline.clamp(state.step))),
    )
    return page.encode("utf-8")


def _picture(app: SitboardApp) -> str:
    svg = svg_of(app)
    svg = _FONT_FACE.sub("", svg)
    svg = _COMMENT.sub("", svg)
    return svg.replace(_SVG_NS, "", 1)


def _scoped(svg: str, step: int) -> str:
    """The picture with ids of its own: two steps that look the same must not share an id in one document."""
    return _SVG_ID.sub(lambda m: f"terminal-s{step}-{m.group(1)}", svg).replace("<svg ", '<svg aria-hidden="true" ', 1)


def _event_html(spans: tuple[Span, ...]) -> str:
    """The Event panel's text as paragraphs, its strong spans in bold: the board's words, as text."""
    lines: list[list[str]] = [[]]
    for text, role in spans:
        for i, part in enumerate(text.split("\n")):
            if i:
                lines.append([])
            if part:
                html = escape(_text(part, keep_spaces=True))
                lines[-1].append(f"<strong>{html}</strong>" if role == "strong" else html)
    return "".join(f"<p>{''.join(line)}</p>\n" for line in lines if line)


def _text(value: str, keep_spaces: bool = False) -> str:
    cleaned = clean(value)
    return cleaned if keep_spaces else " ".join(cleaned.split())


_STYLE = """
body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 110em; padding: 0 1em; background: #1e1e1e; color: #e8e8e8; }
a { color: #8cc8ff; }
.controls { position: sticky; top: 0; background: #1e1e1e; padding: .5em 0; display: flex; gap: .75em; align-items: center; flex-wrap: wrap; }
.controls input[type=range] { flex: 1; min-width: 12em; }
button { font: inherit; padding: .2em .8em; }
#announce { font-weight: bold; min-height: 1.5em; flex-basis: 100%; margin: 0; }
.step { scroll-margin-top: 7em; }
figure { margin: 0; }
figure svg { width: 100%; height: auto; font-family: monospace; }
.event { max-width: 60em; }
.event p { margin: .3em 0; }
.js .step[hidden] { display: none; }
.js .step .narration { position: absolute; left: -10000px; }
"""

_SCRIPT = r"""
(function () {
  var last = LAST, start = START;
  var steps = Array.prototype.slice.call(document.querySelectorAll(".step"));
  var slider = document.getElementById("slider");
  var shown = document.getElementById("shown");
  var announce = document.getElementById("announce");
  document.documentElement.className = "js";
  function fromHash() {
    var m = /^#step-(\d+)$/.exec(location.hash);
    return m ? Math.min(parseInt(m[1], 10), last) : null;
  }
  function show(step, push) {
    step = Math.max(0, Math.min(last, step));
    steps.forEach(function (s) { s.hidden = Number(s.getAttribute("data-step")) !== step; });
    slider.value = String(step);
    shown.textContent = step === 0 ? "start" : "step " + step + " / " + last;
    announce.textContent = steps[step].querySelector(".narration").textContent;
    document.getElementById("previous").disabled = step === 0;
    document.getElementById("next").disabled = step === last;
    if (push && location.hash !== "#step-" + step) { history.pushState(null, "", "#step-" + step); }
  }
  function current() { return Number(slider.value); }
  slider.addEventListener("input", function () { show(current(), true); });
  document.getElementById("previous").addEventListener("click", function () { show(current() - 1, true); });
  document.getElementById("next").addEventListener("click", function () { show(current() + 1, true); });
  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey || e.target === slider) { return; }
    var to = {ArrowRight: current() + 1, ArrowLeft: current() - 1, Home: 0, End: last}[e.key];
    if (to === undefined) { return; }
    e.preventDefault();
    show(to, true);
  });
  function followLink() { var s = fromHash(); if (s !== null) { show(s, false); } }
  window.addEventListener("hashchange", followLink);
  window.addEventListener("popstate", followLink);
  var initial = fromHash();
  show(initial === null ? start : initial, false);
})();
"""

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
<h1>{title}</h1>
<div class="controls" role="group" aria-label="Steps">
<button id="previous" type="button" aria-label="Previous step">&larr;</button>
<label for="slider">Step</label>
<input id="slider" type="range" min="0" max="{last}" value="{start}" step="1">
<button id="next" type="button" aria-label="Next step">&rarr;</button>
<span id="shown"></span>
<p id="announce" aria-live="polite" aria-atomic="true"></p>
</div>
<main>
{sections}
</main>
<nav aria-label="Every step">
<h2>Every step</h2>
<ol start="0">
{index}
</ol>
</nav>
<script>{script}</script>
</body>
</html>
"""
