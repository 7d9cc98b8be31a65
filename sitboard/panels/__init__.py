"""What each panel says, as pure functions of the situation: styled text with no terminal in sight.

Each function takes the `Situation` at a step (and what else it needs) and a
`Words` (how the board writes scenario text, ASCII or not) and returns
`Styled` text: spans of plain text with a semantic role ("strong",
"badge:<holder>", "confidence:confirmed", ...). The board turns roles into
colours in one place (`sitboard.app.style`), so these are tested without a
terminal and any other output (a briefing, a narration) can reuse them.
"""
