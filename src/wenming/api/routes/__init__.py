"""HTTP routes, one module per resource; each parses, calls one service function, renders."""
