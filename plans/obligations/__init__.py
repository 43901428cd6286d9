"""The duties and objectives a partnership's plan answers to: their list, a theme's tags, and
the coverage page (which reads actions.coverage)."""
