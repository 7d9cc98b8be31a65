"""`sitboard export --format html`: one offline file with every step, its text the narration's.

Read with the standard library's HTML parser, as a browser's tokenizer reads
it: what a browser would load is an attribute that loads (`src`, `href`,
`xlink:href`, `srcset`, `data`, `poster`, `action`) or a CSS `url(...)` or
`@import`, wherever it is.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import yaml

from tests.functional.test_cli import BUNDLED, Files, raw, sitboard

LOADING = {"src", "href", "xlink:href", "srcset", "data", "poster", "action", "formaction", "background"}


class Replay(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.loads: list[str] = []
        self.narrations: list[str] = []
        self.live: list[dict[str, str | None]] = []
        self.styles: list[str] = []
        self.text: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(str(a["id"]))
        self.loads += [str(v) for k, v in attrs if k in LOADING and v is not None]
        if "aria-live" in a:
            self.live.append(a)
        if tag == "p" and a.get("class") == "narration":
            self._in = "narration"
            self.narrations.append("")
        if tag == "style":
            self._in = "style"
            self.styles.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("p", "style"):
            self._in = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in == "narration":
            self.narrations[-1] += data
        elif self._in == "style":
            self.styles[-1] += data


def replay_of(path: Path, tmp_path: Path, *extra: str) -> tuple[str, Replay]:
    r = sitboard("export", path.name, "--format", "html", "-o", "brief.html", *extra, cwd=tmp_path)
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")
    page = (tmp_path / "brief.html").read_text(encoding="utf-8")
    parsed = Replay()
    parsed.feed(page)
    return page, parsed


def test_every_step_is_in_the_file_with_the_narration_s_sentence(files: Files, tmp_path: Path) -> None:
    path = files.add("central_syria.yaml", BUNDLED.read_bytes())
    n = len(raw(path)["events"])
    page, parsed = replay_of(path, tmp_path, "--size", "120x40")
    # one section per step, each addressable by the URL fragment, each with the board drawn
    assert [i for i in parsed.ids if i.startswith("step-")] == [f"step-{k}" for k in range(n + 1)]
    assert page.count("<svg ") == n + 1
    narrated = sitboard("narrate", path.name, cwd=tmp_path).stdout.splitlines()
    assert parsed.narrations == narrated
    # the sentence is announced as the step changes
    assert [a.get("aria-live") for a in parsed.live] == ["polite"]
    # the event's words and its sources are text, not only drawn
    text = " ".join(parsed.text)
    assert "Where: Hama" in text and "Syrian Observatory for Human Rights (opposition war monitor)" in text


def test_nothing_is_fetched(files: Files, tmp_path: Path) -> None:
    path = files.add("central_syria.yaml", BUNDLED.read_bytes())
    page, parsed = replay_of(path, tmp_path)
    # in-page links only: steps
    assert parsed.loads and all(re.fullmatch(r"#step-\d+", v) for v in parsed.loads), parsed.loads
    for css in parsed.styles:
        assert "url(" not in css and "@import" not in css and "@font-face" not in css
    assert "http" not in page.lower()  # not even a namespace or a comment: nothing that could load


def test_hostile_text_stays_text(files: Files, tmp_path: Path) -> None:
    data = yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))
    data["title"] = '</title><script src="http://evil.example/x.js"></script>'
    data["events"][0]["title"] = '<img src="https://evil.example/p.png"> & </p><a href="http://x">'
    data["sources"][0]["url"] = "https://example.org/report"
    path = files.add("hostile.yaml", yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    page, parsed = replay_of(path, tmp_path, "--size", "100x30")
    assert all(re.fullmatch(r"#step-\d+", v) for v in parsed.loads), parsed.loads
    assert "&lt;img src=" in page and "<img" not in page
    assert page.count("<script") == 1  # ours
