"""The live board: notes, phases, presence and the WebSocket that pushes them (docs/realtime.md)."""
