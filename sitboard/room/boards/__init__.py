"""The briefing room's boards, on Textual: the presenter console and the follower board.

The transport below (`sitboard.room`) knows nothing of Textual; this package
puts a board at each end of it. `console.PresenterConsole` is the board with
the briefer's layout (the event in full, speaker notes, what comes next, the
room) that publishes every new state; `audience.FollowerBoard` is the
ordinary board, read-only, that shows the states a presenter sends.
`launch` opens them the command line's way; `stamps` records when each drew
what, for `sitboard bench` and the tests.
"""

from pathlib import Path

import sitboard.app

# The board's style sheet by its full path: Textual reads a relative CSS_PATH beside the subclass's module.
APP_CSS = str(Path(sitboard.app.__file__).parent / "app.tcss")
