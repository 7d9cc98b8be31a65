"""What the board writes for other tools: one registry of formats (see the registry below)."""
